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
        subcommands = {AdminCommand.CreateUser.class, AdminCommand.GrantRole.class, AdminCommand.PublishPolicy.class,
                CancelAccountCommand.class, RetentionCommands.LegalHold.class, RetentionCommands.Report.class,
                RetentionCommands.ResearchExport.class, IncidentCommand.class, SecurityReportCommand.class,
                NewsletterCommand.class, ControllerChangeCommand.class})
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
            throw new ConfigException("--role", "must be one of user, guardian, follower, support, admin, moderator, dpo (got '"
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

    /** Where the policy versions are, as for {@link Database}; runs {@code action} against their archive. */
    static <T> T withPolicies(Database database, Function<org.mqcgm.server.privacy.PolicyAdministration, T> action) {
        return withConfig(database, config -> {
            try (org.mqcgm.server.privacy.PolicyAdministration admin =
                         org.mqcgm.server.privacy.PolicyAdministration.open(config)) {
                return action.apply(admin);
            } catch (org.mqcgm.server.privacy.PolicyVersions.Refused e) {
                throw new ConfigException("publish-policy", e.getMessage());
            }
        });
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

        @Option(names = "--birth-date", paramLabel = "YYYY-MM-DD",
                description = "The person's date of birth. Under the age of majority (MQCGM_AGE_OF_MAJORITY, default 18)"
                        + " the account waits for a guardian's consent, as a sign-up does.")
        String birthDate;

        @CommandLine.Mixin
        Database database;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Role r = role(role);
            String password = passwordStdin ? readLine() : generated();
            UUID id = database.with(admin -> admin.createUser(account.login, password, r, birthDate));
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

        @Option(names = "--role", required = true, description = "user, guardian, follower, support, admin, moderator or dpo.")
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

    @Command(name = "publish-policy", mixinStandardHelpOptions = true,
            description = {"Publish a new version of the privacy policy. Archived versions never change.",
                    "A major version (any change of section VIII 1-6) must be accepted by each person before their"
                            + " optional features run again; a minor one is announced once."})
    static final class PublishPolicy implements Runnable {
        @CommandLine.Parameters(index = "0", paramLabel = "FILE", description = "The policy text (UTF-8).")
        Path file;

        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Kind kind;

        static final class Kind {
            @Option(names = "--major", required = true, description = "A major change: people re-consent.")
            boolean major;

            @Option(names = "--minor", required = true, description = "A minor change: a notice only.")
            boolean minor;
        }

        @Option(names = "--summary", required = true, paramLabel = "TEXT",
                description = "What changed, in plain words (shown to users).")
        String summary;

        @Option(names = "--effective", paramLabel = "DATE",
                description = "When it takes effect: YYYY-MM-DD (00:00 UTC) or an ISO-8601 instant (default: now).")
        String effective;

        @Option(names = "--change", split = ",", paramLabel = "KIND",
                description = "Major-change kinds of section VIII: purpose, ownership, recipients, rights, contacts,"
                        + " high-risk (any of them requires --major).")
        java.util.List<String> changes = new java.util.ArrayList<>();

        @CommandLine.Mixin
        Database database;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            String text;
            try {
                text = java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException("FILE", "cannot read " + file + ": " + e.getClass().getSimpleName());
            }
            java.util.Set<org.mqcgm.server.privacy.PolicyVersions.Change> kinds =
                    java.util.EnumSet.noneOf(org.mqcgm.server.privacy.PolicyVersions.Change.class);
            for (String c : changes) {
                kinds.add(org.mqcgm.server.privacy.PolicyVersions.Change.parse(c.strip().toLowerCase(Locale.ROOT))
                        .orElseThrow(() -> new ConfigException("--change", "must be one of purpose, ownership,"
                                + " recipients, rights, contacts, high-risk (got '" + c + "')")));
            }
            java.time.Instant from = effective == null ? null : instant(effective);
            var v = withPolicies(database, admin -> admin.publish(text, kind.major, kinds, summary, from));
            spec.commandLine().getOut().println("published privacy policy version " + v.number() + " ("
                    + (v.major() ? "major" : "minor") + "), in effect from " + v.effective() + ", sha-256 "
                    + v.sha256());
        }

        static java.time.Instant instant(String value) {
            try {
                return value.length() == 10 ? java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneOffset.UTC)
                        .toInstant() : java.time.OffsetDateTime.parse(value).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw new ConfigException("--effective", "must be YYYY-MM-DD or an ISO-8601 time with offset (got '"
                        + value + "')");
            }
        }
    }
}
