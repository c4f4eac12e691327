package org.mqcgm.core.imports;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.imports.Importers.Values;

/**
 * Tidepool JSON: {@code cbg} data become readings, in either shape — the storage/client shape ({@code mmol/L},
 * unrounded: mg/dL ÷ 18.01559) and the ingestion shape ({@code mg/dL}). mmol/L converts with the one factor of the
 * code base, 18.0182 ({@link GlucoseUnit#MGDL_PER_MMOLL}); for every mg/dL value 20–600 Tidepool's division and
 * our multiplication differ by less than 0.1 mg/dL, so the integer comes back exactly. {@code time} (UTC) is the
 * time, {@code timezoneOffset} (minutes) the wearer's offset. A {@code bg/out-of-range} annotation makes a LOW or
 * HIGH marker at its threshold. {@code smbg} (meter) and the other types are skipped with their reason.
 */
final class TidepoolParser {

    static final Set<String> KNOWN_TYPES = Set.of("cbg", "smbg", "basal", "bolus", "food", "wizard", "upload",
            "deviceEvent", "pumpSettings", "cgmSettings", "physicalActivity", "insulin", "reportedState", "water",
            "alert", "controllerStatus", "dosingDecision", "pumpStatus", "cgmStatus", "bloodKetone");

    private TidepoolParser() {
    }

    static ParsedFile parse(List<Object> items) {
        List<Candidate> out = new ArrayList<>(items.size());
        List<Skipped> skipped = new ArrayList<>();
        GlucoseUnit seen = null;
        for (int k = 0; k < items.size(); k++) {
            int row = k + 1;
            if (!(items.get(k) instanceof Map<?, ?> d)) {
                skipped.add(new Skipped(row, "item is not an object"));
                continue;
            }
            String type = d.get("type") instanceof String s ? s : "";
            if (type.equals("smbg")) {
                skipped.add(new Skipped(row, "meter glucose (smbg) is not a sensor reading"));
                continue;
            }
            if (!type.equals("cbg")) {
                skipped.add(new Skipped(row, "Tidepool type " + Values.word(type) + " is not a sensor reading"));
                continue;
            }
            GlucoseUnit unit = d.get("units") instanceof String u ? GlucoseUnit.parse(u).orElse(null) : null;
            if (unit == null) {
                skipped.add(new Skipped(row, "units must be mg/dL or mmol/L"));
                continue;
            }
            seen = seen == null ? unit : seen;
            if (!(d.get("value") instanceof Double value) || value.isNaN() || value < 0 || value > 10_000) {
                skipped.add(new Skipped(row, "value is not a glucose number"));
                continue;
            }
            Instant time;
            ZoneOffset offset = null;
            try {
                OffsetDateTime odt = IsoTimes.parse((String) d.get("time"));
                time = odt.toInstant();
            } catch (RuntimeException e) {
                skipped.add(new Skipped(row, "no valid time (ISO 8601 with Z or an offset)"));
                continue;
            }
            if (d.get("timezoneOffset") instanceof Double minutes && Math.abs(minutes) <= 18 * 60
                    && minutes == Math.rint(minutes)) {
                offset = ZoneOffset.ofTotalSeconds(minutes.intValue() * 60);
            }
            int mgdl = unit.toStoredMgdl(value);
            Reading.Marker marker = Reading.Marker.VALUE;
            if (d.get("annotations") instanceof List<?> annotations) {
                for (Object a : annotations) {
                    if (a instanceof Map<?, ?> an && "bg/out-of-range".equals(an.get("code"))) {
                        Object v = an.get("value");
                        int threshold = an.get("threshold") instanceof Double t && t >= Reading.MIN_MGDL
                                && t <= Reading.MAX_MGDL ? t.intValue() : -1;
                        if ("low".equals(v)) {
                            marker = Reading.Marker.LOW;
                            mgdl = threshold > 0 ? threshold : 40;
                        } else if ("high".equals(v)) {
                            marker = Reading.Marker.HIGH;
                            mgdl = threshold > 0 ? threshold : 400;
                        }
                    }
                }
            }
            if (mgdl < Reading.MIN_MGDL || mgdl > Reading.MAX_MGDL) {
                skipped.add(new Skipped(row, "glucose " + mgdl + " mg/dL outside " + Reading.MIN_MGDL + "–"
                        + Reading.MAX_MGDL));
                continue;
            }
            String device = d.get("deviceId") instanceof String s ? s : null;
            String src = Values.source(device, "Tidepool");
            out.add(new Candidate(row, null, time, offset, mgdl, marker, Double.NaN, src, src));
        }
        return new ParsedFile(ImportFormat.TIDEPOOL_JSON, seen == null ? GlucoseUnit.MMOL_L : seen, out, skipped,
                items.size(), null);
    }
}
