package org.mqcgm.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.incidents.IncidentAdministration;
import org.mqcgm.server.platform.http.ProblemException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mqcgm admin incident create|update|show|notify|report-regulator|close}: the security-incident register
 * (PR-57, PR-58) from the command line. Every change is a step of the incident's log with its time. The notices go
 * out only when every section is set; a running server sends them within a minute.
 */
@Command(name = "incident", mixinStandardHelpOptions = true,
        description = "Record a security incident, tell the people affected, report it and close it.",
        subcommands = {IncidentCommand.Create.class, IncidentCommand.Update.class, IncidentCommand.Show.class,
                IncidentCommand.Notify.class, IncidentCommand.ReportRegulator.class, IncidentCommand.Close.class})
final class IncidentCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static <T> T with(AdminCommand.Database database, Function<IncidentAdministration, T> action) {
        return AdminCommand.withConfig(database, config -> {
            try (IncidentAdministration admin = IncidentAdministration.open(config)) {
                return action.apply(admin);
            } catch (ProblemException e) {
                throw AdminCommand.explain(e);
            }
        });
    }

    static UUID id(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("ID", "must be an incident id (got '" + value + "')");
        }
    }

    /** The fields of an incident as options; each given one is recorded. */
    static final class FieldOptions {
        @Option(names = "--what-happened", paramLabel = "TEXT", description = "What happened (basic situation).")
        String whatHappened;
        @Option(names = "--data-categories", paramLabel = "TEXT", description = "The categories of data concerned.")
        String dataCategories;
        @Option(names = "--affected", paramLabel = "WHO",
                description = "list (with --account), all (every active account) or active-between (with --from, --to).")
        String affected;
        @Option(names = "--account", paramLabel = "ID", description = "An affected account (repeatable; --affected list).")
        List<String> accounts = new ArrayList<>();
        @Option(names = "--from", paramLabel = "TIME", description = "Accounts active from (ISO-8601 with offset).")
        String from;
        @Option(names = "--to", paramLabel = "TIME", description = "Accounts active until (ISO-8601 with offset).")
        String to;
        @Option(names = "--impact", paramLabel = "TEXT", description = "The likely impact on the people affected.")
        String impact;
        @Option(names = "--measures", paramLabel = "TEXT", description = "The measures taken.")
        String measures;
        @Option(names = "--advice", paramLabel = "TEXT", description = "What people can do to protect themselves.")
        String advice;
        @Option(names = "--remedies", paramLabel = "TEXT", description = "The remedies offered.")
        String remedies;
        @Option(names = "--contact", paramLabel = "TEXT", description = "Whom to contact.")
        String contact;
        @Option(names = "--confirmed-at", paramLabel = "TIME",
                description = "When the incident was confirmed (ISO-8601 with offset, or now): the 72 hours start.")
        String confirmedAt;
        @Option(names = "--reportable", arity = "1", paramLabel = "true|false",
                description = "Whether it must be reported to the regulator (then it closes only with the report).")
        Boolean reportable;

        IncidentAdministration.Fields fields() {
            Map<String, String> texts = new LinkedHashMap<>();
            put(texts, "whatHappened", whatHappened);
            put(texts, "dataCategories", dataCategories);
            put(texts, "impact", impact);
            put(texts, "measures", measures);
            put(texts, "advice", advice);
            put(texts, "remedies", remedies);
            put(texts, "contact", contact);
            return new IncidentAdministration.Fields(texts, affected, from, to, accounts, confirmedAt, reportable,
                    null);
        }

        static void put(Map<String, String> texts, String field, String value) {
            if (value != null) {
                texts.put(field, value);
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Record a new incident.")
    static final class Create implements Runnable {
        @CommandLine.Mixin
        FieldOptions options;
        @CommandLine.Mixin
        AdminCommand.Database database;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            UUID id = with(database, admin -> admin.create(options.fields()));
            spec.commandLine().getOut().println("recorded incident " + id);
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change an open incident.")
    static final class Update implements Runnable {
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @CommandLine.Mixin
        FieldOptions options;
        @CommandLine.Mixin
        AdminCommand.Database database;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            with(database, admin -> {
                admin.update(id(id), options.fields());
                return null;
            });
            spec.commandLine().getOut().println("changed incident " + id);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show an incident (sections, deadlines, deliveries, steps), or list every incident.")
    static final class Show implements Runnable {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID")
        String id;
        @CommandLine.Mixin
        AdminCommand.Database database;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            String text = with(database, admin -> id == null ? admin.list() : admin.show(id(id)));
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        }
    }

    @Command(name = "notify", mixinStandardHelpOptions = true,
            description = "Send the notices to the people affected (refused until every section is set).")
    static final class Notify implements Runnable {
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @CommandLine.Mixin
        AdminCommand.Database database;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            with(database, admin -> {
                admin.requestNotification(id(id));
                return null;
            });
            spec.commandLine().getOut().println("notices of incident " + id + " asked for: the running server sends"
                    + " them within a minute (e-mail or SMS, push, in-app); see `mqcgm admin incident show " + id
                    + "`");
        }
    }

    @Command(name = "report-regulator", mixinStandardHelpOptions = true,
            description = "Record the report to the regulator (authority, time, reference).")
    static final class ReportRegulator implements Runnable {
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @Option(names = "--authority", required = true, paramLabel = "TEXT")
        String authority;
        @Option(names = "--reported-at", required = true, paramLabel = "TIME",
                description = "ISO-8601 with offset, or now.")
        String reportedAt;
        @Option(names = "--reference", required = true, paramLabel = "TEXT")
        String reference;
        @CommandLine.Mixin
        AdminCommand.Database database;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Map<String, String> texts = new LinkedHashMap<>();
            texts.put("regulatorAuthority", authority);
            texts.put("regulatorReference", reference);
            with(database, admin -> {
                admin.update(id(id), new IncidentAdministration.Fields(texts, null, null, null, null, null, null,
                        reportedAt));
                return null;
            });
            spec.commandLine().getOut().println("recorded the regulator's report of incident " + id);
        }
    }

    @Command(name = "close", mixinStandardHelpOptions = true,
            description = "Close an incident (a reportable one only after report-regulator).")
    static final class Close implements Runnable {
        @Parameters(index = "0", paramLabel = "ID")
        String id;
        @CommandLine.Mixin
        AdminCommand.Database database;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            with(database, admin -> {
                admin.close(id(id));
                return null;
            });
            spec.commandLine().getOut().println("closed incident " + id);
        }
    }
}
