package org.mqcgm.core.imports;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.imports.Importers.Values;

/**
 * Dexcom Clarity CSV: the header row names the columns (found by name, so 13- and 14-column exports both work);
 * only rows with {@code Event Type == EGV} are readings — preamble (names, device, alerts) and event rows
 * (calibration, carbs, insulin, …) are skipped with their reason, never by a fixed row count. {@code Low} and
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
        if (time < 0 || glucose < 0) {
            throw new ImportException("structure", "The Clarity header lacks the Timestamp or Glucose Value column.");
        }
        GlucoseUnit unit = Values.unitOf(header.get(glucose));
        if (unit == null) {
            throw new ImportException("structure", "The Clarity Glucose Value column names no unit (mg/dL or mmol/L).");
        }
        List<Candidate> out = new ArrayList<>(rows.size());
        List<Skipped> skipped = new ArrayList<>();
        for (int r = headerIndex + 1; r < rows.size(); r++) {
            Csv.Row row = rows.get(r);
            String event = row.field(type).trim();
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
        if (out.isEmpty() && skipped.isEmpty()) {
            throw new ImportException("no-readings", "The Clarity file has a header but no rows.");
        }
        return new ParsedFile(ImportFormat.CLARITY_CSV, unit, out, skipped, rows.size() - headerIndex - 1, null);
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
