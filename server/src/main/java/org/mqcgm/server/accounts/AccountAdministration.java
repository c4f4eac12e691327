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
        return new Accounts(store, new PasswordHasher(config.argon2(),
                        pw -> secrets.pseudonym(PasswordHasher.PEPPER_PURPOSE, pw)),
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

    @Override
    public void close() {
        outbound.close();
        database.close();
    }
}
