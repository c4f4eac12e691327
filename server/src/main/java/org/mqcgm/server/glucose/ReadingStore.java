package org.mqcgm.server.glucose;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
import org.jdbi.v3.core.mapper.RowMapper;
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
    /** Slack for the clocks of other nodes (a range starting this much inside RECENT reads the recent rows only). */
    static final Duration RECENT_MARGIN = Duration.ofHours(6);
    static final String READING_CONTEXT = "glucose.reading:";
    static final String DAY_CONTEXT = "glucose.day:";

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final Function<UUID, ZoneId> zones;
    private final Clock dataClock;
    private final org.mqcgm.server.platform.transparency.PurposeGuard purposes;

    /**
     * @param zones     the owner's home time zone (local days of the day blocks)
     * @param dataClock "now" for glucose data (what counts as recent)
     * @param purposes  checks every read of readings against the purpose registry (PR-03): a read for a purpose not
     *                  registered for CGM data ({@code GLU}) is refused and recorded before anything is read
     */
    public ReadingStore(Jdbi jdbi, UserKeys keys, Function<UUID, ZoneId> zones, Clock dataClock,
                        org.mqcgm.server.platform.transparency.PurposeGuard purposes) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.zones = zones;
        this.dataClock = dataClock;
        this.purposes = purposes;
    }

    /** The purpose check of a read of readings (an enum-set lookup; refused reads are recorded). */
    private void checkPurpose(UUID ownerId, String operation) {
        purposes.check(org.mqcgm.server.platform.consent.DataCategory.GLU, ownerId, operation);
    }

    /** Stores readings in one transaction; returns how many were new (the rest were already stored). */
    public int insert(UUID ownerId, List<Reading> readings) {
        if (readings.isEmpty()) {
            return 0;
        }
        Instant horizon = dataClock.instant().minus(RECENT);
        if (readings.stream().noneMatch(r -> r.time().isBefore(horizon))) {
            // Live readings only: one INSERT … ON CONFLICT, atomic by itself, committed on return — a round trip
            // less than an explicit transaction, on the path every sensor reading takes.
            return jdbi.withHandle(h -> insert(h, ownerId, readings));
        }
        return jdbi.inTransaction(h -> insert(h, ownerId, readings));
    }

    /** Stores readings inside the caller's transaction. */
    int insert(Handle h, UUID ownerId, List<Reading> readings) {
        // One reading per owner and second: sort, keep the first of equal seconds.
        List<Reading> sorted = new ArrayList<>(readings);
        sorted.sort(null);
        Instant horizon = dataClock.instant().minus(RECENT);
        List<Reading> recent = new ArrayList<>();
        List<Reading> old = new ArrayList<>();
        long previous = Long.MIN_VALUE;
        for (Reading r : sorted) {
            long second = r.time().getEpochSecond();
            if (second != previous) {
                (r.time().isBefore(horizon) ? old : recent).add(r);
            }
            previous = second;
        }
        Map<LocalDate, List<Reading>> byDay = old.isEmpty() ? Map.of() : byLocalDay(old, zones.apply(ownerId));
        return insertRecent(h, ownerId, recent) + mergeIntoDays(h, ownerId, byDay, true);
    }

    /** Readings sorted by time, grouped by their local day in {@code zone} (the days of the blocks). */
    private static Map<LocalDate, List<Reading>> byLocalDay(List<Reading> sorted, ZoneId zone) {
        Map<LocalDate, List<Reading>> byDay = new TreeMap<>();
        Instant dayEnd = Instant.MIN;
        List<Reading> dayList = null;
        for (Reading r : sorted) {
            if (!r.time().isBefore(dayEnd)) {
                // Sorted input: the local day changes only when the instant passes the next midnight.
                LocalDate day = r.time().atZone(zone).toLocalDate();
                dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant();
                dayList = byDay.computeIfAbsent(day, d -> new ArrayList<>());
            }
            dayList.add(r);
        }
        return byDay;
    }

    private int insertRecent(Handle h, UUID ownerId, List<Reading> recent) {
        if (recent.isEmpty()) {
            return 0;
        }
        Long[] seconds = new Long[recent.size()];
        byte[][] payloads = new byte[recent.size()][];
        for (int i = 0; i < recent.size(); i++) {
            Reading r = recent.get(i);
            seconds[i] = r.time().getEpochSecond();
            payloads[i] = keys.encrypt(ownerId, READING_CONTEXT + seconds[i], DayBlockCodec.encode(List.of(r)));
        }
        // Counted from RETURNING rather than the update count: on Citus an INSERT … SELECT runs through the
        // coordinator and reports the rows it selected, not those ON CONFLICT DO NOTHING kept (docs/scale-out.md).
        return h.createQuery("""
                        insert into glucose_recent (owner_id, time, payload)
                        select :owner, to_timestamp(t), p from unnest(:seconds::bigint[], :payloads::bytea[]) as r(t, p)
                        on conflict (owner_id, time) do nothing
                        returning 1""")
                .bind("owner", ownerId)
                .bind("seconds", seconds)
                .bind("payloads", payloads)
                .mapTo(Integer.class).list().size();
    }

    /**
     * Merges readings into the blocks of their local days (creating blocks where absent) and returns how many were
     * new. A whole upload costs a fixed handful of statements whatever number of days it spans: one owner lock, one
     * read of the blocks that could hold these instants, one look into the recent rows, one multi-row upsert.
     * Writers of the same owner's history wait for each other (a transaction-scoped advisory lock per owner);
     * recent rows need no lock (their primary key decides).
     *
     * <p>An instant counts as stored if it is in any block overlapping the batch — not only the block of its own
     * day: blocks are cut at the owner's local midnight, and after a change of home time zone an instant can belong
     * to another local day than the block it was first stored in.
     *
     * @param checkRecent also treat readings still in the recent table as already stored
     */
    private int mergeIntoDays(Handle h, UUID ownerId, Map<LocalDate, List<Reading>> byDay, boolean checkRecent) {
        if (byDay.isEmpty()) {
            return 0;
        }
        h.createQuery("select 1 from pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .bind("key", "glucose_day/" + ownerId).mapTo(Integer.class).one();
        LocalDate firstDay = null;
        LocalDate lastDay = null;
        Instant first = null;
        Instant last = null;
        for (Map.Entry<LocalDate, List<Reading>> e : byDay.entrySet()) {
            firstDay = firstDay == null || e.getKey().isBefore(firstDay) ? e.getKey() : firstDay;
            lastDay = lastDay == null || e.getKey().isAfter(lastDay) ? e.getKey() : lastDay;
            for (Reading r : e.getValue()) {
                first = first == null || r.time().isBefore(first) ? r.time() : first;
                last = last == null || r.time().isAfter(last) ? r.time() : last;
            }
        }
        // Every block that could hold one of these instants, decoded once.
        Map<LocalDate, TreeMap<Long, Reading>> blocks = new TreeMap<>();
        Set<Long> stored = new HashSet<>();
        h.createQuery("""
                        select day, block from glucose_day
                        where owner_id = :owner and day between :fromDay and :toDay
                          and ((first_time <= :last and last_time >= :first) or day = any(:days::date[]))""")
                .bind("owner", ownerId).bind("fromDay", firstDay.minusDays(2)).bind("toDay", lastDay.plusDays(2))
                .bind("first", first.atOffset(ZoneOffset.UTC)).bind("last", last.atOffset(ZoneOffset.UTC))
                .bind("days", byDay.keySet().stream().map(LocalDate::toString).toArray(String[]::new))
                .map(dayBlocks(ownerId))
                .forEach(block -> {
                    TreeMap<Long, Reading> m = new TreeMap<>();
                    for (Reading r : block.readings()) {
                        m.put(r.time().getEpochSecond(), r);
                        stored.add(r.time().getEpochSecond());
                    }
                    blocks.put(block.day(), m);
                });
        if (checkRecent) {
            stored.addAll(recentInstants(h, ownerId, first, last));
        }
        int added = 0;
        Map<LocalDate, List<Reading>> changed = new TreeMap<>();
        for (Map.Entry<LocalDate, List<Reading>> e : byDay.entrySet()) {
            TreeMap<Long, Reading> existing = blocks.get(e.getKey());
            List<Reading> fresh = new ArrayList<>(e.getValue().size());
            for (Reading r : e.getValue()) {
                // Inputs hold one reading per second, so only instants already stored need looking up.
                if (stored.isEmpty() || stored.add(r.time().getEpochSecond())) {
                    fresh.add(r);
                }
            }
            if (fresh.isEmpty()) {
                continue;
            }
            added += fresh.size();
            if (existing == null) {
                changed.put(e.getKey(), fresh); // sorted already: the common case of a new day costs no map
            } else {
                for (Reading r : fresh) {
                    existing.put(r.time().getEpochSecond(), r);
                }
                changed.put(e.getKey(), new ArrayList<>(existing.values()));
            }
        }
        writeDays(h, ownerId, changed);
        return added;
    }

    /** Instants in the recent rows between {@code first} and {@code last} (a range scan, no big array). */
    private Set<Long> recentInstants(Handle h, UUID ownerId, Instant first, Instant last) {
        return new HashSet<>(h.createQuery("""
                        select extract(epoch from time)::bigint from glucose_recent
                        where owner_id = :owner and time between :first and :last""")
                .bind("owner", ownerId).bind("first", first.atOffset(ZoneOffset.UTC))
                .bind("last", last.atOffset(ZoneOffset.UTC))
                .mapTo(Long.class).list());
    }

    /** Writes the given day blocks (each sorted by time) in one statement. */
    private void writeDays(Handle h, UUID ownerId, Map<LocalDate, List<Reading>> days) {
        if (days.isEmpty()) {
            return;
        }
        int n = days.size();
        String[] dayNames = new String[n];
        Long[] firsts = new Long[n];
        Long[] lasts = new Long[n];
        Integer[] counts = new Integer[n];
        byte[][] encrypted = new byte[n][];
        int i = 0;
        for (Map.Entry<LocalDate, List<Reading>> e : days.entrySet()) {
            List<Reading> list = e.getValue();
            dayNames[i] = e.getKey().toString();
            firsts[i] = list.get(0).time().getEpochSecond();
            lasts[i] = list.get(list.size() - 1).time().getEpochSecond();
            counts[i] = list.size();
            encrypted[i] = keys.encrypt(ownerId, DAY_CONTEXT + e.getKey(), DayBlockCodec.encode(list));
            i++;
        }
        h.createUpdate("""
                        insert into glucose_day (owner_id, day, first_time, last_time, readings, block)
                        select :owner, d, to_timestamp(f), to_timestamp(l), n, b
                        from unnest(:days::date[], :firsts::bigint[], :lasts::bigint[], :counts::int[],
                                    :blocks::bytea[]) as x(d, f, l, n, b)
                        on conflict (owner_id, day) do update set first_time = excluded.first_time,
                            last_time = excluded.last_time, readings = excluded.readings, block = excluded.block""")
                .bind("owner", ownerId)
                .bind("days", dayNames)
                .bind("firsts", firsts)
                .bind("lasts", lasts)
                .bind("counts", counts)
                .bind("blocks", encrypted)
                .execute();
    }

    /** One day block, decrypted and decoded. */
    private record DayBlock(LocalDate day, List<Reading> readings) {
    }

    /** Maps a row of {@code select day, block from glucose_day}. */
    private RowMapper<DayBlock> dayBlocks(UUID ownerId) {
        return (rs, ctx) -> {
            LocalDate day = rs.getObject("day", LocalDate.class);
            return new DayBlock(day, DayBlockCodec.decode(keys.decrypt(ownerId, DAY_CONTEXT + day,
                    rs.getBytes("block"))));
        };
    }

    /** Maps a row of {@code select time, payload from glucose_recent}. */
    private RowMapper<Reading> recentRows(UUID ownerId) {
        return (rs, ctx) -> {
            long second = rs.getObject("time", OffsetDateTime.class).toEpochSecond();
            return DayBlockCodec.decode(keys.decrypt(ownerId, READING_CONTEXT + second, rs.getBytes("payload")))
                    .get(0);
        };
    }

    /** Readings with {@code from <= time < to}, oldest first. */
    public List<Reading> range(UUID ownerId, Instant from, Instant to) {
        checkPurpose(ownerId, "glucose.readings.range");
        return jdbi.withHandle(h -> {
            TreeMap<Long, Reading> out = new TreeMap<>();
            // A reading goes into a day block only once it is older than RECENT (on upload or by compaction), so
            // a range well inside the recent rows (the alert rules' last hour on every upload) needs no block.
            if (from.isAfter(dataClock.instant().minus(RECENT).plus(RECENT_MARGIN))) {
                recent(h, ownerId, from, to, out);
                return new ArrayList<>(out.values());
            }
            // Local days may have been cut in any zone the user had: look two days either side.
            LocalDate fromDay = from.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(2);
            LocalDate toDay = to.atOffset(ZoneOffset.UTC).toLocalDate().plusDays(2);
            h.createQuery("""
                            select day, block from glucose_day
                            where owner_id = :owner and day between :fromDay and :toDay
                              and first_time < :to and last_time >= :from""")
                    .bind("owner", ownerId).bind("fromDay", fromDay).bind("toDay", toDay)
                    .bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                    .map(dayBlocks(ownerId))
                    .forEach(block -> {
                        for (Reading r : block.readings()) {
                            if (!r.time().isBefore(from) && r.time().isBefore(to)) {
                                out.put(r.time().getEpochSecond(), r);
                            }
                        }
                    });
            recent(h, ownerId, from, to, out);
            return new ArrayList<>(out.values());
        });
    }

    /** Adds the recent rows with {@code from <= time < to} to {@code out} (a day block's reading of a second wins). */
    private void recent(Handle h, UUID ownerId, Instant from, Instant to, TreeMap<Long, Reading> out) {
        h.createQuery("""
                        select time, payload from glucose_recent
                        where owner_id = :owner and time >= :from and time < :to""")
                .bind("owner", ownerId)
                .bind("from", from.atOffset(ZoneOffset.UTC)).bind("to", to.atOffset(ZoneOffset.UTC))
                .map(recentRows(ownerId))
                .forEach(r -> out.putIfAbsent(r.time().getEpochSecond(), r));
    }

    /**
     * What a deletion of a range removed.
     *
     * @param readings       readings deleted (recent rows and readings cut out of day blocks)
     * @param blocksRewritten day blocks that kept readings outside the range and were re-encrypted without the others
     * @param blocksDeleted   day blocks that held only readings of the range and were deleted
     */
    public record Deleted(int readings, int blocksRewritten, int blocksDeleted) {
    }

    /**
     * Deletes every reading with {@code from <= time < to}, in one transaction: recent rows are deleted, day blocks
     * wholly inside the range are deleted, and blocks that also hold readings outside it are decoded and written
     * again without the deleted readings (a new ciphertext replaces the old one; nothing is merely hidden). Writers of
     * the owner's history wait (the owner lock of {@link #mergeIntoDays}), so a compaction running at the same time
     * cannot bring a deleted reading back.
     */
    public Deleted deleteRange(UUID ownerId, Instant from, Instant to) {
        return jdbi.inTransaction(h -> deleteRange(h, ownerId, from, to));
    }

    /** {@link #deleteRange(UUID, Instant, Instant)} inside the caller's transaction. */
    Deleted deleteRange(Handle h, UUID ownerId, Instant from, Instant to) {
        if (!from.isBefore(to)) {
            return new Deleted(0, 0, 0);
        }
        h.createQuery("select 1 from pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .bind("key", "glucose_day/" + ownerId).mapTo(Integer.class).one();
        OffsetDateTime f = from.atOffset(ZoneOffset.UTC);
        OffsetDateTime t = to.atOffset(ZoneOffset.UTC);
        int readings = h.createUpdate("""
                        delete from glucose_recent where owner_id = :owner and time >= :from and time < :to""")
                .bind("owner", ownerId).bind("from", f).bind("to", t).execute();
        // Blocks wholly inside the range go without being read.
        List<Integer> whole = h.createQuery("""
                        delete from glucose_day where owner_id = :owner and first_time >= :from and last_time < :to
                        returning readings""")
                .bind("owner", ownerId).bind("from", f).bind("to", t).mapTo(Integer.class).list();
        for (int n : whole) {
            readings += n;
        }
        int blocksDeleted = whole.size();
        // The (at most a few) blocks the range cuts: rewritten without the range.
        Map<LocalDate, List<Reading>> rewrite = new TreeMap<>();
        List<LocalDate> emptied = new ArrayList<>();
        int cut = 0;
        for (DayBlock block : h.createQuery("""
                        select day, block from glucose_day
                        where owner_id = :owner and first_time < :to and last_time >= :from for update""")
                .bind("owner", ownerId).bind("from", f).bind("to", t)
                .map(dayBlocks(ownerId)).list()) {
            List<Reading> kept = new ArrayList<>(block.readings().size());
            for (Reading r : block.readings()) {
                if (r.time().isBefore(from) || !r.time().isBefore(to)) {
                    kept.add(r);
                }
            }
            cut += block.readings().size() - kept.size();
            if (kept.isEmpty()) {
                emptied.add(block.day());
            } else if (kept.size() < block.readings().size()) {
                rewrite.put(block.day(), kept);
            }
        }
        if (!emptied.isEmpty()) {
            h.createUpdate("delete from glucose_day where owner_id = :owner and day = any(:days::date[])")
                    .bind("owner", ownerId)
                    .bind("days", emptied.stream().map(LocalDate::toString).toArray(String[]::new)).execute();
        }
        writeDays(h, ownerId, rewrite);
        return new Deleted(readings + cut, rewrite.size(), blocksDeleted + emptied.size());
    }

    /**
     * Every reading of the owner, oldest first, one at a time (the export): day blocks are read one by one in the
     * order of their first reading and merged with the recent rows, so memory holds the recent rows and about two
     * blocks, never the whole history. A reading stored in a block and a recent row is given once.
     */
    void forEachReading(UUID ownerId, java.util.function.Consumer<Reading> sink) {
        checkPurpose(ownerId, "glucose.readings.all");
        jdbi.useTransaction(h -> {
            TreeMap<Long, Reading> pending = new TreeMap<>();
            h.createQuery("select time, payload from glucose_recent where owner_id = :owner")
                    .bind("owner", ownerId).map(recentRows(ownerId))
                    .forEach(r -> pending.put(r.time().getEpochSecond(), r));
            List<LocalDate> days = h.createQuery(
                            "select day from glucose_day where owner_id = :owner order by first_time, day")
                    .bind("owner", ownerId).mapTo(LocalDate.class).list();
            List<Long> firsts = h.createQuery(
                            "select first_time from glucose_day where owner_id = :owner order by first_time, day")
                    .bind("owner", ownerId).mapTo(OffsetDateTime.class).map(OffsetDateTime::toEpochSecond).list();
            // Blocks may overlap after a change of home zone: a reading is given only when no later block can
            // hold an earlier one.
            long[] laterFirst = new long[firsts.size() + 1];
            laterFirst[firsts.size()] = Long.MAX_VALUE;
            for (int i = firsts.size() - 1; i >= 0; i--) {
                laterFirst[i] = Math.min(firsts.get(i), laterFirst[i + 1]);
            }
            for (int i = 0; i < days.size(); i++) {
                h.createQuery("select day, block from glucose_day where owner_id = :owner and day = :day")
                        .bind("owner", ownerId).bind("day", days.get(i)).map(dayBlocks(ownerId))
                        .forEach(block -> block.readings().forEach(r -> pending.put(r.time().getEpochSecond(), r)));
                long bound = laterFirst[i + 1];
                while (!pending.isEmpty() && pending.firstKey() < bound) {
                    sink.accept(pending.pollFirstEntry().getValue());
                }
            }
            while (!pending.isEmpty()) {
                sink.accept(pending.pollFirstEntry().getValue());
            }
        });
    }

    /** How many readings the owner has stored (blocks and recent rows; a reading is in one of them only). */
    long count(UUID ownerId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select coalesce((select sum(readings) from glucose_day where owner_id = :owner), 0)
                             + (select count(*) from glucose_recent where owner_id = :owner)""")
                .bind("owner", ownerId).mapTo(Long.class).one());
    }

    /** The newest reading at or before {@code notAfter}. */
    public Optional<Reading> latest(UUID ownerId, Instant notAfter) {
        checkPurpose(ownerId, "glucose.readings.latest");
        return jdbi.withHandle(h -> {
            Optional<Reading> recent = h.createQuery("""
                            select time, payload from glucose_recent
                            where owner_id = :owner and time <= :t order by time desc limit 1""")
                    .bind("owner", ownerId).bind("t", notAfter.atOffset(ZoneOffset.UTC))
                    .map(recentRows(ownerId))
                    .findOne();
            if (recent.isPresent()) {
                return recent;
            }
            return h.createQuery("""
                            select day, block from glucose_day where owner_id = :owner and first_time <= :t
                            order by day desc limit 1""")
                    .bind("owner", ownerId).bind("t", notAfter.atOffset(ZoneOffset.UTC))
                    .map(dayBlocks(ownerId))
                    .findOne()
                    .flatMap(block -> block.readings().stream().filter(r -> !r.time().isAfter(notAfter)).reduce((a, b) -> b));
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

    /** The time of the oldest reading of any time, if any (the FHIR export starts there). */
    public Optional<Instant> oldestTime(UUID ownerId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select least((select min(time) from glucose_recent where owner_id = :owner),
                                     (select min(first_time) from glucose_day where owner_id = :owner))""")
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
                log.warn("compaction of one owner's readings failed: {}",
                        org.mqcgm.server.platform.db.SafeErrors.describe(e));
            }
        }
        return moved;
    }

    int compact(UUID ownerId, Instant horizon) {
        List<Reading> old = jdbi.withHandle(h -> h.createQuery("""
                        select time, payload from glucose_recent where owner_id = :owner and time < :horizon
                        order by time""")
                .bind("owner", ownerId).bind("horizon", horizon.atOffset(ZoneOffset.UTC))
                .map(recentRows(ownerId))
                .list());
        return moveIntoDays(ownerId, old);
    }

    /**
     * Moves recent rows, read earlier as {@code old} (sorted by time), into their day blocks, one local day per
     * transaction; rows no longer there when their day's turn comes (deleted since) are not moved.
     */
    int moveIntoDays(UUID ownerId, List<Reading> old) {
        Map<LocalDate, List<Reading>> byDay = byLocalDay(old, zones.apply(ownerId));
        int moved = 0;
        for (Map.Entry<LocalDate, List<Reading>> day : byDay.entrySet()) {
            Long[] seconds = day.getValue().stream().map(r -> r.time().getEpochSecond()).toArray(Long[]::new);
            moved += jdbi.inTransaction(h -> {
                // Under the owner lock, only the rows still there: a deletion of a range that ran since the read
                // above has removed some, and moving those into a block would bring them back.
                h.createQuery("select 1 from pg_advisory_xact_lock(hashtextextended(:key, 0))")
                        .bind("key", "glucose_day/" + ownerId).mapTo(Integer.class).one();
                List<Reading> readings = h.createQuery("""
                                select time, payload from glucose_recent where owner_id = :owner
                                  and time in (select to_timestamp(s) from unnest(:seconds::bigint[]) s)
                                order by time""")
                        .bind("owner", ownerId).bind("seconds", seconds)
                        .map(recentRows(ownerId)).list();
                if (readings.isEmpty()) {
                    return 0;
                }
                mergeIntoDays(h, ownerId, Map.of(day.getKey(), readings), false);
                return h.createUpdate("""
                                delete from glucose_recent where owner_id = :owner
                                  and time in (select to_timestamp(s) from unnest(:seconds::bigint[]) s)""")
                        .bind("owner", ownerId)
                        .bind("seconds", readings.stream().map(r -> r.time().getEpochSecond()).toArray(Long[]::new))
                        .execute();
            });
        }
        return moved;
    }

    /**
     * Re-stores readings that V1 kept in plain rows ({@code glucose_reading_v1}, set aside by migration V3)
     * encrypted in this store, owner by owner, then drops that table. Idempotent: after a crash half-way the next
     * start stores what is missing and nothing twice. Returns how many readings were adopted.
     */
    public int adoptV1Readings() {
        boolean present = jdbi.withHandle(h -> h.createQuery("select to_regclass('glucose_reading_v1') is not null")
                .mapTo(Boolean.class).one());
        if (!present) {
            return 0;
        }
        List<UUID> owners = jdbi.withHandle(h -> h.createQuery("select distinct owner_id from glucose_reading_v1")
                .mapTo(UUID.class).list());
        int adopted = 0;
        for (UUID owner : owners) {
            List<Reading> readings = jdbi.withHandle(h -> h.createQuery("""
                            select time, utc_offset_min, mgdl from glucose_reading_v1 where owner_id = :o order by time""")
                    .bind("o", owner)
                    .map((rs, ctx) -> new Reading(rs.getObject("time", OffsetDateTime.class).toInstant(),
                            ZoneOffset.ofTotalSeconds(rs.getInt("utc_offset_min") * 60), rs.getInt("mgdl")))
                    .list());
            for (int i = 0; i < readings.size(); i += 10_000) {
                adopted += insert(owner, readings.subList(i, Math.min(readings.size(), i + 10_000)));
            }
        }
        jdbi.useHandle(h -> org.mqcgm.server.platform.db.Database.dropOrEmpty(h, "glucose_reading_v1"));
        if (adopted > 0) {
            log.info("re-stored {} readings of {} owners from the V1 table, encrypted", adopted, owners.size());
        }
        return adopted;
    }

    /** Bytes the stored readings take: both tables with their indexes and TOAST. */
    public long storedBytes() {
        return jdbi.withHandle(h -> h.createQuery(
                        "select pg_total_relation_size('glucose_recent') + pg_total_relation_size('glucose_day')")
                .mapTo(Long.class).one());
    }


}
