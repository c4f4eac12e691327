package org.mqcgm.server.glucose;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * Ingestion of readings: parse → validate → normalise each item of a batch, store the valid ones in one
 * transaction, and report per item what happened. One bad item does not reject the batch unless the caller asks
 * for all-or-nothing. A reading is acknowledged only after its transaction committed.
 */
public final class Readings {

    /** Largest batch accepted in one request. */
    public static final int MAX_BATCH = 10_000;
    /** Readings may not claim to be from the future (clock skew of a phone is tolerated up to this). */
    static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
    private static final Set<String> FIELDS = Set.of("time", "mgdl", "mmol");

    private final ReadingStore store;
    private final Clock dataClock;

    public Readings(ReadingStore store, Clock dataClock) {
        this.store = store;
        this.dataClock = dataClock;
    }

    /**
     * The outcome of one upload.
     *
     * @param accepted   newly stored readings
     * @param duplicates readings that were already stored (not stored twice)
     * @param rejected   items not stored because they broke a rule
     * @param errors     for each rejected item, the field and rule it broke (its index is in the field path)
     */
    public record Outcome(int accepted, int duplicates, int rejected, List<Problem.FieldError> errors) {
    }

    /** Validates and stores a JSON array of readings for {@code ownerId}. */
    public Outcome ingest(UUID ownerId, JsonNode batch, boolean atomic) {
        if (!batch.isArray()) {
            throw new ProblemException(Problem.badRequest("The body must be a JSON array of readings.",
                    new Problem.FieldError("$", "type", "must be an array")));
        }
        if (batch.size() > MAX_BATCH) {
            throw new ProblemException(Problem.of(413, "batch-too-large", "Batch too large",
                    "A batch holds at most " + MAX_BATCH + " readings; split the upload.")
                    .withErrors(List.of(new Problem.FieldError("$", "max-items",
                            "must have at most " + MAX_BATCH + " items"))));
        }
        Instant latestAllowed = dataClock.instant().plus(FUTURE_TOLERANCE);
        List<Reading> valid = new ArrayList<>(batch.size());
        List<Problem.FieldError> errors = new ArrayList<>();
        int rejected = 0;
        for (int i = 0; i < batch.size(); i++) {
            Reading r = parse(batch.get(i), "$[" + i + "]", latestAllowed, errors);
            if (r != null) {
                valid.add(r);
            } else {
                rejected++;
            }
        }
        if (atomic && rejected > 0) {
            return new Outcome(0, 0, rejected, errors);
        }
        int inserted = store.insert(ownerId, valid);
        return new Outcome(inserted, valid.size() - inserted, rejected, errors);
    }

    /** Stores readings produced inside the server (the demo's simulated sensor). */
    public int store(UUID ownerId, List<Reading> readings) {
        return store.insert(ownerId, readings);
    }

    private static Reading parse(JsonNode item, String at, Instant latestAllowed, List<Problem.FieldError> errors) {
        if (!item.isObject()) {
            errors.add(new Problem.FieldError(at, "type", "must be an object with time and mgdl"));
            return null;
        }
        int before = errors.size();
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.add(new Problem.FieldError(at + "." + name, "unknown-field", "is not an accepted field"));
            }
        }
        OffsetDateTime time = null;
        JsonNode t = item.get("time");
        if (t == null || t.isNull()) {
            errors.add(new Problem.FieldError(at + ".time", "required", "is required"));
        } else if (!t.isTextual()) {
            errors.add(new Problem.FieldError(at + ".time", "type",
                    "must be an ISO-8601 date-time with offset, e.g. 2026-11-26T08:05:00+08:00"));
        } else {
            try {
                time = OffsetDateTime.parse(t.asText());
                if (time.toInstant().isAfter(latestAllowed)) {
                    errors.add(new Problem.FieldError(at + ".time", "not-future",
                            "must not be more than 5 minutes in the future"));
                    time = null;
                }
            } catch (DateTimeParseException e) {
                errors.add(new Problem.FieldError(at + ".time", "format",
                        "must be an ISO-8601 date-time with offset, e.g. 2026-11-26T08:05:00+08:00"));
            }
        }
        Integer mgdl = glucose(item, at, errors);
        if (errors.size() > before || time == null || mgdl == null) {
            return null;
        }
        try {
            return new Reading(time.toInstant(), time.getOffset(), mgdl);
        } catch (DateTimeException | IllegalArgumentException e) {
            errors.add(new Problem.FieldError(at, "invalid", e.getMessage()));
            return null;
        }
    }

    private static Integer glucose(JsonNode item, String at, List<Problem.FieldError> errors) {
        JsonNode mgdl = item.get("mgdl");
        JsonNode mmol = item.get("mmol");
        if ((mgdl == null || mgdl.isNull()) == (mmol == null || mmol.isNull())) {
            errors.add(new Problem.FieldError(at + ".mgdl", "required", "give exactly one of mgdl or mmol"));
            return null;
        }
        int value;
        if (mgdl != null && !mgdl.isNull()) {
            if (!mgdl.isIntegralNumber() || !mgdl.canConvertToInt()) {
                errors.add(new Problem.FieldError(at + ".mgdl", "type", "must be a whole number of mg/dL"));
                return null;
            }
            value = mgdl.intValue();
        } else {
            if (!mmol.isNumber()) {
                errors.add(new Problem.FieldError(at + ".mmol", "type", "must be a number of mmol/L"));
                return null;
            }
            value = GlucoseUnit.MMOL_L.toStoredMgdl(mmol.doubleValue());
        }
        if (value < Reading.MIN_MGDL || value > Reading.MAX_MGDL) {
            errors.add(new Problem.FieldError(at + (mgdl != null && !mgdl.isNull() ? ".mgdl" : ".mmol"), "range",
                    "must be between " + Reading.MIN_MGDL + " and " + Reading.MAX_MGDL + " mg/dL"));
            return null;
        }
        return value;
    }

    public ReadingStore store() {
        return store;
    }

    public Clock clock() {
        return dataClock;
    }
}
