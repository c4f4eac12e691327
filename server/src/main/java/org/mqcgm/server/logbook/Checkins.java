package org.mqcgm.server.logbook;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.media.Photos;

/**
 * The check-ins of the logbook, stored with only their owner, id, time, offset and kind in clear: everything else
 * (amounts, names, notes, photo ids) is one JSON document encrypted with the owner's key, its context bound to the
 * entry's id so that contents cannot be moved between entries. Photos are attached through the {@link Photos} port in
 * the same transaction as the entry (a refused photo stores nothing) and deleted with it.
 */
final class Checkins {

    private static final String CONTEXT = "logbook.checkin/";
    /** A new check-in (one, or many in a batch). */
    private static final String INSERT = """
            insert into logbook_checkin (owner_id, id, time, offset_seconds, kind, data_enc, created_at, updated_at)
            values (:o, :id, :t, :off, :k, :d, :now, :now)""";

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final ObjectMapper mapper;
    private final Photos photos;
    private final Clock clock;
    /**
     * Reads of check-ins (SOC: notes, meals, insulin, activities) are purpose-bound (PR-03): a read for a purpose
     * not registered for the category is refused and recorded before anything is read.
     */
    private final org.mqcgm.server.platform.transparency.PurposeGuard purposes;

    Checkins(Jdbi jdbi, UserKeys keys, ObjectMapper mapper, Photos photos, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.mapper = mapper;
        this.photos = photos;
        this.clock = clock;
        this.purposes = new org.mqcgm.server.platform.transparency.PurposeGuard(jdbi, clock);
    }

    /** The check of a read of the owner's check-ins for the thread's purpose. */
    private void read(UUID owner, String operation) {
        purposes.check(org.mqcgm.server.platform.consent.DataCategory.SOC, owner, "logbook.checkins." + operation);
    }

