package org.mqcgm.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.PushService;
import org.mqcgm.server.testing.TestApp;

/**
 * The whole path of an urgent low: an upload over HTTP, the rules on ingest, the push feature, and a real push
 * service in-process ({@link PushService}: it checks VAPID and decrypts with the subscription's private key, as the
 * browser would). What the push service is handed is ciphertext; what the phone decrypts says "Urgent low" and
 * carries no glucose value (PR-13).
 */
class AlertPushEndToEndTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final ObjectMapper JSON = new ObjectMapper();
    static PushService service;

    @BeforeAll
    static void startService() throws Exception {
        service = new PushService();
        service.expectVapidKey(JSON.readTree(new Http(app.url()).get("/api/v1/push/vapid-public-key").body())
                .path("publicKey").asText());
    }

    @AfterAll
    static void stopService() {
        service.close();
    }

    @Test
    @Tag("PR-13")
    void anUrgentLowUploadedReachesThePushServiceEncryptedAndSaysNoValue() throws Exception {
        UUID wearer = app.newUser("urgent-push@example.org");
        String[] auth = {"Authorization", "Bearer " + app.app().apiTokens().create(wearer, "phone",
                EnumSet.allOf(Scope.class))};
        Http http = new Http(app.url());
        PushService.Subscription s = service.subscribe();
        HttpResponse<String> subscribed = http.postJson("/api/v1/push/subscriptions", s.json(), auth);
        assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(201);

        long t0 = System.nanoTime();
        HttpResponse<String> up = http.postJson("/api/v1/readings", "[{\"time\":\""
                + Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(20) + "\",\"mgdl\":47}]", auth);
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        PushService.Received got = service.next(s, 10);
        long micros = (System.nanoTime() - t0) / 1000;
        assertThat(got).as("the urgent low reached the push service").isNotNull();
        System.out.println("alert latency (upload sent to push decrypted at the push service): " + micros / 1000.0
                + " ms");

        assertThat(got.headers()).containsEntry("Urgency", "high");
        JsonNode payload = JSON.readTree(got.text());
        assertThat(payload.path("title").asText()).isEqualTo("Urgent low");
        // No glucose value: no digit in anything the phone shows (the tag is the alert's random id).
        assertThat(payload.path("title").asText() + payload.path("body").asText() + payload.path("url").asText())
                .doesNotContainPattern("[0-9]");
        String id = JSON.readTree(http.get("/api/v1/alerts", auth).body()).path(0).path("id").asText();
        assertThat(payload.path("tag").asText()).isEqualTo(id);
        // A device showing values on its own lock screen fetches them, signed in, from the detail path: the value
        // is there and only there (someone else gets a 404).
        assertThat(payload.path("detail").asText()).isEqualTo("/api/v1/alerts/" + id);
        JsonNode detail = JSON.readTree(http.get(payload.path("detail").asText(), auth).body());
        assertThat(detail.path("why").asText()).isEqualTo("Glucose 47 mg/dL is below the urgent low of 55 mg/dL.");
        UUID other = app.newUser("urgent-push-other@example.org");
        assertThat(http.get(payload.path("detail").asText(), "Authorization", "Bearer " + app.app().apiTokens()
                .create(other, "phone", EnumSet.allOf(Scope.class))).statusCode()).isEqualTo(404);
        // The push service verified the server's VAPID signature (it refuses anything else) and decrypted with the
        // subscription's private key, which only the browser holds.
        assertThat(got.claims()).containsKey("aud");

        // The alert is listed with its why, and acknowledging it stops the repeats.
        JsonNode alerts = JSON.readTree(http.get("/api/v1/alerts", auth).body());
        assertThat(alerts.path(0).path("kind").asText()).isEqualTo("urgent-low");
        assertThat(alerts.path(0).path("why").asText()).contains("47");
        assertThat(http.postJson("/api/v1/alerts/" + alerts.path(0).path("id").asText() + "/ack", "", auth)
                .statusCode()).isEqualTo(204);
    }
}
