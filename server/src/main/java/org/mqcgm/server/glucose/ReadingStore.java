package org.mqcgm.server.glucose;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.core.glucose.DayBlockCodec;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.crypto.UserKeys;

/**
 * Where readings live. Two tables, both encrypted with the owner's data key:
 * <ul>
 *   <li>{@code glucose_recent}: readings of the last {@value #RECENT_HOURS} hours (by the data clock), one row each —
 *       cheap to append one at a time, as sensors do every few minutes;</li>
 *   <li>{@code glucose_day}: everything older, one row per user per local day holding the whole day as a
 *       {@link DayBlockCodec} block — about 2 bytes per reading, so ten years of 1-minute data are 3,650 rows and a
 *       90-day read touches 90 rows.</li>
 * </ul>
 * Readings move from the first to the second by {@link #compact} (a recurring job); uploads of old data (imports,
 * backfills) go straight into the day blocks. Either way a reading is stored once per (owner, instant): repeating
 * or overlapping uploads add nothing, and the number of new readings is exact.
 */
public final class ReadingStore {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReadingStore.class);
    static final int RECENT_HOURS = 48;
    static final Duration RECENT = Duration.ofHours(RECENT_HOURS);
    private static final String READING_CONTEXT = "glucose.reading:";
    private static final String DAY_CONTEXT = "glucose.day:";

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final Function<UUID, ZoneId> zones;
    private final Clock dataClock;

    /**
     * @param zones     the owner's home time zone (local days of the day blocks)
     * @param dataClock "now" for glucose data (what counts as recent)
     */
    public ReadingStore(Jdbi jdbi, UserKeys keys, Function<UUID, ZoneId> zones, Clock dataClock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.zones = zones;
        this.dataClock = dataClock;
    }

    /** Stores readings in one transaction; returns how many were new (the rest were already stored). */
    public int insert(UUID ownerId, List<Reading> readings) {
        if (readings.isEmpty()) {
            return 0;
        }
        return jdbi.inTransaction(h -> insert(h, ownerId, readings));
    }

    /** Stores readings inside the caller's transaction. */
    int insert(Handle h, UUID ownerId, List<Reading> readings) {
        Map<Long, Reading> byInstant = new TreeMap<>();
        for (Reading r : readings) {
            byInstant.putIfAbsent(r.time().getEpochSecond(), r);
        }
        Instant horizon = dataClock.instant().minus(RECENT);
        List<Reading> recent = new ArrayList<>();
        Map<LocalDate, List<Reading>> old = new TreeMap<>();
        ZoneId zone = null;
        for (Reading r : byInstant.values()) {
            if (!r.time().isBefore(horizon)) {
                recent.add(r);
            } else {
                if (zone == null) {
                    zone = zones.apply(ownerId);
                }
                old.computeIfAbsent(r.time().atZone(zone).toLocalDate(), d -> new ArrayList<>()).add(r);
            }
        }
        int added = insertRecent(h, ownerId, recent);
        for (Map.Entry<LocalDate, List<Reading>> day : old.entrySet()) {
            added += mergeIntoDay(h, ownerId, day.getKey(), day.getValue(), true);
        }
        return added;
    }

    private int insertRecent(Handle h, UUID ownerId, List<Reading> recent) {
        if (recent.isEmpty()) {
            return 0;
        }
        OffsetDateTime[] times = new OffsetDateTime[recent.size()];
        byte[][] payloads = new byte[recent.size()][];
        for (int i = 0; i < recent.size(); i++) {
            Reading r = recent.get(i);
            times[i] = r.time().atOffset(ZoneOffset.UTC);
            payloads[i] = keys.encrypt(ownerId, READING_CONTEXT + r.time().getEpochSecond(),
                    DayBlockCodec.encode(List.of(r)));
        }
        return h.createUpdate("""
                        insert into glucose_recent (owner_id, time, payload)
                        select :owner, t, p from unnest(:times::timestamptz[], :payloads::bytea[]) as r(t, p)
                        on conflict (owner_id, time) do nothing""")
                .bind("owner", ownerId)
                .bind("times", times)
                .bind("payloads", payloads)
                .execute();
    }

    /**
     * Merges readings into the block of one local day (creating it when absent) and returns how many were new.
     * Concurrent writers of the same day wait for each other (a transaction-scoped advisory lock).
     *
     * @param checkRecent also treat readings still in the recent table as already stored
     */
    private int mergeIntoDay(Handle h, UUID ownerId, LocalDate day, List<Reading> readings, boolean checkRecent) {
        h.createQuery("select 1 from pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .bind("key", ownerId + "/" + day).mapTo(Integer.class).one();
        Optional<byte[]> stored = h.createQuery("select block from glucose_day where owner_id = :owner and day = :day")
                .bind("owner", ownerId).bind("day", day).mapTo(byte[].class).findOne();
        TreeMap<Long, Reading> all = new TreeMap<>();
        stored.ifPresent(b -> {
            for (Reading r : decodeDay(ownerId, day, b)) {
                all.put(r.time().getEpochSecond(), r);
            }
        });
        Set<Long> elsewhere = new HashSet<>(checkRecent ? recentInstants(h, ownerId, readings) : Set.of());
        elsewhere.addAll(inNeighbourBlocks(h, ownerId, day, readings));
        int added = 0;
        for (Reading r : readings) {
            long t = r.time().getEpochSecond();
            if (!all.containsKey(t) && !elsewhere.contains(t)) {
                all.put(t, r);
                added++;
            }
        }
        if (added > 0) {
            writeDay(h, ownerId, day, all.values());
        }
        return added;
    }

    /**
     * Instants of these readings already stored in the blocks of other days. Blocks are cut at the owner's local
     * midnight; after a change of home time zone the same instant can belong to another local day than the block
     * it was first stored in. Neighbouring blocks whose time span does not overlap the readings are not opened.
     */
    private Set<Long> inNeighbourBlocks(Handle h, UUID ownerId, LocalDate day, List<Reading> readings) {
        Instant first = readings.get(0).time();
        Instant last = first;
        for (Reading r : readings) {
            first = r.time().isBefore(first) ? r.time() : first;
            last = r.time().isAfter(last) ? r.time() : last;
        }
        Set<Long> wanted = new HashSet<>();
        for (Reading r : readings) {
            wanted.add(r.time().getEpochSecond());
        }
        Set<Long> found = new HashSet<>();
        h.createQuery("""
                        select day, block from glucose_day
                        where owner_id = :owner and day between :from and :to and day <> :day
                          and first_time <= :last and last_time >= :first""")
                .bind("owner", ownerId).bind("from", day.minusDays(2)).bind("to", day.plusDays(2)).bind("day", day)
                .bind("first", first.atOffset(ZoneOffset.UTC)).bind("last", last.atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> decodeDay(ownerId, rs.getObject("day", LocalDate.class), rs.getBytes("block")))
                .forEach(list -> {
                    for (Reading r : list) {
                        if (wanted.contains(r.time().getEpochSecond())) {
                            found.add(r.time().getEpochSecond());
                        }
                    }
                });
        return found;
    }

    private Set<Long> recentInstants(Handle h, UUID ownerId, List<Reading> readings) {
        OffsetDateTime[] times = readings.stream().map(r -> r.time().atOffset(ZoneOffset.UTC))
                .toArray(OffsetDateTime[]::new);
        return new HashSet<>(h.createQuery("""
                        select time from glucose_recent where owner_id = :owner and time = any(:times::timestamptz[])""")
                .bind("owner", ownerId).bind("times", times)
                .map((rs, ctx) -> rs.getObject(1, OffsetDateTime.class).toEpochSecond()).list());
    }

    private void writeDay(Handle h, UUID ownerId, LocalDate day, Collection<Reading> readings) {
        List<Reading> list = new ArrayList<>(readings);
        byte[] block = keys.encrypt(ownerId, DAY_CONTEXT + day, DayBlockCodec.encode(list));
        h.createUpdate("""
                        insert into glucose_day (owner_id, day, first_time, last_time, readings, block)
                        values (:owner, :day, :first, :last, :n, :block)
                        on conflict (owner_id, day) do update set first_time = excluded.first_time,
                            last_time = excluded.last_time, readings = excluded.readings, block = excluded.block""")
                .bind("owner", ownerId)
                .bind("day", day)
                .bind("first", list.get(0).time().atOffset(ZoneOffset.UTC))
                .bind("last", list.get(list.size() - 1).time().atOffset(ZoneOffset.UTC))
                .bind("n", list.size())
                .bind("block", block)
                .execute();
    }

    private List<Reading> decodeDay(UUID ownerId, LocalDate day, byte[] block) {
        return DayBlockCodec.decode(keys.decrypt(ownerId, DAY_CONTEXT + day, block));
    }

    private Reading decodeRecent(UUID ownerId, long epochSecond, byte[] payload) {
        return DayBlockCodec.decode(keys.decrypt(ownerId, READING_CONTEXT + epochSecond, payload)).get(0);
    }

    /** Readings with {@code from <= time < to}, oldest first. */
    public List<Reading> range(UUID ownerId, Instant from, Instant to) {
        return jdbi.withHandle(h -> {
            TreeMap<Long, Reading> out = new TreeMap<>();
            // Local days may have been cut in any zone the user had: look two days either side.
            LocalDate fromDay = from.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(2);
            LocalDate toDay = to.atOffset(ZoneOffset.UTC).toLocalDate().plusDays(2);
            h.createQuery("""
                            select day, block from glucose_day
                            where owner_id = :owner and day between :fromDay and :toDay
                              and first_time < :to and last_time >= :from""")
                    .bind("owner", ownerId).bind("fromDay", fromDay).bind("toDay", toDay)
                    .bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                    .map((rs, ctx) -> decodeDay(ownerId, rs.getObject("day", LocalDate.class), rs.getBytes("block")))
                    .forEach(day -> {
                        for (Reading r : day) {
                            if (!r.time().isBefore(from) && r.time().isBefore(to)) {
                                out.put(r.time().getEpochSecond(), r);
                            }
                        }
                    });
            h.createQuery("""
                            select time, payload from glucose_recent
                            where owner_id = :owner and time >= :from and time < :to""")
                    .bind("owner", ownerId)
                    .bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                    .map((rs, ctx) -> {
                        long t = rs.getObject("time", OffsetDateTime.class).toEpochSecond();
                        return decodeRecent(ownerId, t, rs.getBytes("payload"));
                    })
                    .forEach(r -> out.putIfAbsent(r.time().getEpochSecond(), r));
            return new ArrayList<>(out.values());
        });
    }

    /** The newest reading at or before {@code notAfter}. */
    public Optional<Reading> latest(UUID ownerId, Instant notAfter) {
        return jdbi.withHandle(h -> {
            Optional<Reading> recent = h.createQuery("""
                            select time, payload from glucose_recent
                            where owner_id = :owner and time <= :t order by time desc limit 1""")
                    .bind("owner", ownerId).bind("t", notAfter.atOffset(ZoneOffset.UTC))
                    .map((rs, ctx) -> decodeRecent(ownerId, rs.getObject("time", OffsetDateTime.class).toEpochSecond(),
                            rs.getBytes("payload")))
                    .findOne();
            if (recent.isPresent()) {
                return recent;
            }
            return h.createQuery("""
                            select day, block from glucose_day where owner_id = :owner and first_time <= :t
                            order by day desc limit 1""")
                    .bind("owner", ownerId).bind("t", notAfter.atOffset(ZoneOffset.UTC))
                    .map((rs, ctx) -> decodeDay(ownerId, rs.getObject("day", LocalDate.class), rs.getBytes("block")))
                    .findOne()
                    .flatMap(day -> day.stream().filter(r -> !r.time().isAfter(notAfter)).reduce((a, b) -> b));
        });
    }

    /** The time of the newest reading of any time, if any (the demo continues from there). */
    public Optional<Instant> newestTime(UUID ownerId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select greatest((select max(time) from glucose_recent where owner_id = :owner),
                                        (select max(last_time) from glucose_day where owner_id = :owner))""")
                .bind("owner", ownerId)
                .map((rs, ctx) -> Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant))
                .one());
    }

    /**
     * Moves readings older than the recent window from rows into day blocks, owner by owner, one local day per
     * transaction (so a crash half way loses nothing and duplicates nothing). Returns how many readings moved.
     */
    public int compact() {
        Instant horizon = dataClock.instant().minus(RECENT);
        List<UUID> owners = jdbi.withHandle(h -> h.createQuery(
                        "select distinct owner_id from glucose_recent where time < :horizon")
                .bind("horizon", horizon.atOffset(ZoneOffset.UTC)).mapTo(UUID.class).list());
        int moved = 0;
        for (UUID owner : owners) {
            try {
                moved += compact(owner, horizon);
            } catch (UserKeys.KeyDestroyedException e) {
                // Shredded: nobody can ever read these rows again; drop them instead of carrying them along.
                jdbi.useHandle(h -> {
                    h.createUpdate("delete from glucose_recent where owner_id = :o").bind("o", owner).execute();
                    h.createUpdate("delete from glucose_day where owner_id = :o").bind("o", owner).execute();
                });
            } catch (RuntimeException e) {
                // One owner's trouble must not stop the others' compaction; the next run tries again.
                log.warn("compaction of one owner's readings failed: {}", e.toString());
            }
        }
        return moved;
    }

    int compact(UUID ownerId, Instant horizon) {
        ZoneId zone = zones.apply(ownerId);
        List<Reading> old = jdbi.withHandle(h -> h.createQuery("""
                        select time, payload from glucose_recent where owner_id = :owner and time < :horizon
                        order by time""")
                .bind("owner", ownerId).bind("horizon", horizon.atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> decodeRecent(ownerId, rs.getObject("time", OffsetDateTime.class).toEpochSecond(),
                        rs.getBytes("payload")))
                .list());
        Map<LocalDate, List<Reading>> byDay = new TreeMap<>();
        for (Reading r : old) {
            byDay.computeIfAbsent(r.time().atZone(zone).toLocalDate(), d -> new ArrayList<>()).add(r);
        }
        int moved = 0;
        for (Map.Entry<LocalDate, List<Reading>> day : byDay.entrySet()) {
            List<Reading> readings = day.getValue();
            moved += jdbi.inTransaction(h -> {
                mergeIntoDay(h, ownerId, day.getKey(), readings, false);
                OffsetDateTime[] times = readings.stream().map(r -> r.time().atOffset(ZoneOffset.UTC))
                        .toArray(OffsetDateTime[]::new);
                return h.createUpdate("delete from glucose_recent where owner_id = :owner"
                                + " and time = any(:times::timestamptz[])")
                        .bind("owner", ownerId).bind("times", times).execute();
            });
        }
        return moved;
    }

    /** Bytes the stored readings take: both tables with their indexes and TOAST. */
    public long storedBytes() {
        return jdbi.withHandle(h -> h.createQuery(
                        "select pg_total_relation_size('glucose_recent') + pg_total_relation_size('glucose_day')")
                .mapTo(Long.class).one());
    }


}
