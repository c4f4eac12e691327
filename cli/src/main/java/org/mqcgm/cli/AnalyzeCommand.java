package org.mqcgm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mqcgm.core.metrics.CgmAnalysis;
import org.mqcgm.core.metrics.CgmOptions;
import org.mqcgm.core.metrics.CgmRecording;
import org.mqcgm.core.metrics.CgmResult;
import org.mqcgm.core.metrics.DataSufficiency;
import org.mqcgm.core.metrics.Episodes;
import org.mqcgm.core.metrics.GlucoseSample;
import org.mqcgm.core.metrics.GlucoseStatistics;
import org.mqcgm.core.metrics.TimeInRanges;
import org.mqcgm.core.metrics.io.CgmCsvReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mqcgm analyze FILE.csv [--json] [--tz ZONE]}: the consensus CGM metrics of a CSV file
 * ({@code timestamp_utc,glucose_mg_dl} or {@code timestamp_utc,glucose_mmol_l}) computed by the core metrics
 * engine. {@code --json} prints the sections and field names of the shared {@code *.expected.json} test vectors.
 * A file the engine cannot use (missing file, bad header, a row whose time or value cannot be read, no readings)
 * is one line on stderr naming the row, and exit status 2.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Compute the consensus CGM metrics of a CSV file (header timestamp_utc,glucose_mg_dl "
                + "or timestamp_utc,glucose_mmol_l).",
                "Without --tz days are UTC days (the reference mode of the shared test vectors)."})
