package org.mqcgm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mqcgm.core.glucose.GlucoseUnit;
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
 * is one line on stderr naming the row, its line and the column, and exit status 2.
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
     * Reads the CSV strictly with FastCSV (RFC 4180: quotes, a BOM, CRLF): where the engine's reader would silently
     * drop a row (the oracle's behaviour), the command stops at the first bad row and names its row, line and
     * column, since a person running it wants to know. Blank lines are skipped; columns after the second are ignored.
     */
    static CgmRecording read(Path file) throws BadInput {
        GlucoseUnit unit = null;
        String valueColumn = null;
        List<GlucoseSample> samples = new ArrayList<>();
        // A strict UTF-8 decoder (Files.newBufferedReader): a file in another encoding is an error, not mojibake.
        try (CsvReader<CsvRecord> csv = CsvReader.builder()
                .trimWhitespacesAroundQuotes(true)
                .allowExtraFields(true)
                .allowMissingFields(true)
                .ofCsvRecord(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            for (CsvRecord record : csv) {
                if (blank(record)) {
                    continue;
                }
                if (unit == null) {
                    valueColumn = record.getFieldCount() < 2 ? "" : headerName(record.getField(1));
                    unit = unitOf(valueColumn, record);
                    continue;
                }
                samples.add(sample(record, samples.size() + 1, unit, valueColumn));
            }
        } catch (NoSuchFileException e) {
            throw new BadInput("no such file");
        } catch (IOException e) {
            throw new BadInput("cannot read: " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw new BadInput(e.getCause() instanceof MalformedInputException ? "not a UTF-8 text file"
                    : "cannot read: " + e.getCause().getMessage());
        } catch (CsvParseException e) {
            throw new BadInput("not a CSV file: " + e.getMessage());
        }
        if (unit == null) {
            throw new BadInput("line 1 (header): empty file, expected the header " + CgmCsvReader.TIME_COLUMN + ","
                    + CgmCsvReader.MGDL_COLUMN);
        }
        if (samples.isEmpty()) {
            throw new BadInput("no readings after the header");
        }
        return new CgmRecording(unit, samples.size(), samples);
    }

    /** The unit of the header's value column. */
    private static GlucoseUnit unitOf(String valueColumn, CsvRecord header) throws BadInput {
        if (valueColumn.equals(CgmCsvReader.MGDL_COLUMN)) {
            return GlucoseUnit.MG_DL;
        }
        if (valueColumn.equals(CgmCsvReader.MMOL_COLUMN)) {
            return GlucoseUnit.MMOL_L;
        }
        throw new BadInput("line " + header.getStartingLineNumber() + " (header): "
                + (header.getFieldCount() < 2 ? "expected two columns, " + CgmCsvReader.TIME_COLUMN + " and "
                + CgmCsvReader.MGDL_COLUMN + " or " + CgmCsvReader.MMOL_COLUMN
                : "unknown value column '" + clip(valueColumn) + "', expected " + CgmCsvReader.MGDL_COLUMN + " or "
                + CgmCsvReader.MMOL_COLUMN));
    }

    /** One data row as a reading, or the reason it is not one, naming the row, its line and the column. */
    private static GlucoseSample sample(CsvRecord record, int row, GlucoseUnit unit, String valueColumn)
            throws BadInput {
        String where = "row " + row + " (line " + record.getStartingLineNumber() + ")";
        if (record.getFieldCount() < 2) {
            throw new BadInput(where + ": expected two comma-separated fields, got '"
                    + clip(String.join(",", record.getFields())) + "'");
        }
        String time = record.getField(0).strip();
        String value = record.getField(1).strip();
        Instant t = CgmCsvReader.parseTime(time);
        if (t == null) {
            throw new BadInput(where + ", column " + CgmCsvReader.TIME_COLUMN + ": '" + clip(time)
                    + "' is not an ISO-8601 timestamp such as 2024-03-04T00:03:17Z");
        }
        double mgdl = CgmCsvReader.parseValue(value, unit, true);
        if (Double.isNaN(mgdl)) {
            throw new BadInput(where + ", column " + valueColumn + ": '" + clip(value) + "' is not a number");
        }
        if (!(Double.isFinite(mgdl) && mgdl > 0)) {
            throw new BadInput(where + ", column " + valueColumn + ": '" + clip(value) + "' must be positive");
        }
        return new GlucoseSample(t, mgdl);
    }

    /** An empty line, or one of spaces only (the engine's reader skips those too). */
    private static boolean blank(CsvRecord record) {
        return record.getFieldCount() == 1 && record.getField(0).isBlank();
    }

    /** A header name without surrounding spaces and byte-order mark. */
    private static String headerName(String field) {
        return field.replace("\uFEFF", "").strip();
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
