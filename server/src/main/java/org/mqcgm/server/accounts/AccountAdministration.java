package org.mqcgm.server.accounts;

import java.time.Clock;
import java.util.UUID;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboxSender;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.platform.web.Language;

/**
 * Bootstrapping administrators from the command line ({@code mqcgm admin create-user} / {@code grant-role})
 * against the configured database, without starting the web server.
 */
public final class AccountAdministration implements AutoCloseable {

    private final Database database;
    private final Accounts accounts;
    private final Outbound outbound;

    private AccountAdministration(Database database, Accounts accounts, Outbound outbound) {
        this.database = database;
        this.accounts = accounts;
        this.outbound = outbound;
    }

    public static AccountAdministration open(ServerConfig config) {
        MasterKey master = MasterKey.configured(config.masterKeyFile());
        Database db = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(), 2);
        db.migrate();
        OutboxSender outbox = OutboxSender.forDeployment(config.outboxDirectory(), db.jdbi(), master);
        Outbound outbound = new Outbound(outbox, outbox);
        UserKeys keys = new UserKeys(db.jdbi(), master);
        Accounts accounts = accounts(config, db, master, keys, outbound);
        // The same age rules as a sign-up (PR-77): under the age of majority the account waits for a guardian.
        accounts.birthDates(org.mqcgm.server.guardians.GuardiansFeature.birthDates(db.jdbi(), keys,
                DeploymentSecrets.loadOrCreate(db.jdbi(), master),
                org.mqcgm.server.privacy.PrivacyFeature.consents(db.jdbi(), Clock.systemUTC()), Clock.systemUTC(),
                org.mqcgm.server.ServerConfig.ageOfMajority(config.governance()), accounts.store()::timeZone));
        return new AccountAdministration(db, accounts, outbound);
    }

    private static Accounts accounts(ServerConfig config, Database db, MasterKey master, UserKeys keys,
                                     Outbound outbound) {
        Clock clock = Clock.systemUTC();
        DeploymentSecrets secrets = DeploymentSecrets.loadOrCreate(db.jdbi(), master);
        AccountStore store = new AccountStore(db.jdbi(), keys, secrets);
        ApiTokens tokens = new ApiTokens(db.jdbi(), clock);
        return new Accounts(store, new PasswordHasher(config.argon2(), secrets),
                new Sessions(db.jdbi(), clock, config.sessionIdle(), config.sessionAbsolute()), tokens,
                new SecurityEvents(db.jdbi(), clock), outbound, config.publicUrl(), secrets,
                org.mqcgm.server.privacy.PrivacyFeature.consents(db.jdbi(), clock), clock);
    }

    /** Closing and erasing accounts from a command (operators' cancellation, restore): no message is sent. */
    static org.mqcgm.server.platform.security.AccountClosure closure(ServerConfig config, Database db, MasterKey master,
                                                                    UserKeys keys, Outbound outbound) {
        Accounts accounts = accounts(config, db, master, keys, outbound);
        return new AccountClosing(accounts, new ApiTokens(db.jdbi(), Clock.systemUTC()), Clock.systemUTC());
    }

    /** Creates a verified account, optionally with a role; returns its id. */
    public UUID createUser(String identifier, String password, Role role) {
        return createUser(identifier, password, role, null);
    }

    /**
     * Creates a verified account with a date of birth ({@code yyyy-mm-dd}, or null): under the age of majority it
     * waits for a guardian's consent, as a sign-up does.
     */
    public UUID createUser(String identifier, String password, Role role, String birthDate) {
        UUID id = accounts.createVerified(identifier, password, "UTC", Language.EN, birthDate);
        if (role != null && role != Role.USER) {
            accounts.grantRole(id, role);
        }
        return id;
    }

    /** Grants a role to the account with this login. */
    public UUID grantRole(String identifier, Role role) {
        UUID id = accounts.findId(identifier).orElseThrow(() -> new ProblemException(Problem.of(404, "no-account",
                "No account", "No account has the login " + identifier + ".")));
        accounts.grantRole(id, role);
        return id;
    }

    /** What {@link #rotateDeploymentSecret} did: the new current version, and the account indexes recomputed. */
    public record SecretRotation(int version, int indexesRecomputed) {
    }

    /**
     * {@code mqcgm keys rotate-deployment-secret} (issue 16, V1.6.3): adds a new version of the deployment secret,
     * current at once on every running node, and recomputes every account's e-mail and phone index under it from
     * the encrypted identifiers. Everything else derived from the secret keeps working under the old version until
     * it is retired (see {@link DeploymentSecrets}).
     */
    public static SecretRotation rotateDeploymentSecret(Database db, MasterKey master) {
        int version = DeploymentSecrets.addVersion(db.jdbi(), master);
        DeploymentSecrets secrets = DeploymentSecrets.loadOrCreate(db.jdbi(), master);
        int recomputed = new AccountStore(db.jdbi(), new UserKeys(db.jdbi(), master), secrets).recomputeIndexes();
        return new SecretRotation(version, recomputed);
    }

    /** How long the current version must have been in use before the older ones are retired (without --force). */
    public static final java.time.Duration RETIRE_AFTER = java.time.Duration.ofDays(1);

    /** What {@link #retireDeploymentSecret} did. */
    public record SecretRetirement(int retired, int indexesRecomputed, int passwordsToReset) {
    }

    /**
     * {@code mqcgm keys retire-deployment-secret}: recomputes the account indexes once more (values written by a node
     * that had not yet taken up the new version), then deletes every older version of the deployment secret. Refused
     * while the current version is younger than {@link #RETIRE_AFTER} (codes, outbox files and rate-limit buckets
     * derived from the old one may still be live) or while passwords are still hashed with the old pepper (re-made
     * at each login); {@code force} retires anyway and makes those accounts reset their password.
     *
     * @throws IllegalStateException when refused, saying why
     */
    public static SecretRetirement retireDeploymentSecret(Database db, MasterKey master, boolean force, Clock clock) {
        DeploymentSecrets secrets = DeploymentSecrets.loadOrCreate(db.jdbi(), master);
        if (secrets.versions().size() < 2) {
            return new SecretRetirement(0, 0, 0);
        }
        AccountStore store = new AccountStore(db.jdbi(), new UserKeys(db.jdbi(), master), secrets);
        int recomputed = store.recomputeIndexes();
        java.time.Instant made = db.jdbi().withHandle(h -> h.createQuery(
                        "select max(created_at) from deployment_secret where name ~ '^root'")
                .mapTo(java.time.OffsetDateTime.class).one()).toInstant();
        if (!force && made.plus(RETIRE_AFTER).isAfter(clock.instant())) {
            throw new IllegalStateException("version " + secrets.version() + " of the deployment secret was made at "
                    + made + ": wait until " + made.plus(RETIRE_AFTER) + " (codes and outbox files made under the old"
                    + " version may still be live), or use --force");
        }
        int old = store.hashesUnderOlderPepper();
        if (old > 0 && !force) {
            throw new IllegalStateException(old + " passwords are still hashed with the old pepper (each is re-made"
                    + " at its next login); retiring now needs --force, and those accounts must then reset their"
                    + " password");
        }
        int reset = old > 0 ? store.requireResetUnderOlderPepper() : 0;
        int retired = DeploymentSecrets.retireOlderThan(db.jdbi(), secrets.version());
        return new SecretRetirement(retired, recomputed, reset);
    }

    @Override
    public void close() {
        outbound.close();
        database.close();
    }
}
