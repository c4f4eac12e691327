package org.mqcgm.core.imports;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.imports.Importers.Values;

/**
 * LibreView CSV ("Glucose history"): one or two metadata lines, then a 19-column header whose names are localized,
 * so columns are taken by position (0 device, 1 serial, 2 device timestamp, 3 record type, 4 historic glucose,
 * 5 scan glucose); the unit is in the historic column's name.
 *
 * <p><b>Historic versus scan.</b> Record type 0 (historic, automatic every 5 or 15 minutes) is the CGM series. A scan
 * (type 1) repeats a value the sensor also records as historic, so a scan is used only where the same sensor has no
 * historic reading within its interval (the median step of its historic rows, 15 minutes when unknown) — it fills
 * gaps, it is never added on top. Strip glucose, insulin, food and notes (types 2, 4, 5, 6) become logbook
 * check-ins ({@link #entries}); ketones (3) and other types are skipped.
 *
 * <p><b>Dates.</b> The order of day and month follows the account's locale: it is inferred from the whole file (a
 * first number above 12 means day-first, a second above 12 month-first); a file where neither tells is read
 * month-first when it has AM/PM or slashes (the US forms), else day-first — and the preview says it assumed so.
 */
final class LibreViewParser {

    static final int LOW_LIMIT = 40;
    static final int HIGH_LIMIT = 500;
    private static final Pattern TIME = Pattern.compile(
            "(\\d{1,4})([-/.])(\\d{1,2})[-/.](\\d{1,4})[ T]+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*([AaPp][Mm])?");
    private static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);

    private LibreViewParser() {
    }

    private record Raw(Csv.Row row, int type, Matcher time) {
    }

    static ParsedFile parse(List<Csv.Row> rows) {
        int headerIndex = -1;
        for (int r = 0; r < Math.min(3, rows.size()); r++) {
            if (rows.get(r).fields().size() >= 19 && Values.unitOf(rows.get(r).field(4)) != null) {
                headerIndex = r;
                break;
            }
        }
        if (headerIndex < 0) {
            throw new ImportException("structure", "No LibreView header row (19 columns with a glucose unit) was "
                    + "found in the first three lines.");
        }
        GlucoseUnit unit = Values.unitOf(rows.get(headerIndex).field(4));
        List<Skipped> skipped = new ArrayList<>();
        List<Raw> raws = new ArrayList<>(rows.size());
        int maxFirst = 0;
        int maxSecond = 0;
        boolean ampm = false;
        boolean slash = false;
        boolean iso = false;
        for (int r = headerIndex + 1; r < rows.size(); r++) {
            Csv.Row row = rows.get(r);
            if (row.fields().size() < 6) {
                skipped.add(new Skipped(row.line(), "row has " + row.fields().size() + " fields, expected 19"));
                continue;
            }
            double typeValue = Values.number(row.field(3));
            int type = Double.isNaN(typeValue) ? -1 : (int) typeValue;
            if (type != 0 && type != 1 && !LOGBOOK_TYPES.contains(type)) {
                skipped.add(new Skipped(row.line(), type < 0 ? "record type is not a number"
                        : "not a sensor glucose row (record type " + type + ")"));
                continue;
            }
            Matcher m = TIME.matcher(row.field(2).trim());
            if (!m.matches()) {
                skipped.add(new Skipped(row.line(), row.field(2).isBlank() ? "no device timestamp"
                        : "device timestamp is not a date and time"));
                continue;
            }
            if (m.group(1).length() == 4) {
                iso = true;
            } else {
                maxFirst = Math.max(maxFirst, Integer.parseInt(m.group(1)));
                maxSecond = Math.max(maxSecond, Integer.parseInt(m.group(3)));
            }
            ampm |= m.group(8) != null;
            slash |= m.group(2).equals("/");
            raws.add(new Raw(row, type, m));
        }
        boolean dayFirst;
        String note = null;
        if (maxFirst > 12 && maxSecond > 12) {
            throw new ImportException("structure", "The LibreView dates mix day-first and month-first orders.");
        } else if (maxFirst > 12) {
            dayFirst = true;
        } else if (maxSecond > 12) {
            dayFirst = false;
        } else {
            dayFirst = !(ampm || slash);
            if (!raws.isEmpty() && !iso) {
                note = "date order assumed " + (dayFirst ? "day-month-year" : "month-day-year")
                        + " (no day in the file is above 12)";
            }
        }
        List<Candidate> historic = new ArrayList<>();
        List<Candidate> scans = new ArrayList<>();
        List<LogCandidate> checkins = new ArrayList<>();
        for (Raw raw : raws) {
            Csv.Row row = raw.row();
            LocalDateTime local = local(raw.time(), dayFirst);
            if (local == null) {
                skipped.add(new Skipped(row.line(), "device timestamp is not a valid date and time"));
                continue;
            }
            if (LOGBOOK_TYPES.contains(raw.type())) {
                List<LogEntry> entries = entries(raw.type(), row, rows.get(headerIndex));
                if (entries.isEmpty()) {
                    skipped.add(new Skipped(row.line(), "record type " + raw.type() + " without a usable value"));
                }
                for (LogEntry e : entries) {
                    checkins.add(new LogCandidate(row.line(), local, null, null, row.field(1).trim() + "/log", e));
                }
                continue;
            }
            Values.Glucose g = Values.glucose(row.field(raw.type() == 0 ? 4 : 5), "LO", LOW_LIMIT, "HI", HIGH_LIMIT,
                    unit);
            if (g.skip() != null) {
                skipped.add(new Skipped(row.line(), g.skip()));
                continue;
            }
            int mgdl = g.mgdl();
            Reading.Marker marker = g.marker();
            String serial = row.field(1).trim();
            Candidate c = new Candidate(row.line(), local, null, null, mgdl, marker, Double.NaN,
                    Values.source(row.field(0), "LibreView"), serial + "/" + raw.type());
            (raw.type() == 0 ? historic : scans).add(c);
        }
        // Scans fill gaps only: a scan with a historic reading of the same sensor within its interval is left out.
        Map<String, TreeSet<LocalDateTime>> bySerial = new HashMap<>();
        for (Candidate h : historic) {
            bySerial.computeIfAbsent(serial(h), k -> new TreeSet<>()).add(h.local());
        }
        Map<String, Duration> intervals = new HashMap<>();
        bySerial.forEach((serial, times) -> intervals.put(serial, interval(times)));
        List<Candidate> out = new ArrayList<>(historic);
        for (Candidate s : scans) {
            TreeSet<LocalDateTime> times = bySerial.get(serial(s));
            Duration interval = intervals.getOrDefault(serial(s), DEFAULT_INTERVAL);
            if (times != null && near(times, s.local(), interval)) {
                skipped.add(new Skipped(s.row(), "scan: a historic reading of the same sensor lies within "
                        + interval.toMinutes() + " minutes (historic readings are used, scans only fill gaps)"));
            } else {
                out.add(s);
            }
        }
        out.sort(java.util.Comparator.comparingInt(Candidate::row));
        return new ParsedFile(ImportFormat.LIBREVIEW_CSV, unit, out, skipped, rows.size() - headerIndex - 1, note,
                checkins);
    }

    /** The record types that become logbook check-ins: 2 strip glucose, 4 insulin, 5 food, 6 notes. */
    static final java.util.Set<Integer> LOGBOOK_TYPES = java.util.Set.of(2, 4, 5, 6);

    /**
     * A logbook row's check-ins: strip glucose (column 14, unit in its name) a fingerstick; insulin rapid (column 7,
     * else meal + correction + user change, 16–18) and long (column 12); food the carbohydrates in grams (column 9;
     * servings alone are not grams); the notes (column 13) a note of their own on a notes row, else on the first
     * check-in of the row.
     */
    private static List<LogEntry> entries(int type, Csv.Row row, Csv.Row header) {
        List<LogEntry> out = new ArrayList<>();
        switch (type) {
            case 2 -> {
                GlucoseUnit strip = Values.unitOf(header.field(14));
                java.math.BigDecimal v = Values.positive(row.field(14));
                int mgdl = strip == null || v == null ? -1 : strip.toStoredMgdl(v.doubleValue());
                if (mgdl >= 20 && mgdl <= 600) {
                    out.add(LogEntry.fingerstick(v, strip.symbol()));
                }
            }
            case 4 -> {
                java.math.BigDecimal rapid = Values.positive(row.field(7));
                if (rapid == null) {
                    for (int c = 16; c <= 18; c++) {
                        java.math.BigDecimal part = Values.positive(row.field(c));
                        rapid = part == null ? rapid : rapid == null ? part : rapid.add(part);
                    }
                }
                java.math.BigDecimal longActing = Values.positive(row.field(12));
                LogEntry r = rapid == null ? null : LogEntry.insulin(rapid, "rapid");
                LogEntry l = longActing == null ? null : LogEntry.insulin(longActing, "long");
                if (r != null) {
                    out.add(r);
                }
                if (l != null) {
                    out.add(l);
                }
            }
            case 5 -> {
                java.math.BigDecimal grams = Values.positive(row.field(9));
                if (grams != null) {
                    out.add(LogEntry.meal(grams));
                }
            }
            default -> {
            }
        }
        String notes = LogEntry.noteText(row.field(13));
        if (!notes.isEmpty()) {
            if (out.isEmpty()) {
                if (type == 6) {
                    out.add(LogEntry.note(notes));
                }
            } else {
                out.set(0, out.get(0).withNote(notes));
            }
        }
        return out;
    }

    private static String serial(Candidate c) {
        return c.stream().substring(0, c.stream().lastIndexOf('/'));
    }

    private static boolean near(TreeSet<LocalDateTime> times, LocalDateTime t, Duration interval) {
        LocalDateTime before = times.floor(t);
        LocalDateTime after = times.ceiling(t);
        return (before != null && Duration.between(before, t).compareTo(interval) <= 0)
                || (after != null && Duration.between(t, after).compareTo(interval) <= 0);
    }

    /** The median step between a sensor's historic readings (1 to 15 minutes), 15 minutes when unknown. */
    private static Duration interval(TreeSet<LocalDateTime> times) {
        if (times.size() < 2) {
            return DEFAULT_INTERVAL;
        }
        List<Long> steps = new ArrayList<>(times.size());
        LocalDateTime previous = null;
        for (LocalDateTime t : times) {
            if (previous != null) {
                steps.add(Duration.between(previous, t).toSeconds());
            }
            previous = t;
        }
        steps.sort(null);
        long median = steps.get(steps.size() / 2);
        return Duration.ofSeconds(Math.max(60, Math.min(median, DEFAULT_INTERVAL.toSeconds())));
    }

    private static LocalDateTime local(Matcher m, boolean dayFirst) {
        try {
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(3));
            int c = Integer.parseInt(m.group(4));
            int year;
            int month;
            int day;
            if (m.group(1).length() == 4) {
                year = a;
                month = b;
                day = c;
            } else {
                year = m.group(4).length() == 2 ? 2000 + c : c;
                month = dayFirst ? b : a;
                day = dayFirst ? a : b;
            }
            int hour = Integer.parseInt(m.group(5));
            int minute = Integer.parseInt(m.group(6));
            int second = m.group(7) == null ? 0 : Integer.parseInt(m.group(7));
            if (m.group(8) != null) {
                if (hour < 1 || hour > 12) {
                    return null;
                }
                boolean pm = Character.toUpperCase(m.group(8).charAt(0)) == 'P';
                hour = hour % 12 + (pm ? 12 : 0);
            }
            return LocalDateTime.of(year, month, day, hour, minute, second);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
