package org.mqcgm.server.glucose;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.db.Notifications;
import org.mqcgm.server.platform.db.StaleGuard;
import org.mqcgm.server.platform.crypto.UserKeys;

/**
 * Sensors (model, serial number, transmitter id — encrypted with the owner's key) and their sessions: start, end of
 * warm-up, expected end, actual end and why; plus fingerstick calibrations (value and source encrypted with the
 * owner's key, bound to their row). Destroying the owner's key shreds them all.
 */
final class Sensors {

    private static final String SERIAL = "sensor.serial";
    private static final String TRANSMITTER = "sensor.transmitter";
    /** Contexts bound to the row: a value cannot be moved to another row (or field) and still decrypt. */
    private static final String MODEL = "sensor.model/";
    private static final String CALIBRATION_MGDL = "calibration.mgdl/";
    private static final String CALIBRATION_SOURCE = "calibration.source/";
    /** Why a session ended is a health fact too (issue 16, V6.1.2). */
    private static final String END_REASON = "sensor_session.end_reason/";

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final Clock clock;

    public Sensors(Jdbi jdbi, UserKeys keys, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.clock = clock;
    }

    public UUID addSensor(UUID owner, String model, String serial, String transmitter) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into sensor (owner_id, id, model_enc, serial_enc, transmitter_enc, created_at)
                        values (:o, :id, :m, :s, :t, :now)""")
                .bind("o", owner).bind("id", id).bind("m", keys.encrypt(owner, MODEL + id, model))
                .bind("s", serial == null ? null : keys.encrypt(owner, SERIAL, serial))
                .bind("t", transmitter == null ? null : keys.encrypt(owner, TRANSMITTER, transmitter))
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute());
        return id;
    }

    public List<ApiSchemas.Sensor> sensors(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, model_enc, serial_enc, transmitter_enc, created_at from sensor where owner_id = :o
                        order by created_at desc""")
                .bind("o", owner)
                .map((rs, ctx) -> new ApiSchemas.Sensor(rs.getString("id"),
                        keys.decryptString(owner, MODEL + rs.getString("id"), rs.getBytes("model_enc")),
                        rs.getBytes("serial_enc") == null ? null
                                : keys.decryptString(owner, SERIAL, rs.getBytes("serial_enc")),
                        rs.getBytes("transmitter_enc") == null ? null
                                : keys.decryptString(owner, TRANSMITTER, rs.getBytes("transmitter_enc")),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant().toString())).list());
    }

    /** Whether the owner has this sensor. */
    public boolean ownsSensor(UUID owner, UUID sensor) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) = 1 from sensor where owner_id = :o and id = :s")
                .bind("o", owner).bind("s", sensor).mapTo(Boolean.class).one());
    }

    /** Whether the owner has this sensor session. */
    public boolean ownsSession(UUID owner, UUID session) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select count(*) = 1 from sensor_session where owner_id = :o and id = :s")
                .bind("o", owner).bind("s", session).mapTo(Boolean.class).one());
    }

    /** Starts a session of a sensor of the owner; empty when the owner has no such sensor. */
    public Optional<UUID> startSession(UUID owner, UUID sensor, Instant start, Duration warmUp, Duration lifetime) {
        if (!ownsSensor(owner, sensor)) {
            return Optional.empty();
        }
        UUID id = UUID.randomUUID();
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            insert into sensor_session (owner_id, id, sensor_id, started_at, warmup_ends_at,
                                                        expected_end_at)
                            values (:o, :id, :s, :start, :warm, :end)""")
                    .bind("o", owner).bind("id", id).bind("s", sensor).bind("start", start.atOffset(ZoneOffset.UTC))
                    .bind("warm", start.plus(warmUp).atOffset(ZoneOffset.UTC))
                    .bind("end", lifetime == null ? null : start.plus(lifetime).atOffset(ZoneOffset.UTC)).execute();
            changed(h, owner);
        });
        return Optional.of(id);
    }

    /** Ends a session of the owner; false when there is no such open session. */
    public boolean endSession(UUID owner, UUID session, Instant end, String reason) {
        return jdbi.inTransaction(h -> {
            boolean ended = h.createUpdate("""
                            update sensor_session set ended_at = :end, end_reason_enc = :reason
                            where owner_id = :o and id = :id and ended_at is null""")
                    .bind("end", end.atOffset(ZoneOffset.UTC))
                    .bind("reason", reason == null ? null : keys.encrypt(owner, END_REASON + session, reason))
                    .bind("o", owner)
                    .bind("id", session).execute() == 1;
            if (ended) {
                changed(h, owner);
            }
            return ended;
        });
    }

    /**
     * The owner's open sessions with an expected end, as loaded at {@code loadedFor} (those that had not ended by
     * then): what {@link #expectedEnd} answers from, on every fresh upload of the wearer (alerts).
     */
    private record OpenSessions(Instant loadedFor, List<Instant[]> startAndEnd) {
    }

    /** The channel a session change notifies, with the owner's id as payload. */
    static final String CHANGED = "mqcgm_sensor_sessions_changed";
    private final Cache<UUID, OpenSessions> open = Caffeine.newBuilder()
            .maximumSize(100_000)
            // A backstop for a notice missed while the listener reconnected or its socket hung: a change made on
            // another node reaches this one within 15 minutes even then (a wearer uploads every 5 minutes, so a
            // shorter bound would leave nothing cached).
            .expireAfterWrite(Duration.ofMinutes(15))
            .build();
    private final StaleGuard guard = new StaleGuard();

    private void changed(org.jdbi.v3.core.Handle h, UUID owner) {
        Notifications.send(h, CHANGED, owner.toString());
        forget(owner);
        StaleGuard.againAfterCommit(h, () -> forget(owner));
    }

    private void forget(UUID owner) {
        guard.invalidating();
        open.invalidate(owner);
    }

    /** A session started or ended on any node takes effect on this node's memory at once. */
    void listen(Notifications notifications) {
        guard.listen(notifications, CHANGED, this::forget, open::invalidateAll);
    }

    /**
     * The expected end of the person's newest sensor session that has started by {@code now}, is not ended and has
     * an expected end after {@code now} (the alerts feature's "sensor ending" notice, asked on every fresh upload:
     * answered from memory, which a start or end of a session drops on every node).
     */
    public Optional<Instant> expectedEnd(UUID owner, Instant now) {
        OpenSessions known = open.getIfPresent(owner);
        if (known == null || now.isBefore(known.loadedFor())) {
            long seen = guard.mark();
            known = new OpenSessions(now, jdbi.withHandle(h -> h.createQuery("""
                            select started_at, expected_end_at from sensor_session
                            where owner_id = :o and ended_at is null and expected_end_at > :now""")
                    .bind("o", owner).bind("now", now.atOffset(ZoneOffset.UTC))
                    .map((rs, ctx) -> new Instant[] {rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                            rs.getObject("expected_end_at", OffsetDateTime.class).toInstant()})
                    .list()));
            open.put(owner, known);
            if (guard.changedSince(seen)) {
                open.invalidate(owner);
            }
        }
        Instant[] newest = null;
        for (Instant[] session : known.startAndEnd()) {
            if (!session[0].isAfter(now) && session[1].isAfter(now)
                    && (newest == null || session[0].isAfter(newest[0]))) {
                newest = session;
            }
        }
        return Optional.ofNullable(newest).map(session -> session[1]);
    }

    public List<ApiSchemas.SensorSession> sessions(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, sensor_id, started_at, warmup_ends_at, expected_end_at, ended_at, end_reason_enc
                        from sensor_session where owner_id = :o order by started_at desc""")
                .bind("o", owner)
                .map((rs, ctx) -> new ApiSchemas.SensorSession(rs.getString("id"), rs.getString("sensor_id"),
                        iso(rs.getObject("started_at", OffsetDateTime.class)),
                        iso(rs.getObject("warmup_ends_at", OffsetDateTime.class)),
                        iso(rs.getObject("expected_end_at", OffsetDateTime.class)),
                        iso(rs.getObject("ended_at", OffsetDateTime.class)),
                        rs.getBytes("end_reason_enc") == null ? null : keys.decryptString(owner,
                                END_REASON + rs.getString("id"), rs.getBytes("end_reason_enc")))).list());
    }

    /** Deletes a sensor of the owner with all its sessions (readings are kept); false when there is none. */
    public boolean deleteSensor(UUID owner, UUID sensor) {
        return jdbi.inTransaction(h -> {
            boolean deleted = h.createUpdate("delete from sensor where owner_id = :o and id = :id")
                    .bind("o", owner).bind("id", sensor).execute() == 1;
            if (deleted) {
                changed(h, owner);
            }
            return deleted;
        });
    }

    /** Deletes a calibration of the owner; false when there is none. */
    public boolean deleteCalibration(UUID owner, UUID calibration) {
        return jdbi.withHandle(h -> h.createUpdate("delete from calibration where owner_id = :o and id = :id")
                .bind("o", owner).bind("id", calibration).execute()) == 1;
    }

    public UUID addCalibration(UUID owner, Instant time, int mgdl, String source) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into calibration (owner_id, id, time, mgdl_enc, source_enc)
                        values (:o, :id, :t, :v, :s)""")
                .bind("o", owner).bind("id", id).bind("t", time.atOffset(ZoneOffset.UTC))
                .bind("v", keys.encrypt(owner, CALIBRATION_MGDL + id, Integer.toString(mgdl)))
                .bind("s", source == null ? null : keys.encrypt(owner, CALIBRATION_SOURCE + id, source)).execute());
        return id;
    }

    public List<ApiSchemas.Calibration> calibrations(UUID owner, Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, time, mgdl_enc, source_enc from calibration
                        where owner_id = :o and time >= :from and time < :to order by time""")
                .bind("o", owner).bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> {
                    String id = rs.getString("id");
                    return new ApiSchemas.Calibration(id, iso(rs.getObject("time", OffsetDateTime.class)),
                            Integer.parseInt(keys.decryptString(owner, CALIBRATION_MGDL + id, rs.getBytes("mgdl_enc"))),
                            rs.getBytes("source_enc") == null ? null
                                    : keys.decryptString(owner, CALIBRATION_SOURCE + id, rs.getBytes("source_enc")));
                }).list());
    }

    /**
     * Re-stores, encrypted with each owner's key, the calibrations and sensor models that migration V8 set aside
     * in clear, then drops the aside tables (once; later starts find nothing to do). Rows of owners whose key was
     * destroyed are deleted: nobody could read them. Returns how many rows were re-stored.
     */
    public int encryptPlainRows() {
        return jdbi.inTransaction(h -> PlainAside.reStore(h, keys, "calibration_plain_v7", "calibration", List.of(
                new PlainAside.Column("mgdl", "mgdl_enc", CALIBRATION_MGDL),
                new PlainAside.Column("source", "source_enc", CALIBRATION_SOURCE)))
                + PlainAside.reStore(h, keys, "sensor_plain_v7", "sensor",
                        List.of(new PlainAside.Column("model", "model_enc", MODEL))));
    }

    /**
     * Re-stores, encrypted with their owner's key, the end reasons that migration V73 set aside from sessions stored
     * in clear, then drops the aside table (once). Sessions of owners whose key was destroyed are deleted. Returns
     * how many rows were re-stored.
     */
    public int encryptPlainEndReasons() {
        return jdbi.inTransaction(h -> PlainAside.reStore(h, keys, "sensor_session_plain_v73", "sensor_session",
                List.of(new PlainAside.Column("end_reason", "end_reason_enc", END_REASON))));
    }

    private static String iso(OffsetDateTime t) {
        return t == null ? null : t.toInstant().toString();
    }
}
