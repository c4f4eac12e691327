package org.mqcgm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.mqcgm.server.App;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.imports.ImportsFeature;
import org.mqcgm.server.platform.http.ProblemException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mqcgm import FILE --user EMAIL [--zone ZONE] [--format F] [--yes]}: the web app's import from the command
 * line. It reaches the database as {@code admin} does ({@code --config}/{@code MQCGM_*}, or a demo's
 * {@code --data-dir}), runs the server's import feature in this process (no HTTP port is exposed beyond loopback),
 * prints the preview, asks for confirmation unless {@code --yes}, and stores through the same path as uploads.
 * A file that cannot be imported is one line on standard error and exit status 2.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import readings from a Dexcom Clarity CSV, LibreView CSV, Nightscout entries JSON or Tidepool "
                + "JSON export: preview, confirm, store (nothing is stored twice).")
final class ImportCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "FILE", description = "The export file.")
    Path file;

    @Option(names = "--user", required = true, paramLabel = "EMAIL", description = "Whose readings these are.")
    String user;

    @Option(names = "--zone", paramLabel = "ZONE",
            description = "IANA time zone of the file's local times (Clarity, LibreView); default the account's.")
    String zone;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "clarity, libreview, nightscout or tidepool (default: detected from the content).")
    String format;

    @Option(names = "--yes", description = "Store without asking.")
    boolean yes;

    @CommandLine.Mixin
    AdminCommand.Database database;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        byte[] bytes = read();
        // A file that cannot be imported is told at once, before the database is reached.
        try {
            org.mqcgm.core.imports.Importers.parse(bytes, format == null ? null : org.mqcgm.core.imports.ImportFormat
                    .byId(format).orElseThrow(() -> new ConfigException("--format",
                            "one of clarity, libreview, nightscout, tidepool")));
        } catch (org.mqcgm.core.imports.ImportException e) {
            throw new ConfigException("import", e.getMessage() + " [file (" + e.rule() + ")]");
        }
        PrintWriter out = spec.commandLine().getOut();
        AdminCommand.withConfig(database, config -> {
            try (App app = App.start(config.withListen("127.0.0.1", 0), Clock.systemUTC())) {
                UUID owner = app.accounts().findId(user).orElseThrow(() -> new ConfigException("--user",
                        "no account " + user));
                ImportsFeature imports = app.feature(ImportsFeature.class);
                ImportsFeature.Preview preview = imports.preview(owner, bytes, zone, format);
                print(out, preview);
                if (preview.count() == preview.duplicates() && preview.checkins() == preview.checkinDuplicates()) {
                    out.println("Nothing new to store: every reading and logbook entry is stored already.");
                    return null;
                }
                if (!yes && !confirmed(out, preview)) {
                    out.println("Not imported.");
                    return null;
                }
                ImportsFeature.Preview done = imports.commit(owner, UUID.fromString(preview.id()), zone);
                out.println("stored " + done.stored() + " readings; " + done.duplicates()
                        + " were stored already");
                if (done.checkins() > 0) {
                    out.println("stored " + done.checkinsStored() + " logbook entries; " + done.checkinDuplicates()
                            + " were in the logbook already");
                }
                return null;
            } catch (ProblemException e) {
                String errors = e.problem().errors().stream().map(f -> f.field() + " (" + f.rule() + ")")
                        .reduce((a, b) -> a + ", " + b).map(s -> " [" + s + "]").orElse("");
                throw new ConfigException("import", e.problem().detail() + errors);
            }
        });
    }

    private byte[] read() {
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("FILE", "no file " + file);
            }
            if (Files.size(file) > ImportsFeature.MAX_FILE_BYTES) {
                throw new ConfigException("FILE", "larger than " + ImportsFeature.MAX_FILE_BYTES / (1024 * 1024)
                        + " MB");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException("FILE", "cannot read " + file + ": " + e.getMessage());
        }
    }

    static void print(PrintWriter out, ImportsFeature.Preview p) {
        out.println("format:     " + p.format() + " (" + p.unit() + ")");
        out.println("period:     " + p.first() + " – " + p.last());
        out.println("readings:   " + p.count() + " (" + p.duplicates() + " stored already)");
        if (p.checkins() > 0) {
            out.println("logbook:    " + p.checkins() + " " + p.checkinKinds() + " (" + p.checkinDuplicates()
                    + " in the logbook already)");
        }
        out.println("time zone:  " + p.zone() + (p.zoneAssumed() ? " (assumed: the account's home zone; --zone to "
                + "choose another)" : ""));
        if (p.dstGaps() > 0 || p.dstRepeats() > 0) {
            out.println("DST:        " + p.dstGaps() + " in a skipped hour, " + p.dstRepeats() + " in a repeated hour");
        }
        if (p.note() != null) {
            out.println("note:       " + p.note());
        }
        out.println("skipped:    " + p.skippedTotal() + " rows");
        p.skipped().stream().limit(20).forEach(s -> out.println("  row " + s));
        if (p.skippedTotal() > 20) {
            out.println("  …");
        }
    }

    private static boolean confirmed(PrintWriter out, ImportsFeature.Preview p) {
        out.print("Store " + (p.count() - p.duplicates()) + " new readings"
                + (p.checkins() > 0 ? " and " + (p.checkins() - p.checkinDuplicates()) + " logbook entries" : "")
                + "? [y/N] ");
        out.flush();
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line != null && (line.trim().equalsIgnoreCase("y") || line.trim().equalsIgnoreCase("yes"));
        } catch (IOException e) {
            return false;
        }
    }
}
