package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.DayBlockCodec;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * The reading store: recent rows and per-day blocks, compaction between them, exactly-once storage whatever
 * overlaps, local days across DST and travel, and encryption with the owner's key.
 */
class GlucoseStorageTest {

    static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");
    static final MutableClock clock = new MutableClock(NOW);

    @RegisterExtension
    static final TestApp app = TestApp.perClass(clock);

    static ReadingStore store;

    @BeforeAll
    static void start() {
        store = app.app().readings().store();
    }

    /**
     * Readings every {@code minutes} from {@code from} (inclusive) to {@code to} (exclusive); the value is a function
     * of the instant, so overlapping lists hold equal readings.
     */
    static List<Reading> every(int minutes, Instant from, Instant to, ZoneOffset offset) {
        List<Reading> list = new ArrayList<>();
        for (Instant t = from; t.isBefore(to); t = t.plus(Duration.ofMinutes(minutes))) {
            list.add(new Reading(t, offset, 70 + (int) ((t.getEpochSecond() / 300 * 7) % 200)));
        }
        return list;
    }

    static int recentRows(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from glucose_recent where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    static Map<LocalDate, Integer> dayRows(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("select day, readings from glucose_day where owner_id = :o")
                .bind("o", owner)
                .reduceRows(new java.util.TreeMap<LocalDate, Integer>(), (m, row) -> {
                    m.put(row.getColumn("day", LocalDate.class), row.getColumn("readings", Integer.class));
                    return m;
                }));
    }

    @Test
    void recentReadingsAreRowsAndOlderOnesGoStraightIntoDayBlocks() {
        UUID owner = app.newUser("placement@example.org");
        Reading recent = new Reading(NOW.minus(Duration.ofHours(1)), ZoneOffset.ofHours(1), 123);
        Reading old = new Reading(NOW.minus(Duration.ofDays(5)), ZoneOffset.ofHours(1), 98);
        assertThat(store.insert(owner, List.of(recent, old))).isEqualTo(2);
        assertThat(recentRows(owner)).isEqualTo(1);
        assertThat(dayRows(owner)).containsExactly(Map.entry(LocalDate.of(2026, 11, 5), 1));
        assertThat(store.range(owner, NOW.minus(Duration.ofDays(6)), NOW)).containsExactly(old, recent);
        assertThat(store.latest(owner, NOW)).contains(recent);
        assertThat(store.latest(owner, NOW.minus(Duration.ofDays(1)))).contains(old);
    }

    @Test
    void compactionMovesRowsIntoDayBlocksAndReadsDoNotChange() {
        UUID owner = app.newUser("compaction@example.org");
        List<Reading> day = every(5, NOW.minus(Duration.ofHours(47)), NOW, ZoneOffset.ofHours(1));
        assertThat(store.insert(owner, day)).isEqualTo(day.size());
        List<Reading> before = store.range(owner, NOW.minus(Duration.ofDays(3)), NOW.plusSeconds(1));
        assertThat(before).hasSize(day.size());
        clock.advance(Duration.ofDays(3));
        try {
            assertThat(store.compact()).isGreaterThanOrEqualTo(day.size());
            assertThat(recentRows(owner)).isZero();
            // Berlin local days 8, 9 and 10 November hold the 47 hours.
            assertThat(dayRows(owner).keySet()).containsExactly(LocalDate.of(2026, 11, 8), LocalDate.of(2026, 11, 9),
                    LocalDate.of(2026, 11, 10));
            assertThat(dayRows(owner).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(day.size());
            assertThat(store.range(owner, NOW.minus(Duration.ofDays(3)), NOW.plusSeconds(1))).isEqualTo(before);
            // A second run has nothing to do; uploading the same readings again adds nothing.
            assertThat(store.compact()).isZero();
            assertThat(store.insert(owner, day)).isZero();
        } finally {
            clock.advance(Duration.ofDays(-3));
        }
    }

    @Test
    void overlappingBackfillsAcrossTheRecentHorizonStoreEachReadingOnce() {
        UUID owner = app.newUser("backfill@example.org");
        // Ten days back to six hours back, then an overlapping batch from four days back to now.
        List<Reading> first = every(5, NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofHours(6)), ZoneOffset.UTC);
        List<Reading> second = every(5, NOW.minus(Duration.ofDays(4)), NOW, ZoneOffset.UTC);
        assertThat(store.insert(owner, first)).isEqualTo(first.size());
        int overlap = (int) second.stream().filter(r -> r.time().isBefore(NOW.minus(Duration.ofHours(6)))).count();
        assertThat(store.insert(owner, second)).isEqualTo(second.size() - overlap);
        Set<Reading> distinct = new HashSet<>(first);
        distinct.addAll(second);
        List<Reading> stored = store.range(owner, NOW.minus(Duration.ofDays(11)), NOW.plusSeconds(1));
        assertThat(stored).hasSize(distinct.size()).containsExactlyInAnyOrderElementsOf(distinct);
        // Out of order and repeated inside one batch: still once.
        List<Reading> shuffled = new ArrayList<>(second);
        java.util.Collections.shuffle(shuffled, new java.util.Random(7));
        shuffled.addAll(second.subList(0, 10));
        assertThat(store.insert(owner, shuffled)).isZero();
    }