final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE.csv", description = "The CSV file to analyse.")
    Path file;

    @Option(names = "--json", description = "Print one JSON object with the sections of the shared *.expected.json.")
    boolean json;

    @Option(names = "--tz", paramLabel = "ZONE",
            description = "Time zone of the days (daily summaries, ADRR, AGP time of day), e.g. Asia/Shanghai.")
    String timeZone;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The file could not be used; the message is the whole error line after the file name. */
    static final class BadInput extends Exception {
        BadInput(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CgmOptions options = CgmOptions.reference();
        if (timeZone != null) {
            try {
                options = options.withZone(ZoneId.of(timeZone));
            } catch (DateTimeException e) {
                err.println("mqcgm: --tz: unknown time zone '" + timeZone + "'");
                return 2;
            }
        }
        CgmRecording recording;
        try {
            recording = read(file);
        } catch (BadInput e) {
            err.println("mqcgm: " + file + ": " + e.getMessage());
            return 2;
        }
        CgmResult result = CgmAnalysis.analyze(recording, options);
        if (json) {
            String name = file.getFileName().toString();
            String caseName = name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(result.toExpectedShape(caseName)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            printSummary(out, result, options.zone());
        }
        out.flush();
        return 0;
    }

    /**
     * Reads the CSV strictly: where the engine's reader would silently drop a row (the oracle's behaviour), the
     * command stops and names the row instead, since a person running it wants to know.
     */
    static CgmRecording read(Path file) throws BadInput {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInput("no such file");
        } catch (MalformedInputException e) {
            throw new BadInput("not a UTF-8 text file");
        } catch (IOException e) {
            throw new BadInput("cannot read: " + e.getMessage());
        }
        CgmRecording recording;
        try {
            recording = CgmCsvReader.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInput("line 1 (header): " + e.getMessage());
        }
        boolean allUsable = recording.samples().size() == recording.rowsRead()
                && recording.samples().stream().allMatch(AnalyzeCommand::usable);
        if (!allUsable) {
            throw firstBadRow(text);
        }
        if (recording.samples().isEmpty()) {
            throw new BadInput("no readings after the header");
        }
        return recording;
    }

    private static boolean usable(GlucoseSample s) {
        return Double.isFinite(s.mgdl()) && s.mgdl() > 0;
    }

    /** Finds the first row the reader drops or the engine would discard, and says what is wrong with it. */
    private static BadInput firstBadRow(String text) {
        List<String> lines = text.lines().toList();
        String header = null;
        int row = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            if (header == null) {
                header = line;
                continue;
            }
            row++;
            String where = "row " + row + " (line " + (i + 1) + "): ";
            int comma = line.indexOf(',');
            if (comma < 0) {
                return new BadInput(where + "expected two comma-separated fields, got '" + clip(line) + "'");
            }
            List<GlucoseSample> parsed = CgmCsvReader.parse(header + "\n" + line).samples();
            if (parsed.isEmpty()) {
                String time = line.substring(0, comma);
                // A row with this time and a valid value tells which of the two fields the reader rejects.
                boolean timeOk = !CgmCsvReader.parse(header + "\n" + time + ",100").samples().isEmpty();
                return new BadInput(where + (timeOk
                        ? "glucose value '" + clip(valueField(line, comma)) + "' is not a number"
                        : "time '" + clip(time.strip()) + "' is not an ISO-8601 timestamp such as 2024-03-04T00:03:17Z"));
            }
            if (!usable(parsed.get(0))) {
                return new BadInput(where + "glucose value '" + clip(valueField(line, comma)) + "' must be positive");
            }
        }
        return new BadInput("a row could not be read");
    }

    private static String valueField(String line, int comma) {
        int end = line.indexOf(',', comma + 1);
        return (end < 0 ? line.substring(comma + 1) : line.substring(comma + 1, end)).strip();
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private static void printSummary(PrintWriter out, CgmResult r, ZoneId zone) {
        GlucoseStatistics s = r.statistics();
        TimeInRanges t = r.timeInRanges();
        DataSufficiency d = r.sufficiency();
        out.printf(Locale.ROOT, "CGM analysis (%s; days in %s)%n", r.algorithmVersion(), zone.getId());
        out.printf(Locale.ROOT, "Readings       %d (%d rows, %d duplicates merged) from %s to %s%n",
                r.preprocessing().nReadings(), r.preprocessing().nRows(), r.preprocessing().nDuplicatesMerged(),
                r.preprocessing().first(), r.preprocessing().last());
        out.printf(Locale.ROOT, "Sufficiency    %.1f days, %.1f %% active, interval %d min: %s%n", d.spanDays(),
                d.activePercentIglu(), d.dt0Minutes(), d.meetsConsensus()
                        ? "meets the consensus (>= 14 days, >= 70 % active)"
                        : "below the consensus minimum (>= 14 days, >= 70 % active)");
        out.println("Time in ranges");
        out.printf(Locale.ROOT, "  very high >250 mg/dL  %5.1f %%%n", t.veryHighPercent());
        out.printf(Locale.ROOT, "  high 181-250          %5.1f %%%n", t.highPercent());
        out.printf(Locale.ROOT, "  in range 70-180       %5.1f %%   (tight 70-140: %.1f %%)%n", t.inRangePercent(),
                t.tightRangePercent());
        out.printf(Locale.ROOT, "  low 54-69             %5.1f %%%n", t.lowPercent());
        out.printf(Locale.ROOT, "  very low <54          %5.1f %%%n", t.veryLowPercent());
        out.printf(Locale.ROOT, "Mean glucose   %.1f mg/dL (%.1f mmol/L), median %.1f mg/dL%n", s.meanMgdl(),
                s.meanMmol(), s.medianMgdl());
        out.printf(Locale.ROOT, "GMI            %.2f %% (%.1f mmol/mol)%n", s.gmiPercent(), s.gmiMmolMol());
        out.printf(Locale.ROOT, "Variability    CV %.1f %%, SD %.1f mg/dL, MAGE %s mg/dL, MODD %s, CONGA%d %s%n",
                s.cvPercent(), s.sdMgdl(), num(r.variability().mage().value()), num(r.variability().modd()),
                r.variability().congaHours(), num(r.variability().conga()));
        out.printf(Locale.ROOT, "GRI            %.1f (zone %s)%n", r.gri().gri(), r.gri().zone());
        out.printf(Locale.ROOT, "LBGI / HBGI    %.2f / %.2f, ADRR %s over %d days%n", r.risk().lbgi(), r.risk().hbgi(),
                num(r.risk().adrr()), r.risk().adrrDays());
        Episodes e = r.episodes();
        out.println("Episodes       count  per day  mean minutes");
        episode(out, "  hypo <70", e.lv1Hypo());
        episode(out, "  hypo <54", e.lv2Hypo());
        episode(out, "  hypo <70 >2h", e.extendedHypo());
        episode(out, "  hyper >180", e.lv1Hyper());
        episode(out, "  hyper >250", e.lv2Hyper());
    }

    private static void episode(PrintWriter out, String label, Episodes.EpisodeSummary s) {
        out.printf(Locale.ROOT, "%-15s %5d  %7.2f  %s%n", label, s.count(), s.perDay(), num(s.meanDurationMinutes()));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }
}
