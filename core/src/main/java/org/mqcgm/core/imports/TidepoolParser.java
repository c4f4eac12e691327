package org.mqcgm.core.imports;

import java.math.BigDecimal;
import java.time.Instant;
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
 * HIGH marker at its threshold. Meter readings, food, boluses, insulin and physical activity become logbook
 * check-ins ({@link #logbook}); the other types (basal, settings, uploads…) are skipped with their reason.
 */
final class TidepoolParser {

    static final Set<String> KNOWN_TYPES = Set.of("cbg", "smbg", "basal", "bolus", "food", "wizard", "upload",
            "deviceEvent", "pumpSettings", "cgmSettings", "physicalActivity", "insulin", "reportedState", "water",
            "alert", "controllerStatus", "dosingDecision", "pumpStatus", "cgmStatus", "bloodKetone");
    /** The types that become logbook check-ins. */
    static final Set<String> LOGBOOK_TYPES = Set.of("smbg", "food", "wizard", "bolus", "insulin", "physicalActivity");
    private static final String NO_TIME = "no valid time (ISO 8601 with Z or an offset)";

    private TidepoolParser() {
    }

    static ParsedFile parse(List<Object> items) {
        List<Candidate> out = new ArrayList<>(items.size());
        List<LogCandidate> checkins = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        GlucoseUnit seen = null;
        for (int k = 0; k < items.size(); k++) {
            int row = k + 1;
            if (!(items.get(k) instanceof Map<?, ?> d)) {
                skipped.add(new Skipped(row, "item is not an object"));
                continue;
            }
            String type = d.get("type") instanceof String s ? s : "";
            if (LOGBOOK_TYPES.contains(type)) {
                logbook(row, type, d, checkins, skipped);
                continue;
            }
            if (!type.equals("cbg")) {
                skipped.add(new Skipped(row, "Tidepool type " + Values.word(type)
                        + " is neither a sensor reading nor kept in the logbook"));
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
            Instant time = time(d);
            if (time == null) {
                skipped.add(new Skipped(row, NO_TIME));
                continue;
            }
            ZoneOffset offset = offset(d);
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
                items.size(), null, checkins);
    }

    /**
     * A datum the logbook keeps: {@code smbg} a fingerstick (in mg/dL, whole: Tidepool stores mmol/L unrounded, and
     * the integer comes back exactly as for {@code cbg}), {@code food} a meal (net carbohydrate in grams),
     * {@code wizard} a meal of its {@code carbInput} (its bolus is a datum of its own), {@code bolus} rapid insulin
     * ({@code normal} + {@code extended} delivered), {@code insulin} a dose of its {@code dose.total} (long for a
     * long- or intermediate-acting formulation), {@code physicalActivity} an exercise of its duration and reported
     * intensity.
     */
    private static void logbook(int row, String type, Map<?, ?> d, List<LogCandidate> checkins,
                                List<Skipped> skipped) {
        LogEntry entry;
        String why;
        switch (type) {
            case "smbg" -> {
                GlucoseUnit unit = d.get("units") instanceof String u ? GlucoseUnit.parse(u).orElse(null) : null;
                BigDecimal value = LogEntry.positive(d.get("value"));
                int mgdl = unit == null || value == null ? -1 : unit.toStoredMgdl(value.doubleValue());
                entry = mgdl < 20 || mgdl > 600 ? null : LogEntry.fingerstick(BigDecimal.valueOf(mgdl), "mg/dL");
                why = "meter glucose (smbg) is not a value from 20 to 600 mg/dL in mg/dL or mmol/L";
            }
            case "food" -> {
                BigDecimal carbs = d.get("nutrition") instanceof Map<?, ?> n && n.get("carbohydrate") instanceof Map<?, ?> c
                        && (!(c.get("units") instanceof String u) || u.equalsIgnoreCase("grams"))
                        ? LogEntry.positive(c.get("net")) : null;
                entry = carbs == null ? null : LogEntry.meal(carbs);
                why = "food without net carbohydrate in grams";
            }
            case "wizard" -> {
                BigDecimal carbs = LogEntry.positive(d.get("carbInput"));
                entry = carbs == null ? null : LogEntry.meal(carbs);
                why = "bolus calculator without carbs (its bolus is imported on its own)";
            }
            case "bolus" -> {
                BigDecimal normal = LogEntry.positive(d.get("normal"));
                BigDecimal extended = LogEntry.positive(d.get("extended"));
                BigDecimal total = normal == null ? extended : extended == null ? normal : normal.add(extended);
                entry = total == null ? null : LogEntry.insulin(total, "rapid");
                why = "bolus without delivered insulin";
            }
            case "insulin" -> {
                BigDecimal total = d.get("dose") instanceof Map<?, ?> dose ? LogEntry.positive(dose.get("total")) : null;
                String acting = d.get("formulation") instanceof Map<?, ?> f && f.get("simple") instanceof Map<?, ?> s
                        && s.get("actingType") instanceof String a ? a : "";
                entry = total == null ? null : LogEntry.insulin(total, switch (acting) {
                    case "rapid", "short" -> "rapid";
                    case "long", "intermediate" -> "long";
                    default -> "other";
                });
                why = "insulin without a dose";
            }
            default -> {
                BigDecimal minutes = d.get("duration") instanceof Map<?, ?> du ? minutes(du) : null;
                String intensity = d.get("reportedIntensity") instanceof String i ? switch (i) {
                    case "low" -> "light";
                    case "medium" -> "moderate";
                    case "high" -> "vigorous";
                    default -> null;
                } : null;
                entry = minutes == null ? null : LogEntry.exercise(minutes.intValue(), intensity);
                why = "physical activity without a duration";
            }
        }
        if (entry == null) {
            skipped.add(new Skipped(row, why));
            return;
        }
        Instant time = time(d);
        if (time == null) {
            skipped.add(new Skipped(row, NO_TIME));
            return;
        }
        String src = Values.source(d.get("deviceId") instanceof String s ? s : null, "Tidepool");
        checkins.add(new LogCandidate(row, null, time, offset(d), src, entry));
    }

    private static BigDecimal minutes(Map<?, ?> duration) {
        BigDecimal value = LogEntry.positive(duration.get("value"));
        if (value == null || !(duration.get("units") instanceof String units)) {
            return null;
        }
        BigDecimal m = switch (units) {
            case "seconds" -> value.divide(BigDecimal.valueOf(60), 0, java.math.RoundingMode.HALF_UP);
            case "minutes" -> value;
            case "hours" -> value.multiply(BigDecimal.valueOf(60));
            default -> null;
        };
        return m == null || m.signum() <= 0 ? null : m.max(BigDecimal.ONE);
    }

    private static Instant time(Map<?, ?> d) {
        try {
            return IsoTimes.parse((String) d.get("time")).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static ZoneOffset offset(Map<?, ?> d) {
        if (d.get("timezoneOffset") instanceof Double minutes && Math.abs(minutes) <= 18 * 60
                && minutes == Math.rint(minutes)) {
            return ZoneOffset.ofTotalSeconds(minutes.intValue() * 60);
        }
        return null;
    }
}
