package org.mqcgm.cli;

import java.time.format.DateTimeFormatter;
import org.mqcgm.server.cancellation.CancellationAdministration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mqcgm admin cancel-account IDENTIFIER --reason TEXT}: an operator cancels an account on its owner's behalf
 * (PR-86), after verifying that the caller is the owner (docs/privacy.md#leaving-cancelling-your-account says how). The account stops
 * working at once; the running server erases it within a minute (or this command with {@code --erase-now}).
 */
@Command(name = "cancel-account", mixinStandardHelpOptions = true,
        description = {"Cancel an account on its owner's behalf: it stops working at once and all its data is erased"
                + " within 24 hours (the running server does it within a minute). It cannot be undone.",
                "Verify the caller first: see docs/privacy.md#leaving-cancelling-your-account (operators)."})
final class CancelAccountCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "IDENTIFIER", description = "E-mail address or mobile number (+86…) of the account.")
    String identifier;

    @Option(names = "--reason", required = true, paramLabel = "TEXT",
            description = "Who asked, when, and how the caller was verified (kept with the request until the erasure).")
    String reason;

    @Option(names = "--erase-now", description = "Erase here and now instead of leaving it to the running server's job.")
    boolean eraseNow;

    @CommandLine.Mixin
    AdminCommand.Database database;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        CancellationAdministration.Cancelled done = AdminCommand.withConfig(database, config -> {
            try (CancellationAdministration admin = CancellationAdministration.open(config, true)) {
                return admin.cancel(identifier, reason, eraseNow);
            }
        });
        spec.commandLine().getOut().println("cancelled account " + done.account() + ": it no longer works; "
                + (done.erasedNow() ? "its data is erased and its key destroyed"
                : "its data is erased by " + DateTimeFormatter.ISO_INSTANT.format(done.completeBy())
                + " at the latest (the running server does it within a minute)"));
    }
}
