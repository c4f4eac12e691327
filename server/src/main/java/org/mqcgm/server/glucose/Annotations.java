package org.mqcgm.server.glucose;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.crypto.UserKeys;

/**
 * The user's notes on stretches of their data. Readings are never overwritten or deleted by a correction: a
 * reading the user marks as wrong ("sensor error", a compression low) is covered by an annotation that excludes it
 * from statistics, while the reading and the note stay visible and exported (PR-62).
 */
public final class Annotations {

    public static final Set<String> KINDS = Set.of("sensor-error", "calibration", "compression-low", "exercise",
            "illness", "meal", "other");
    private static final String NOTE_CONTEXT = "glucose.annotation.note";
    /** The kind is a health fact too (issue 16, V6.1.2): encrypted, bound to its row. */
    private static final String KIND_CONTEXT = "glucose.annotation.kind/";

    /**
     * One annotation.
     *
     * @param exclude true when the readings it covers are left out of statistics
     */
    public record Annotation(UUID id, Instant start, Instant end, String kind, String note, boolean exclude) {
        public boolean covers(Instant t) {
            return !t.isBefore(start) && !t.isAfter(end);
        }
    }

    /**
     * What a follower whose share starts at {@code window} sees of {@code list}: the annotations ending inside the
     * window, each band starting no earlier than the window (null: the person themselves, everything).
     */
    public static List<Annotation> within(List<Annotation> list, Instant window) {
        if (window == null) {
            return list;
        }
        return list.stream().filter(a -> !a.end().isBefore(window))
                .map(a -> a.start().isBefore(window)
                        ? new Annotation(a.id(), window, a.end(), a.kind(), a.note(), a.exclude()) : a)
                .toList();
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final Clock clock;

    public Annotations(Jdbi jdbi, UserKeys keys, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.clock = clock;
    }

    public Annotation create(UUID owner, Instant start, Instant end, String kind, String note, boolean exclude) {
        UUID id = UUID.randomUUID();
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into glucose_annotation (owner_id, id, start_time, end_time, kind_enc, note_enc, exclude,
                                                        created_at, updated_at)
                        values (:o, :id, :s, :e, :k, :n, :x, :now, :now)""")
                .bind("o", owner).bind("id", id).bind("s", start.atOffset(ZoneOffset.UTC))
                .bind("e", end.atOffset(ZoneOffset.UTC)).bind("k", keys.encrypt(owner, KIND_CONTEXT + id, kind))
                .bind("n", note == null || note.isBlank() ? null : keys.encrypt(owner, NOTE_CONTEXT, note))
                .bind("x", exclude).bind("now", now).execute());
        return new Annotation(id, start, end, kind, note, exclude);
    }

    /** Annotations overlapping {@code [from, to)}. */
    public List<Annotation> overlapping(UUID owner, Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, start_time, end_time, kind_enc, note_enc, exclude from glucose_annotation
                        where owner_id = :o and start_time < :to and end_time >= :from order by start_time""")
                .bind("o", owner).bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> new Annotation(rs.getObject("id", UUID.class),
                        rs.getObject("start_time", OffsetDateTime.class).toInstant(),
                        rs.getObject("end_time", OffsetDateTime.class).toInstant(),
                        keys.decryptString(owner, KIND_CONTEXT + rs.getString("id"), rs.getBytes("kind_enc")),
                        rs.getBytes("note_enc") == null ? null
                                : keys.decryptString(owner, NOTE_CONTEXT, rs.getBytes("note_enc")),
                        rs.getBoolean("exclude")))
                .list());
    }

    /** Changes whether an annotation excludes its readings; false when the owner has no such annotation. */
    public boolean setExclude(UUID owner, UUID id, boolean exclude) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update glucose_annotation set exclude = :x, updated_at = :now where owner_id = :o and id = :id""")
                .bind("x", exclude).bind("now", clock.instant().atOffset(ZoneOffset.UTC)).bind("o", owner)
                .bind("id", id).execute()) == 1;
    }

    public boolean delete(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createUpdate("delete from glucose_annotation where owner_id = :o and id = :id")
                .bind("o", owner).bind("id", id).execute()) == 1;
    }

    /**
     * Deletes, inside the caller's transaction, the annotations lying wholly inside {@code [from, to)} (they described
     * only readings deleted with the range); returns how many. Annotations reaching outside the range are kept.
     */
    int deleteWithin(org.jdbi.v3.core.Handle h, UUID owner, Instant from, Instant to) {
        return h.createUpdate("""
                        delete from glucose_annotation where owner_id = :o and start_time >= :from and end_time < :to""")
                .bind("o", owner).bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                .execute();
    }

    public Optional<Annotation> find(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select start_time from glucose_annotation where owner_id = :o"
                        + " and id = :id").bind("o", owner).bind("id", id).mapTo(OffsetDateTime.class).findOne())
                .flatMap(start -> overlapping(owner, start.toInstant(), start.toInstant().plusSeconds(1)).stream()
                        .filter(a -> a.id().equals(id)).findFirst());
    }

    /**
     * Re-stores, encrypted with their owner's key, the kinds that migration V73 set aside from rows stored in clear,
     * then drops the aside table (once; later starts find nothing to do). Annotations of owners whose key was
     * destroyed are deleted: nobody could read them. Returns how many rows were re-stored.
     */
    public int encryptPlainKinds() {
        return jdbi.inTransaction(h -> PlainAside.reStore(h, keys, "glucose_annotation_plain_v73",
                "glucose_annotation", List.of(new PlainAside.Column("kind", "kind_enc", KIND_CONTEXT))));
    }

    /** The readings statistics may use: those not covered by an excluding annotation. */
    public static List<Reading> forStatistics(List<Reading> readings, List<Annotation> annotations) {
        List<Annotation> excluding = annotations.stream().filter(Annotation::exclude).toList();
        if (excluding.isEmpty()) {
            return readings;
        }
        List<Reading> out = new ArrayList<>(readings.size());
        for (Reading r : readings) {
            if (excluding.stream().noneMatch(a -> a.covers(r.time()))) {
                out.add(r);
            }
        }
        return out;
    }
}
