package org.mqcgm.core.metrics.io;

import org.mqcgm.core.glucose.GlucoseUnit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.mqcgm.core.metrics.CgmRecording;
import org.mqcgm.core.metrics.GlucoseSample;

/**
 * Reads the two-column CGM CSV format of the shared test vectors: a header
 * {@code timestamp_utc,glucose_mg_dl} or {@code timestamp_utc,glucose_mmol_l}, then one reading per row,
 * e.g. {@code 2024-03-04T00:03:17Z,122}. The caller owns (opens and closes) the {@link Reader}.
 *
 * <p>Rules (spec section 0; mirrors the oracle's {@code read_case()}):
 * <ul>
 *   <li>Blank lines are skipped and not counted; every other line after the header is a row
 *       ({@link CgmRecording#rowsRead()}).</li>
 *   <li>A row whose time or value cannot be parsed is dropped (it still counts as a row).</li>
 *   <li>Times: {@code yyyy-MM-ddTHH:mm:ssZ} (the oracle's format). As an extension, other ISO-8601
 *       instants with fractional seconds or a numeric offset ({@code +01:00}) are accepted; the oracle
 *       would drop those rows.</li>
 *   <li>Values: plain decimal numbers ({@code 122}, {@code 6.8}, {@code 1.2e2}); mmol/L values are converted
 *       to mg/dL with x 18.0182 (A1). The sensor flags {@code LOW} and {@code HIGH} are read as 40 and
 *       400 mg/dL (A5) unless {@link #read(Reader, boolean)} is told otherwise.</li>
 *   <li>Fields may be wrapped in double quotes; surrounding whitespace is ignored.</li>
 * </ul>
 */
public final class CgmCsvReader {

    /** Time column name. */
    public static final String TIME_COLUMN = "timestamp_utc";
    /** Value column name for mg/dL files. */
    public static final String MGDL_COLUMN = "glucose_mg_dl";
    /** Value column name for mmol/L files. */
    public static final String MMOL_COLUMN = "glucose_mmol_l";
    /** Value used for a sensor "LOW" reading, mg/dL. */
    public static final double SENSOR_LOW_MGDL = 40;
    /** Value used for a sensor "HIGH" reading, mg/dL. */
    public static final double SENSOR_HIGH_MGDL = 400;

    private CgmCsvReader() {
    }

    /** Reads a CSV, mapping LOW/HIGH to 40/400 mg/dL. */
    public static CgmRecording read(Reader reader) throws IOException {
        return read(reader, true);
    }

    /** Parses CSV text, mapping LOW/HIGH to 40/400 mg/dL. */
    public static CgmRecording parse(String csv) {
        try {
            return read(new StringReader(csv), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with a StringReader
        }
    }

    /**
     * Reads a CSV.
     *
     * @param mapSensorLimits true: {@code LOW}/{@code HIGH} become 40/400 mg/dL; false: such rows are
     *                        dropped as unparsable (what base R's {@code as.numeric} would do)
     * @throws IllegalArgumentException if the header is missing or names an unknown value column
     */
    public static CgmRecording read(Reader reader, boolean mapSensorLimits) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        String header = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isBlank()) {
                header = line;
                break;
            }
        }
        if (header == null) {
            throw new IllegalArgumentException("empty CSV: header " + TIME_COLUMN + "," + MGDL_COLUMN + " expected");
        }
        if (header.startsWith("\uFEFF")) {
            header = header.substring(1);
        }
        String[] names = header.split(",", -1);
        if (names.length < 2) {
            throw new IllegalArgumentException("CSV header needs two columns, got: " + header);
        }
        String valueColumn = unquote(names[1]);
        GlucoseUnit unit;
        if (valueColumn.equals(MGDL_COLUMN)) {
            unit = GlucoseUnit.MG_DL;
        } else if (valueColumn.equals(MMOL_COLUMN)) {
            unit = GlucoseUnit.MMOL_L;
        } else {
            throw new IllegalArgumentException("unknown value column '" + valueColumn + "', expected "
                    + MGDL_COLUMN + " or " + MMOL_COLUMN);
        }
        List<GlucoseSample> samples = new ArrayList<>();
        int rows = 0;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            rows++;
            int comma = line.indexOf(',');
            if (comma < 0) {
                continue;
            }
            int end = line.indexOf(',', comma + 1);
            Instant t = parseTime(unquote(line.substring(0, comma)));
            double mgdl = parseValue(unquote(end < 0 ? line.substring(comma + 1) : line.substring(comma + 1, end)),
                    unit, mapSensorLimits);
            if (t != null && !Double.isNaN(mgdl)) {
                samples.add(new GlucoseSample(t, mgdl));
            }
        }
        return new CgmRecording(unit, rows, samples);
    }

    private static String unquote(String field) {
        String s = field.strip();
        if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    /** Parses a time of the {@value #TIME_COLUMN} column (see the class rules); {@code null} if unparsable. */
    public static Instant parseTime(String s) {
        Instant fast = parseCanonical(s);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Fast path for {@code yyyy-MM-ddTHH:mm:ssZ}; {@code null} if the text has another form or is invalid. */
    private static Instant parseCanonical(String s) {
        if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0
                || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second);
        } catch (DateTimeException e) {
            return null; // e.g. 2024-02-30
        }
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Parses a value of the value column into mg/dL (see the class rules); {@code NaN} if unparsable. */
    public static double parseValue(String s, GlucoseUnit unit, boolean mapSensorLimits) {
        if (s.isEmpty()) {
            return Double.NaN;
        }
        if (mapSensorLimits) {
            String upper = s.toUpperCase(Locale.ROOT);
            if (upper.equals("LOW")) {
                return SENSOR_LOW_MGDL;
            }
            if (upper.equals("HIGH")) {
                return SENSOR_HIGH_MGDL;
            }
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
                return Double.NaN; // rejects Java-only forms such as "1d", "NaN", "Infinity", hex
            }
        }
        try {
            return unit.toMgdl(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
