package org.mqcgm.server.cancellation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.Wait;

/**
 * The catalogue guard of erasure (PR-87): every table that can hold a person's id is covered by the erasure, which
 * deletes the account row and relies on {@code on delete cascade}. A table added later with an {@code owner_id}
 * that does not reference {@code account (id) on delete cascade} fails both checks here — the structural one at
 * once, the scan after a cancellation — until it does (or the erasure handles it otherwise).
 */
class ErasureCatalogueTest {

    @Test
    @Tag("PR-87")
    void everyOwnerColumnOfTheSchemaIsErasedByTheCascade() {
        try (TestApp app = TestApp.start()) {
            assertThat(UserTraces.ownerColumnsWithoutCascade(app.sql())).isEmpty();
        }
    }

    @Test
    @Tag("PR-87")
    void aTableAddedLaterWithAnOwnerColumnFailsTheCheckUntilItReferencesTheAccountOnDeleteCascade() throws Exception {
        // Plain http to loopback, for the transfer to this test's own FHIR server (production refuses it).
        try (TestApp app = TestApp.start(java.time.Clock.systemUTC(), java.time.Clock.systemUTC(), null,
                c -> c.withTransfersAllowLoopbackHttp(true))) {
            UUID id = app.newUser("later@example.org");
            app.sql().useHandle(h -> {
                h.execute("create table later_feature_note (owner_id uuid not null, id uuid primary key, note text)");
                h.execute("create table later_feature_done (owner_id uuid not null references account (id)"
                        + " on delete cascade, id uuid primary key, note text)");
                h.execute("insert into later_feature_note values (?, ?, 'x')", id, UUID.randomUUID());
                h.execute("insert into later_feature_done values (?, ?, 'x')", id, UUID.randomUUID());
            });
            assertThat(UserTraces.ownerColumnsWithoutCascade(app.sql()))
                    .containsExactly("later_feature_note.owner_id");
            String token = app.app().apiTokens().create(id, "all",
                    java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class));
            useEveryFeature(app, id, token);
            // So that "nothing left" below cannot pass vacuously: each user table had a row of this person.
            List<String> empty = new ArrayList<>();
            app.sql().useHandle(h -> {
                for (String table : USER_TABLES) {
                    if (h.createQuery("select count(*) from " + table + " where owner_id = :o").bind("o", id)
                            .mapTo(Integer.class).one() == 0) {
                        empty.add(table);
                    }
                }
            });
            assertThat(empty).as("user tables without a row of the person before the cancellation").isEmpty();

            HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/me/cancellation",
                    "{\"password\":\"" + TestApp.PASSWORD + "\"}", "Authorization", "Bearer " + token);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            app.app().jobs().runNow(CancellationFeature.JOB);
            Wait.until("the account row is gone", () -> app.sql().withHandle(h -> h.createQuery(
                    "select count(*) from account where id = :id").bind("id", id).mapTo(Integer.class).one()) == 0);

