package org.mqcgm.server.privacy;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.db.Database;

/**
 * Publishing a privacy-policy version from the command line ({@code mqcgm admin publish-policy}) against the
 * configured database, without starting the web server. Running servers learn of it at once (NOTIFY).
 */
public final class PolicyAdministration implements AutoCloseable {

    private final Database database;
    private final PolicyVersions versions;
    private final String contact;

    private PolicyAdministration(Database database, PolicyVersions versions, String contact) {
        this.database = database;
        this.versions = versions;
        this.contact = contact;
    }

    public static PolicyAdministration open(ServerConfig config) {
        Database db = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(), 2);
        try {
            db.migrate();
            PolicyVersions versions = new PolicyVersions(db.jdbi(), Clock.systemUTC());
            versions.publishBundledIfNone();
            String contact = config.controller().canonical();
            versions.recordContactIfNone(contact);
            return new PolicyAdministration(db, versions, contact);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Publishes {@code text} as the next version.
     *
     * @throws PolicyVersions.Refused when the text is archived already, a minor version names a major change, the
     *                                summary is empty or the effective time lies in the past, or a minor
     *                                version is published while the controller contact of the configuration
     *                                differs from the one the last version was published with (PR-89)
     */
    public PolicyVersions.Version publish(String text, boolean major, Set<PolicyVersions.Change> changes,
                                          String summary, Instant effective) {
        return versions.publish(text, major, changes, summary, effective, contact);
    }

    @Override
    public void close() {
        database.close();
    }
}
