package org.mqcgm.core.imports;

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
 * Nightscout entries JSON (an array, newest first as the API returns it). Only {@code sgv} entries become readings,
 * always in mg/dL; {@code date} (epoch milliseconds) is the time, {@code dateString} only when {@code date} is
 * missing, {@code utcOffset} (minutes) the wearer's offset when present. {@code sgv} 39 is Dexcom's "LOW" (a low
 * marker at 40 mg/dL); values below 39 are sensor error codes (skipped with the code). {@code mbg} (meter) and
 * {@code cal} (calibration) entries are skipped with their reason: they are not sensor readings.
 */
final class NightscoutParser {

    static final int LOW_CODE = 39;
    static final int LOW_LIMIT = 40;

    private NightscoutParser() {
    }

    static ParsedFile parse(List<Object> items) {
        List<Candidate> out = new ArrayList<>(items.size());
        List<Skipped> skipped = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            int row = k + 1;
            if (!(items.get(k) instanceof Map<?, ?> e)) {
                skipped.add(new Skipped(row, "item is not an object"));
                continue;
            }
            String type = e.get("type") instanceof String s ? s : (e.containsKey("sgv") ? "sgv" : "");
            switch (type) {
                case "sgv" -> {
                }
                case "mbg" -> {
                    skipped.add(new Skipped(row, "meter glucose (mbg) is not a sensor reading"));
                    continue;
                }
                case "cal" -> {
                    skipped.add(new Skipped(row, "calibration (cal) entry: not a reading"));
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
            Instant time = null;
            ZoneOffset offset = null;
            if (e.get("date") instanceof Double ms && Math.abs(ms) < 1e15) {
                time = Instant.ofEpochMilli(ms.longValue());
            } else if (e.get("mills") instanceof Double ms && Math.abs(ms) < 1e15) {
                time = Instant.ofEpochMilli(ms.longValue());
            } else if (e.get("dateString") instanceof String ds) {
                try {
                    OffsetDateTime odt = IsoTimes.parse(ds);
                    time = odt.toInstant();
                    offset = odt.getOffset();
                } catch (RuntimeException ignored) {
                    // reported below
                }
            }
            if (time == null) {
                skipped.add(new Skipped(row, "no valid date (epoch milliseconds) or dateString"));
                continue;
            }
            if (e.get("utcOffset") instanceof Double minutes && Math.abs(minutes) <= 18 * 60
                    && minutes == Math.rint(minutes)) {
                offset = ZoneOffset.ofTotalSeconds(minutes.intValue() * 60);
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
            String device = e.get("device") instanceof String d ? d : null;
            String src = Values.source(device, "Nightscout");
            out.add(new Candidate(row, null, time, offset, value, marker, Double.NaN, src, src));
        }
        return new ParsedFile(ImportFormat.NIGHTSCOUT_JSON, GlucoseUnit.MG_DL, out, skipped, items.size(), null);
    }
}
