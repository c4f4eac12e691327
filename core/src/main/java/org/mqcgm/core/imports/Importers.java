package org.mqcgm.core.imports;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mqcgm.core.glucose.Reading;

/**
 * The entry point: bytes → {@link ParsedFile}, with the format detected from the content.
 *
 * <ul>
 *   <li>text starting with {@code [} is JSON: Tidepool when its items carry Tidepool types ({@code cbg},
 *       {@code smbg}, …) or {@code units}, Nightscout when they carry {@code sgv}/{@code mbg}/{@code cal}, a
 *       millisecond {@code date} or are treatments ({@code eventType}, {@code created_at});</li>
 *   <li>otherwise CSV: Clarity when a header row has {@code Event Type} third and a {@code Glucose Value} column,
 *       LibreView when one of the first three rows has 19 or more fields with a glucose unit in the fifth
 *       (localized headers are matched by position).</li>
 * </ul>
 */
public final class Importers {

    private Importers() {
    }

    /** Reads a file, detecting its format. */
    public static ParsedFile parse(byte[] bytes) {
        return parse(bytes, null);
    }

    /**
     * Reads a file as {@code format} (null: detect it). Throws only {@link ImportException}.
     */
    public static ParsedFile parse(byte[] bytes, ImportFormat format) {
        String text = ImportText.decode(bytes);
        String trimmed = text.stripLeading();
        boolean json = trimmed.startsWith("[") || trimmed.startsWith("{");
        // The file is read once: detection looks at the rows or items the parser then takes.
        List<Csv.Row> rows = json ? null : csv(text, false);
        List<Object> items = json ? items(text, true) : null;
        if (format == null) {
            format = json ? detectJson(items) : detectCsv(rows);
        }
        try {
            return switch (format) {
                case CLARITY_CSV -> ClarityParser.parse(requireCsv(rows));
                case LIBREVIEW_CSV -> LibreViewParser.parse(requireCsv(rows));
                case NIGHTSCOUT_JSON -> NightscoutParser.parse(requireJson(items));
                case TIDEPOOL_JSON -> TidepoolParser.parse(requireJson(items));
            };
        } catch (ImportException e) {
            throw e;
        } catch (RuntimeException e) {
            // A parser bug must never become a server error; the file is refused with a plain message. The rule
            // "unreadable" is never thrown on purpose, so the fuzz test fails on it.
            throw new ImportException("unreadable", "The file could not be read as " + format.label() + ".");
        }
    }

    private static List<Csv.Row> requireCsv(List<Csv.Row> rows) {
        if (rows == null) {
            throw new ImportException("structure", "The file is JSON, not CSV.");
        }
        return rows;
    }

    private static List<Object> requireJson(List<Object> items) {
        if (items == null) {
            throw new ImportException("structure", "The file is not JSON.");
        }
        return items;
    }

    private static List<Csv.Row> csv(String text, boolean json) {
        if (json) {
            throw new ImportException("structure", "The file is JSON, not CSV.");
        }
        return Csv.read(text, Csv.delimiter(text));
    }

    private static List<Object> items(String text, boolean json) {
        if (!json) {
            throw new ImportException("structure", "The file is not JSON.");
        }
        Object root = MiniJson.parse(text);
        if (root instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<Object> items = (List<Object>) list;
            return items;
        }
        if (root instanceof Map<?, ?> map && map.get("data") instanceof List<?> data) {
            @SuppressWarnings("unchecked")
            List<Object> items = (List<Object>) data;
            return items;
        }
        throw new ImportException("structure", "The JSON must be an array of entries or data items.");
    }

    private static ImportFormat detectJson(List<Object> items) {
        int tidepool = 0;
        int nightscout = 0;
        for (Object o : items) {
            if (o instanceof Map<?, ?> m) {
                Object type = m.get("type");
                String t = type instanceof String s ? s : "";
                if (TidepoolParser.KNOWN_TYPES.contains(t) || m.containsKey("units") || m.containsKey("deviceTime")) {
                    tidepool++;
                } else if (t.equals("sgv") || t.equals("mbg") || t.equals("cal") || m.containsKey("sgv")
                        || m.get("date") instanceof Double || NightscoutParser.isTreatment(m)) {
                    nightscout++;
                }
            }
        }
        if (tidepool == 0 && nightscout == 0) {
            throw new ImportException("unknown-format", items.isEmpty() ? "The JSON array is empty: no readings."
                    : "The JSON is neither Nightscout entries or treatments nor Tidepool data.");
        }
        return tidepool > nightscout ? ImportFormat.TIDEPOOL_JSON : ImportFormat.NIGHTSCOUT_JSON;
    }

