package org.mqcgm.core.imports;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.imports.Importers.Values;

/**
 * Dexcom Clarity CSV: the header row names the columns (found by name, so 13- and 14-column exports both work);
 * only rows with {@code Event Type == EGV} are readings, and carbs, insulin, exercise, calibration (a meter value)
 * and health rows become logbook check-ins — preamble (names, device, alerts) and other rows are skipped with their
 * reason, never by a fixed row count. {@code Low} and
 * {@code High} become markers at the G6/G7 limits 40 and 400 mg/dL. Times are local wall-clock times without an
 * offset ({@code T} or a space as separator).
 */
final class ClarityParser {

    static final int LOW_LIMIT = 40;
    static final int HIGH_LIMIT = 400;

    private ClarityParser() {
    }

    static ParsedFile parse(List<Csv.Row> rows) {
        int headerIndex = -1;
        for (int r = 0; r < Math.min(3, rows.size()); r++) {
            if (rows.get(r).field(2).trim().equalsIgnoreCase("Event Type")) {
                headerIndex = r;
                break;
            }
        }
        if (headerIndex < 0) {
            throw new ImportException("structure", "No Dexcom Clarity header row (with 'Event Type') was found.");
        }
        List<String> header = rows.get(headerIndex).fields();
        int time = find(header, "Timestamp");
        int type = find(header, "Event Type");
        int glucose = find(header, "Glucose Value");
        int rate = find(header, "Glucose Rate of Change");
        int device = find(header, "Source Device ID");
        int transmitter = find(header, "Transmitter ID");
        Events events = new Events(find(header, "Event Subtype"), find(header, "Insulin Value"),
                find(header, "Carb Value"), find(header, "Duration"), glucose);
        if (time < 0 || glucose < 0) {
            throw new ImportException("structure", "The Clarity header lacks the Timestamp or Glucose Value column.");
        }
        GlucoseUnit unit = Values.unitOf(header.get(glucose));
        if (unit == null) {
            throw new ImportException("structure", "The Clarity Glucose Value column names no unit (mg/dL or mmol/L).");
        }
        List<Candidate> out = new ArrayList<>(rows.size());
        List<Skipped> skipped = new ArrayList<>();
        List<LogCandidate> checkins = new ArrayList<>();
        for (int r = headerIndex + 1; r < rows.size(); r++) {
            Csv.Row row = rows.get(r);
            String event = row.field(type).trim();
            if (EVENTS.contains(event) && !row.field(time).isBlank()) {
                LocalDateTime local = localTime(row.field(time));
                LogEntry entry = local == null ? null : events.entry(event, row, unit);
                if (entry == null) {
                    skipped.add(new Skipped(row.line(), local == null ? "timestamp is not YYYY-MM-DDThh:mm:ss"
                            : event + " row without a usable value"));
                } else {
                    String src = Values.source(row.field(device), "Dexcom Clarity");
                    // a stream of their own: the readings of the device pass the repeated hour of a DST change
                    // before the check-ins are placed, and must not make them look like its second pass
                    checkins.add(new LogCandidate(row.line(), local, null, null,
                            (transmitter < 0 ? src : row.field(transmitter)) + "/log", entry));
                }
                continue;
            }
            if (!event.equals("EGV")) {
                skipped.add(new Skipped(row.line(), "not a sensor glucose row (event type "
                        + Values.word(event) + ")"));
                continue;
            }
            LocalDateTime local = localTime(row.field(time));
            if (local == null) {
                skipped.add(new Skipped(row.line(), row.field(time).isBlank() ? "no timestamp"
                        : "timestamp is not YYYY-MM-DDThh:mm:ss"));
                continue;
            }
            Values.Glucose g = Values.glucose(row.field(glucose), "Low", LOW_LIMIT, "High", HIGH_LIMIT, unit);
            if (g.skip() != null) {
                skipped.add(new Skipped(row.line(), g.skip()));
                continue;
            }
            int mgdl = g.mgdl();
            Reading.Marker marker = g.marker();
            double trend = rate < 0 ? Double.NaN : Values.number(row.field(rate));
            if (!Double.isNaN(trend)) {
                trend = unit.toMgdl(trend);
                if (Math.abs(trend) > 100) {
                    trend = Double.NaN;
                }
            }
            String src = Values.source(row.field(device), "Dexcom Clarity");
            out.add(new Candidate(row.line(), local, null, null, mgdl, marker, trend, src,
                    transmitter < 0 ? src : row.field(transmitter)));
        }
        if (out.isEmpty() && skipped.isEmpty() && checkins.isEmpty()) {
            throw new ImportException("no-readings", "The Clarity file has a header but no rows.");
        }
        return new ParsedFile(ImportFormat.CLARITY_CSV, unit, out, skipped, rows.size() - headerIndex - 1, null,
                checkins);
    }

