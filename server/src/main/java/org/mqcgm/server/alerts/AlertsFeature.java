package org.mqcgm.server.alerts;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/**
 * Alerts (issue 13). So far: each wearer's alert rules, {@code GET/PUT /api/v1/alerts/settings}, kept encrypted
 * under their key, evaluated by {@code org.mqcgm.core.alerts.AlertRules}. Raising alerts on ingest, the alerts list
 * and acknowledgement, push delivery and escalation to followers come next.
 */
public final class AlertsFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    private final AlertSettingsStore settings;
    private final AlertRoutes routes;
    private final Platform platform;

    private AlertsFeature(AlertSettingsStore settings, AlertRoutes routes, Platform platform) {
        this.settings = settings;
        this.routes = routes;
        this.platform = platform;
    }

    public static AlertsFeature create(Platform platform) {
        AlertSettingsStore settings = new AlertSettingsStore(platform.jdbi(), platform.userKeys(), platform.mapper());
        return new AlertsFeature(settings, new AlertRoutes(settings, platform.json(), platform.systemClock()),
                platform);
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes);
    }

    /** The wearer's alert rules when they changed the defaults. */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(new Category("alert-settings", settings.stored(owner).isPresent() ? 1 : 0,
                        "alerting you about your glucose (the rules you chose)", "you",
                        "this server's PostgreSQL database, encrypted with your key"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                if (settings.stored(owner).isPresent()) {
                    archive.json(platform.mapper(), "alert-settings.json", "Your alert rules: which alerts are on, "
                            + "thresholds in mg/dL, rates in mg/dL per minute, minutes, quiet hours. JSON object.",
                            AlertRoutes.view(settings.of(owner)));
                }
            }
        });
    }
}
