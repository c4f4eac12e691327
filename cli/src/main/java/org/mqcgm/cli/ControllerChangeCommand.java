package org.mqcgm.cli;

import java.util.function.Function;
import org.mqcgm.server.handover.ControllerChangeAdministration;
import org.mqcgm.server.platform.http.ProblemException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mqcgm admin controller-change announce|show|deliveries|cancel|complete|manifest}: a change of controller
 * (merger, acquisition, bankruptcy; PR-51). Announcing freezes the privacy policy at once; a running server tells
 * every active person within a minute, and at the transfer date deletes the accounts of those who did not accept
 * new terms and keeps the manifest of the accounts that remain.
 */
@Command(name = "controller-change", mixinStandardHelpOptions = true,
        description = "Announce a change of controller (merger, acquisition, bankruptcy), cancel or complete it.",
        subcommands = {ControllerChangeCommand.Announce.class, ControllerChangeCommand.Show.class,
                ControllerChangeCommand.Deliveries.class, ControllerChangeCommand.Cancel.class,
                ControllerChangeCommand.Complete.class, ControllerChangeCommand.Manifest.class})
final class ControllerChangeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs one action against the configured database and prints its text; refusals exit with status 2. */
    abstract static class Action implements Runnable {
        @CommandLine.Mixin
        AdminCommand.Database database;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract String apply(ControllerChangeAdministration admin);

        @Override
        public void run() {
            String out = AdminCommand.withConfig(database, config -> {
                try (ControllerChangeAdministration admin = ControllerChangeAdministration.open(config)) {
                    return apply(admin);
                } catch (ProblemException e) {
                    throw AdminCommand.explain(e);
                }
            });
            spec.commandLine().getOut().print(out);
            spec.commandLine().getOut().flush();
        }
    }

    @Command(name = "announce", mixinStandardHelpOptions = true,
            description = {"Announce a change of controller: the privacy policy in force is frozen and every active"
                    + " person is told (e-mail or SMS, push, in-app) with the date, the successor, and how to export"
                    + " and delete their data before the date.",
                    "The transfer date must be at least 30 days away."})
    static final class Announce extends Action {
        @Option(names = "--successor", required = true, paramLabel = "NAME", description = "The new controller.")
        String successor;
        @Option(names = "--successor-contact", required = true, paramLabel = "TEXT",
                description = "How people reach the new controller (address, e-mail, phone).")
        String successorContact;
        @Option(names = "--transfer-date", required = true, paramLabel = "YYYY-MM-DD",
                description = "The day the data passes to the successor (at least 30 days from today, UTC).")
        String transferDate;
        @Option(names = "--terms-changed",
                description = "The successor processes data under new terms: people must accept them, or their"
                        + " accounts are deleted at the transfer date.")
        boolean termsChanged;
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (merger, acquisition, bankruptcy…).")
        String reason;

        @Override
        String apply(ControllerChangeAdministration admin) {
            return admin.announce(successor, successorContact, transferDate, termsChanged, reason);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the open (or newest) change.")
    static final class Show extends Action {
        @Override
        String apply(ControllerChangeAdministration admin) {
            return admin.show();
        }
    }

    @Command(name = "deliveries", mixinStandardHelpOptions = true,
            description = "The delivery log of the open (or newest) change: person, notice, channel, state.")
    static final class Deliveries extends Action {
        @Override
        String apply(ControllerChangeAdministration admin) {
            return admin.deliveries();
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel the open change: the policy is unfrozen and everyone told is told it is cancelled.")
    static final class Cancel extends Action {
        @Override
        String apply(ControllerChangeAdministration admin) {
            return admin.cancel();
        }
    }

    @Command(name = "complete", mixinStandardHelpOptions = true,
            description = {"Complete the open change on or after its transfer date (the server also does it on"
                    + " that date): accounts that did not accept new terms are deleted, the manifest is kept."})
    static final class Complete extends Action {
        @Override
        String apply(ControllerChangeAdministration admin) {
            return admin.complete();
        }
    }

    @Command(name = "manifest", mixinStandardHelpOptions = true,
            description = "The transfer manifest (JSON): the accounts that pass to the successor, counts, the frozen"
                    + " policy version.")
    static final class Manifest extends Action {
        @Override
        String apply(ControllerChangeAdministration admin) {
            return admin.manifest();
        }
    }
}
