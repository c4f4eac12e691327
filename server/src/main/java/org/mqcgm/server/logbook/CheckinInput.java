package org.mqcgm.server.logbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.time.TimeBounds;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * Reads a check-in from a JSON object (the API's body, or the Logbook page's form turned into one) and checks every
 * field, reporting each wrong field with its rule at once (422): nothing is stored unless all of it is right.
 */
final class CheckinInput {

    /** The fields common to every kind. */
    static final Set<String> COMMON = Set.of("time", "kind", "note", "photos");
    /** The fields of each kind beyond the common ones. */
    static final Map<Checkin.Kind, Set<String>> FIELDS = Map.of(
            Checkin.Kind.MEAL, Set.of("carbs"),
            Checkin.Kind.INSULIN, Set.of("units", "insulinType"),
            Checkin.Kind.EXERCISE, Set.of("minutes", "intensity"),
            Checkin.Kind.MEDICATION, Set.of("medication", "dose"),
            Checkin.Kind.FINGERSTICK, Set.of("value", "unit"),
            Checkin.Kind.NOTE, Set.of());
    static final Set<String> INSULIN_TYPES = Set.of("rapid", "long", "other");
    static final Set<String> INTENSITIES = Set.of("light", "moderate", "vigorous");
    static final int MAX_NOTE = 2000;
    static final int MAX_PHOTOS = 10;
    static final int MIN_MGDL = 20;
    static final int MAX_MGDL = 600;

    /** A valid check-in, not yet stored. */
    record Draft(OffsetDateTime time, Checkin.Kind kind, Checkin.Values values) {
    }

    private final List<Problem.FieldError> errors = new ArrayList<>();
    private final JsonNode body;

    private CheckinInput(JsonNode body) {
        this.body = body;
    }

    /**
     * Reads a whole check-in. {@code now} is the data clock's: a check-in may not lie more than 5 minutes ahead.
     */
    static Draft read(JsonNode body, Instant now) {
        return new CheckinInput(body).draft(now);
    }

    /**
     * Applies a JSON merge patch (RFC 7396) to a stored check-in and reads the result: a field given replaces the
     * stored one, {@code null} removes it; the kind cannot change.
     */
    static Draft patch(Checkin current, JsonNode patch, Instant now) {
        JsonNode kind = patch.get("kind");
        if (kind != null && !(kind.isTextual() && kind.asText().equals(current.kind().id()))) {
            throw invalid(List.of(new Problem.FieldError("$.kind", "immutable",
                    "cannot change (it is " + current.kind().id() + "); delete the entry and log a new one")));
        }
        ObjectNode merged = asBody(current);
        patch.properties().forEach(e -> {
            if (e.getValue().isNull()) {
                merged.remove(e.getKey());
            } else {
                merged.set(e.getKey(), e.getValue());
            }
        });
        return read(merged, now);
    }

    /** A stored check-in as the body that would create it. */
    static ObjectNode asBody(Checkin c) {
        ObjectNode n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        Checkin.Values v = c.values();
        n.put("time", c.time().toString());
        n.put("kind", c.kind().id());
        putIf(n, "carbs", v.carbs());
        putIf(n, "units", v.units());
        if (v.insulinType() != null) {
            n.put("insulinType", v.insulinType());
        }
        if (v.minutes() != null) {
            n.put("minutes", v.minutes());
        }
        if (v.intensity() != null) {
            n.put("intensity", v.intensity());
        }
        if (v.medication() != null) {
            n.put("medication", v.medication());
        }
        if (v.dose() != null) {
            n.put("dose", v.dose());
        }
        putIf(n, "value", v.value());
        if (v.unit() != null) {
            n.put("unit", v.unit());
        }
        if (v.note() != null) {
            n.put("note", v.note());
        }
        if (!v.photos().isEmpty()) {
            v.photos().forEach(p -> n.withArray("photos").add(p.toString()));
        }
        return n;
    }