    @Test
    void aReadingWaitingForCompactionIsNotStoredAgainByALateBackfill() {
        UUID owner = app.newUser("waiting@example.org");
        Reading r = new Reading(NOW.minus(Duration.ofHours(1)), ZoneOffset.UTC, 150);
        assertThat(store.insert(owner, List.of(r))).isEqualTo(1);
        clock.advance(Duration.ofDays(3));
        try {
            // Now "old", but still a row until the compaction job runs.
            assertThat(store.insert(owner, List.of(r))).isZero();
            store.compact();
            assertThat(store.insert(owner, List.of(r))).isZero();
            assertThat(store.range(owner, r.time(), r.time().plusSeconds(1))).containsExactly(r);
            assertThat(dayRows(owner).values()).containsExactly(1);
        } finally {
            clock.advance(Duration.ofDays(-3));
        }
    }

    @Test
    void readingsOfTheV1PlainTableAreReStoredEncryptedAndTheTableDropped() {
        UUID owner = app.newUser("upgrade@example.org");
        // As migration V3 leaves a database that V1 and V2 filled: the plain rows set aside.
        app.sql().useHandle(h -> {
            h.execute("""
                    create table glucose_reading_v1 (owner_id uuid not null references account (id) on delete cascade,
                        time timestamptz not null, utc_offset_min smallint not null, mgdl smallint not null,
                        primary key (owner_id, time))""");
            h.execute("""
                    insert into glucose_reading_v1
                    select ?, t, 480, 100 + (extract(epoch from t)::bigint / 300) % 50
                    from generate_series(?::timestamptz, ?::timestamptz, interval '5 minutes') t""",
                    owner, NOW.minus(Duration.ofDays(5)).atOffset(ZoneOffset.UTC), NOW.minus(Duration.ofMinutes(5))
                            .atOffset(ZoneOffset.UTC));
        });
        // One of them was already stored again (say, re-uploaded by the phone): not stored twice.
        Reading again = new Reading(NOW.minus(Duration.ofMinutes(5)), ZoneOffset.ofHours(8),
                100 + (int) ((NOW.minus(Duration.ofMinutes(5)).getEpochSecond() / 300) % 50));
        assertThat(store.insert(owner, List.of(again))).isEqualTo(1);
        int expected = 5 * 288;
        assertThat(store.adoptV1Readings()).isEqualTo(expected - 1);
        List<Reading> stored = store.range(owner, NOW.minus(Duration.ofDays(6)), NOW);
        assertThat(stored).hasSize(expected).contains(again);
        assertThat(stored).allSatisfy(r -> assertThat(r.offset()).isEqualTo(ZoneOffset.ofHours(8)));
        boolean dropped = app.sql().withHandle(h -> h.createQuery("select to_regclass('glucose_reading_v1') is null")
                .mapTo(Boolean.class).one());
        assertThat(dropped).isTrue();
        assertThat(store.adoptV1Readings()).isZero();
    }

