package org.mqcgm.server.privacy;

import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.db.Notifications;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Routes;

/**
 * The privacy feature: the policy page, the consent ledger and the consent API. Built before the platform record
 * because every other feature asks its {@link #consents()} port.
 */
public final class PrivacyFeature implements Feature {

    /** The JSON answers of the API, by their component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    private final ConsentLedger consents;
    private final JsonBodies json;
    private final Jdbi jdbi;

    private PrivacyFeature(ConsentLedger consents, JsonBodies json, Jdbi jdbi) {
        this.consents = consents;
        this.json = json;
        this.jdbi = jdbi;
    }

    public static PrivacyFeature create(Jdbi jdbi, Clock clock, Notifications notifications, JsonBodies json) {
        ConsentLedger consents = new ConsentLedger(jdbi, clock);
        consents.listen(notifications);
        return new PrivacyFeature(consents, json, jdbi);
    }

    @Override
    public void routes(Routes routes, Web web) {
        new PrivacyRoutes(web.pages(), web.contexts(), consents, json).register(routes);
    }

    /** The consent ledger, for "My data" and the export. */
    @Override
    public java.util.List<org.mqcgm.server.platform.rights.PersonalData> personalData() {
        return java.util.List.of(new ConsentData(jdbi, consents, json.mapper()));
    }

    /** The consent port alone, for a command that runs without the server (administration). */
    public static Consents consents(Jdbi jdbi, Clock clock) {
        return new ConsentLedger(jdbi, clock);
    }

    /** Whether a person consents to a purpose; every feature asks here. */
    public Consents consents() {
        return consents;
    }

    /** The ledger itself (history of choices; tests). */
    public ConsentLedger ledger() {
        return consents;
    }
}
