package org.mqcgm.core.imports;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.imports.Importers.Values;

/**
 * Nightscout JSON: entries (an array, newest first as {@code /api/v1/entries.json} returns it), treatments
 * ({@code /api/v1/treatments.json}), or both in one array.
 *
 * <ul>
 *   <li><b>Entries.</b> {@code sgv} entries become readings, always in mg/dL; {@code date} (epoch milliseconds) is
 *       the time, {@code dateString} only when {@code date} is missing, {@code utcOffset} (minutes) the wearer's
 *       offset when present. {@code sgv} 39 is Dexcom's "LOW" (a low marker at 40 mg/dL); values below 39 are
 *       sensor error codes (skipped with the code). {@code mbg} (meter) entries become fingerstick check-ins in
 *       mg/dL; {@code cal} (calibration) entries are skipped: they are not glucose.</li>
 *   <li><b>Treatments</b> (an item with an {@code eventType}, or with {@code created_at} and no entry type) become
 *       logbook check-ins as {@link Treatments#logEntries} maps them; {@code created_at} is the time
 *       ({@code date} or {@code mills} in epoch milliseconds when it is missing), {@code utcOffset} the offset.
 *       A treatment of a kind the logbook has not (temp basal, site change, profile switch…) is skipped with its
 *       event type.</li>
 * </ul>
 */
final class NightscoutParser {

    static final int LOW_CODE = 39;
    static final int LOW_LIMIT = 40;

    private NightscoutParser() {
    }

    /** An instant with the offset the item gives (null: none). */
    private record Time(Instant instant, ZoneOffset offset) {
    }

