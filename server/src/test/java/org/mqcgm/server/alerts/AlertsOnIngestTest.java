package org.mqcgm.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Alerts raised on ingest: after an upload commits, the rules run on the node that took it; each episode is
 * stored once (across concurrent uploads and nodes), with its inputs and why encrypted; backfilled history raises
 * nothing; nothing without the health-data consent; {@code GET /api/v1/alerts} and acknowledgement.
 */
class AlertsOnIngestTest {

    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-03-02T03:00:00Z"));

    @RegisterExtension
    static final TestApp app = TestApp.perClass(CLOCK, CLOCK);

    static final ObjectMapper JSON = new ObjectMapper();
    static final RecordingPush PUSH = new RecordingPush();
    private static int seq;

    record Wearer(UUID id, String token) {
        String[] auth() {
            return new String[] {"Authorization", "Bearer " + token};
        }
    }

    @BeforeEach
    void recordPushes() {
        app.app().feature(AlertsFeature.class).pushThrough(PUSH);
    }

    static Wearer wearer() {
        UUID id = app.newUser("ingest" + (++seq) + "@example.org");
        return new Wearer(id, app.app().apiTokens().create(id, "t", EnumSet.of(Scope.READINGS_WRITE,
                Scope.ALERTS, Scope.PROFILE_WRITE)));
    }

