package org.mqcgm.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.retention.LegalHolds;
import org.mqcgm.server.retention.ResearchExports;
import org.mqcgm.server.retention.RetentionAdministration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Retention for operators (PR-54, PR-81, PR-35): {@code mqcgm admin legal-hold set|list|release},
 * {@code mqcgm admin retention-report}, {@code mqcgm admin research-export}. See docs/privacy.md#how-long-data-is-kept.
 */
final class RetentionCommands {

    private RetentionCommands() {
    }

    static <T> T with(AdminCommand.Database database, String command, Function<RetentionAdministration, T> action) {
        return AdminCommand.withConfig(database, config -> {
            try (RetentionAdministration admin = RetentionAdministration.open(config)) {
                return action.apply(admin);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(command, e.getMessage());
            }
        });
    }

    @Command(name = "legal-hold", mixinStandardHelpOptions = true,
            description = "Keep data beyond its retention period because a legal obligation requires it.",
            subcommands = {SetHold.class, ListHolds.class, ReleaseHold.class})
    static final class LegalHold implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Set a legal hold on a person (all categories, or one) or on a whole category.",
                    "The basis and an expiry of at most three years are required; renew after a review."})
    static final class SetHold implements Runnable {
        @Option(names = "--person", paramLabel = "LOGIN|ID", description = "E-mail, mobile number or account id.")
        String person;

        @Option(names = "--category", paramLabel = "ID", description = "A retention category (e.g. security-events).")
        String category;

        @Option(names = "--basis", required = true, paramLabel = "TEXT",
                description = "The law, court order or claim that requires keeping the data.")
        String basis;

        @Option(names = "--until", required = true, paramLabel = "DATE",
                description = "When the hold ends: YYYY-MM-DD (00:00 UTC) or an ISO-8601 instant, at most 3 years away.")
        String until;

        @Option(names = "--by", required = true, paramLabel = "WHO", description = "Who sets it (e.g. the DPO).")
        String by;

        @CommandLine.Mixin
        AdminCommand.Database database;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Instant expires = AdminCommand.PublishPolicy.instant(until);
            LegalHolds.Hold hold = with(database, "legal-hold", a -> a.setHold(person, category, basis, expires, by));
            spec.commandLine().getOut().println("legal hold " + hold.id() + " set until " + hold.expires());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List legal holds (ended ones too).")
    static final class ListHolds implements Runnable {
        @CommandLine.Mixin
        AdminCommand.Database database;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            for (LegalHolds.Hold h : with(database, "legal-hold", RetentionAdministration::holds)) {
                spec.commandLine().getOut().println(h.id() + "  " + (h.person() == null ? "-" : h.person()) + "  "
                        + (h.category() == null ? "all categories" : h.category()) + "  until " + h.expires()
                        + (h.released() == null ? "" : "  released " + h.released()) + "  set by " + h.setBy()
                        + "  basis: " + h.basis());
            }
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "End a legal hold now.")
    static final class ReleaseHold implements Runnable {
        @CommandLine.Parameters(index = "0", paramLabel = "ID")
        UUID id;

        @CommandLine.Mixin
        AdminCommand.Database database;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            boolean done = with(database, "legal-hold", a -> a.release(id));
            if (!done) {
                throw new ConfigException("legal-hold", "no legal hold " + id + " in force");
            }
            spec.commandLine().getOut().println("legal hold " + id + " released: the next retention run deletes"
                    + " what it kept");
        }
    }

    @Command(name = "retention-report", mixinStandardHelpOptions = true,
            description = "Show the retention job's latest reports: counts per category, oldest row kept, holds.")
    static final class Report implements Runnable {
        @Option(names = "--runs", defaultValue = "1", description = "How many runs (default: ${DEFAULT-VALUE}).")
        int runs;

        @CommandLine.Mixin
        AdminCommand.Database database;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            String text = with(database, "retention-report", a -> a.report(runs));
            spec.commandLine().getOut().print(text);
        }
    }

    @Command(name = "research-export", mixinStandardHelpOptions = true,
            description = {"Write a de-identified research data set of the people who consented to research.",
                    "Needs MQCGM_RESEARCH_EXPORT=on, a study id and its ethics approval reference."})
    static final class ResearchExport implements Runnable {
        @Option(names = "--study", required = true, paramLabel = "ID")
        String study;

        @Option(names = "--ethics-approval", required = true, paramLabel = "REF")
        String ethics;

        @Option(names = "--requested-by", required = true, paramLabel = "WHO")
        String requestedBy;

        @Option(names = "--from", required = true, paramLabel = "DATE")
        String from;

        @Option(names = "--to", required = true, paramLabel = "DATE")
        String to;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "A new file (JSON).")
        Path out;

        @CommandLine.Mixin
        AdminCommand.Database database;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Instant f = AdminCommand.PublishPolicy.instant(from);
            Instant t = AdminCommand.PublishPolicy.instant(to);
            ResearchExports.Result r = with(database, "research-export",
                    a -> a.researchExport(study, ethics, requestedBy, f, t, out));
            spec.commandLine().getOut().println("wrote " + r.file() + ": " + r.subjects() + " subjects, "
                    + r.suppressed() + " suppressed (k=" + r.k() + "), " + r.classification() + ", sha-256 "
                    + r.sha256() + " (export " + r.id() + " registered)");
        }
    }
}