    /** The event types that become logbook check-ins. */
    static final java.util.Set<String> EVENTS = java.util.Set.of("Carbs", "Insulin", "Exercise", "Calibration",
            "Health");

    /** The columns of event rows (-1 when the export has no such column). */
    private record Events(int subtype, int insulin, int carbs, int duration, int glucose) {

        /**
         * Carbs a meal (grams), Insulin an insulin entry (Long-Acting: long, else rapid), Exercise an exercise of its
         * duration (Light / Medium / Heavy), Calibration a fingerstick in the file's unit, Health a note naming its
         * subtype (Illness, Stress…); null when the row lacks the value.
         */
        LogEntry entry(String event, Csv.Row row, GlucoseUnit unit) {
            String sub = subtype < 0 ? "" : row.field(subtype).trim();
            return switch (event) {
                case "Carbs" -> {
                    java.math.BigDecimal g = (carbs < 0 ? null : Values.positive(row.field(carbs)));
                    yield g == null ? null : LogEntry.meal(g);
                }
                case "Insulin" -> {
                    java.math.BigDecimal u = (insulin < 0 ? null : Values.positive(row.field(insulin)));
                    yield u == null ? null : LogEntry.insulin(u, sub.startsWith("Long") ? "long" : "rapid");
                }
                case "Exercise" -> {
                    int minutes = duration < 0 ? -1 : minutes(row.field(duration));
                    yield minutes <= 0 ? null : LogEntry.exercise(minutes, switch (sub) {
                        case "Light" -> "light";
                        case "Medium" -> "moderate";
                        case "Heavy" -> "vigorous";
                        default -> null;
                    });
                }
                case "Calibration" -> {
                    java.math.BigDecimal v = (glucose < 0 ? null : Values.positive(row.field(glucose)));
                    int mgdl = v == null ? -1 : unit.toStoredMgdl(v.doubleValue());
                    yield mgdl < 20 || mgdl > 600 ? null : LogEntry.fingerstick(v, unit.symbol());
                }
                default -> sub.isEmpty() ? null : LogEntry.note("Health: " + Values.word(sub));
            };
        }

        /** {@code hh:mm:ss} as whole minutes, or -1. */
        private static int minutes(String text) {
            String[] p = text.trim().split(":");
            if (p.length != 3) {
                return -1;
            }
            try {
                int h = Integer.parseInt(p[0]);
                int m = Integer.parseInt(p[1]);
                int sec = Integer.parseInt(p[2]);
                return h < 0 || h > 99 || m < 0 || m > 59 || sec < 0 || sec > 59 ? -1
                        : (int) Math.round(h * 60 + m + sec / 60.0);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    private static int find(List<String> header, String prefix) {
        for (int k = 0; k < header.size(); k++) {
            if (header.get(k).trim().startsWith(prefix)) {
                return k;
            }
        }
        return -1;
    }

    /** {@code 2025-03-14T09:00:12} or {@code 2025-03-14 09:00:12} (seconds optional), or null. */
    static LocalDateTime localTime(String text) {
        String t = text.trim();
        if (t.length() < 16 || t.length() > 19 || t.charAt(4) != '-' || t.charAt(7) != '-'
                || (t.charAt(10) != 'T' && t.charAt(10) != ' ') || t.charAt(13) != ':') {
            return null;
        }
        try {
            int year = Integer.parseInt(t, 0, 4, 10);
            int month = Integer.parseInt(t, 5, 7, 10);
            int day = Integer.parseInt(t, 8, 10, 10);
            int hour = Integer.parseInt(t, 11, 13, 10);
            int minute = Integer.parseInt(t, 14, 16, 10);
            int second = 0;
            if (t.length() == 19) {
                if (t.charAt(16) != ':') {
                    return null;
                }
                second = Integer.parseInt(t, 17, 19, 10);
            } else if (t.length() != 16) {
                return null;
            }
            return LocalDateTime.of(year, month, day, hour, minute, second);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
