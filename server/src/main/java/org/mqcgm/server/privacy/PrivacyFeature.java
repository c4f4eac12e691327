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
 * The privacy feature: the policy and its archive of versions, the consent ledger, the privacy centre and the
 * consent API. Built before the platform record because every other feature asks its {@link #consents()} port.
 */
public final class PrivacyFeature implements Feature {

    /** The JSON answers of the API, by their component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    private final ConsentLedger consents;
    private final PolicyVersions versions;
    private final JsonBodies json;
    private final Jdbi jdbi;

    private final Clock clock;

    private PrivacyFeature(ConsentLedger consents, PolicyVersions versions, JsonBodies json, Jdbi jdbi, Clock clock) {
        this.clock = clock;
        this.consents = consents;
        this.versions = versions;
        this.json = json;
        this.jdbi = jdbi;
    }

    /**
     * Builds the feature; on a first start the policy bundled with the server becomes the first archived version.
     */
    public static PrivacyFeature create(Jdbi jdbi, Clock clock, Notifications notifications, JsonBodies json) {
        return create(jdbi, clock, notifications, json, null);
    }

    /**
     * Builds the feature for a server running with the controller contact {@code contact} (PR-89): on the first start
     * that records contacts it is recorded as the one the current policy was published with, the baseline a later
     * publication compares with (a changed contact makes it major).
     */
    public static PrivacyFeature create(Jdbi jdbi, Clock clock, Notifications notifications, JsonBodies json,
                                        org.mqcgm.server.platform.transparency.ControllerContact contact) {
        PolicyVersions versions = new PolicyVersions(jdbi, clock);
        versions.publishBundledIfNone();
        if (contact != null) {
            versions.recordContactIfNone(contact.canonical());
        }
        versions.listen(notifications);
        ConsentLedger consents = new ConsentLedger(jdbi, clock, versions);
        consents.listen(notifications);
        return new PrivacyFeature(consents, versions, json, jdbi, clock);
    }

    @Override
    public void routes(Routes routes, Web web) {
        new PrivacyRoutes(web.pages(), web.contexts(), consents, versions, json,
                person -> minor.test(person)).register(routes);
    }

    /** Whether a person is a minor (the guardians feature answers; none until it is wired). */
    private volatile java.util.function.Predicate<java.util.UUID> minor = person -> false;

    /**
     * Minors grant no consent themselves: their guardian decides (PR-78). Wired before {@link #routes} runs (the
     * guardians feature is built after this one).
     */
    public void minors(java.util.function.Predicate<java.util.UUID> minor) {
        this.minor = minor;
    }

    /** The consent ledger, for "My data" and the export. */
    @Override
    public java.util.List<org.mqcgm.server.platform.rights.PersonalData> personalData() {
        return java.util.List.of(new ConsentData(jdbi, consents, json.mapper()));
    }

    /** The consent port alone, for a command that runs without the server (administration). */
    public static Consents consents(Jdbi jdbi, Clock clock) {
        PolicyVersions versions = new PolicyVersions(jdbi, clock);
        versions.publishBundledIfNone();
        return new ConsentLedger(jdbi, clock, versions);
    }

    /** Whether a person consents to a purpose; every feature asks here. */
    public Consents consents() {
        return consents;
    }

    /** The ledger itself (history of choices; tests). */
    public ConsentLedger ledger() {
        return consents;
    }

    /**
     * The notice the layout shows signed-in people: a new major policy version to accept (until accepted), or a
     * minor change (once per person).
     */
    public org.mqcgm.server.platform.web.Notices notices() {
        return PrivacyRoutes.notices(consents, versions, new PolicyNotices(jdbi, clock));
    }

    /** The archive of policy versions (publishing; tests). */
    public PolicyVersions policyVersions() {
        return versions;
    }

    /**
     * The policy's freeze (PR-51): while frozen, no version can be published, by any node or command. Works without
     * the server (the command line's controller change).
     */
    public static org.mqcgm.server.platform.consent.PolicyFreeze policyFreeze(Jdbi jdbi, Clock clock) {
        return new PolicyFreezes(jdbi, clock);
    }
}