    @Test
    void localDaysFollowDaylightSavingTime() {
        UUID owner = app.newUser("dst@example.org"); // Europe/Berlin
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 5-minute readings over the days of both changes of 2026: 29 March (23 h) and 25 October (25 h).
        for (LocalDate d : List.of(LocalDate.of(2026, 3, 29), LocalDate.of(2026, 10, 25))) {
            Instant from = d.minusDays(1).atStartOfDay(berlin).toInstant();
            Instant to = d.plusDays(2).atStartOfDay(berlin).toInstant();
            store.insert(owner, every(5, from, to, ZoneOffset.ofHours(1)));
        }
        Map<LocalDate, Integer> rows = dayRows(owner);
        assertThat(rows.get(LocalDate.of(2026, 3, 29))).isEqualTo(23 * 12);
        assertThat(rows.get(LocalDate.of(2026, 3, 30))).isEqualTo(24 * 12);
        assertThat(rows.get(LocalDate.of(2026, 10, 25))).isEqualTo(25 * 12);
        LocalDate fallBack = LocalDate.of(2026, 10, 25);
        List<Reading> day = store.range(owner, fallBack.atStartOfDay(berlin).toInstant(),
                fallBack.plusDays(1).atStartOfDay(berlin).toInstant());
        assertThat(day).hasSize(300);
        // The repeated hour 02:00–03:00 is there twice, as two different instants.
        assertThat(day.stream().filter(r -> r.time().atZone(berlin).getHour() == 2).count()).isEqualTo(24);
    }