    /** Uploads readings: pairs of (minutes before now, mg/dL). */
    static void upload(Wearer w, int... minutesAgoAndMgdl) {
        StringBuilder b = new StringBuilder("[");
        Instant now = CLOCK.instant();
        for (int i = 0; i < minutesAgoAndMgdl.length; i += 2) {
            b.append(i > 0 ? "," : "").append("{\"time\":\"").append(now.minus(Duration.ofMinutes(
                    minutesAgoAndMgdl[i]))).append("\",\"mgdl\":").append(minutesAgoAndMgdl[i + 1]).append('}');
        }
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/readings", b.append(']').toString(),
                w.auth());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** Uploads one reading to {@code app} (another test class's app). */
    static void upload2(TestApp app, MutableClock clock, Wearer w, int minutesAgo, int mgdl) {
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/readings", "[{\"time\":\""
                + clock.instant().minus(Duration.ofMinutes(minutesAgo)) + "\",\"mgdl\":" + mgdl + "}]", w.auth());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static JsonNode alerts(Wearer w) throws Exception {
        HttpResponse<String> r = new Http(app.url()).get("/api/v1/alerts", w.auth());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    @org.junit.jupiter.api.Tag("PR-72")
    void anUrgentLowIsRaisedOnUploadOncePerEpisodeWithItsInputsRuleAndWhy() throws Exception {
        Wearer w = wearer();
        upload(w, 15, 120, 10, 115, 5, 110, 0, 50);
        JsonNode list = alerts(w);
        assertThat(list).hasSize(1);
        JsonNode a = list.get(0);
        assertThat(a.path("kind").asText()).isEqualTo("urgent-low");
        assertThat(a.path("at").asText()).isEqualTo(CLOCK.instant().toString());
        assertThat(a.path("inputs").path("mgdl").asInt()).isEqualTo(50);
        assertThat(a.path("inputs").path("thresholdMgdl").asInt()).isEqualTo(55);
        assertThat(a.path("why").asText()).isEqualTo("Glucose 50 mg/dL is below the urgent low of 55 mg/dL.");
        assertThat(a.path("ruleVersion").asText()).isEqualTo("alert-rules/1");
        assertThat(a.path("acknowledgedAt").isNull()).isTrue();
        assertThat(a.path("quiet").asBoolean()).isFalse();

        // The next reading of the same episode raises nothing new, on any path.
        CLOCK.advance(Duration.ofMinutes(5));
        upload(w, 0, 48);
        assertThat(alerts(w)).hasSize(1);

        // Many nodes or uploads telling of the same readings at once: still one alert.
        AlertsFeature f = app.app().feature(AlertsFeature.class);
        List<Callable<Void>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> {
                f.ingestListener().stored(w.id(), CLOCK.instant());
                return null;
            });
        }
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (var fut : pool.invokeAll(calls)) {
                fut.get();
            }
        }
        int rows = app.sql().withHandle(h -> h.createQuery("select count(*) from alert where owner_id = :o")
                .bind("o", w.id()).mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(1);
        assertThat(PUSH.to(w.id())).hasSize(1);

        // No glucose value in a clear column: the inputs and why are ciphertext under the wearer's key.
        byte[] details = app.sql().withHandle(h -> h.createQuery("select details from alert where owner_id = :o")
                .bind("o", w.id()).mapTo(byte[].class).one());
        // (Words, not the two digits of the value: random ciphertext holds any two-byte string now and then.)
        assertThat(new String(details, StandardCharsets.ISO_8859_1)).doesNotContain("mgdl").doesNotContain("urgent")
                .doesNotContain("threshold");
    }

    @Test
    void aLowLongerThanTheRulesWindowStaysOneAlertAndALateReadingBeforeItToo() throws Exception {
        Wearer w = wearer();
        // An urgent low for 100 minutes, one reading every 5 minutes: the rules look back one hour only.
        for (int i = 0; i < 20; i++) {
            upload(w, 0, 48);
            CLOCK.advance(Duration.ofMinutes(5));
        }
        // A reading from before the run arrives late (a collector's backfill), low as well.
        upload(w, 105, 50);
        upload(w, 0, 47);
        JsonNode all = alerts(w);
        assertThat(all).as(all.toString()).hasSize(1);
        assertThat(all.get(0).path("kind").asText()).isEqualTo("urgent-low");
        // Every push is of that one alert (the delivery job, polling in real time on the moved clock, may have sent
        // it again: unacknowledged for 100 minutes).
        assertThat(PUSH.to(w.id())).isNotEmpty().extracting(n -> n.tag())
                .containsOnly(all.get(0).path("id").asText());

        // After the run ends (a reading in range), a new low is a new episode.
        CLOCK.advance(Duration.ofMinutes(5));
        upload(w, 0, 120);
        CLOCK.advance(Duration.ofMinutes(5));
        upload(w, 0, 49);
        assertThat(alerts(w)).hasSize(2);
        CLOCK.advance(Duration.ofMinutes(5));
    }

    @Test
    void anUploadWhoseEvaluationDidNotFinishIsEvaluatedByTheJob() throws Exception {
        Wearer w = wearer();
        upload(w, 10, 120); // the wearer is watched, evaluated up to this reading
        // An urgent low stored and noted as the newest reading, but the rules never finished with it (the node
        // failed between the commit and the end of the evaluation).
        Instant t = CLOCK.instant().minusSeconds(30);
        app.app().feature(org.mqcgm.server.glucose.GlucoseFeature.class).readings().store().insert(w.id(),
                java.util.List.of(new org.mqcgm.core.glucose.Reading(t, java.time.ZoneOffset.UTC, 46)));
        app.sql().useHandle(h -> h.createUpdate("update alert_watch set last_reading_at = :t where owner_id = :o")
                .bind("t", t.atOffset(java.time.ZoneOffset.UTC)).bind("o", w.id()).execute());
        assertThat(alerts(w)).isEmpty();

        app.app().jobs().runNow(AlertsFeature.EVALUATE_JOB);
        JsonNode raised = alerts(w);
        assertThat(raised).hasSize(1);
        assertThat(raised.get(0).path("kind").asText()).isEqualTo("urgent-low");
        assertThat(PUSH.to(w.id())).hasSize(1);
        // Done: the job does not evaluate it again.
        int waiting = app.sql().withHandle(h -> h.createQuery("select count(*) from alert_watch where owner_id = :o "
                + "and evaluated_at is distinct from last_reading_at").bind("o", w.id()).mapTo(Integer.class).one());
        assertThat(waiting).isZero();
        CLOCK.advance(Duration.ofMinutes(5));
    }

    @Test
    void theAlertListRefusesTimesOutsideTheSupportedRangeNamingTheParameter() {
        Wearer w = wearer();
        Http http = new Http(app.url());
        for (String extreme : List.of("%2B1000000000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z",
                "1899-12-31T23:59:59Z", "9999-01-01T00:00:00Z")) {
            HttpResponse<String> r = http.get("/api/v1/alerts?from=" + extreme, w.auth());
            assertThat(r.statusCode()).as(extreme + ": " + r.body()).isEqualTo(422);
            assertThat(r.body()).contains("\"field\":\"from\"").contains("\"rule\":\"range\"");
        }
        HttpResponse<String> malformed = http.get("/api/v1/alerts?to=yesterday", w.auth());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"field\":\"to\"").contains("\"rule\":\"format\"");
        assertThat(http.get("/api/v1/alerts?from=2026-03-01T00:00:00%2B08:00", w.auth()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void backfilledHistoryRaisesNothingAndNeitherDoesAWearerWithoutTheConsent() throws Exception {
        Wearer w = wearer();
        // Three hours of old readings with an urgent low in them, uploaded now.
        upload(w, 190, 120, 185, 60, 180, 50, 175, 45);
        assertThat(alerts(w)).isEmpty();

        Wearer withdrawn = wearer();
        CLOCK.advance(Duration.ofSeconds(1)); // the withdrawal is the latest choice
        app.app().consents().record(withdrawn.id(), Consents.Purpose.HEALTH_DATA, false, "test");
        // Stored inside the server (as the demo's sensor does): the listener is told, the consent says no.
        app.app().readings().store(withdrawn.id(), List.of(
                org.mqcgm.core.glucose.Reading.utc(CLOCK.instant().minus(Duration.ofMinutes(5)), 60),
                org.mqcgm.core.glucose.Reading.utc(CLOCK.instant(), 45)));
        int rows = app.sql().withHandle(h -> h.createQuery("select count(*) from alert where owner_id = :o")
                .bind("o", withdrawn.id()).mapTo(Integer.class).one());
        assertThat(rows).isZero();
    }

    @Test
    void theWhyIsInTheWearersLanguageAndUnit() throws Exception {
        Wearer w = wearer();
        HttpResponse<String> p = new Http(app.url()).send("PUT", "/api/v1/me/profile",
                "{\"unit\":\"mmol/L\",\"language\":\"zh-CN\"}", "Authorization", "Bearer " + w.token(),
                "Content-Type", "application/json");
        assertThat(p.statusCode()).as(p.body()).isEqualTo(200);
        upload(w, 10, 100, 5, 90, 0, 50);
        JsonNode a = alerts(w).get(0);
        assertThat(a.path("why").asText()).isEqualTo("血糖 2.8 mmol/L 低于紧急低血糖线 3.1 mmol/L。");
        assertThat(a.path("inputs").path("mgdl").asInt()).as("inputs stay in mg/dL").isEqualTo(50);
    }

    @Test
    void acknowledgingIsIdempotentAndSomeoneElsesOrAnUnknownAlertIsNotFound() throws Exception {
        Wearer w = wearer();
        upload(w, 5, 90, 0, 52);
        String id = alerts(w).get(0).path("id").asText();
        Http http = new Http(app.url());
        Wearer other = wearer();
        assertThat(http.postJson("/api/v1/alerts/" + id + "/ack", "", other.auth()).statusCode()).isEqualTo(404);
        assertThat(http.postJson("/api/v1/alerts/" + UUID.randomUUID() + "/ack", "", w.auth()).statusCode())
                .isEqualTo(404);
        assertThat(http.postJson("/api/v1/alerts/not-an-id/ack", "", w.auth()).statusCode()).isEqualTo(404);
        assertThat(alerts(w).get(0).path("acknowledgedAt").isNull()).isTrue();
        assertThat(http.postJson("/api/v1/alerts/" + id + "/ack", "", w.auth()).statusCode()).isEqualTo(204);
        String first = alerts(w).get(0).path("acknowledgedAt").asText();
        assertThat(first).isEqualTo(CLOCK.instant().toString());
        CLOCK.advance(Duration.ofMinutes(1));
        assertThat(http.postJson("/api/v1/alerts/" + id + "/ack", "", w.auth()).statusCode()).isEqualTo(204);
        assertThat(alerts(w).get(0).path("acknowledgedAt").asText()).isEqualTo(first);
        // The list's period and limit.
        assertThat(http.get("/api/v1/alerts?limit=0", w.auth()).statusCode()).isEqualTo(400);
        assertThat(http.get("/api/v1/alerts?from=yesterday", w.auth()).body()).contains("\"field\":\"from\"");
        assertThat(JSON.readTree(http.get("/api/v1/alerts?to=" + CLOCK.instant().minus(Duration.ofHours(1)),
                w.auth()).body())).isEmpty();
        // The scope is needed.
        String noScope = app.app().apiTokens().create(w.id(), "r", EnumSet.of(Scope.READINGS_READ));
        assertThat(http.get("/api/v1/alerts", "Authorization", "Bearer " + noScope).statusCode()).isEqualTo(403);
    }

    static void settings(Wearer w, String json) {
        settingsAt(app, w, json);
    }

    static void settingsAt(TestApp app, Wearer w, String json) {
        HttpResponse<String> r = new Http(app.url()).send("PUT", "/api/v1/alerts/settings", json, "Authorization",
                "Bearer " + w.token(), "Content-Type", "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static void runDeliveryJob() {
        app.app().jobs().runNow(AlertsFeature.DELIVERY_JOB);
    }

    static void awaitSends(Wearer w, int n) {
        org.mqcgm.testkit.Wait.until(n + " notifications", () -> PUSH.to(w.id()).size() == n);
        assertThat(PUSH.to(w.id())).hasSize(n);
    }

    @Test
    void aNotificationCarriesNoGlucoseValueUnlessTheWearerOptedInAndEMailIsASecondChannelWhenChosen()
            throws Exception {
        Wearer w = wearer();
        upload(w, 5, 90, 0, 50);
        String id = alerts(w).get(0).path("id").asText();
        awaitSends(w, 1);
        var n = PUSH.to(w.id()).get(0);
        assertThat(n.title()).isEqualTo("Urgent low");
        assertThat(n.body()).isEqualTo("Open mqcgm");
        assertThat(n.title() + n.body()).doesNotContainPattern("[0-9]");
        assertThat(n.urgent()).isTrue();
        assertThat(n.tag()).isEqualTo(id);
        assertThat(n.url()).isEqualTo("/alerts");
        assertThat(n.detail()).as("what an opted-in device fetches itself").isEqualTo("/api/v1/alerts/" + id);
        assertThat(app.outboxMessages().filter(m -> m.startsWith("To: ingest" + seq + "@"))).isEmpty();

        Wearer opted = wearer();
        String mail = "ingest" + seq + "@example.org";
        settings(opted, "{\"valuesOnLockScreen\":true,\"emailAlerts\":true}");
        upload(opted, 5, 90, 0, 50);
        awaitSends(opted, 1);
        var v = PUSH.to(opted.id()).get(0);
        // The deprecated account-wide choice no longer puts the value in the payload (PR-13: per device only).
        assertThat(v.body()).isEqualTo("Open mqcgm");
        assertThat(v.urgent()).isTrue();
        String body = app.awaitOutbox(mail, java.util.regex.Pattern.compile("(?s)(Urgent low.*)"));
        assertThat(body).as("never a value in an e-mail (PR-55)").contains("Open mqcgm").doesNotContain("50");

        // E-mail without the value when the wearer did not opt in to values either.
        Wearer plain = wearer();
        String plainMail = "ingest" + seq + "@example.org";
        settings(plain, "{\"emailAlerts\":true}");
        upload(plain, 5, 90, 0, 50);
        String text = app.awaitOutbox(plainMail, java.util.regex.Pattern.compile("(?s)(Urgent low.*)"));
        assertThat(text).contains("Open mqcgm").doesNotContain("50");
    }

    @Test
    void anUnacknowledgedUrgentLowIsSentAgainEveryFiveMinutesUntilAcknowledgedOrSnoozed() throws Exception {
        Wearer w = wearer();
        upload(w, 5, 90, 0, 50);
        String id = alerts(w).get(0).path("id").asText();
        awaitSends(w, 1);
        CLOCK.advance(Duration.ofMinutes(4));
        runDeliveryJob();
        assertThat(PUSH.to(w.id())).as("not due yet").hasSize(1);
        CLOCK.advance(Duration.ofMinutes(1));
        runDeliveryJob();
        awaitSends(w, 2);
        assertThat(PUSH.to(w.id()).get(1).tag()).isEqualTo(id);

        // Snoozed for 30 minutes: nothing until then, then again.
        Http http = new Http(app.url());
        HttpResponse<String> bad = http.postJson("/api/v1/alerts/" + id + "/snooze", "{\"minutes\":-5}", w.auth());
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("$.minutes").contains("range");
        HttpResponse<String> s = http.postJson("/api/v1/alerts/" + id + "/snooze", "{\"minutes\":30}", w.auth());
        assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
        assertThat(JSON.readTree(s.body()).path("snoozedUntil").asText())
                .isEqualTo(CLOCK.instant().plus(Duration.ofMinutes(30)).toString());
        CLOCK.advance(Duration.ofMinutes(10));
        runDeliveryJob();
        assertThat(PUSH.to(w.id())).hasSize(2);
        CLOCK.advance(Duration.ofMinutes(20));
        runDeliveryJob();
        awaitSends(w, 3);

        // Acknowledged: no more.
        assertThat(http.postJson("/api/v1/alerts/" + id + "/ack", "", w.auth()).statusCode()).isEqualTo(204);
        CLOCK.advance(Duration.ofMinutes(5));
        runDeliveryJob();
        assertThat(PUSH.to(w.id())).hasSize(3);
    }

    @Test
    void otherAlertsRepeatOnlyAsChosenAndQuietHoursKeepThemSilent() throws Exception {
        Wearer w = wearer();
        upload(w, 5, 90, 0, 65);
        assertThat(alerts(w).get(0).path("kind").asText()).isEqualTo("low");
        awaitSends(w, 1);
        assertThat(PUSH.to(w.id()).get(0).urgent()).isFalse();
        CLOCK.advance(Duration.ofMinutes(30));
        runDeliveryJob();
        assertThat(PUSH.to(w.id())).as("not repeated by default").hasSize(1);

        Wearer r = wearer();
        settings(r, "{\"repeatMinutes\":10}");
        upload(r, 5, 90, 0, 65);
        awaitSends(r, 1);
        CLOCK.advance(Duration.ofMinutes(10));
        runDeliveryJob();
        awaitSends(r, 2);

        // Quiet hours around the reading's local time (Berlin): kept, shown as quiet, not sent.
        Wearer q = wearer();
        java.time.LocalTime local = CLOCK.instant().atZone(java.time.ZoneId.of("Europe/Berlin")).toLocalTime();
        settings(q, "{\"quietFrom\":\"" + local.minusHours(1).withMinute(0) + "\",\"quietTo\":\""
                + local.plusHours(1).withMinute(0) + "\"}");
        upload(q, 5, 90, 0, 65);
        JsonNode a = alerts(q).get(0);
        assertThat(a.path("kind").asText()).isEqualTo("low");
        assertThat(a.path("quiet").asBoolean()).isTrue();
        assertThat(PUSH.to(q.id())).isEmpty();
    }

    static List<JsonNode> ofKind(Wearer w, String kind) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        alerts(w).forEach(a -> {
            if (a.path("kind").asText().equals(kind)) {
                out.add(a);
            }
        });
        return out;
    }

    @Test
    void aSignalLossIsRaisedOncePerSilenceByTheJob() throws Exception {
        Wearer w = wearer();
        upload(w, 5, 120, 0, 118);
        Instant last = CLOCK.instant();
        CLOCK.advance(Duration.ofMinutes(19));
        app.app().jobs().runNow(AlertsFeature.SILENCE_JOB);
        assertThat(ofKind(w, "signal-loss")).isEmpty();
        CLOCK.advance(Duration.ofMinutes(1));
        app.app().jobs().runNow(AlertsFeature.SILENCE_JOB);
        org.mqcgm.testkit.Wait.until("the signal loss", () -> ofKind(w, "signal-loss").size(), n -> n == 1);
        JsonNode a = ofKind(w, "signal-loss").get(0);
        assertThat(a.path("at").asText()).isEqualTo(last.plus(Duration.ofMinutes(20)).toString());
        assertThat(a.path("why").asText()).isEqualTo("No reading for 20 minutes (your signal-loss alert is 20 "
                + "minutes).");
        CLOCK.advance(Duration.ofMinutes(30));
        app.app().jobs().runNow(AlertsFeature.SILENCE_JOB);
        assertThat(ofKind(w, "signal-loss")).as("once per silence").hasSize(1);

        // Readings again, then a new silence: a new signal loss.
        upload(w, 0, 120);
        CLOCK.advance(Duration.ofMinutes(20));
        app.app().jobs().runNow(AlertsFeature.SILENCE_JOB);
        org.mqcgm.testkit.Wait.until("the second signal loss", () -> ofKind(w, "signal-loss").size(), n -> n == 2);

        // Turned off: no signal loss.
        Wearer off = wearer();
        settings(off, "{\"enabled\":[\"low\"]}");
        upload(off, 0, 120);
        CLOCK.advance(Duration.ofMinutes(60));
        app.app().jobs().runNow(AlertsFeature.SILENCE_JOB);
        assertThat(ofKind(off, "signal-loss")).isEmpty();
    }

    @Test
    void aSensorSessionEndingSoonGivesOneNotice() throws Exception {
        Wearer w = wearer();
        String all = app.app().apiTokens().create(w.id(), "all", EnumSet.allOf(Scope.class));
        Http http = new Http(app.url());
        String sensor = JSON.readTree(http.postJson("/api/v1/sensors", "{\"model\":\"Sim\",\"serial\":\"S-"
                + seq + "\"}", "Authorization", "Bearer " + all).body()).path("id").asText();
        // A 10-day session that started 9 days and 20 hours ago: it ends in 4 hours.
        HttpResponse<String> session = http.postJson("/api/v1/sensors/" + sensor + "/sessions", "{\"start\":\""
                + CLOCK.instant().minus(Duration.ofDays(9).plusHours(20)) + "\",\"lifetimeDays\":10}",
                "Authorization", "Bearer " + all);
        assertThat(session.statusCode()).as(session.body()).isEqualTo(201);
        upload(w, 0, 120);
        CLOCK.advance(Duration.ofMinutes(5));
        upload(w, 0, 121);
        List<JsonNode> notices = ofKind(w, "sensor-ending");
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0).path("why").asText()).isEqualTo("Your sensor session ends in about 4 hours.");
        assertThat(notices.get(0).path("ruleVersion").asText()).isEqualTo("sensor-ending/1");
        assertThat(PUSH.to(w.id())).extracting(n -> n.title()).containsExactly("Sensor ending");
    }

    /** A new person who accepts an invitation of {@code w} sharing {@code scopes}. */
    static UUID follower(Wearer w, String scopes) throws Exception {
        String all = app.app().apiTokens().create(w.id(), "share", EnumSet.of(Scope.SHARING));
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/shares", "{\"scopes\":" + scopes + "}",
                "Authorization", "Bearer " + all);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        UUID f = app.newUser("follower" + (++seq) + "@example.org");
        String ft = app.app().apiTokens().create(f, "f", EnumSet.of(Scope.SHARING));
        HttpResponse<String> accepted = new Http(app.url()).postJson("/api/v1/following", "{\"invitation\":\""
                + JSON.readTree(r.body()).path("invitation").asText() + "\"}", "Authorization", "Bearer " + ft);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        return f;
    }

    @Test
    void anUrgentLowNotAcknowledgedIn15MinutesGoesToTheFollowersWhoShareAlertsOnly() throws Exception {
        Wearer w = wearer();
        String label = "ingest" + seq + "@example.org";
        app.app().consents().record(w.id(), Consents.Purpose.SHARING, true, "test");
        UUID sharesAlerts = follower(w, "[\"glucose\",\"alerts\"]");
        UUID glucoseOnly = follower(w, "[\"glucose\"]");
        upload(w, 5, 90, 0, 50);
        String id = alerts(w).get(0).path("id").asText();
        CLOCK.advance(Duration.ofMinutes(14));
        runDeliveryJob();
        assertThat(PUSH.to(sharesAlerts)).isEmpty();
        CLOCK.advance(Duration.ofMinutes(1));
        runDeliveryJob();
        org.mqcgm.testkit.Wait.until("the escalation", () -> PUSH.to(sharesAlerts).size() == 1);
        var n = PUSH.to(sharesAlerts).get(0);
        assertThat(n.title()).isEqualTo("Urgent low — someone you follow");
        assertThat(n.body()).isEqualTo("An urgent low has not been acknowledged. Open mqcgm to see who.");
        // No name, e-mail or phone number of the wearer on the follower's lock screen.
        assertThat(n.title() + n.body()).doesNotContain(label).doesNotContain("@");
        assertThat(n.urgent()).isTrue();
        assertThat(n.title() + n.body()).doesNotContain("50").doesNotContain("mg/dL");
        assertThat(PUSH.to(glucoseOnly)).isEmpty();
        assertThat(app.app().feature(AlertsFeature.class).store().escalatedTo(w.id(), UUID.fromString(id)))
                .containsExactly(sharesAlerts);
        CLOCK.advance(Duration.ofMinutes(15));
        runDeliveryJob();
        assertThat(PUSH.to(sharesAlerts)).as("escalated once").hasSize(1);

        // Acknowledged in time: nobody is told.
        Wearer calm = wearer();
        app.app().consents().record(calm.id(), Consents.Purpose.SHARING, true, "test");
        UUID f = follower(calm, "[\"alerts\"]");
        upload(calm, 5, 90, 0, 50);
        String calmId = alerts(calm).get(0).path("id").asText();
        assertThat(new Http(app.url()).postJson("/api/v1/alerts/" + calmId + "/ack", "", calm.auth()).statusCode())
                .isEqualTo(204);
        CLOCK.advance(Duration.ofMinutes(20));
        runDeliveryJob();
        assertThat(PUSH.to(f)).isEmpty();
    }

    @Test
    void theAlertsPageShowsWhyAnnouncesAnUrgentLowAndAcknowledgesWithoutJavaScript() throws Exception {
        Wearer w = wearer();
        Http web = app.login("ingest" + seq + "@example.org");
        assertThat(web.get("/alerts").body()).contains("data-testid=\"no-alerts\"").contains("href=\"/alerts\"")
                .contains("<button type=\"button\" data-push-enable>Turn on notifications</button>");
        upload(w, 5, 90, 0, 50);
        String id = alerts(w).get(0).path("id").asText();
        String page = web.get("/alerts").body();
        assertThat(page).contains("Glucose 50 mg/dL is below the urgent low of 55 mg/dL.");
        // Announced to screen readers, with a symbol and words (never colour alone).
        assertThat(page).containsPattern("(?s)role=\"alert\" aria-live=\"assertive\" data-testid=\"alert-live\">"
                + "<p><strong><span aria-hidden=\"true\">\u203C</span> Urgent low</strong>");
        assertThat(page).contains("action=\"/alerts/" + id + "/ack\"").contains("Not acknowledged");
        // Another person cannot acknowledge it; the owner can, with a plain form.
        Wearer other = wearer();
        Http otherWeb = app.login("ingest" + seq + "@example.org");
        assertThat(otherWeb.postForm("/alerts/" + id + "/ack", java.util.Map.of()).statusCode()).isEqualTo(404);
        HttpResponse<String> ack = web.postForm("/alerts/" + id + "/ack", java.util.Map.of());
        assertThat(ack.statusCode()).isEqualTo(303);
        String after = web.get("/alerts").body();
        assertThat(after).contains("data-testid=\"acknowledged\"").doesNotContain("action=\"/alerts/" + id + "/ack\"")
                .contains("data-testid=\"alert-live\"></div>");
        assertThat(alerts(w).get(0).path("acknowledgedAt").isNull()).isFalse();
        assertThat(other.id()).isNotEqualTo(w.id());
    }

    @Test
    void theSettingsFormTakesThresholdsInTheWearersUnitAndNamesWhatIsWrong() throws Exception {
        Wearer w = wearer();
        HttpResponse<String> p = new Http(app.url()).send("PUT", "/api/v1/me/profile",
                "{\"unit\":\"mmol/L\",\"language\":\"zh-CN\"}", "Authorization", "Bearer " + w.token(),
                "Content-Type", "application/json");
        assertThat(p.statusCode()).as(p.body()).isEqualTo(200);
        Http web = app.login("ingest" + seq + "@example.org");
        String page = web.get("/alerts").body();
        assertThat(page).contains("低血糖提醒（mmol/L）").contains("value=\"3.9\"").contains("开启通知");
        String form = "_csrf=" + web.csrfToken() + "&enabled=low&enabled=signal-loss&low=4.2&high=10.0"
                + "&signalLossMinutes=30&quietFrom=&quietTo=&repeatMinutes=0&escalateMinutes=10"
                + "&valuesOnLockScreen=on"; // no longer on the form: ignored, the stored choice kept
        HttpResponse<String> saved = web.post("/alerts/settings", "application/x-www-form-urlencoded", form);
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(303);
        JsonNode s = JSON.readTree(new Http(app.url()).get("/api/v1/alerts/settings", w.auth()).body());
        assertThat(s.path("lowMgdl").asInt()).isEqualTo(76);
        assertThat(s.path("highMgdl").asInt()).isEqualTo(180);
        assertThat(s.path("enabled").toString()).isEqualTo("[\"urgent-low\",\"low\",\"signal-loss\"]");
        assertThat(s.path("valuesOnLockScreen").asBoolean()).isFalse();
        assertThat(page).contains("href=\"/settings/notifications\"").doesNotContain("name=\"valuesOnLockScreen\"");
        assertThat(s.path("emailAlerts").asBoolean()).isFalse();
        assertThat(s.path("escalateMinutes").asInt()).isEqualTo(10);

        HttpResponse<String> bad = web.post("/alerts/settings", "application/x-www-form-urlencoded",
                "_csrf=" + web.csrfToken() + "&low=9&high=8&signalLossMinutes=5&repeatMinutes=0&escalateMinutes=10");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("data-field=\"low\" data-rule=\"below-high\"")
                .contains("data-field=\"signalLossMinutes\" data-rule=\"range\"");
        assertThat(JSON.readTree(new Http(app.url()).get("/api/v1/alerts/settings", w.auth()).body())
                .path("lowMgdl").asInt()).as("nothing saved").isEqualTo(76);
    }

    @Test
    void alertsAreInMyDataAndTheExport() throws Exception {
        Wearer w = wearer();
        upload(w, 5, 90, 0, 50);
        java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        for (var data : app.app().feature(AlertsFeature.class).personalData()) {
            assertThat(data.categories(w.id())).filteredOn(c -> c.id().equals("alerts")).singleElement()
                    .satisfies(c -> assertThat(c.count()).isEqualTo(1));
            data.export(w.id(), new org.mqcgm.server.platform.rights.ExportArchive() {
                @Override
                public java.io.OutputStream file(String name, String description) {
                    var out = new java.io.ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            files.put(name, toByteArray());
                        }
                    };
                    files.put(name, new byte[0]);
                    return out;
                }
            });
        }
        assertThat(files).containsOnlyKeys("alerts.json");
        JsonNode exported = JSON.readTree(files.get("alerts.json"));
        assertThat(exported).hasSize(1);
        assertThat(exported.get(0).path("kind").asText()).isEqualTo("urgent-low");
        assertThat(exported.get(0).path("why").asText()).contains("50 mg/dL");
        // Erased with the account: cancellation.ErasureCatalogueTest has a row of the person in alert and alert_watch.
    }
}
