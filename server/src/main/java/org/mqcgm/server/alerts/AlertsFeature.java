package org.mqcgm.server.alerts;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.push.PushNotifications;
import org.mqcgm.server.platform.readings.IngestListener;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/**
 * Alerts (issue 13): each wearer's alert rules ({@code GET/PUT /api/v1/alerts/settings}, encrypted under their key),
 * evaluated by {@code org.mqcgm.core.alerts.AlertRules} on ingest ({@link #ingestListener()}, which the glucose
 * feature calls inside an upload's transaction, raising what it finds after the commit); the alerts raised, once per episode, with their inputs, rule version
 * and why ({@code GET /api/v1/alerts}, the Alerts page), acknowledged and snoozed; their delivery by push (the
 * {@link PushNotifications} port) and e-mail, repeated until acknowledged; escalation of an unacknowledged urgent
 * low to the followers who share alerts.
 */
public final class AlertsFeature implements Feature {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /** The job that sends due repeats and escalations. */
    public static final String DELIVERY_JOB = "alerts-deliver";

    /** A wearer's readings with {@code from <= time < to}, oldest first (the glucose feature answers). */
    @FunctionalInterface
    public interface RecentReadings {
        List<Reading> between(UUID owner, Instant from, Instant to);
    }

    /** The people a wearer shares alerts with now (an active share including alerts; the sharing feature answers). */
    @FunctionalInterface
    public interface Followers {
        List<UUID> sharingAlerts(UUID person);

        Followers NONE = person -> List.of();
    }

    /** The expected end of a wearer's running sensor session (the glucose feature answers). */
    @FunctionalInterface
    public interface SensorSessions {
        java.util.Optional<Instant> expectedEnd(UUID owner, Instant now);

        SensorSessions NONE = (owner, now) -> java.util.Optional.empty();
    }

    /** The job that raises signal losses. */
    public static final String SILENCE_JOB = "alerts-signal-loss";
    /** Runs the rules again for wearers whose ingest evaluation failed. */
    public static final String EVALUATE_JOB = "alerts-evaluate";

    private final AlertSettingsStore settings;
    private final AlertStore alerts;
    private final AlertRoutes routes;
    private final Alerting alerting;
    private final Profiles profiles;
    private final Platform platform;

    private AlertsFeature(AlertSettingsStore settings, AlertStore alerts, AlertRoutes routes, Alerting alerting,
                          Profiles profiles, Platform platform) {
        this.settings = settings;
        this.alerts = alerts;
        this.routes = routes;
        this.alerting = alerting;
        this.profiles = profiles;
        this.platform = platform;
    }

    /**
     * @param profiles  the wearer's language and unit (the words of an alert), the label followers know them by
     * @param readings  the wearer's recent readings (the glucose feature answers)
     * @param followers who shares the wearer's alerts (the sharing feature answers)
     * @param sessions  when the wearer's sensor session ends (the glucose feature answers)
     * @param push      notifications to a person's devices (the push feature answers)
     */
    public static AlertsFeature create(Platform platform, Profiles profiles, RecentReadings readings,
                                       Followers followers, SensorSessions sessions, PushNotifications push) {
        AlertSettingsStore settings = new AlertSettingsStore(platform.jdbi(), platform.userKeys(), platform.mapper());
        settings.listen(platform.notifications());
        AlertStore alerts = new AlertStore(platform.jdbi(), platform.userKeys(), platform.mapper());
        Alerting alerting = new Alerting(alerts, settings, readings, platform.consents(), profiles,
                platform.outbound(), followers, sessions, push, platform.dataClock(), platform.systemClock());
        return new AlertsFeature(settings, alerts, new AlertRoutes(settings, platform.json(), platform.systemClock()),
                alerting, profiles, platform);
    }

    /**
     * What the glucose feature calls inside an upload's transaction: the rules run there, on that node, and what
     * they raise is stored and sent after the commit.
     */
    public IngestListener ingestListener() {
        return alerting;
    }

    /** Replaces the push port (tests record what would be sent). */
    void pushThrough(PushNotifications push) {
        alerting.pushThrough(push);
    }

    Alerting alerting() {
        return alerting;
    }

    AlertStore store() {
        return alerts;
    }

    AlertSettingsStore settings() {
        return settings;
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes);
        new AlertApiRoutes(alerts, profiles, platform.json(), platform.systemClock()).register(routes);
        new AlertsPage(alerts, settings, platform.systemClock(), web.pages(), web.contexts()).register(routes);
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(new Jobs.Job(DELIVERY_JOB, Duration.ofMinutes(1), alerting::deliverDue),
                new Jobs.Job(SILENCE_JOB, Duration.ofMinutes(1), alerting::checkSilences),
                new Jobs.Job(EVALUATE_JOB, Duration.ofMinutes(1), alerting::evaluateMissed));
    }

    /** The wearer's alert rules when they changed the defaults, and the alerts raised for them. */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(new Category("alert-settings", settings.stored(owner).isPresent() ? 1 : 0,
                        "alerting you about your glucose (the rules you chose)", "you",
                        "this server's PostgreSQL database, encrypted with your key"),
                        new Category("alerts", alerts.count(owner),
                                "alerting you about your glucose (each alert with what decided it and why)",
                                "your readings, by the alert rules",
                                "this server's PostgreSQL database, the inputs and why encrypted with your key"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                if (settings.stored(owner).isPresent()) {
                    archive.json(platform.mapper(), "alert-settings.json", "Your alert rules: which alerts are on, "
                            + "thresholds in mg/dL, rates in mg/dL per minute, minutes, quiet hours. JSON object.",
                            AlertRoutes.view(settings.all(owner)));
                }
                if (alerts.count(owner) > 0) {
                    var p = profiles.of(owner).orElseThrow();
                    archive.json(platform.mapper(), "alerts.json", "The alerts raised for you, newest first: kind, "
                            + "time, the rule's inputs (mg/dL, mg/dL per minute, minutes), why, the rules' version, "
                            + "when you acknowledged it. JSON array.",
                            alerts.list(owner, Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"), Integer.MAX_VALUE)
                                    .stream().map(a -> AlertApiRoutes.view(a, p)).toList());
                }
            }
        });
    }
}