    @Test
    void changingTheHomeTimeZoneKeepsEveryReadingOnce() {
        UUID owner = app.newUser("traveller@example.org", TestApp.PASSWORD); // Europe/Berlin
        List<Reading> week = every(5, NOW.minus(Duration.ofDays(9)), NOW.minus(Duration.ofDays(2)), ZoneOffset.ofHours(1));
        assertThat(store.insert(owner, week)).isEqualTo(week.size());
        // The user moves to Shanghai: their days are now cut at another midnight.
        Http http = new Http(app.url());
        http.postForm("/login", Map.of("identifier", "traveller@example.org", "password", TestApp.PASSWORD));
        assertThat(http.postForm("/settings/timezone", Map.of("time_zone", "Asia/Shanghai")).statusCode()).isEqualTo(303);
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        LocalDate d = NOW.minus(Duration.ofDays(5)).atZone(shanghai).toLocalDate();
        List<Reading> shanghaiDay = store.range(owner, d.atStartOfDay(shanghai).toInstant(),
                d.plusDays(1).atStartOfDay(shanghai).toInstant());
        assertThat(shanghaiDay).hasSize(288);
        // The same week uploaded again (e.g. by the phone after the trip) is recognised, although it now falls into
        // other local days than the blocks it is stored in.
        assertThat(store.insert(owner, week)).isZero();
        assertThat(dayRows(owner).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(week.size());
    }

    @Test
    @Tag("PR-19")
    void readingsAreCiphertextAtRestAndDieWithTheOwnersKey() {
        UUID owner = app.newUser("shred@example.org");
        List<Reading> old = every(5, NOW.minus(Duration.ofDays(4)), NOW.minus(Duration.ofDays(3)), ZoneOffset.UTC);
        List<Reading> recent = every(5, NOW.minus(Duration.ofHours(2)), NOW, ZoneOffset.UTC);
        store.insert(owner, old);
        store.insert(owner, recent);
        List<byte[]> blocks = app.sql().withHandle(h -> h.createQuery("""
                        select block from glucose_day where owner_id = :o
                        union all select payload from glucose_recent where owner_id = :o""")
                .bind("o", owner).mapTo(byte[].class).list());
        assertThat(blocks).hasSize(dayRows(owner).size() + recent.size());
        for (byte[] b : blocks) {
            // What is stored is not a readable block: decoding it as one fails.
            assertThatThrownBy(() -> DayBlockCodec.decode(b)).isInstanceOf(RuntimeException.class);
        }
        // Destroyed by another node (its own UserKeys): the server's cached copy goes too, on notification.
        UserKeys keys = new UserKeys(app.sql(), MasterKey.load(app.masterKeyFile()));
        app.sql().useTransaction(h -> keys.destroy(h, owner));
        Wait.until("the server's cached key destroyed", () -> !readable(owner));
        assertThatThrownBy(() -> store.range(owner, NOW.minus(Duration.ofDays(5)), NOW))
                .isInstanceOf(UserKeys.KeyDestroyedException.class);
        // Compaction drops what nobody can read any more, and carries on with everyone else.
        clock.advance(Duration.ofDays(3));
        try {
            store.compact();
            assertThat(recentRows(owner)).isZero();
            assertThat(dayRows(owner)).isEmpty();
        } finally {
            clock.advance(Duration.ofDays(-3));
        }
    }

    private static boolean readable(UUID owner) {
        try {
            store.range(owner, NOW.minus(Duration.ofDays(5)), NOW);
            return true;
        } catch (UserKeys.KeyDestroyedException e) {
            return false;
        }
    }

    @Test
    void concurrentUploadsOfOverlappingReadingsFromTwoDevicesKeepOneCopyEach() throws Exception {
        UUID owner = app.newUser("two-devices@example.org");
        String phone = app.app().apiTokens().create(owner, "phone",
                java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class));
        String collector = app.app().apiTokens().create(owner, "collector",
                java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class));
        // Both relay the same sensor: 3 days, half of it recent, in batches of 144, in opposite orders.
        List<Reading> all = every(5, NOW.minus(Duration.ofDays(3)), NOW, ZoneOffset.ofHours(1));
        List<List<Reading>> batches = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 144) {
            batches.add(all.subList(i, Math.min(all.size(), i + 144)));
        }
        List<List<Reading>> reversed = new ArrayList<>(batches);
        java.util.Collections.reverse(reversed);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<int[]>> results = pool.invokeAll(List.<Callable<int[]>>of(
                    () -> uploadAll(phone, "phone", batches), () -> uploadAll(collector, "collector", reversed)));
            int accepted = 0;
            int duplicates = 0;
            for (Future<int[]> f : results) {
                accepted += f.get()[0];
                duplicates += f.get()[1];
            }
            assertThat(accepted).isEqualTo(all.size());
            assertThat(duplicates).isEqualTo(all.size());
        } finally {
            pool.shutdownNow();
        }
        List<Reading> stored = store.range(owner, NOW.minus(Duration.ofDays(4)), NOW.plusSeconds(1));
        assertThat(stored).hasSize(all.size());
        assertThat(stored.stream().map(Reading::time).distinct().count()).isEqualTo(all.size());
        assertThat(recentRows(owner) + dayRows(owner).values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(all.size());
    }

    private static int[] uploadAll(String token, String device, List<List<Reading>> batches) throws Exception {
        Http http = new Http(app.url());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        int accepted = 0;
        int duplicates = 0;
        for (List<Reading> batch : batches) {
            StringBuilder body = new StringBuilder("[");
            for (Reading r : batch) {
                body.append(body.length() > 1 ? "," : "").append("{\"time\":\"").append(r.localTime())
                        .append("\",\"mgdl\":").append(r.mgdl()).append(",\"device\":\"").append(device).append("\"}");
            }
            java.net.http.HttpResponse<String> r = http.postJson("/api/v1/readings", body.append(']').toString(),
                    "Authorization", "Bearer " + token);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            accepted += json.readTree(r.body()).path("accepted").asInt();
            duplicates += json.readTree(r.body()).path("duplicates").asInt();
        }
        return new int[] {accepted, duplicates};
    }
}