    /** Stores a new check-in and attaches its photos; a photo that is not the owner's stores nothing (422). */
    Checkin create(UUID owner, CheckinInput.Draft draft) {
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            h.createUpdate(INSERT)
                    .bind("o", owner).bind("id", id).bind("t", draft.time())
                    .bind("off", draft.time().getOffset().getTotalSeconds()).bind("k", draft.kind().id())
                    .bind("d", encrypt(owner, id, draft.values())).bind("now", now.atOffset(ZoneOffset.UTC))
                    .execute();
            attach(h, owner, draft.values().photos(), draft.values().photos());
            return new Checkin(id, draft.time(), draft.kind(), draft.values(), now, now);
        });
    }

    /** Stores new check-ins without photos in one transaction (an import), in the order given. */
    List<Checkin> createAll(UUID owner, List<CheckinInput.Draft> drafts) {
        Instant now = clock.instant();
        List<Checkin> out = new ArrayList<>(drafts.size());
        if (drafts.isEmpty()) {
            return out;
        }
        jdbi.useTransaction(h -> {
            var batch = h.prepareBatch(INSERT);
            for (CheckinInput.Draft draft : drafts) {
                if (!draft.values().photos().isEmpty()) {
                    throw new IllegalArgumentException("check-ins stored together carry no photos");
                }
                UUID id = UUID.randomUUID();
                batch.bind("o", owner).bind("id", id).bind("t", draft.time())
                        .bind("off", draft.time().getOffset().getTotalSeconds()).bind("k", draft.kind().id())
                        .bind("d", encrypt(owner, id, draft.values())).bind("now", now.atOffset(ZoneOffset.UTC))
                        .add();
                out.add(new Checkin(id, draft.time(), draft.kind(), draft.values(), now, now));
            }
            batch.execute();
        });
        return out;
    }

    Optional<Checkin> find(UUID owner, UUID id) {
        read(owner, "find");
        return jdbi.withHandle(h -> h.createQuery("select * from logbook_checkin where owner_id = :o and id = :id")
                .bind("o", owner).bind("id", id).map((rs, ctx) -> row(owner, rs)).findOne());
    }

    /**
     * Replaces a check-in's content with {@code draft} (its kind is unchanged): photos newly listed are attached,
     * photos no longer listed are deleted, all in one transaction. Empty when the owner has no such entry.
     */
    Optional<Checkin> update(UUID owner, UUID id, java.util.function.Function<Checkin, CheckinInput.Draft> change) {
        return jdbi.inTransaction(h -> {
            Optional<Checkin> current = h.createQuery(
                            "select * from logbook_checkin where owner_id = :o and id = :id for update")
                    .bind("o", owner).bind("id", id).map((rs, ctx) -> row(owner, rs)).findOne();
            if (current.isEmpty()) {
                return Optional.<Checkin>empty();
            }
            Checkin old = current.get();
            CheckinInput.Draft draft = change.apply(old);
            Instant now = clock.instant();
            h.createUpdate("""
                            update logbook_checkin set time = :t, offset_seconds = :off, data_enc = :d, updated_at = :now
                            where owner_id = :o and id = :id""")
                    .bind("o", owner).bind("id", id).bind("t", draft.time())
                    .bind("off", draft.time().getOffset().getTotalSeconds())
                    .bind("d", encrypt(owner, id, draft.values())).bind("now", now.atOffset(ZoneOffset.UTC))
                    .execute();
            List<UUID> added = new ArrayList<>(draft.values().photos());
            added.removeAll(old.values().photos());
            List<UUID> removed = new ArrayList<>(old.values().photos());
            removed.removeAll(draft.values().photos());
            attach(h, owner, added, draft.values().photos());
            if (!removed.isEmpty()) {
                photos.delete(h, owner, removed);
            }
            return Optional.of(new Checkin(id, draft.time(), old.kind(), draft.values(), old.created(), now));
        });
    }

    /** Deletes a check-in with its photos; false when the owner has no such entry. */
    boolean delete(UUID owner, UUID id) {
        return jdbi.inTransaction(h -> {
            Optional<Checkin> gone = h.createQuery(
                            "delete from logbook_checkin where owner_id = :o and id = :id returning *")
                    .bind("o", owner).bind("id", id).map((rs, ctx) -> row(owner, rs)).findOne();
            gone.filter(c -> !c.values().photos().isEmpty())
                    .ifPresent(c -> photos.delete(h, owner, c.values().photos()));
            return gone.isPresent();
        });
    }

    /** The owner's check-ins in {@code [from, to)}, of one kind or all (null), newest first, at most {@code limit}. */
    /** Whether the photo is on one of the owner's check-ins at or after {@code from}. */
    boolean hasPhotoSince(UUID owner, UUID photo, Instant from) {
        return list(owner, from, clock.instant().plus(java.time.Duration.ofDays(3650)), null, Integer.MAX_VALUE)
                .stream().anyMatch(c -> c.values().photos().contains(photo));
    }

    List<Checkin> list(UUID owner, Instant from, Instant to, Checkin.Kind kind, int limit) {
        read(owner, "list");
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from logbook_checkin where owner_id = :o and time >= :from and time < :to
                          and (cast(:k as text) is null or kind = :k)
                        order by time desc, id limit :limit""")
                .bind("o", owner).bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                .bind("k", kind == null ? null : kind.id()).bind("limit", limit)
                .map((rs, ctx) -> row(owner, rs)).list());
    }

    /**
     * The owner's check-ins in {@code [from, to)}, newest first, leaving out those whose id {@code skip} accepts
     * (they are not decrypted), at most {@code limit}.
     */
    List<Checkin> listExcept(UUID owner, Instant from, Instant to, java.util.function.Predicate<UUID> skip,
                             int limit) {
        read(owner, "list");
        return jdbi.withHandle(h -> {
            try (java.util.stream.Stream<Checkin> rows = h.createQuery("""
                            select * from logbook_checkin where owner_id = :o and time >= :from and time < :to
                            order by time desc, id""")
                    .bind("o", owner).bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                    .map((rs, ctx) -> skip.test(rs.getObject("id", UUID.class)) ? null : row(owner, rs)).stream()) {
                return rows.filter(java.util.Objects::nonNull).limit(limit).toList();
            }
        });
    }

    /**
     * The owner's check-ins created or changed after {@code since}, to the millisecond (a client passes back the
     * millisecond time it was given), oldest change first, leaving out those whose id {@code skip} accepts: at most
     * {@code limit}, plus the others of the last one's millisecond (check-ins stored together share one).
     */
    List<Checkin> changedSince(UUID owner, Instant since, java.util.function.Predicate<UUID> skip, int limit) {
        read(owner, "changedSince");
        return jdbi.withHandle(h -> {
            try (java.util.stream.Stream<Checkin> rows = h.createQuery("""
                            select * from logbook_checkin
                            where owner_id = :o and date_trunc('milliseconds', updated_at) > :since
                            order by updated_at, id""")
                    .bind("o", owner).bind("since", since.atOffset(ZoneOffset.UTC))
                    .map((rs, ctx) -> skip.test(rs.getObject("id", UUID.class)) ? null : row(owner, rs)).stream()) {
                List<Checkin> out = new ArrayList<>();
                long lastMillis = Long.MIN_VALUE;
                for (java.util.Iterator<Checkin> it = rows.filter(java.util.Objects::nonNull).iterator();
                     it.hasNext(); ) {
                    Checkin c = it.next();
                    long millis = c.updated().toEpochMilli();
                    if (out.size() >= limit && millis != lastMillis) {
                        break;
                    }
                    out.add(c);
                    lastMillis = millis;
                }
                return out;
            }
        });
    }

    /** When one of the owner's check-ins was last created or changed. */
    Optional<Instant> lastChanged(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select max(updated_at) from logbook_checkin where owner_id = :o")
                .bind("o", owner).mapTo(OffsetDateTime.class).findOne().map(OffsetDateTime::toInstant));
    }

    long count(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from logbook_checkin where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
    }

    /** Every check-in of the owner, oldest first, one at a time (the export). */
    void forEach(UUID owner, Consumer<Checkin> each) {
        read(owner, "forEach");
        jdbi.useHandle(h -> {
            try (var stream = h.createQuery("select * from logbook_checkin where owner_id = :o order by time, id")
                    .bind("o", owner).setFetchSize(500).map((rs, ctx) -> row(owner, rs)).stream()) {
                stream.forEach(each);
            }
        });
    }

    /**
     * Attaches {@code added} (photos of {@code all}, the entry's list): each must be an uploaded photo of the owner
     * not yet attached to anything — one photo belongs to one entry, so that deleting an entry can delete its photos.
     * Otherwise a 422 names {@code $.photos[i]} (its place in {@code all}).
     */
    private void attach(Handle h, UUID owner, List<UUID> added, List<UUID> all) {
        if (added.isEmpty()) {
            return;
        }
        List<Problem.FieldError> taken = new ArrayList<>();
        for (UUID id : added) {
            if (photos.usage(owner, id).isPresent()) {
                taken.add(new Problem.FieldError("$.photos[" + all.indexOf(id) + "]", "photo",
                        "must be the id of a photo you uploaded and did not attach elsewhere"));
            }
        }
        if (!taken.isEmpty()) {
            throw CheckinInput.invalid(taken);
        }
        try {
            photos.attach(h, owner, added, Photos.Usage.CHECKIN, "$.photos");
        } catch (org.mqcgm.server.platform.http.ProblemException e) {
            // Its errors count in the added photos; the caller's places are those of the entry's list.
            throw CheckinInput.invalid(e.problem().errors().stream().map(f -> {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\$\\.photos\\[(\\d+)]$")
                        .matcher(f.field());
                return m.matches() && Integer.parseInt(m.group(1)) < added.size()
                        ? new Problem.FieldError("$.photos[" + all.indexOf(added.get(Integer.parseInt(m.group(1))))
                        + "]", f.rule(), f.message()) : f;
            }).toList());
        }
    }

    private byte[] encrypt(UUID owner, UUID id, Checkin.Values values) {
        try {
            return keys.encrypt(owner, CONTEXT + id, mapper.writeValueAsBytes(values));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Checkin row(UUID owner, ResultSet rs) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(rs.getInt("offset_seconds"));
        Checkin.Values values;
        try {
            values = mapper.readValue(keys.decrypt(owner, CONTEXT + id, rs.getBytes("data_enc")),
                    Checkin.Values.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Checkin(id, rs.getObject("time", OffsetDateTime.class).toInstant().atOffset(offset),
                Checkin.Kind.parse(rs.getString("kind")).orElseThrow(), values,
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

}