            assertThat(UserTraces.of(app.sql(), id)).containsExactly("later_feature_note.owner_id (1 rows)");
        }
    }

    /** The user tables {@link #useEveryFeature} fills; every one must hold a row of the person before cancelling. */
    static final List<String> USER_TABLES = List.of("account_role", "api_token", "device", "security_event",
            "glucose_recent", "glucose_day", "sensor", "sensor_session", "calibration",
            "glucose_annotation", "consent_event", "report_log", "export_job", "export_chunk", "transfer_log",
            "photo", "share", "share_read", "logbook_checkin", "clinician_link",
            "clinician_link_view", "community_profile", "community_post", "community_comment",
            "community_like", "community_report", "alert", "alert_watch");

    /**
     * Uses every feature that stores something of the person, through the API: readings over three days (one day of
     * them deleted again), a sensor with a session, a calibration, a note, a device, consent choices (the policy
     * accepted, the newsletter granted), a report, a completed export and a transfer to a FHIR server on loopback.
     */
    private static void useEveryFeature(TestApp app, UUID id, String token) throws IOException {
        Http http = new Http(app.url());
        String[] auth = {"Authorization", "Bearer " + token};
        ObjectMapper json = new ObjectMapper();
        app.sql().useHandle(h -> h.execute("insert into account_role (owner_id, role) values (?, 'support')", id));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        List<String> readings = new ArrayList<>();
        for (int i = 1; i <= 72; i++) {
            readings.add("{\"time\":\"" + now.minus(Duration.ofHours(i)) + "\",\"mgdl\":" + (90 + i) + "}");
        }
        assertThat(http.postJson("/api/v1/readings", "[" + String.join(",", readings) + "]", auth).statusCode())
                .isIn(200, 201);
        // A fresh urgent low: an alert of the person (and the signal-loss watch).
        assertThat(http.postJson("/api/v1/readings", "[{\"time\":\"" + Instant.now().minusSeconds(30)
                + "\",\"mgdl\":50}]", auth).statusCode()).isIn(200, 201);
        HttpResponse<String> deleted = http.postJson("/api/v1/me/readings/deletions", "{\"from\":\""
                + now.minus(Duration.ofHours(50)) + "\",\"to\":\"" + now.minus(Duration.ofHours(30))
                + "\",\"password\":\"" + TestApp.PASSWORD + "\"}", auth);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        String sensor = json.readTree(http.postJson("/api/v1/sensors", "{\"model\":\"Simulated CGM\","
                + "\"serial\":\"SIM-ERASE\"}", auth).body()).path("id").asText();
        assertThat(http.postJson("/api/v1/sensors/" + sensor + "/sessions", "{\"start\":\""
                + now.minus(Duration.ofDays(2)) + "\"}", auth).statusCode()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/calibrations", "{\"time\":\"" + now.minus(Duration.ofHours(3))
                + "\",\"mgdl\":110}", auth).statusCode()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/annotations", "{\"start\":\"" + now.minus(Duration.ofHours(5))
                + "\",\"end\":\"" + now.minus(Duration.ofHours(4)) + "\",\"kind\":\"sensor-error\","
                + "\"exclude\":true}", auth).statusCode()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/devices", "{\"platform\":\"ios\",\"model\":\"iPhone 15\","
                + "\"osVersion\":\"iOS 18\",\"appVersion\":\"2.0\",\"installId\":\"install-erase-1\"}", auth)
                .statusCode()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/checkins", "{\"time\":\"" + now.minus(Duration.ofHours(2))
                + "\",\"kind\":\"meal\",\"carbs\":45,\"note\":\"pasta\"}", auth).statusCode()).isEqualTo(201);
        app.app().consents().record(id, org.mqcgm.server.platform.consent.Consents.Purpose.POLICY, true, "signup");
        assertThat(http.postJson("/api/v1/me/consents", "{\"purpose\":\"newsletter\",\"granted\":true}", auth)
                .statusCode()).isIn(200, 201);
        assertThat(http.get("/api/v1/reports", auth).statusCode()).isEqualTo(200);
        HttpResponse<String> photo = org.mqcgm.server.testing.Multipart.upload(app.url(), "/api/v1/photos",
                "meal.jpg", "image/jpeg", org.mqcgm.server.testing.Multipart.picture("jpeg", 16, 16), auth);
        assertThat(photo.statusCode()).as(photo.body()).isEqualTo(201);
        // A share with a follower who reads the latest reading ("who saw my data").
        assertThat(http.postJson("/api/v1/me/consents", "{\"purpose\":\"sharing\",\"granted\":true}", auth)
                .statusCode()).isIn(200, 201);
        String invitation = json.readTree(http.postJson("/api/v1/shares", "{\"scopes\":[\"glucose\"]}", auth)
                .body()).path("invitation").asText();
        String[] follower = {"Authorization", "Bearer " + app.newUserToken("erasure-follower@example.org")};
        assertThat(http.postJson("/api/v1/following", "{\"invitation\":\"" + invitation + "\"}", follower)
                .statusCode()).isEqualTo(201);
        assertThat(http.get("/api/v1/people/" + id + "/readings/latest", follower).statusCode()).isEqualTo(200);
        assertThat(http.postJson("/api/v1/me/consents", "{\"purpose\":\"community\",\"granted\":true}", auth)
                .statusCode()).isIn(200, 201);
        assertThat(http.send("PUT", "/api/v1/community/profile", "{\"displayName\":\"Erased\"}", "Authorization",
                "Bearer " + token, "Content-Type", "application/json").statusCode()).isEqualTo(200);
        String post = json.readTree(http.postJson("/api/v1/posts", "{\"text\":\"bye\",\"visibility\":\"public\"}",
                auth).body()).path("id").asText();
        assertThat(http.postJson("/api/v1/posts/" + post + "/comments", "{\"text\":\"c\"}", auth).statusCode())
                .isEqualTo(201);
        assertThat(http.send("PUT", "/api/v1/posts/" + post + "/like", "", auth).statusCode()).isEqualTo(204);
        assertThat(http.postJson("/api/v1/posts/" + post + "/reports", "{\"reason\":\"test\"}", auth)
                .statusCode()).isEqualTo(201);
        HttpResponse<String> export = http.postJson("/api/v1/me/exports", "{\"password\":\"" + TestApp.PASSWORD
                + "\"}", auth);
        assertThat(export.statusCode()).as(export.body()).isEqualTo(202);
        String location = export.headers().firstValue("Location").orElseThrow();
        Wait.until("the export is ready", () -> json.readTree(http.get(location, auth).body()).path("status")
                .asText(), "ready"::equals);
        // A clinician link (with the consent to sharing), opened once without an account.
        assertThat(http.postJson("/api/v1/me/consents", "{\"purpose\":\"sharing\",\"granted\":true}", auth)
                .statusCode()).isIn(200, 201);
        HttpResponse<String> link = http.postJson("/api/v1/shares/links", "{\"label\":\"Dr Erase\",\"from\":\""
                + now.minus(Duration.ofDays(3)).atZone(ZoneOffset.UTC).toLocalDate() + "\",\"to\":\""
                + now.atZone(ZoneOffset.UTC).toLocalDate() + "\"}", auth);
        assertThat(link.statusCode()).as(link.body()).isEqualTo(201);
        String url = json.readTree(link.body()).path("url").asText();
        assertThat(new Http(app.url()).get(url.substring(url.indexOf("/c/"))).statusCode()).isEqualTo(200);
        HttpServer fhir = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        fhir.createContext("/fhir", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] answer = "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}"
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        fhir.start();
        try {
            HttpResponse<String> transfer = http.postJson("/api/v1/me/transfers", "{\"password\":\""
                    + TestApp.PASSWORD + "\",\"kind\":\"fhir\",\"url\":\"http://127.0.0.1:"
                    + fhir.getAddress().getPort() + "/fhir\"}", auth);
            assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(201);
        } finally {
            fhir.stop(0);
        }
    }

    @Test
    @Tag("PR-87")
    void aCancellationWaitingTooLongRaisesTheAlarmAndAFailedErasureChangesNothing() throws Exception {
        java.nio.file.Path notAFile = java.nio.file.Files.createTempDirectory("ledger-is-a-directory");
        try (TestApp app = TestApp.start(java.time.Clock.systemUTC(), java.time.Clock.systemUTC(), null,
                c -> c.withDeletionLedger(notAFile))) {
            UUID id = app.newUser("stuck@example.org");
            byte[] ciphertext = app.sql().withHandle(h -> h.createQuery("select email_enc from account where id = :id")
                    .bind("id", id).mapTo(byte[].class).one());
            HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/me/cancellation",
                    "{\"password\":\"" + TestApp.PASSWORD + "\"}", "Authorization", "Bearer "
                            + app.app().apiTokens().create(id, "all",
                            java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            app.sql().useHandle(h -> h.createUpdate("update account_cancellation set requested_at = :t")
                    .bind("t", Instant.now().minus(Duration.ofHours(21)).atOffset(ZoneOffset.UTC)).execute());

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> app.app().jobs().runNow(CancellationFeature.JOB))
                    .hasMessageContaining("deletion ledger");

            var meters = app.app().metrics().registry();
            assertThat(meters.get("mqcgm.cancellations.overdue").gauge().value()).isEqualTo(1.0);
            assertThat(meters.get("mqcgm.cancellations.oldest.pending").gauge().value())
                    .isGreaterThanOrEqualTo(Duration.ofHours(21).toSeconds());
            // Rolled back: the account and its key are still there, to be erased when the ledger can be written.
            var keys = new org.mqcgm.server.platform.crypto.UserKeys(app.sql(),
                    org.mqcgm.server.platform.crypto.MasterKey.load(app.masterKeyFile()));
            assertThat(keys.decryptString(id, "account.email", ciphertext)).isEqualTo("stuck@example.org");
            int tombstones = app.sql().withHandle(h -> h.createQuery("select count(*) from cancellation_tombstone")
                    .mapTo(Integer.class).one());
            assertThat(tombstones).isZero();
        }
    }
}