    private static void putIf(ObjectNode n, String field, BigDecimal value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    private Draft draft(Instant now) {
        OffsetDateTime time = time(now);
        Checkin.Kind kind = kind();
        if (kind != null) {
            Set<String> own = FIELDS.get(kind);
            body.fieldNames().forEachRemaining(f -> {
                if (!COMMON.contains(f) && !own.contains(f) && !body.get(f).isNull()) {
                    errors.add(new Problem.FieldError("$." + f, "kind", "is not a field of a " + kind.id()
                            + " entry"));
                }
            });
        }
        BigDecimal carbs = null;
        BigDecimal units = null;
        String insulinType = null;
        Integer minutes = null;
        String intensity = null;
        String medication = null;
        String dose = null;
        Integer mgdl = null;
        BigDecimal value = null;
        String unit = null;
        String note = text("note", kind == Checkin.Kind.NOTE, MAX_NOTE);
        if (kind != null) {
            switch (kind) {
                case MEAL -> carbs = number("carbs", false, BigDecimal.ZERO, BigDecimal.valueOf(1000));
                case INSULIN -> {
                    units = number("units", true, BigDecimal.ZERO, BigDecimal.valueOf(300));
                    if (units != null && units.multiply(BigDecimal.valueOf(20)).stripTrailingZeros().scale() > 0) {
                        errors.add(new Problem.FieldError("$.units", "step", "must be a multiple of 0.05"));
                    }
                    insulinType = oneOf("insulinType", true, INSULIN_TYPES);
                }
                case EXERCISE -> {
                    BigDecimal m = whole("minutes", 1, 1440);
                    minutes = m == null ? null : m.intValue();
                    intensity = oneOf("intensity", false, INTENSITIES);
                }
                case MEDICATION -> {
                    medication = text("medication", true, 100);
                    dose = text("dose", false, 50);
                }
                case FINGERSTICK -> {
                    value = number("value", true, BigDecimal.ZERO, BigDecimal.valueOf(10_000));
                    unit = unit();
                    if (value != null && unit != null) {
                        GlucoseUnit u = GlucoseUnit.parse(unit).orElseThrow();
                        mgdl = u.toStoredMgdl(value.doubleValue());
                        if (mgdl < MIN_MGDL || mgdl > MAX_MGDL) {
                            errors.add(new Problem.FieldError("$.value", "range", u == GlucoseUnit.MG_DL
                                    ? "must be from 20 to 600 mg/dL" : "must be from 1.1 to 33.3 mmol/L"));
                        }
                    }
                }
                case NOTE -> {
                }
            }
        }
        List<UUID> photos = photos();
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return new Draft(time, kind, new Checkin.Values(carbs, units, insulinType, minutes, intensity, medication,
                dose, mgdl, value, unit, note, photos));
    }

    static ProblemException invalid(List<Problem.FieldError> errors) {
        return new ProblemException(Problem.validation("The check-in could not be accepted.", errors));
    }

    private OffsetDateTime time(Instant now) {
        JsonNode n = body.get("time");
        if (n == null || n.isNull()) {
            errors.add(new Problem.FieldError("$.time", "required", "is required"));
            return null;
        }
        if (!n.isTextual()) {
            errors.add(new Problem.FieldError("$.time", "type", "must be an ISO-8601 date-time with offset"));
            return null;
        }
        OffsetDateTime t;
        try {
            t = OffsetDateTime.parse(n.asText().trim());
        } catch (DateTimeParseException e) {
            errors.add(TimeBounds.hasYearOutOfRange(n.asText())
                    ? new Problem.FieldError("$.time", "range", TimeBounds.outOfRange().message())
                    : new Problem.FieldError("$.time", "format", "must be an ISO-8601 date-time with offset"));
            return null;
        }
        var violation = TimeBounds.dataTime(t.toInstant(), now);
        if (violation.isPresent()) {
            errors.add(new Problem.FieldError("$.time", violation.get().rule(), violation.get().message()));
            return null;
        }
        return t;
    }

    private Checkin.Kind kind() {
        JsonNode n = body.get("kind");
        if (n == null || n.isNull()) {
            errors.add(new Problem.FieldError("$.kind", "required", "is required"));
            return null;
        }
        Checkin.Kind k = n.isTextual() ? Checkin.Kind.parse(n.asText()).orElse(null) : null;
        if (k == null) {
            errors.add(new Problem.FieldError("$.kind", "one-of",
                    "must be meal, insulin, exercise, medication, fingerstick or note"));
        }
        return k;
    }

    private String text(String field, boolean required, int max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull() || (n.isTextual() && n.asText().isBlank())) {
            if (required) {
                errors.add(new Problem.FieldError("$." + field, "required", "is required"));
            }
            return null;
        }
        if (!n.isTextual()) {
            errors.add(new Problem.FieldError("$." + field, "type", "must be text"));
            return null;
        }
        String t = n.asText().strip();
        if (t.length() > max) {
            errors.add(new Problem.FieldError("$." + field, "length", "must be at most " + max + " characters"));
            return null;
        }
        return t;
    }