    private static ImportFormat detectCsv(List<Csv.Row> rows) {
        for (int r = 0; r < Math.min(3, rows.size()); r++) {
            Csv.Row row = rows.get(r);
            if (row.field(2).trim().equalsIgnoreCase("Event Type")
                    && row.fields().stream().anyMatch(f -> f.trim().startsWith("Glucose Value"))) {
                return ImportFormat.CLARITY_CSV;
            }
            if (row.fields().size() >= 19 && Values.unitOf(row.field(4)) != null) {
                return ImportFormat.LIBREVIEW_CSV;
            }
        }
        throw new ImportException("unknown-format", "The file is not a Dexcom Clarity CSV, LibreView CSV, Nightscout"
                + " entries JSON or Tidepool JSON export (no known header in its first lines).");
    }

    /** Small helpers shared by the parsers. */
    static final class Values {
        private Values() {
        }

        static org.mqcgm.core.glucose.GlucoseUnit unitOf(String header) {
            String h = header.toLowerCase(Locale.ROOT);
            if (h.contains("mmol")) {
                return org.mqcgm.core.glucose.GlucoseUnit.MMOL_L;
            }
            if (h.contains("mg/dl") || h.contains("mg/l") || h.contains("mgdl")) {
                return org.mqcgm.core.glucose.GlucoseUnit.MG_DL;
            }
            return null;
        }

        /**
         * A glucose cell: the sensor's {@code lowWord}/{@code highWord} (below/above its range, a marker at its limit)
         * or a number in {@code unit} within what any CGM reports; otherwise {@code skip} says why the row is left.
         */
        record Glucose(int mgdl, Reading.Marker marker, String skip) {
        }

        static Glucose glucose(String cell, String lowWord, int lowLimit, String highWord, int highLimit,
                               org.mqcgm.core.glucose.GlucoseUnit unit) {
            String value = cell.trim();
            if (value.equalsIgnoreCase(lowWord)) {
                return new Glucose(lowLimit, Reading.Marker.LOW, null);
            }
            if (value.equalsIgnoreCase(highWord)) {
                return new Glucose(highLimit, Reading.Marker.HIGH, null);
            }
            double v = number(value);
            if (Double.isNaN(v)) {
                return new Glucose(0, null, value.isEmpty() ? "no glucose value" : "glucose value is not a number");
            }
            int mgdl = unit.toStoredMgdl(v);
            if (mgdl < Reading.MIN_MGDL || mgdl > Reading.MAX_MGDL) {
                return new Glucose(0, null, "glucose " + mgdl + " mg/dL outside " + Reading.MIN_MGDL + "–"
                        + Reading.MAX_MGDL);
            }
            return new Glucose(mgdl, Reading.Marker.VALUE, null);
        }

        /** A positive number below a million in a cell (a point or a comma), or null. */
        static java.math.BigDecimal positive(String cell) {
            double v = number(cell);
            return Double.isNaN(v) || v <= 0 || v >= 1_000_000 ? null : java.math.BigDecimal.valueOf(v);
        }

        /** A decimal number with a point or a comma, or NaN. */
        static double number(String text) {
            String t = text.trim();
            if (t.isEmpty() || t.length() > 20) {
                return Double.NaN;
            }
            for (int k = 0; k < t.length(); k++) {
                char c = t.charAt(k);
                if (!(c >= '0' && c <= '9') && c != '.' && c != ',' && !(k == 0 && (c == '-' || c == '+'))) {
                    return Double.NaN;
                }
            }
            try {
                return Double.parseDouble(t.replace(',', '.'));
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        /**
         * A device name fit to store as a reading's source: control characters removed, at most 64 characters,
         * and a leading {@code = + - @} (a spreadsheet formula) neutralised with a single quote; {@code fallback}
         * when nothing is left.
         */
        static String source(String text, String fallback) {
            if (text == null) {
                return fallback;
            }
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < text.length() && b.length() < Reading.MAX_SOURCE_LENGTH; k++) {
                char c = text.charAt(k);
                if (!Character.isISOControl(c)) {
                    b.append(c);
                }
            }
            String s = b.toString().strip();
            if (s.isEmpty()) {
                return fallback;
            }
            char first = s.charAt(0);
            if (first == '=' || first == '+' || first == '-' || first == '@') {
                s = "'" + s;
            }
            return s.length() > Reading.MAX_SOURCE_LENGTH ? s.substring(0, Reading.MAX_SOURCE_LENGTH) : s;
        }

        /** A name from the file shown in a reason only when it is a plain word (never a formula or long text). */
        static String word(String text) {
            String t = text == null ? "" : text.trim();
            return t.matches("[A-Za-z][A-Za-z0-9 _/.-]{0,23}") ? t : "other";
        }
    }
}
