package org.mqcgm.server.retention;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.accounts.AccountsFeature;
import org.mqcgm.server.glucose.GlucoseFeature;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.http.Json;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboxSender;
import org.mqcgm.server.platform.retention.ResearchSubjects;
import org.mqcgm.server.platform.security.AccountClosure;

/**
 * Operators' retention commands against the configured database, without the web server: legal holds
 * ({@code mqcgm admin legal-hold set|list|release}), the retention job's reports ({@code mqcgm admin
 * retention-report}) and research exports ({@code mqcgm admin research-export}). Retention settings are the
 * server's: {@code MQCGM_RETENTION_*}, {@code MQCGM_RESEARCH_EXPORT}, {@code MQCGM_RESEARCH_K} in the environment.
 */
public final class RetentionAdministration implements AutoCloseable {

    private final ServerConfig config;
    private final Database database;
    private final RetentionFeature.Settings settings;
    private final LegalHolds holds;

    private RetentionAdministration(ServerConfig config, Database database, RetentionFeature.Settings settings) {
        this.config = config;
        this.database = database;
        this.settings = settings;
        this.holds = new LegalHolds(database.jdbi(), Clock.systemUTC(), settings.schedule());
    }

    /** Opens (and migrates) the configured database. */
    public static RetentionAdministration open(ServerConfig config) {
        RetentionFeature.Settings settings = RetentionFeature.Settings.from(config.governance());
        Database db = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(), 3);
        try {
            db.migrate();
            return new RetentionAdministration(config, db, settings);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Sets a legal hold.
     *
     * @param person a login (e-mail or mobile number) or an account id, or null for a hold on a whole category
     * @throws IllegalArgumentException when the person is unknown or the hold breaks a rule of {@link LegalHolds}
     */
    public LegalHolds.Hold setHold(String person, String category, String basis, Instant expires, String setBy) {
        UUID id = person == null ? null : account(person);
        return holds.set(id, category, basis, expires, setBy);
    }

    public List<LegalHolds.Hold> holds() {
        return holds.list();
    }

    public boolean release(UUID hold) {
        return holds.release(hold);
    }

    /** The newest retention runs as text. */
    public String report(int runs) {
        return RetentionReports.text(RetentionJob.reports(database.jdbi(), Json.newMapper(), runs));
    }

    /** Runs a research export (see {@link ResearchExports#export}); minors are never included. */
    public ResearchExports.Result researchExport(String study, String ethics, String requestedBy, Instant from,
                                                 Instant to, Path out) {
        UserKeys keys = new UserKeys(database.jdbi(), MasterKey.configured(config.masterKeyFile()));
        ResearchSubjects subjects = AccountsFeature.researchSubjects(database.jdbi(),
                GlucoseFeature.researchReadings(database.jdbi(), keys));
        ResearchExports exports = new ResearchExports(database.jdbi(),
                org.mqcgm.server.privacy.PrivacyFeature.consents(database.jdbi(), Clock.systemUTC()), subjects,
                org.mqcgm.server.guardians.GuardiansFeature.minors(database.jdbi())::isMinor, Json.newMapper(),
                Clock.systemUTC(), settings.researchK(), settings.researchEnabled());
        return exports.export(new ResearchExports.Request(study, ethics, requestedBy, from, to, out));
    }

    private UUID account(String person) {
        try {
            return UUID.fromString(person);
        } catch (IllegalArgumentException notAnId) {
            MasterKey master = MasterKey.configured(config.masterKeyFile());
            UserKeys keys = new UserKeys(database.jdbi(), master);
            OutboxSender outbox = OutboxSender.forDeployment(config.outboxDirectory(), database.jdbi(), master);
            try (Outbound outbound = new Outbound(outbox, outbox)) {
                AccountClosure accounts = AccountsFeature.closure(config, database, master, keys, outbound);
                Optional<UUID> found = accounts.find(person);
                return found.orElseThrow(() -> new IllegalArgumentException("no account has the login " + person));
            }
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