    static ParsedFile parse(List<Object> items) {
        List<Candidate> out = new ArrayList<>(items.size());
        List<LogCandidate> checkins = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            int row = k + 1;
            if (!(items.get(k) instanceof Map<?, ?> e)) {
                skipped.add(new Skipped(row, "item is not an object"));
                continue;
            }
            if (isTreatment(e)) {
                treatment(row, e, checkins, skipped);
                continue;
            }
            String type = e.get("type") instanceof String s ? s : (e.containsKey("sgv") ? "sgv" : "");
            switch (type) {
                case "sgv" -> {
                }
                case "mbg" -> {
                    meter(row, e, checkins, skipped);
                    continue;
                }
                case "cal" -> {
                    skipped.add(new Skipped(row, "calibration (cal) entry: not glucose"));
                    continue;
                }
                default -> {
                    skipped.add(new Skipped(row, "entry type " + Values.word(type) + " is not a sensor reading"));
                    continue;
                }
            }
            if (!(e.get("sgv") instanceof Double sgv) || sgv != Math.rint(sgv)) {
                skipped.add(new Skipped(row, e.containsKey("sgv") ? "sgv is not a whole number" : "no sgv"));
                continue;
            }
            Time time = entryTime(e);
            if (time == null) {
                skipped.add(new Skipped(row, "no valid date (epoch milliseconds) or dateString"));
                continue;
            }
            int value = sgv > 10_000 || sgv < -10_000 ? Integer.MAX_VALUE : sgv.intValue();
            Reading.Marker marker = Reading.Marker.VALUE;
            if (value == LOW_CODE) {
                value = LOW_LIMIT;
                marker = Reading.Marker.LOW;
            } else if (value < LOW_CODE && value >= 0) {
                skipped.add(new Skipped(row, "sensor error code " + value + " (not glucose)"));
                continue;
            } else if (value < Reading.MIN_MGDL || value > Reading.MAX_MGDL) {
                skipped.add(new Skipped(row, "sgv outside " + Reading.MIN_MGDL + "–" + Reading.MAX_MGDL + " mg/dL"));
                continue;
            }
            String src = source(e);
            out.add(new Candidate(row, null, time.instant(), time.offset(), value, marker, Double.NaN, src, src));
        }
        return new ParsedFile(ImportFormat.NIGHTSCOUT_JSON, GlucoseUnit.MG_DL, out, skipped, items.size(), null,
                checkins);
    }

    /** Whether an item is a treatment rather than an entry. */
    static boolean isTreatment(Map<?, ?> item) {
        return item.get("eventType") instanceof String
                || (item.get("created_at") instanceof String && !item.containsKey("type") && !item.containsKey("sgv"));
    }

    private static String source(Map<?, ?> e) {
        return Values.source(e.get("device") instanceof String d ? d : null, "Nightscout");
    }

    /** An {@code mbg} entry: a meter reading in mg/dL, as a fingerstick. */
    private static void meter(int row, Map<?, ?> e, List<LogCandidate> checkins, List<Skipped> skipped) {
        BigDecimal mbg = LogEntry.positive(e.get("mbg"));
        if (mbg == null || mbg.compareTo(BigDecimal.valueOf(20)) < 0 || mbg.compareTo(BigDecimal.valueOf(600)) > 0) {
            skipped.add(new Skipped(row, "meter glucose (mbg) is not a number from 20 to 600 mg/dL"));
            return;
        }
        Time time = entryTime(e);
        if (time == null) {
            skipped.add(new Skipped(row, "no valid date (epoch milliseconds) or dateString"));
            return;
        }
        checkins.add(new LogCandidate(row, null, time.instant(), time.offset(), source(e),
                LogEntry.fingerstick(mbg.setScale(0, java.math.RoundingMode.HALF_UP), "mg/dL")));
    }

    private static void treatment(int row, Map<?, ?> t, List<LogCandidate> checkins, List<Skipped> skipped) {
        @SuppressWarnings("unchecked")
        List<LogEntry> entries = Treatments.logEntries((Map<String, ?>) t);
        if (entries.isEmpty()) {
            String eventType = t.get("eventType") instanceof String s ? s : "";
            skipped.add(new Skipped(row, "treatment " + Values.word(eventType)
                    + " has nothing the logbook keeps (carbs, insulin of at least 0.05 U, a BG Check of 20–600 mg/dL,"
                    + " exercise or a note)"));
            return;
        }
        Time time = null;
        if (t.get("created_at") instanceof String at) {
            try {
                OffsetDateTime odt = IsoTimes.parse(at);
                time = new Time(odt.toInstant(), odt.getOffset().equals(ZoneOffset.UTC) ? null : odt.getOffset());
            } catch (RuntimeException ignored) {
                // tried below
            }
        }
        if (time == null) {
            Instant ms = millis(t.get("date"));
            ms = ms != null ? ms : millis(t.get("mills"));
            time = ms == null ? null : new Time(ms, null);
        }
        if (time == null) {
            skipped.add(new Skipped(row, "no valid created_at (ISO 8601) or date (epoch milliseconds)"));
            return;
        }
        ZoneOffset offset = utcOffset(t);
        Time placed = new Time(time.instant(), offset != null ? offset : time.offset());
        String src = Values.source(t.get("enteredBy") instanceof String s ? s : null, "Nightscout");
        for (LogEntry entry : entries) {
            checkins.add(new LogCandidate(row, null, placed.instant(), placed.offset(), src, entry));
        }
    }

    /** An entry's time: {@code date} or {@code mills} (epoch ms), else {@code dateString}; its {@code utcOffset}. */
    private static Time entryTime(Map<?, ?> e) {
        Instant time = millis(e.get("date"));
        time = time != null ? time : millis(e.get("mills"));
        ZoneOffset offset = null;
        if (time == null && e.get("dateString") instanceof String ds) {
            try {
                OffsetDateTime odt = IsoTimes.parse(ds);
                time = odt.toInstant();
                offset = odt.getOffset();
            } catch (RuntimeException ignored) {
                // no time
            }
        }
        if (time == null) {
            return null;
        }
        ZoneOffset given = utcOffset(e);
        return new Time(time, given != null ? given : offset);
    }

    private static Instant millis(Object value) {
        return value instanceof Double ms && Math.abs(ms) < 1e15 ? Instant.ofEpochMilli(ms.longValue()) : null;
    }

    private static ZoneOffset utcOffset(Map<?, ?> e) {
        if (e.get("utcOffset") instanceof Double minutes && Math.abs(minutes) <= 18 * 60
                && minutes == Math.rint(minutes)) {
            return ZoneOffset.ofTotalSeconds(minutes.intValue() * 60);
        }
        return null;
    }
}
