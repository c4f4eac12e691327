package org.mqcgm.server.glucose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.readings.IngestListener;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * Ingestion of readings: parse → validate → normalise each item of a batch, store the valid ones in one
 * transaction, and report per item what happened. One bad item does not reject the batch unless the caller asks
 * for all-or-nothing. A reading is acknowledged only after its transaction committed. CGM data is health data:
 * nothing is stored without the owner's consent to process it (PR-19): the routes require it in their access rule.
 */
public final class Readings {

    /** Largest batch accepted in one request. */
    public static final int MAX_BATCH = 10_000;
    /** Readings may not claim to be from the future (clock skew of a phone is tolerated up to this). */
    static final Duration FUTURE_TOLERANCE = org.mqcgm.core.time.TimeBounds.FUTURE_TOLERANCE;
    static final Set<String> FIELDS =
            org.mqcgm.server.platform.http.RequestFields.of(ApiSchemas.ReadingUpload.class);
    /** How long the answer to an upload with an Idempotency-Key is replayed. */
    static final Duration REPLAY_WINDOW = Duration.ofDays(1);
    static final int DEFAULT_LOW_LIMIT = 40;
    static final int DEFAULT_HIGH_LIMIT = 400;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Readings.class);

    private final ReadingStore store;
    private final Clock dataClock;
    private final ReadingEvents events;
    private final Jdbi jdbi;
    private final ObjectMapper mapper;
    private final Annotations annotations;
    /** Uploaded readings by outcome, for operators (no owner, no value). */
    private final Counter acceptedMeter;
    private final Counter duplicateMeter;
    private final Counter rejectedMeter;

    public Readings(ReadingStore store, Clock dataClock, ReadingEvents events, Jdbi jdbi, ObjectMapper mapper,
                    Annotations annotations, MeterRegistry meters) {
        this.annotations = annotations;
        this.store = store;
        this.dataClock = dataClock;
        this.events = events;
        this.acceptedMeter = meters.counter("mqcgm.readings", "outcome", "accepted");
        this.duplicateMeter = meters.counter("mqcgm.readings", "outcome", "duplicate");
        this.rejectedMeter = meters.counter("mqcgm.readings", "outcome", "rejected");
        this.jdbi = jdbi;
        this.mapper = mapper;
    }

    /**
     * The outcome of one upload.
     *
     * @param accepted   newly stored readings
     * @param duplicates readings that were already stored (not stored twice)
     * @param rejected   items not stored because they broke a rule
     * @param errors     for each rejected item, the field and rule it broke (its index is in the field path)
     * @param replayed   true when this is the stored answer to an earlier request with the same Idempotency-Key
     */
    public record Outcome(int accepted, int duplicates, int rejected, List<Problem.FieldError> errors,
                          boolean replayed) {
    }

    /**
     * An {@code Idempotency-Key} and the hash of the request body it came with.
     */
    public record IdempotencyKey(String key, byte[] requestHash) {
    }

    /** Validates and stores a JSON array of readings for {@code ownerId}. */
    public Outcome ingest(UUID ownerId, JsonNode batch, boolean atomic, Optional<IdempotencyKey> idempotency) {
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
        int rejectedCount = rejected;
        List<Runnable> afterCommit = new ArrayList<>(1);
        Outcome outcome;
        if (coalescing(valid)) {
            // A live upload: committed together with other uploads of the moment (one WAL flush for many); the
            // work is the same as in a transaction of its own below, and may be run again alone (UploadCommitter).
            Attempt a = committer.commit(ownerId, h -> attempt(h, ownerId, valid, atomic, rejectedCount, errors,
                    idempotency));
            outcome = a.outcome();
            afterCommit.addAll(a.afterCommit());
        } else if (idempotency.isEmpty() && listeners.isEmpty()) {
            // Without an Idempotency-Key or a listener there is nothing to do in the upload's transaction: the store
            // picks its own (a live upload is one statement, committed on return).
            outcome = stored(valid, atomic, rejectedCount, errors, v -> store.insert(ownerId, v));
        } else {
            Attempt a = jdbi.inTransaction(h -> attempt(h, ownerId, valid, atomic, rejectedCount, errors,
                    idempotency));
            outcome = a.outcome();
            afterCommit.addAll(a.afterCommit());
        }
        if (outcome.accepted() > 0 && !outcome.replayed()) {
            events.published(ownerId);
            announce(afterCommit);
        }
        if (!outcome.replayed()) {
            acceptedMeter.increment(outcome.accepted());
            duplicateMeter.increment(outcome.duplicates());
            rejectedMeter.increment(outcome.rejected());
        }
        return outcome;
    }

    /** What an upload did in its transaction, and what its listeners left for after the commit. */
    private record Attempt(Outcome outcome, List<Runnable> afterCommit) {
    }

    /**
     * An upload's work inside its transaction: the Idempotency-Key replay, the readings, the key's answer, the
     * listeners. Built from scratch on every call (the committer may run it a second time, alone).
     */
    private Attempt attempt(org.jdbi.v3.core.Handle h, UUID ownerId, List<Reading> valid, boolean atomic,
                            int rejected, List<Problem.FieldError> errors, Optional<IdempotencyKey> idempotency) {
        Optional<Outcome> earlier = idempotency.isEmpty() ? Optional.empty()
                : replay(h, ownerId, idempotency.get());
        if (earlier.isPresent()) {
            return new Attempt(earlier.get(), List.of());
        }
        Outcome o = stored(valid, atomic, rejected, errors, v -> store.insert(h, ownerId, v));
        if (idempotency.isPresent()) {
            remember(h, ownerId, idempotency.get(), o);
        }
        return new Attempt(o, o.accepted() > 0 ? storing(h, ownerId, valid) : List.of());
    }

    /** Uploads of at most this many readings, all live, are coalesced (larger ones and backfills are not). */
    static final int MAX_COALESCED_READINGS = 100;

    /** Whether an upload of these valid readings goes through the committer: live readings, a few. */
    private boolean coalescing(List<Reading> valid) {
        if (committer == null || valid.isEmpty() || valid.size() > MAX_COALESCED_READINGS) {
            return false;
        }
        Instant horizon = dataClock.instant().minus(ReadingStore.RECENT);
        for (Reading r : valid) {
            if (r.time().isBefore(horizon)) {
                return false;
            }
        }
        return true;
    }

    private volatile UploadCommitter committer;

    /** Coalesces live uploads' commits from now on ({@code null}: each upload commits alone). */
    void coalesceWith(UploadCommitter committer) {
        this.committer = committer;
    }

    /** The committer of live uploads, or null when they commit alone. */
    UploadCommitter committer() {
        return committer;
    }

    /**
     * The outcome of storing the valid readings with {@code insert} (which returns how many were new) — or of
     * storing nothing, when the caller asked for all or nothing and some item was rejected.
     */
    private static Outcome stored(List<Reading> valid, boolean atomic, int rejected, List<Problem.FieldError> errors,
                                  java.util.function.ToIntFunction<List<Reading>> insert) {
        if (atomic && rejected > 0) {
            return new Outcome(0, 0, rejected, errors, false);
        }
        int inserted = insert.applyAsInt(valid);
        return new Outcome(inserted, valid.size() - inserted, rejected, errors, false);
    }

    /** Stores readings produced inside the server (the demo's simulated sensor). */
    public int store(UUID ownerId, List<Reading> readings) {
        if (listeners.isEmpty()) {
            int n = store.insert(ownerId, readings);
            if (n > 0) {
                events.published(ownerId);
            }
            return n;
        }
        List<Runnable> afterCommit = new ArrayList<>(1);
        int n = jdbi.inTransaction(h -> {
            int inserted = store.insert(h, ownerId, readings);
            if (inserted > 0) {
                afterCommit.addAll(storing(h, ownerId, readings));
            }
            return inserted;
        });
        if (n > 0) {
            events.published(ownerId);
            announce(afterCommit);
        }
        return n;
    }

    /** Who is told, on this node, of an upload being stored and once it committed (alerts): {@link IngestListener}. */
    private final List<IngestListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Tells {@code listener} of every committed upload with new readings, from now on. */
    public void afterStored(IngestListener listener) {
        listeners.add(listener);
    }

    /**
     * Tells the listeners inside the upload's transaction (after its readings were written): returns what they left
     * for after the commit. A listener failing here never costs the person their readings: what it did is undone to
     * a savepoint and the upload commits without it (see {@link IngestListener}).
     */
    private List<Runnable> storing(org.jdbi.v3.core.Handle h, UUID ownerId, List<Reading> stored) {
        if (listeners.isEmpty() || stored.isEmpty()) {
            return List.of();
        }
        Instant newest = stored.get(0).time();
        for (Reading r : stored) {
            if (r.time().isAfter(newest)) {
                newest = r.time();
            }
        }
        List<Runnable> after = new ArrayList<>(listeners.size());
        for (IngestListener l : listeners) {
            // One SAVEPOINT per upload and listener (released with the commit). Without it an error of the alert
            // rules' SQL would abort the transaction and the readings with it; with it the readings are kept, the
            // next upload's rules see them (they read the last hour), and the alert watch that was not moved on
            // raises a signal-loss alert if uploads keep failing there: never silent, never a lost reading.
            h.savepoint("ingest_listener");
            try {
                Runnable then = l.storing(ownerId, newest);
                if (then != null) {
                    after.add(then);
                }
            } catch (RuntimeException e) {
                h.rollbackToSavepoint("ingest_listener");
                log.error("a listener of stored readings failed inside the upload; the readings are kept: {}",
                        org.mqcgm.server.platform.db.SafeErrors.describe(e));
            }
        }
        return after;
    }

    /** Runs what the listeners left for after the commit. */
    private static void announce(List<Runnable> afterCommit) {
        for (Runnable then : afterCommit) {
            try {
                then.run();
            } catch (RuntimeException e) {
                log.warn("a listener of stored readings failed: {}",
                        org.mqcgm.server.platform.db.SafeErrors.describe(e));
            }
        }
    }

    private Optional<Outcome> replay(org.jdbi.v3.core.Handle h, UUID ownerId, IdempotencyKey key) {
        return h.createQuery("""
                        select request_hash, body from idempotency_key
                        where owner_id = :owner and key = :key and created_at > :since""")
                .bind("owner", ownerId).bind("key", key.key())
                .bind("since", dataClock.instant().minus(REPLAY_WINDOW).atOffset(java.time.ZoneOffset.UTC))
                .map((rs, ctx) -> {
                    if (!java.security.MessageDigest.isEqual(rs.getBytes("request_hash"), key.requestHash())) {
                        throw new ProblemException(Problem.of(422, "idempotency-key-reused", "Idempotency key reused",
                                "This Idempotency-Key was used with a different body.").withErrors(List.of(
                                new Problem.FieldError("Idempotency-Key", "unique", "was used for another request"))));
                    }
                    try {
                        Outcome o = mapper.readValue(rs.getString("body"), Outcome.class);
                        return new Outcome(o.accepted(), o.duplicates(), o.rejected(), o.errors(), true);
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .findOne();
    }

    private void remember(org.jdbi.v3.core.Handle h, UUID ownerId, IdempotencyKey key, Outcome outcome) {
        try {
            h.createUpdate("""
                            insert into idempotency_key (owner_id, key, request_hash, status, body, created_at)
                            values (:owner, :key, :hash, :status, :body, :at)
                            on conflict (owner_id, key) do update set request_hash = excluded.request_hash,
                                status = excluded.status, body = excluded.body, created_at = excluded.created_at""")
                    .bind("owner", ownerId).bind("key", key.key()).bind("hash", key.requestHash())
                    .bind("status", outcome.rejected() == 0 ? 200 : 422)
                    .bind("body", mapper.writeValueAsString(outcome))
                    .bind("at", dataClock.instant().atOffset(java.time.ZoneOffset.UTC))
                    .execute();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Reading parse(JsonNode item, String at, Instant latestAllowed, List<Problem.FieldError> errors) {
        if (!item.isObject()) {
            errors.add(new Problem.FieldError(at, "type", "must be an object with time and mgdl"));
            return null;
        }
        int before = errors.size();
        errors.addAll(org.mqcgm.server.platform.http.JsonBodies.unknownFields(item, FIELDS, at));
        OffsetDateTime time = time(item, at, latestAllowed, errors);
        Glucose glucose = glucose(item, at, errors);
        double trend = optionalNumber(item, "trend", at, -30, 30, errors);
        int quality = (int) optionalWhole(item, "quality", at, 0, 100, -1, errors);
        int status = (int) optionalWhole(item, "status", at, 0, 0xFFFFFF, 0, errors);
        String device = null;
        JsonNode d = item.get("device");
        if (d != null && !d.isNull()) {
            if (!d.isTextual() || d.asText().isBlank() || d.asText().length() > Reading.MAX_SOURCE_LENGTH
                    || !d.asText().chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
                errors.add(new Problem.FieldError(at + ".device", "length",
                        "must be text of 1 to " + Reading.MAX_SOURCE_LENGTH + " printable characters"));
            } else {
                device = d.asText();
            }
        }
        if (errors.size() > before || time == null || glucose == null) {
            return null;
        }
        // Readings are kept to the second (sensors report at most once a minute).
        return new Reading(time.toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), time.getOffset(),
                glucose.mgdl(), glucose.marker(), trend, quality,
                status, device);
    }

    private record Glucose(int mgdl, Reading.Marker marker) {
    }

    private static OffsetDateTime time(JsonNode item, String at, Instant latestAllowed,
                                       List<Problem.FieldError> errors) {
        JsonNode t = item.get("time");
        if (t == null || t.isNull()) {
            errors.add(new Problem.FieldError(at + ".time", "required", "is required"));
            return null;
        }
        if (!t.isTextual()) {
            errors.add(new Problem.FieldError(at + ".time", "type",
                    "must be an ISO-8601 date-time with offset, e.g. 2026-11-26T08:05:00+08:00"));
            return null;
        }
        try {
            OffsetDateTime time = org.mqcgm.core.time.IsoTimes.parseOffsetDateTime(t.asText());
            var violation = org.mqcgm.core.time.TimeBounds.dataTime(time.toInstant(),
                    latestAllowed.minus(org.mqcgm.core.time.TimeBounds.FUTURE_TOLERANCE));
            if (violation.isPresent()) {
                errors.add(new Problem.FieldError(at + ".time", violation.get().rule(), violation.get().message()));
                return null;
            }
            return time;
        } catch (DateTimeParseException e) {
            if (org.mqcgm.core.time.TimeBounds.hasYearOutOfRange(t.asText())) {
                errors.add(new Problem.FieldError(at + ".time", "range",
                        org.mqcgm.core.time.TimeBounds.outOfRange().message()));
                return null;
            }
            errors.add(new Problem.FieldError(at + ".time", "format",
                    "must be an ISO-8601 date-time with offset, e.g. 2026-11-26T08:05:00+08:00"));
            return null;
        }
    }

    /** Exactly one of mgdl, mmol or marker (with an optional limit). */
    private static Glucose glucose(JsonNode item, String at, List<Problem.FieldError> errors) {
        JsonNode mgdl = present(item.get("mgdl"));
        JsonNode mmol = present(item.get("mmol"));
        JsonNode marker = present(item.get("marker"));
        int given = (mgdl != null ? 1 : 0) + (mmol != null ? 1 : 0) + (marker != null ? 1 : 0);
        if (given != 1) {
            errors.add(new Problem.FieldError(at + ".mgdl", "required", "give exactly one of mgdl, mmol or marker"));
            return null;
        }
        if (marker != null) {
            String m = marker.asText("");
            if (!m.equals("low") && !m.equals("high")) {
                errors.add(new Problem.FieldError(at + ".marker", "one-of", "must be low or high"));
                return null;
            }
            boolean low = m.equals("low");
            long limit = optionalWhole(item, "limit", at, Reading.MIN_MGDL, Reading.MAX_MGDL,
                    low ? DEFAULT_LOW_LIMIT : DEFAULT_HIGH_LIMIT, errors);
            return new Glucose((int) limit, low ? Reading.Marker.LOW : Reading.Marker.HIGH);
        }
        if (present(item.get("limit")) != null) {
            errors.add(new Problem.FieldError(at + ".limit", "with-marker", "is only meaningful with a marker"));
            return null;
        }
        int value;
        String field;
        if (mgdl != null) {
            field = ".mgdl";
            if (!mgdl.isIntegralNumber() || !mgdl.canConvertToInt()) {
                errors.add(new Problem.FieldError(at + field, "type", "must be a whole number of mg/dL"));
                return null;
            }
            value = mgdl.intValue();
        } else {
            field = ".mmol";
            if (!mmol.isNumber()) {
                errors.add(new Problem.FieldError(at + field, "type", "must be a number of mmol/L"));
                return null;
            }
            value = GlucoseUnit.MMOL_L.toStoredMgdl(mmol.doubleValue());
        }
        if (value < Reading.MIN_MGDL || value > Reading.MAX_MGDL) {
            errors.add(new Problem.FieldError(at + field, "range",
                    "must be between " + Reading.MIN_MGDL + " and " + Reading.MAX_MGDL
                            + " mg/dL; use marker low/high for values beyond the sensor's range"));
            return null;
        }
        return new Glucose(value, Reading.Marker.VALUE);
    }

    private static JsonNode present(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    private static double optionalNumber(JsonNode item, String field, String at, double min, double max,
                                         List<Problem.FieldError> errors) {
        JsonNode n = present(item.get(field));
        if (n == null) {
            return Double.NaN;
        }
        if (!n.isNumber() || n.doubleValue() < min || n.doubleValue() > max) {
            errors.add(new Problem.FieldError(at + "." + field, "range", "must be a number from " + min + " to " + max));
            return Double.NaN;
        }
        return n.doubleValue();
    }

    private static long optionalWhole(JsonNode item, String field, String at, long min, long max, long absent,
                                      List<Problem.FieldError> errors) {
        JsonNode n = present(item.get(field));
        if (n == null) {
            return absent;
        }
        if (!n.isIntegralNumber() || n.longValue() < min || n.longValue() > max) {
            errors.add(new Problem.FieldError(at + "." + field, "range",
                    "must be a whole number from " + min + " to " + max));
            return absent;
        }
        return n.longValue();
    }

    /** Forgets upload answers older than the replay window of a day; returns how many went. */
    public int purgeIdempotencyKeys() {
        return jdbi.withHandle(h -> h.createUpdate("delete from idempotency_key where created_at < :since")
                .bind("since", dataClock.instant().minus(REPLAY_WINDOW).atOffset(java.time.ZoneOffset.UTC)).execute());
    }

    /** Readings of {@code [from, to)} without those the user excluded from statistics (PR-62). */
    public List<Reading> forStatistics(UUID owner, Instant from, Instant to) {
        return Annotations.forStatistics(store.range(owner, from, to), annotations.overlapping(owner, from, to));
    }

    /** The readings' values in mg/dL (a Low/High marker counts at the sensor's limit). */
    static double[] values(List<Reading> readings) {
        double[] v = new double[readings.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = readings.get(i).mgdl();
        }
        return v;
    }

    public ReadingStore store() {
        return store;
    }

    public Clock clock() {
        return dataClock;
    }

    public ReadingEvents events() {
        return events;
    }
}
