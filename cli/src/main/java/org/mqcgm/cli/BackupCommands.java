package org.mqcgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.cancellation.CancellationAdministration;
import org.mqcgm.server.platform.db.DatabaseBackup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mqcgm backup} and {@code mqcgm restore}: snapshots through JDBC that keep erasures erased (PR-65). */
final class BackupCommands {

    private BackupCommands() {
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = {"Write a consistent snapshot of the database (the server may be running; pg_dump is not"
                    + " needed) to a ZIP file.",
                    "Personal data in it stays encrypted with each person's key; keep the master key and the"
                    + " deletion ledger out of it."})
    static final class Backup implements Runnable {
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The backup file to write.")
        Path out;

        @CommandLine.Mixin
        AdminCommand.Database database;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (out.toAbsolutePath().getParent() != null && !Files.isDirectory(out.toAbsolutePath().getParent())) {
                throw new ConfigException("--out", "no such directory: " + out.toAbsolutePath().getParent());
            }
            DatabaseBackup.Summary s = AdminCommand.withConfig(database, config -> {
                try (CancellationAdministration admin = CancellationAdministration.open(config, false)) {
                    return admin.backup(out);
                }
            });
            spec.commandLine().getOut().println("backup of schema version " + s.schemaVersion() + " taken at "
                    + s.takenAt() + ": " + s.rows().size() + " tables, " + s.totalRows() + " rows → " + out);
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = {"Load a backup into an empty database (MQCGM_DB_URL), then erase again every account the"
                    + " deletion ledger lists (MQCGM_DELETION_LEDGER and each --ledger) and every account whose"
                    + " cancellation was queued in the backup, so no cancelled account comes back. Start the server"
                    + " afterwards: it applies newer migrations.",
                    "Refuses to run when the deletion ledger file does not exist, unless --no-ledger is given."})
    static final class Restore implements Runnable {
        @Parameters(index = "0", paramLabel = "FILE", description = "A file written by 'mqcgm backup'.")
        Path file;

        @Option(names = "--ledger", paramLabel = "FILE",
                description = "Another deletion ledger to replay (e.g. of another server node); repeatable.")
        List<Path> ledgers = new ArrayList<>();

        @Option(names = "--no-ledger",
                description = "Restore even though the deletion ledger (MQCGM_DELETION_LEDGER) does not exist."
                        + " Every account erased since the backup was taken then comes back: only for a ledger"
                        + " that is truly lost.")
        boolean noLedger;

        @CommandLine.Mixin
        SharedOptions.ConfigFile config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("FILE", "no such file: " + file);
            }
            CancellationAdministration.Restored r;
            try (CancellationAdministration admin = CancellationAdministration.open(config.load(), false)) {
                r = admin.restore(file, ledgers, noLedger);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("restore", e.getMessage());
            }
            spec.commandLine().getOut().println("restored schema version " + r.backup().schemaVersion()
                    + " from the backup taken at " + r.backup().takenAt() + " (" + r.backup().totalRows()
                    + " rows); deletion ledger: " + r.ledgerEntries() + " ids; cancellations queued in the backup: "
                    + r.pendingCancellations() + "; " + r.erasedAgain() + " accounts erased");
        }
    }
}