    private String oneOf(String field, boolean required, Set<String> allowed) {
        String t = text(field, required, 20);
        if (t != null && !allowed.contains(t)) {
            errors.add(new Problem.FieldError("$." + field, "one-of", "must be one of "
                    + allowed.stream().sorted().toList()));
            return null;
        }
        return t;
    }

    private String unit() {
        String t = text("unit", true, 20);
        if (t != null && !t.equals("mg/dL") && !t.equals("mmol/L")) {
            errors.add(new Problem.FieldError("$.unit", "one-of", "must be mg/dL or mmol/L"));
            return null;
        }
        return t;
    }

    private BigDecimal number(String field, boolean required, BigDecimal min, BigDecimal max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                errors.add(new Problem.FieldError("$." + field, "required", "is required"));
            }
            return null;
        }
        if (!n.isNumber()) {
            errors.add(new Problem.FieldError("$." + field, "type", "must be a number from " + min.toPlainString()
                    + " to " + max.toPlainString()));
            return null;
        }
        BigDecimal v = n.decimalValue();
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            errors.add(new Problem.FieldError("$." + field, "range", "must be a number from " + min.toPlainString()
                    + " to " + max.toPlainString()));
            return null;
        }
        return plain(v);
    }

    private BigDecimal whole(String field, long min, long max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            errors.add(new Problem.FieldError("$." + field, "required", "is required"));
            return null;
        }
        if (!n.isIntegralNumber()) {
            errors.add(new Problem.FieldError("$." + field, "type", "must be a whole number from " + min + " to "
                    + max));
            return null;
        }
        if (!n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            errors.add(new Problem.FieldError("$." + field, "range", "must be a whole number from " + min + " to "
                    + max));
            return null;
        }
        return BigDecimal.valueOf(n.longValue());
    }

    private List<UUID> photos() {
        JsonNode n = body.get("photos");
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            errors.add(new Problem.FieldError("$.photos", "type", "must be an array of photo ids"));
            return List.of();
        }
        if (n.size() > MAX_PHOTOS) {
            errors.add(new Problem.FieldError("$.photos", "size", "must hold at most " + MAX_PHOTOS + " photos"));
            return List.of();
        }
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode p = n.get(i);
            try {
                UUID id = UUID.fromString(p.isTextual() ? p.asText() : "");
                if (ids.contains(id)) {
                    errors.add(new Problem.FieldError("$.photos[" + i + "]", "duplicate", "must appear only once"));
                } else {
                    ids.add(id);
                }
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("$.photos[" + i + "]", "type", "must be a photo id"));
            }
        }
        return ids;
    }

    /** The number without trailing zeros, never in exponent form (45.0 → 45, 2.50 → 2.5). */
    static BigDecimal plain(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
