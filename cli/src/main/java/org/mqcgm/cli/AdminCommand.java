package org.mqcgm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
import org.mqcgm.demo.DemoDatabase;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.accounts.AccountAdministration;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.Role;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mqcgm admin …}: bootstrap accounts and roles against the configured database, or against a demo's data
 * directory ({@code --data-dir}; the demo may be running).
 */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Administer accounts from the command line.",
        subcommands = {AdminCommand.CreateUser.class, AdminCommand.GrantRole.class, CancelAccountCommand.class})
final class AdminCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Role role(String name) {
        try {
            return Role.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--role", "must be one of user, guardian, follower, support, admin (got '"
                    + name + "')");
        }
    }

    /** Where the accounts are: the production configuration (--config and MQCGM_*) or a demo's data directory. */
    static final class Database {
        @CommandLine.Mixin
        SharedOptions.ConfigFile config;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "A demo's data directory instead (e.g. .mqcgm-data; the demo may be running).")
        Path dataDir;

        /**
         * Runs {@code action} against the accounts. With {@code --data-dir} and the demo stopped, the demo's
         * PostgreSQL runs for the duration of the command only.
         */
        <T> T with(Function<AccountAdministration, T> action) {
            if (dataDir != null && config.given()) {
                throw new ConfigException("--data-dir", "give either --data-dir or --config, not both");
            }
            try (DemoDatabase demo = dataDir == null ? null : DemoDatabase.open(dataDir);
                 AccountAdministration admin = AccountAdministration.open(demo != null ? demo.config()
                         : config.load())) {
                return action.apply(admin);
            } catch (ProblemException e) {
                throw explain(e);
            }
        }
    }

    /** The configuration the {@link Database} options name: a demo's data directory, or --config and MQCGM_*. */
    static <T> T withConfig(Database database, Function<org.mqcgm.server.ServerConfig, T> action) {
        if (database.dataDir != null && database.config.given()) {
            throw new ConfigException("--data-dir", "give either --data-dir or --config, not both");
        }
        try (DemoDatabase demo = database.dataDir == null ? null : DemoDatabase.open(database.dataDir)) {
            return action.apply(demo != null ? demo.config() : database.config.load());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("admin", e.getMessage());
        }
    }

    /** Problems from the account rules become one line and exit status 2, like configuration errors. */
    static RuntimeException explain(ProblemException e) {
        String errors = e.problem().errors().isEmpty() ? "" : " " + e.problem().errors().stream()
                .map(f -> f.field() + " " + f.message()).reduce((a, b) -> a + "; " + b).orElse("");
        return new ConfigException("admin", e.problem().detail() + errors);
    }

    @Command(name = "create-user", mixinStandardHelpOptions = true,
            description = "Create a verified account (no code is sent), optionally with a role.")
    static final class CreateUser implements Runnable {
        @CommandLine.Mixin
        SharedOptions.Login account;

        @Option(names = "--role", defaultValue = "user", description = "Role to grant (default: ${DEFAULT-VALUE}).")
        String role;

        @Option(names = "--password-stdin", description = "Read the password from standard input; otherwise one is generated and printed.")
        boolean passwordStdin;

        @CommandLine.Mixin
        Database database;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Role r = role(role);
            String password = passwordStdin ? readLine() : generated();
            UUID id = database.with(admin -> admin.createUser(account.login, password, r));
            spec.commandLine().getOut().println("created account " + id + " (" + r.id() + ")");
            if (!passwordStdin) {
                spec.commandLine().getOut().println("password: " + password + "  (shown once; change it after logging in)");
            }
        }

        private static String readLine() {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isEmpty()) {
                    throw new ConfigException("--password-stdin", "no password on standard input");
                }
                return line;
            } catch (IOException e) {
                throw new ConfigException("--password-stdin", e.getMessage());
            }
        }

        private static String generated() {
            String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
            SecureRandom random = new SecureRandom();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                if (i > 0 && i % 5 == 0) {
                    sb.append('-');
                }
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return sb.toString();
        }
    }

    @Command(name = "grant-role", mixinStandardHelpOptions = true, description = "Grant a role to an account.")
    static final class GrantRole implements Runnable {
        @CommandLine.Mixin
        SharedOptions.Login account;

        @Option(names = "--role", required = true, description = "user, guardian, follower, support or admin.")
        String role;

        @CommandLine.Mixin
        Database database;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Role r = role(role);
            UUID id = database.with(admin -> admin.grantRole(account.login, r));
            spec.commandLine().getOut().println("granted " + r.id() + " to account " + id);
        }
    }
}
