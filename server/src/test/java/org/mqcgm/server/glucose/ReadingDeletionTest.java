package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.DayBlockCodec;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Correction and deletion of readings (PR-62, PR-63): a second upload never replaces a stored reading; a range is
 * deleted at once and for good — the readings API, the report and the decrypted day blocks hold none of it and
 * everything around it, the blocks the range cut are new ciphertext, and bad requests change nothing.
 */
class ReadingDeletionTest {

    static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();
    /** Every 5 minutes from here to NOW: day blocks up to NOW - 48 h, recent rows after. */
    static final Instant FIRST = Instant.parse("2026-11-01T00:00:00Z");

    @RegisterExtension
    static final TestApp app = TestApp.perClass(new MutableClock(NOW));

    static Http http;

    @BeforeAll
    static void start() {
        http = new Http(app.url());
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int value(Instant t) {
        return 60 + (int) ((t.getEpochSecond() / 300 * 7) % 250);
    }

    record User(UUID id, String token) {
    }

    /** A new user with readings every 5 minutes from FIRST to NOW, and a token with every scope. */
    static User userWithReadings(String identifier) {
        UUID id = app.newUser(identifier);
        String token = app.app().apiTokens().create(id, "test", java.util.EnumSet.allOf(Scope.class));
        StringBuilder b = new StringBuilder("[");
        for (Instant t = FIRST; t.isBefore(NOW); t = t.plus(Duration.ofMinutes(5))) {
            b.append(b.length() > 1 ? "," : "").append("{\"time\":\"").append(t).append("\",\"mgdl\":")
                    .append(value(t)).append('}');
        }
        HttpResponse<String> up = http.postJson("/api/v1/readings", b.append(']').toString(),
                "Authorization", "Bearer " + token);
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        return new User(id, token);
    }

    static HttpResponse<String> delete(String token, String body) {
        return http.postJson("/api/v1/me/readings/deletions", body, "Authorization", "Bearer " + token);
    }

    static String request(String from, String to) {
        return "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"password\":\"" + TestApp.PASSWORD + "\"}";
    }

    /** The instants the readings API returns for [from, to). */
    static List<Instant> listed(String token, Instant from, Instant to) {
        List<Instant> out = new ArrayList<>();
        for (JsonNode r : json(http.get("/api/v1/readings?from=" + from + "&to=" + to,
                "Authorization", "Bearer " + token))) {
            out.add(OffsetDateTime.parse(r.path("time").asText()).toInstant());
        }
        return out;
    }

    /** Every reading stored for the owner, read straight from both tables and decrypted. */
    static List<Instant> stored(UUID owner) {
        UserKeys keys = new UserKeys(app.sql(), MasterKey.load(app.masterKeyFile()));
        List<Instant> out = new ArrayList<>();
        app.sql().useHandle(h -> {
            h.createQuery("select day, block from glucose_day where owner_id = :o").bind("o", owner)
                    .map((rs, ctx) -> DayBlockCodec.decode(keys.decrypt(owner,
                            ReadingStore.DAY_CONTEXT + rs.getObject("day", LocalDate.class), rs.getBytes("block"))))
                    .forEach(list -> list.forEach(r -> out.add(r.time())));
            h.createQuery("select time, payload from glucose_recent where owner_id = :o").bind("o", owner)
                    .map((rs, ctx) -> DayBlockCodec.decode(keys.decrypt(owner, ReadingStore.READING_CONTEXT
                            + rs.getObject("time", OffsetDateTime.class).toEpochSecond(), rs.getBytes("payload"))))
                    .forEach(list -> list.forEach(r -> out.add(r.time())));
        });
        out.sort(null);
        return out;
    }

    static Map<LocalDate, byte[]> blocks(UUID owner) {
        Map<LocalDate, byte[]> out = new HashMap<>();
        app.sql().useHandle(h -> h.createQuery("select day, block from glucose_day where owner_id = :o")
                .bind("o", owner)
                .map((rs, ctx) -> Map.entry(rs.getObject("day", LocalDate.class), rs.getBytes("block")))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    static List<Instant> every5Minutes(Instant from, Instant to) {
        List<Instant> out = new ArrayList<>();
        for (Instant t = from; t.isBefore(to); t = t.plus(Duration.ofMinutes(5))) {
            out.add(t);
        }
        return out;
    }

    @Test
    @Tag("PR-62")
    void aSecondUploadForAStoredSecondIsCountedAndNeverReplacesTheReading() {
        String token = app.newUserToken("no-overwrite@example.org");
        Instant recent = NOW.minus(Duration.ofHours(1));      // a recent row
        Instant old = NOW.minus(Duration.ofDays(5));           // inside a day block
        String first = "[{\"time\":\"" + recent + "\",\"mgdl\":100},{\"time\":\"" + old + "\",\"mgdl\":101}]";
        assertThat(http.postJson("/api/v1/readings", first, "Authorization", "Bearer " + token).body())
                .isEqualTo("{\"accepted\":2,\"duplicates\":0,\"rejected\":0}");
        // Other values for the same seconds (one with a sub-second part): counted as duplicates, not stored.
        String second = "[{\"time\":\"" + recent.plusMillis(400) + "\",\"mgdl\":250},{\"time\":\"" + old
                + "\",\"mgdl\":251,\"device\":\"other phone\"}]";
        assertThat(http.postJson("/api/v1/readings", second, "Authorization", "Bearer " + token).body())
                .isEqualTo("{\"accepted\":0,\"duplicates\":2,\"rejected\":0}");
        JsonNode after = json(http.get("/api/v1/readings?from=" + old + "&to=" + NOW,
                "Authorization", "Bearer " + token));
        assertThat(after).hasSize(2);
        assertThat(after.get(0).path("mgdl").asInt()).isEqualTo(101);
        assertThat(after.get(0).has("device")).isFalse();
        assertThat(after.get(1).path("mgdl").asInt()).isEqualTo(100);
    }

    @Test
    @Tag("PR-63")
    void aDeletedRangeIsGoneFromTheApiTheReportAndTheDecryptedBlocksAndEverythingElseStays() {
        User user = userWithReadings("delete-range@example.org");
        String token = user.token();
        UUID owner = user.id();
        List<Instant> all = every5Minutes(FIRST, NOW);
        assertThat(stored(owner)).isEqualTo(all);
        // Range A lies in day blocks: it cuts 3 and 5 November (Berlin) and covers 4 November whole.
        Instant fromA = Instant.parse("2026-11-03T10:00:00Z");
        Instant toA = Instant.parse("2026-11-05T10:00:00Z");
        // Range B spans the recent horizon (NOW - 48 h): blocks and recent rows.
        Instant fromB = Instant.parse("2026-11-07T10:00:00Z");
        Instant toB = Instant.parse("2026-11-10T09:00:00Z");
        // An annotation wholly inside A goes with it; one reaching outside A stays.
        String inside = json(http.postJson("/api/v1/annotations", "{\"start\":\"2026-11-04T08:00:00Z\","
                        + "\"end\":\"2026-11-04T09:00:00Z\",\"kind\":\"sensor-error\",\"note\":\"inside\"}",
                "Authorization", "Bearer " + token)).path("id").asText();
        String across = json(http.postJson("/api/v1/annotations", "{\"start\":\"2026-11-05T09:00:00Z\","
                        + "\"end\":\"2026-11-05T11:00:00Z\",\"kind\":\"exercise\",\"note\":\"across\"}",
                "Authorization", "Bearer " + token)).path("id").asText();
        Map<LocalDate, byte[]> before = blocks(owner);
        assertThat(before).containsKeys(LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 4),
                LocalDate.of(2026, 11, 5));

        HttpResponse<String> a = delete(token, request("2026-11-03T11:00:00+01:00", "2026-11-05T11:00:00+01:00"));
        assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
        assertThat(json(a).path("readings").asInt()).isEqualTo(576);          // 48 hours of 5-minute readings
        assertThat(json(a).path("annotations").asInt()).isEqualTo(1);
        assertThat(json(a).path("from").asText()).isEqualTo(fromA.toString());
        assertThat(json(a).path("to").asText()).isEqualTo(toA.toString());
        HttpResponse<String> b = delete(token, request(fromB.toString(), toB.toString()));
        assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
        assertThat(json(b).path("readings").asInt()).isEqualTo(71 * 12);

        List<Instant> expected = new ArrayList<>(all);
        expected.removeIf(t -> !t.isBefore(fromA) && t.isBefore(toA) || !t.isBefore(fromB) && t.isBefore(toB));
        // The raw, decrypted contents of both tables: exactly what lies outside the ranges, boundaries exact.
        List<Instant> raw = stored(owner);
        assertThat(raw).isEqualTo(expected);
        assertThat(raw).contains(fromA.minusSeconds(300), toA, fromB.minusSeconds(300), toB)
                .doesNotContain(fromA, toA.minusSeconds(300), fromB, toB.minusSeconds(300));
        // The readings API, the same.
        assertThat(listed(token, FIRST, NOW.plusSeconds(1))).isEqualTo(expected);
        // The blocks the ranges cut are new ciphertext; the old one is nowhere in the table; 4 November is gone.
        Map<LocalDate, byte[]> after = blocks(owner);
        assertThat(after).doesNotContainKey(LocalDate.of(2026, 11, 4));
        for (LocalDate cut : List.of(LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 5),
                LocalDate.of(2026, 11, 7))) {
            assertThat(after.get(cut)).as(cut.toString()).isNotEqualTo(before.get(cut));
            int left = app.sql().withHandle(h -> h.createQuery("select count(*) from glucose_day where block = :b")
                    .bind("b", before.get(cut)).mapTo(Integer.class).one());
            assertThat(left).as("old ciphertext of %s", cut).isZero();
        }
        assertThat(after.get(LocalDate.of(2026, 11, 2))).isEqualTo(before.get(LocalDate.of(2026, 11, 2)));
        int rowCount = app.sql().withHandle(h -> h.createQuery(
                "select coalesce(sum(readings), 0) from glucose_day where owner_id = :o").bind("o", owner)
                .mapTo(Integer.class).one());
        int recentCount = app.sql().withHandle(h -> h.createQuery(
                "select count(*) from glucose_recent where owner_id = :o").bind("o", owner).mapTo(Integer.class).one());
        assertThat(rowCount + recentCount).isEqualTo(expected.size());
        // The report: 4 November has no readings; 3 November has those before 11:00 Berlin (10:00 UTC).
        JsonNode day4 = json(http.get("/api/v1/reports?from=2026-11-04&to=2026-11-04",
                "Authorization", "Bearer " + token)).path("metrics");
        assertThat(day4.path("readings").asInt()).isZero();
        JsonNode day3 = json(http.get("/api/v1/reports?from=2026-11-03&to=2026-11-03",
                "Authorization", "Bearer " + token)).path("metrics");
        assertThat(day3.path("readings").asInt()).isEqualTo(11 * 12);
        // The CSV export holds nothing of the range.
        String csv = http.get("/api/v1/readings?from=2026-11-03T00:00:00Z&to=2026-11-06T00:00:00Z",
                "Authorization", "Bearer " + token, "Accept", "text/csv").body();
        assertThat(csv).contains("2026-11-03T09:55:00Z").doesNotContain("2026-11-03T10:00:00Z")
                .doesNotContain("2026-11-04T").contains("2026-11-05T10:00:00Z");
        // Annotations: the one inside A went, the one across its end stayed.
        String notes = http.get("/api/v1/annotations?from=2026-11-01T00:00:00Z&to=2026-11-10T00:00:00Z",
                "Authorization", "Bearer " + token).body();
        assertThat(notes).doesNotContain(inside).contains(across);
        // Deleting the same range again deletes nothing.
        assertThat(json(delete(token, request(fromA.toString(), toA.toString()))).path("readings").asInt()).isZero();
    }

    @Test
    @Tag("PR-63")
    void badRangesWrongPasswordsAndNarrowTokensDeleteNothing() {
        User user = userWithReadings("delete-refused@example.org");
        String token = user.token();
        UUID owner = user.id();
        int count = stored(owner).size();
        record Case(String body, String field, String rule) {
        }
        for (Case c : List.of(
                new Case(request("2026-11-05T00:00:00Z", "2026-11-04T00:00:00Z"), "$.to", "after-from"),
                new Case(request("2026-11-05T00:00:00Z", "2026-11-05T00:00:00Z"), "$.to", "after-from"),
                new Case(request("yesterday", "2026-11-04T00:00:00Z"), "$.from", "format"),
                new Case(request("2026-11-04T00:00:00", "2026-11-05T00:00:00Z"), "$.from", "format"),
                new Case(request("1800-01-01T00:00:00Z", "2026-11-05T00:00:00Z"), "$.from", "range"),
                new Case(request("2026-11-01T00:00:00Z", "+99999-01-01T00:00:00Z"), "$.to", "range"),
                new Case("{\"to\":\"2026-11-05T00:00:00Z\",\"password\":\"x\"}", "$.from", "required"),
                new Case("{\"from\":1,\"to\":\"2026-11-05T00:00:00Z\",\"password\":\"x\"}", "$.from", "type"))) {
            HttpResponse<String> r = delete(token, c.body());
            assertThat(r.statusCode()).as(c.body() + " → " + r.body()).isEqualTo(422);
            assertThat(r.body()).contains("\"field\":\"" + c.field() + "\"").contains("\"rule\":\"" + c.rule() + "\"");
        }
        HttpResponse<String> unknown = delete(token, "{\"from\":\"2026-11-01T00:00:00Z\","
                + "\"to\":\"2026-11-05T00:00:00Z\",\"password\":\"" + TestApp.PASSWORD + "\",\"all\":true}");
        assertThat(unknown.statusCode()).isIn(400, 422);
        HttpResponse<String> wrong = delete(token, "{\"from\":\"2026-11-01T00:00:00Z\","
                + "\"to\":\"2026-11-05T00:00:00Z\",\"password\":\"not the password\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("confirm-failed").contains("\"field\":\"password\"");
        HttpResponse<String> none = delete(token, "{\"from\":\"2026-11-01T00:00:00Z\",\"to\":\"2026-11-05T00:00:00Z\"}");
        assertThat(none.statusCode()).isEqualTo(401);
        String narrow = app.app().apiTokens().create(owner, "narrow",
                java.util.EnumSet.of(Scope.READINGS_READ, Scope.READINGS_WRITE));
        HttpResponse<String> scope = delete(narrow, request("2026-11-01T00:00:00Z", "2026-11-05T00:00:00Z"));
        assertThat(scope.statusCode()).isEqualTo(403);
        assertThat(scope.body()).contains("insufficient-scope");
        assertThat(stored(owner)).hasSize(count);
    }

    @Test
    @Tag("PR-63")
    void aDeletionDoesNotNeedTheHealthDataConsent() {
        User user = userWithReadings("delete-without-consent@example.org");
        String token = user.token();
        UUID owner = user.id();
        app.app().consents().record(owner, org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA, false,
                "test");
        HttpResponse<String> r = delete(token, request(FIRST.toString(), NOW.toString()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("readings").asInt()).isEqualTo(every5Minutes(FIRST, NOW).size());
        assertThat(stored(owner)).isEmpty();
        assertThat(blocks(owner)).isEmpty();
    }

    @Test
    void aCompactionThatReadRowsBeforeADeletionDoesNotBringThemBack() {
        User user = userWithReadings("delete-then-compact@example.org");
        ReadingStore store = app.app().readings().store();
        // The compaction has read the recent rows it will move (all of the last 48 hours) ...
        List<Reading> read = store.range(user.id(), NOW.minus(Duration.ofHours(48)), NOW.plusSeconds(1));
        assertThat(read).isNotEmpty();
        // ... then a deletion of some of them commits, then the compaction writes the day blocks.
        Instant from = NOW.minus(Duration.ofHours(40));
        Instant to = NOW.minus(Duration.ofHours(30));
        assertThat(store.deleteRange(user.id(), from, to).readings()).isEqualTo(120);
        store.moveIntoDays(user.id(), read);
        List<Instant> raw = stored(user.id());
        assertThat(raw).noneMatch(t -> !t.isBefore(from) && t.isBefore(to));
        assertThat(raw).hasSize(every5Minutes(FIRST, NOW).size() - 120);
        int recent = app.sql().withHandle(h -> h.createQuery("select count(*) from glucose_recent where owner_id = :o")
                .bind("o", user.id()).mapTo(Integer.class).one());
        assertThat(recent).isZero();
    }

    static HttpResponse<String> deleteCall(String token, String path) {
        return http.send("DELETE", path, "", "Authorization", "Bearer " + token);
    }

    @Test
    @Tag("PR-63")
    void aSensorWithItsSessionsAndACalibrationAreDeletedAtOnceWithAccountManage() {
        UUID owner = app.newUser("delete-sensor@example.org");
        String token = app.app().apiTokens().create(owner, "all", java.util.EnumSet.allOf(Scope.class));
        String writer = app.app().apiTokens().create(owner, "writer",
                java.util.EnumSet.of(Scope.READINGS_READ, Scope.READINGS_WRITE));
        String bearer = "Bearer " + token;
        String sensor = json(http.postJson("/api/v1/sensors", "{\"model\":\"MQ CGM 2\",\"serial\":\"S-1\"}",
                "Authorization", bearer)).path("id").asText();
        String kept = json(http.postJson("/api/v1/sensors", "{\"model\":\"MQ CGM 3\"}",
                "Authorization", bearer)).path("id").asText();
        for (String start : List.of("2026-10-01T08:00:00Z", "2026-10-15T08:00:00Z")) {
            assertThat(http.postJson("/api/v1/sensors/" + sensor + "/sessions", "{\"start\":\"" + start + "\"}",
                    "Authorization", bearer).statusCode()).isEqualTo(201);
        }
        String keptSession = json(http.postJson("/api/v1/sensors/" + kept + "/sessions",
                "{\"start\":\"2026-11-01T08:00:00Z\"}", "Authorization", bearer)).path("id").asText();
        String calibration = json(http.postJson("/api/v1/calibrations", "{\"time\":\"2026-11-09T08:00:00Z\","
                + "\"mgdl\":123}", "Authorization", bearer)).path("id").asText();
        String otherCalibration = json(http.postJson("/api/v1/calibrations", "{\"time\":\"2026-11-09T09:00:00Z\","
                + "\"mgdl\":124}", "Authorization", bearer)).path("id").asText();
        assertThat(http.postJson("/api/v1/readings", "[{\"time\":\"2026-10-02T08:00:00Z\",\"mgdl\":140}]",
                "Authorization", bearer).statusCode()).isEqualTo(200);

        // A token without account:manage cannot delete.
        assertThat(deleteCall(writer, "/api/v1/sensors/" + sensor).statusCode()).isEqualTo(403);
        assertThat(deleteCall(writer, "/api/v1/calibrations/" + calibration).statusCode()).isEqualTo(403);

        assertThat(deleteCall(token, "/api/v1/sensors/" + sensor).statusCode()).isEqualTo(204);
        assertThat(deleteCall(token, "/api/v1/calibrations/" + calibration).statusCode()).isEqualTo(204);
        // Gone from the API at once, the others untouched; gone from the database.
        String sensors = http.get("/api/v1/sensors", "Authorization", bearer).body();
        assertThat(sensors).doesNotContain(sensor).contains(kept);
        JsonNode sessions = json(http.get("/api/v1/sessions", "Authorization", bearer));
        assertThat(sessions).hasSize(1);
        assertThat(sessions.get(0).path("id").asText()).isEqualTo(keptSession);
        String calibrations = http.get("/api/v1/calibrations?from=2026-11-01T00:00:00Z&to=2026-11-10T00:00:00Z",
                "Authorization", bearer).body();
        assertThat(calibrations).doesNotContain(calibration).contains(otherCalibration);
        int rows = app.sql().withHandle(h -> h.createQuery("""
                        select (select count(*) from sensor where owner_id = :o and id = :s)
                             + (select count(*) from sensor_session where owner_id = :o and sensor_id = :s)
                             + (select count(*) from calibration where owner_id = :o and id = :c)""")
                .bind("o", owner).bind("s", UUID.fromString(sensor)).bind("c", UUID.fromString(calibration))
                .mapTo(Integer.class).one());
        assertThat(rows).isZero();
        // The readings of the sensor's time stay (they belong to no session; delete their range to remove them).
        assertThat(listed(token, Instant.parse("2026-10-02T00:00:00Z"), Instant.parse("2026-10-03T00:00:00Z")))
                .hasSize(1);
        // A second delete, an unknown or malformed id: 404.
        assertThat(deleteCall(token, "/api/v1/sensors/" + sensor).statusCode()).isEqualTo(404);
        assertThat(deleteCall(token, "/api/v1/calibrations/" + calibration).statusCode()).isEqualTo(404);
        assertThat(deleteCall(token, "/api/v1/calibrations/not-a-uuid").statusCode()).isEqualTo(404);
    }
}
