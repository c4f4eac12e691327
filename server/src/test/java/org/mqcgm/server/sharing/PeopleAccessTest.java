package org.mqcgm.server.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.App;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.EventStream;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestDatabase;

/**
 * A follower reads exactly what the wearer shares, within its window, and nothing once it ends; everybody else gets
 * 404; every read is in the wearer's "who saw my data".
 */
class PeopleAccessTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final ObjectMapper JSON = new ObjectMapper();
    static int seq;
    static UUID wearer;
    static String wearerToken;
    static String wearerLogin;

    record Person(UUID id, String login, String token) {
        String[] auth() {
            return new String[] {"Authorization", "Bearer " + token};
        }

        HttpResponse<String> get(String path) {
            return new Http(app.url()).get(path, auth());
        }
    }

    static Person person(String name) {
        String login = name + (++seq) + "@example.org";
        UUID id = app.newUser(login);
        app.app().consents().record(id, Purpose.SHARING, true, "test");
        return new Person(id, login, app.app().apiTokens().create(id, "all", EnumSet.allOf(Scope.class)));
    }

    /** The wearer has a reading every hour of the last 20 days (values 100 + hours ago, mod 200). */
    @BeforeAll
    static void readings() {
        Person w = person("wearer");
        wearer = w.id();
        wearerToken = w.token();
        wearerLogin = w.login();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        List<String> list = new ArrayList<>();
        for (int h = 1; h <= 20 * 24; h++) {
            list.add("{\"time\":\"" + now.minus(Duration.ofHours(h)) + "\",\"mgdl\":" + (100 + h % 200) + "}");
        }
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/readings", "[" + String.join(",", list)
                + "]", w.auth());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static String share(String body) throws Exception {
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/shares", body, "Authorization",
                "Bearer " + wearerToken);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("invitation").asText();
    }

    static Person follower(String shareBody) throws Exception {
        Person f = person("follower");
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/following", "{\"invitation\":\""
                + share(shareBody) + "\"}", f.auth());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return f;
    }

    static String shareIdOf(Person follower) throws Exception {
        for (JsonNode s : JSON.readTree(new Http(app.url()).get("/api/v1/shares", "Authorization",
                "Bearer " + wearerToken).body())) {
            if (s.path("follower").asText().equals(follower.login()) && s.path("status").asText().equals("active")) {
                return s.path("id").asText();
            }
        }
        throw new AssertionError("no active share with " + follower.login());
    }

    static String people(String rest) {
        return "/api/v1/people/" + wearer + rest;
    }

    /** PR-44: a recipient of glucose only receives glucose: the latest reading and the live stream, no history. */
    @Test
    @Tag("PR-44")
    void aFollowerReadsExactlyTheSharedCategories() throws Exception {
        Person glucoseOnly = follower("{\"scopes\":[\"glucose\"]}");
        assertThat(glucoseOnly.get(people("/readings/latest")).statusCode()).isEqualTo(200);
        // Opening waits for the first reading event (the latest reading comes at once).
        EventStream.open(app.url() + people("/readings/stream"), glucoseOnly.auth());
        assertThat(glucoseOnly.get(people("/readings")).statusCode()).isEqualTo(404);
        assertThat(glucoseOnly.get(people("/reports")).statusCode()).isEqualTo(404);
        // Their own data stays theirs; the wearer's own routes under /api/v1/readings give the follower's.
        assertThat(glucoseOnly.get("/api/v1/readings").body()).isEqualTo("[]");

        Person history = follower("{\"scopes\":[\"history\"]}");
        assertThat(history.get(people("/readings")).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(history.get(people("/readings")).body()).size()).isGreaterThan(20);
        assertThat(history.get(people("/reports")).statusCode()).isEqualTo(200);
        assertThat(history.get(people("/readings/latest")).statusCode()).isEqualTo(404);

        // A token without readings:read reads nothing shared.
        String narrow = app.app().apiTokens().create(history.id(), "narrow", EnumSet.of(Scope.SHARING));
        assertThat(new Http(app.url()).get(people("/readings"), "Authorization", "Bearer " + narrow).statusCode())
                .isEqualTo(403);
    }

    /** PR-24: a share of the last 14 days shows 14 days only; asking for day 15 is 403 naming the field. */
    @Test
    @Tag("PR-24")
    void aWindowedShareShowsOnlyItsDaysAndRefusesEarlierOnes() throws Exception {
        Person carer = follower("{\"scopes\":[\"glucose\",\"history\"],\"historyDays\":14}");
        Instant now = Instant.now();
        HttpResponse<String> inside = carer.get(people("/readings?from=" + now.minus(Duration.ofDays(13))
                + "&to=" + now));
        assertThat(inside.statusCode()).as(inside.body()).isEqualTo(200);
        assertThat(JSON.readTree(inside.body()).size()).isBetween(13 * 24 - 2, 13 * 24 + 2);
        HttpResponse<String> day15 = carer.get(people("/readings?from=" + now.minus(Duration.ofDays(15))
                + "&to=" + now.minus(Duration.ofDays(14).minusHours(1))));
        assertThat(day15.statusCode()).as(day15.body()).isEqualTo(403);
        assertThat(day15.body()).contains("outside-shared-window").contains("\"field\":\"from\"")
                .doesNotContain("\"mgdl\"");
        HttpResponse<String> report = carer.get(people("/reports"));
        assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
        HttpResponse<String> oldReport = carer.get(people("/reports?from="
                + java.time.LocalDate.now().minusDays(16) + "&to=" + java.time.LocalDate.now()));
        assertThat(oldReport.statusCode()).as(oldReport.body()).isEqualTo(403);
        assertThat(oldReport.body()).contains("\"field\":\"from\"");
        // The wearer themself has no window on their own data.
        HttpResponse<String> own = new Http(app.url()).get(people("/readings?from=" + now.minus(Duration.ofDays(19))
                + "&to=" + now.minus(Duration.ofDays(18))), "Authorization", "Bearer " + wearerToken);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(own.body()).size()).isGreaterThan(20);
    }

    @Test
    void strangersAndGuessedIdsGet404() throws Exception {
        Person stranger = person("stranger");
        for (String path : List.of("/readings", "/readings/latest", "/reports")) {
            assertThat(stranger.get(people(path)).statusCode()).as(path).isEqualTo(404);
            assertThat(stranger.get("/api/v1/people/" + UUID.randomUUID() + path).statusCode()).isEqualTo(404);
            assertThat(stranger.get("/api/v1/people/not-a-uuid" + path).statusCode()).isEqualTo(404);
        }
        // A follower of the wearer does not reach a third person's data by changing the id.
        Person follower = follower("{\"scopes\":[\"glucose\",\"history\"]}");
        assertThat(follower.get("/api/v1/people/" + stranger.id() + "/readings").statusCode()).isEqualTo(404);
        HttpResponse<String> anonymous = new Http(app.url()).get(people("/readings"));
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    /**
     * PR-24: revocation takes effect at once — the next request is 404 and an open stream closes, on every node:
     * the follower's stream is on a second server over the same database, the wearer revokes on the first, and the
     * stream ends through the notification (the periodic recheck every 30 s is never run here).
     */
    @Test
    @Tag("PR-24")
    void revocationEndsAccessAtOnceOnEveryNode() throws Exception {
        Person follower = follower("{\"scopes\":[\"glucose\",\"history\"]}");
        Path dir = Files.createTempDirectory("mqcgm-second-node-");
        ServerConfig config = new ServerConfig(app.jdbcUrl(), TestDatabase.user(), TestDatabase.password(), 4,
                app.masterKeyFile(), "127.0.0.1", 0, 1_000_000, TestApp.TEST_ARGON2, Duration.ofHours(12),
                Duration.ofDays(7), null, dir.resolve("outbox"), "http://mqcgm.test");
        try (App second = App.start(config, Clock.systemUTC())) {
            String secondUrl = "http://127.0.0.1:" + second.port();
            EventStream onSecond = EventStream.open(secondUrl + people("/readings/stream"), follower.auth());
            EventStream onFirst = EventStream.open(app.url() + people("/readings/stream"), follower.auth());
            assertThat(new Http(secondUrl).get(people("/readings/latest"), follower.auth()).statusCode())
                    .isEqualTo(200);

            HttpResponse<String> revoked = new Http(app.url()).send("DELETE", "/api/v1/shares/"
                    + shareIdOf(follower), "", "Authorization", "Bearer " + wearerToken);
            assertThat(revoked.statusCode()).isEqualTo(204);

            assertThat(follower.get(people("/readings/latest")).statusCode()).isEqualTo(404);
            assertThat(new Http(secondUrl).get(people("/readings"), follower.auth()).statusCode()).isEqualTo(404);
            onFirst.awaitEnd();
            onSecond.awaitEnd();
            assertThat(new Http(secondUrl).get(people("/readings/stream"), follower.auth()).statusCode())
                    .isEqualTo(404);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The streams of one wearer on a node share one watcher (one read per reading for all of them): every stream gets
     * each reading, and one stream ending does not end the others' delivery.
     */
    @Test
    void everyStreamOfOneWearerGetsEachReadingAndOneLeavingStopsNoOther() throws Exception {
        Person w = person("shared-wearer");
        java.util.function.Function<Person, Person> accept = f -> {
            try {
                HttpResponse<String> inv = new Http(app.url()).postJson("/api/v1/shares", "{\"scopes\":[\"glucose\"]}",
                        w.auth());
                HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/following", "{\"invitation\":\""
                        + JSON.readTree(inv.body()).path("invitation").asText() + "\"}", f.auth());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                return f;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        Person a = accept.apply(person("stream-a"));
        Person b = accept.apply(person("stream-b"));
        EventStream.upload(app, w.token(), 110, 90); // a stream opens with the latest reading
        String path = "/api/v1/people/" + w.id() + "/readings/stream";
        EventStream ofA = EventStream.open(app.url() + path, a.auth());
        EventStream ofB = EventStream.open(app.url() + path, b.auth());
        EventStream own = EventStream.open(app.url() + "/api/v1/readings/stream", w.auth());
        EventStream.upload(app, w.token(), 123, 60);
        for (EventStream s : List.of(ofA, ofB, own)) {
            assertThat(s.nextReading()).contains("\"mgdl\":123");
        }
        HttpResponse<String> left = new Http(app.url()).send("DELETE", "/api/v1/following/" + w.id(), "", a.auth());
        assertThat(left.statusCode()).isEqualTo(204);
        ofA.awaitEnd();
        EventStream.upload(app, w.token(), 145, 30);
        assertThat(ofB.nextReading()).contains("\"mgdl\":145");
        assertThat(own.nextReading()).contains("\"mgdl\":145");
    }

    @Test
    void theFollowerLeavingEndsTheirStream() throws Exception {
        Person follower = follower("{\"scopes\":[\"glucose\"]}");
        EventStream stream = EventStream.open(app.url() + people("/readings/stream"), follower.auth());
        HttpResponse<String> left = new Http(app.url()).send("DELETE", "/api/v1/following/" + wearer, "",
                follower.auth());
        assertThat(left.statusCode()).isEqualTo(204);
        stream.awaitEnd();
        assertThat(follower.get(people("/readings/latest")).statusCode()).isEqualTo(404);
    }

    /** Withdrawing the sharing consent stops every share at once (the shares stay, paused). */
    @Test
    void withdrawingTheSharingConsentStopsEveryShare() throws Exception {
        Person follower = follower("{\"scopes\":[\"glucose\"]}");
        assertThat(follower.get(people("/readings/latest")).statusCode()).isEqualTo(200);
        app.app().consents().record(wearer, Purpose.SHARING, false, "test");
        try {
            assertThat(follower.get(people("/readings/latest")).statusCode()).isEqualTo(404);
        } finally {
            app.app().consents().record(wearer, Purpose.SHARING, true, "test");
        }
        assertThat(follower.get(people("/readings/latest")).statusCode()).isEqualTo(200);
    }

    /** "Who saw my data": every read by a follower is listed to the wearer — who, what, when — without values. */
    @Test
    void everyReadIsListedToTheWearerWithoutData() throws Exception {
        Person follower = follower("{\"scopes\":[\"glucose\",\"history\"]}");
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        follower.get(people("/readings/latest"));
        follower.get(people("/readings/latest"));
        follower.get(people("/readings"));
        JsonNode log = JSON.readTree(new Http(app.url()).get("/api/v1/shares/access-log", "Authorization",
                "Bearer " + wearerToken).body());
        List<JsonNode> mine = new ArrayList<>();
        log.forEach(e -> {
            if (e.path("who").asText().equals(follower.login())) {
                mine.add(e);
            }
        });
        assertThat(mine).extracting(e -> e.path("scope").asText() + " " + e.path("route").asText())
                .containsExactlyInAnyOrder("glucose /api/v1/people/{person}/readings/latest",
                        "history /api/v1/people/{person}/readings");
        JsonNode latest = mine.stream().filter(e -> e.path("scope").asText().equals("glucose")).findFirst()
                .orElseThrow();
        assertThat(latest.path("reads").asInt()).isEqualTo(2);
        assertThat(Instant.parse(latest.path("first").asText())).isAfterOrEqualTo(before);
        assertThat(log.toString()).doesNotContain("mgdl");
        // The wearer reading their own data is not "someone else".
        new Http(app.url()).get(people("/readings/latest"), "Authorization", "Bearer " + wearerToken);
        assertThat(JSON.readTree(new Http(app.url()).get("/api/v1/shares/access-log", "Authorization",
                "Bearer " + wearerToken).body()).size()).isEqualTo(log.size());
        assertThat(app.app().feature(SharingFeature.class).readLog().reads(wearer, before, 10))
                .anySatisfy(e -> assertThat(e.who()).isEqualTo(follower.login()));
        // Nothing of the follower in clear in the log table.
        String rows = app.sql().withHandle(h -> h.createQuery("select string_agg(r::text, ' ') from share_read r")
                .mapTo(String.class).one());
        assertThat(rows).doesNotContain("example.org");
        assertThat(new Http(app.url()).get("/api/v1/shares/access-log", follower.auth()).body()).isEqualTo("[]");
    }

    /** "My data" and the export hold the shares given, those followed, and who saw the data. */
    @Test
    void mySharesFollowingsAndAccessLogAreInMyDataAndTheExport() throws Exception {
        Person follower = follower("{\"scopes\":[\"glucose\"]}");
        follower.get(people("/readings/latest"));
        JsonNode categories = JSON.readTree(new Http(app.url()).get("/api/v1/me/data", "Authorization",
                "Bearer " + wearerToken).body());
        assertThat(categories.toString()).contains("\"shares\"").contains("\"share-reads\"");
        assertThat(JSON.readTree(follower.get("/api/v1/me/data").body()).toString()).contains("\"following\"");

        HttpResponse<String> export = new Http(app.url()).postJson("/api/v1/me/exports", "{\"password\":\""
                + TestApp.PASSWORD + "\"}", follower.auth());
        assertThat(export.statusCode()).as(export.body()).isEqualTo(202);
        String location = export.headers().firstValue("Location").orElseThrow();
        JsonNode ready = org.mqcgm.testkit.Wait.until("the export is ready",
                () -> JSON.readTree(follower.get(location).body()), s -> s.path("status").asText().equals("ready"));
        HttpResponse<byte[]> zip = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(app.url() + ready.path("archive").asText())).header("Authorization",
                        "Bearer " + follower.token()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        java.util.Map<String, String> files = new java.util.HashMap<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(
                new java.io.ByteArrayInputStream(zip.body()))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                files.put(e.getName(), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertThat(files).containsKeys("sharing/shares.json", "sharing/following.json", "sharing/access-log.json");
        assertThat(files.get("sharing/following.json")).contains(wearer.toString());
    }

    /**
     * A finger-stick is labelled in the viewer's unit on Today (stored in mg/dL): the wearer (mg/dL) sees the value
     * entered in mmol/L converted, a follower who reads in mmol/L sees it in mmol/L.
     */
    @Test
    void aFingerstickIsLabelledInTheViewersUnit() throws Exception {
        HttpResponse<String> stick = new Http(app.url()).postJson("/api/v1/checkins", "{\"time\":\""
                + Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS)
                + "\",\"kind\":\"fingerstick\",\"value\":6.7,\"unit\":\"mmol/L\"}", "Authorization",
                "Bearer " + wearerToken);
        assertThat(stick.statusCode()).as(stick.body()).isEqualTo(201);
        int mgdl = org.mqcgm.core.glucose.GlucoseUnit.MMOL_L.toStoredMgdl(6.7);
        Person follower = follower("{\"scopes\":[\"glucose\",\"history\",\"logbook\"]}");
        app.sql().useHandle(h -> h.execute("update account set glucose_unit = 'mmol/L' where id = ?",
                follower.id()));
        Http web = new Http(app.url());
        assertThat(web.postForm("/login", java.util.Map.of("identifier", follower.login(), "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        String followerToday = web.get("/people/" + wearer + "/today").body();
        assertThat(followerToday).contains("6.7 mmol/L").doesNotContain(mgdl + " mg/dL");

        // The wearer reads in mg/dL (the default): the same entry in mg/dL.
        String wearerApi = new Http(app.url()).get("/api/v1/checkins?kind=fingerstick", "Authorization",
                "Bearer " + wearerToken).body();
        assertThat(wearerApi).contains("\"mgdl\":" + mgdl);
        Http own = new Http(app.url());
        assertThat(own.postForm("/login", java.util.Map.of("identifier", wearerLogin, "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        assertThat(own.get("/today").body()).contains(mgdl + " mg/dL").doesNotContain("6.7 mmol/L");
    }

    /**
     * A follower with a 14-day window sees the photo of a check-in inside it and not that of a check-in before it,
     * by the check-in's time: both photos were uploaded just now.
     */
    @Test
    void aFollowersPhotoWindowGoesByTheCheckinsTime() throws Exception {
        String[] photos = new String[2];
        String[] when = {Instant.now().minus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS).toString(),
                Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS).toString()};
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> up = org.mqcgm.server.testing.Multipart.upload(app.url(), "/api/v1/photos",
                    "meal.jpg", "image/jpeg", org.mqcgm.server.testing.Multipart.picture("jpg", 16, 12),
                    "Authorization", "Bearer " + wearerToken);
            assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
            photos[i] = JSON.readTree(up.body()).path("id").asText();
            HttpResponse<String> meal = new Http(app.url()).postJson("/api/v1/checkins", "{\"time\":\"" + when[i]
                    + "\",\"kind\":\"meal\",\"carbs\":20,\"photos\":[\"" + photos[i] + "\"]}", "Authorization",
                    "Bearer " + wearerToken);
            assertThat(meal.statusCode()).as(meal.body()).isEqualTo(201);
        }
        Person follower = follower("{\"scopes\":[\"logbook\",\"photos\"],\"historyDays\":14}");
        java.util.function.IntFunction<Integer> read = i -> org.mqcgm.server.testing.Multipart.download(app.url(),
                people("/photos/" + photos[i]), follower.auth()).statusCode();
        assertThat(read.apply(0)).as("a check-in 20 days ago, outside the window").isEqualTo(404);
        assertThat(read.apply(1)).as("a check-in 3 days ago, inside the window").isEqualTo(200);
    }

    /**
     * A follower with a 14-day window sees no annotation band from before it on History: one ending before the
     * window is not drawn, one crossing it is drawn (from the window on).
     */
    @Test
    void annotationsBeforeTheWindowAreNotShownToAFollower() throws Exception {
        Instant window = Instant.now().minus(Duration.ofDays(14));
        String[][] bands = {{"calibration", window.minus(Duration.ofMinutes(40)).toString(),
                window.minus(Duration.ofMinutes(20)).toString()},
                {"exercise", window.minus(Duration.ofHours(2)).toString(),
                        window.plus(Duration.ofHours(2)).toString()}};
        for (String[] b : bands) {
            HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/annotations", "{\"start\":\"" + b[1]
                    + "\",\"end\":\"" + b[2] + "\",\"kind\":\"" + b[0] + "\"}",
                    "Authorization", "Bearer " + wearerToken);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        Person follower = follower("{\"scopes\":[\"glucose\",\"history\"],\"historyDays\":14}");
        Http web = new Http(app.url());
        assertThat(web.postForm("/login", java.util.Map.of("identifier", follower.login(), "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        java.time.LocalDate day = window.atZone(java.time.ZoneOffset.UTC).toLocalDate();
        StringBuilder pages = new StringBuilder();
        for (int d = -1; d <= 1; d++) {
            pages.append(web.get("/people/" + wearer + "/history?date=" + day.plusDays(d)).body());
        }
        // The bands are drawn with their kind as title: the calibration ended before the window, the exercise did not.
        assertThat(pages.toString()).doesNotContain("<title>calibration</title>")
                .contains("<title>exercise</title>");
    }

    /** "My data" counts and the export lists the same followings: those in force and those that ended. */
    @Test
    void myDataAndTheExportAgreeAboutEndedFollowings() throws Exception {
        Person follower = follower("{\"scopes\":[\"glucose\"]}");
        assertThat(new Http(app.url()).send("DELETE", "/api/v1/following/" + wearer, "", follower.auth())
                .statusCode()).isEqualTo(204);
        long counted = -1;
        java.util.Map<String, java.io.ByteArrayOutputStream> files = new java.util.HashMap<>();
        for (var part : app.app().feature(SharingFeature.class).personalData()) {
            for (var c : part.categories(follower.id())) {
                if (c.id().equals("following")) {
                    counted = c.count();
                }
            }
            part.export(follower.id(), (name, description) -> {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                files.put(name, out);
                return out;
            });
        }
        JsonNode exported = JSON.readTree(files.get("sharing/following.json").toByteArray());
        assertThat(counted).isEqualTo(1);
        assertThat(exported).hasSize(1);
        assertThat(exported.get(0).path("person").asText()).isEqualTo(wearer.toString());
        assertThat(exported.get(0).path("status").asText()).isEqualTo("ended");
        assertThat(exported.get(0).path("ended").asText()).isNotBlank();
    }

    /**
     * The person's logbook shows on their Today and History pages only to a follower whose share includes the
     * logbook: a glucose-and-history share shows the curve without the entries.
     */
    @Test
    void logbookEntriesOnAPersonsPagesAndReportNeedTheLogbookShare() throws Exception {
        Instant mealTime = Instant.now().minus(Duration.ofMinutes(40)).truncatedTo(ChronoUnit.SECONDS);
        // the History page of the meal's own local day (the wearer lives in Berlin: near midnight it is yesterday)
        java.time.LocalDate mealDay = mealTime.atZone(java.time.ZoneId.of("Europe/Berlin")).toLocalDate();
        HttpResponse<String> meal = new Http(app.url()).postJson("/api/v1/checkins", "{\"time\":\""
                + mealTime + "\",\"kind\":\"meal\",\"carbs\":47}", "Authorization", "Bearer " + wearerToken);
        assertThat(meal.statusCode()).as(meal.body()).isEqualTo(201);
        Person without = follower("{\"scopes\":[\"glucose\",\"history\"]}");
        Person with = follower("{\"scopes\":[\"glucose\",\"history\",\"logbook\"]}");
        for (Person p : List.of(without, with)) {
            Http web = new Http(app.url());
            assertThat(web.postForm("/login", java.util.Map.of("identifier", p.login(), "password",
                    TestApp.PASSWORD)).statusCode()).isEqualTo(303);
            String today = web.get("/people/" + wearer + "/today").body();
            String history = web.get("/people/" + wearer + "/history?date=" + mealDay).body();
            String reports = web.get("/people/" + wearer + "/reports").body();
            assertThat(today).contains("data-testid=\"chart\"");
            assertThat(reports).contains("data-testid=\"report-daily\"");
            if (p == with) {
                assertThat(today).contains("data-kind=\"meal\"").contains("47");
                assertThat(history).contains("data-kind=\"meal\"");
                assertThat(reports).contains("47 g");
            } else {
                assertThat(today).doesNotContain("data-kind=\"meal\"").doesNotContain("data-testid=\"checkins\"");
                assertThat(history).doesNotContain("data-kind=\"meal\"");
                assertThat(reports).doesNotContain("47 g");
            }
            assertThat(today).doesNotContain("data-testid=\"logbook-link\"");
        }
    }

    /**
     * A check-in's photo reaches a follower with the photos share, and a token of the wearer reaches it only through
     * the logbook's photo routes, not the community's.
     */
    @Test
    void aCheckinPhotoReachesAPhotosFollowerAndOnlyTheLogbooksRoutes() throws Exception {
        HttpResponse<String> upload = org.mqcgm.server.testing.Multipart.upload(app.url(), "/api/v1/photos",
                "meal.jpg", "image/jpeg", org.mqcgm.server.testing.Multipart.picture("jpeg", 16, 16),
                "Authorization", "Bearer " + wearerToken);
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        String photo = JSON.readTree(upload.body()).path("id").asText();
        HttpResponse<String> meal = new Http(app.url()).postJson("/api/v1/checkins", "{\"time\":\""
                + Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS)
                + "\",\"kind\":\"meal\",\"carbs\":12,\"photos\":[\"" + photo + "\"]}", "Authorization",
                "Bearer " + wearerToken);
        assertThat(meal.statusCode()).as(meal.body()).isEqualTo(201);
        Person photos = follower("{\"scopes\":[\"logbook\",\"photos\"]}");
        Person noPhotos = follower("{\"scopes\":[\"logbook\"]}");
        assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), people("/photos/" + photo),
                photos.auth()).statusCode()).isEqualTo(200);
        assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), people("/photos/" + photo),
                noPhotos.auth()).statusCode()).isEqualTo(404);
        String communityOnly = app.app().apiTokens().create(wearer, "community", EnumSet.of(Scope.COMMUNITY));
        assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), "/api/v1/community/photos/" + photo,
                "Authorization", "Bearer " + communityOnly).statusCode()).isEqualTo(404);
        assertThat(new Http(app.url()).send("DELETE", "/api/v1/community/photos/" + photo, "", "Authorization",
                "Bearer " + communityOnly).statusCode()).isEqualTo(404);
        assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), "/api/v1/photos/" + photo,
                "Authorization", "Bearer " + wearerToken).statusCode()).isEqualTo(200);
    }
}
