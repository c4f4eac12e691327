package org.mqcgm.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.crypto.VapidKeys;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The push subscription API: the VAPID key, subscribing (once per endpoint), listing without keys, unsubscribing;
 * bad subscriptions refused with nothing stored, production refusing loopback endpoints.
 */
class PushSubscriptionsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = VapidKeys.generate().publicKeyBase64Url();
    private static final String AUTH = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]);

    record Caller(UUID id, String token, Http http) {
        HttpResponse<String> post(String body) {
            return http.postJson("/api/v1/push/subscriptions", body, "Authorization", "Bearer " + token);
        }

        HttpResponse<String> get(String path) {
            return http.get(path, "Authorization", "Bearer " + token);
        }

        HttpResponse<String> delete(String path) {
            return http.send("DELETE", path, "", "Authorization", "Bearer " + token);
        }
    }

    static Caller caller(String name, Scope... scopes) {
        UUID id = app.newUser(name + "@example.org");
        return new Caller(id, app.app().apiTokens().create(id, name, scopes.length == 0 ? EnumSet.of(Scope.ALERTS)
                : EnumSet.of(scopes[0], scopes)), new Http(app.url()));
    }

    static String body(String endpoint, String p256dh, String auth) {
        return "{\"endpoint\":\"" + endpoint + "\",\"expirationTime\":null,\"keys\":{\"p256dh\":\"" + p256dh
                + "\",\"auth\":\"" + auth + "\"}}";
    }

    static int rows(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from push_subscription where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    @Test
    void theVapidKeyIsPublicAndIsAnUncompressedP256Point() throws Exception {
        HttpResponse<String> r = new Http(app.url()).get("/api/v1/push/vapid-public-key");
        assertThat(r.statusCode()).isEqualTo(200);
        byte[] key = Base64.getUrlDecoder().decode(JSON.readTree(r.body()).path("publicKey").asText());
        assertThat(key).hasSize(65);
        assertThat(key[0]).isEqualTo((byte) 4);
        // The same key after a second look (one per deployment, from the deployment secrets).
        assertThat(new Http(app.url()).get("/api/v1/push/vapid-public-key").body()).isEqualTo(r.body());
    }

    @Test
    void subscribeOncePerEndpointListWithoutKeysAndUnsubscribe() throws Exception {
        Caller me = caller("subscriber");
        String endpoint = "http://127.0.0.1:9/push/subscriber-one";
        HttpResponse<String> first = me.post(body(endpoint, KEY, AUTH));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        String id = JSON.readTree(first.body()).path("id").asText();
        HttpResponse<String> again = me.post(body(endpoint, KEY, AUTH));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("id").asText()).isEqualTo(id);
        assertThat(rows(me.id())).isEqualTo(1);

        HttpResponse<String> list = me.get("/api/v1/push/subscriptions");
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode subs = JSON.readTree(list.body()).path("subscriptions");
        assertThat(subs).hasSize(1);
        assertThat(subs.get(0).path("id").asText()).isEqualTo(id);
        assertThat(subs.get(0).path("host").asText()).isEqualTo("127.0.0.1");
        assertThat(list.body()).doesNotContain("subscriber-one", KEY, "p256dh", "auth");

        // Stored sealed under the owner's key: neither the endpoint nor the key is in the row in the clear.
        byte[] sealed = app.sql().withHandle(h -> h.createQuery("select sealed from push_subscription "
                + "where owner_id = :o").bind("o", me.id()).mapTo(byte[].class).one());
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("subscriber-one", KEY);

        Caller other = caller("someone-else");
        assertThat(other.delete("/api/v1/push/subscriptions/" + id).statusCode()).isEqualTo(404);
        assertThat(other.get("/api/v1/push/subscriptions").body()).doesNotContain(id);
        assertThat(rows(me.id())).isEqualTo(1);
        assertThat(me.delete("/api/v1/push/subscriptions/" + id).statusCode()).isEqualTo(204);
        assertThat(rows(me.id())).isZero();
        assertThat(me.delete("/api/v1/push/subscriptions/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void aBrowserAnotherPersonSignsInOnIsTakenFromThePreviousPerson() {
        Caller first = caller("first-person");
        Caller second = caller("second-person");
        String endpoint = "http://127.0.0.1:9/push/shared-browser";
        assertThat(first.post(body(endpoint, KEY, AUTH)).statusCode()).isEqualTo(201);
        assertThat(second.post(body(endpoint, KEY, AUTH)).statusCode()).isEqualTo(201);
        assertThat(rows(first.id())).isZero();
        assertThat(rows(second.id())).isEqualTo(1);
    }

    @Test
    void theAlertsScopeIsNeeded() {
        Caller narrow = caller("narrow", Scope.PROFILE_READ);
        assertThat(narrow.post(body("http://127.0.0.1:9/push/narrow", KEY, AUTH)).statusCode()).isEqualTo(403);
        assertThat(narrow.get("/api/v1/push/subscriptions").statusCode()).isEqualTo(403);
        assertThat(rows(narrow.id())).isZero();
    }

    @Test
    void badSubscriptionsAreRefusedNamingTheFieldAndNothingIsStored() throws Exception {
        Caller me = caller("bad-input");
        byte[] offCurve = new byte[65];
        offCurve[0] = 4;
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(offCurve);
        String short32 = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        String auth15 = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[15]);
        Map<String, List<Object>> cases = new java.util.LinkedHashMap<>();
        cases.put(body("http://push.example.org/x", KEY, AUTH), List.of(422, "$.endpoint", "https"));
        cases.put(body("https://10.1.2.3/x", KEY, AUTH), List.of(422, "$.endpoint", "public-host"));
        cases.put(body("https://192.168.1.1/x", KEY, AUTH), List.of(422, "$.endpoint", "public-host"));
        cases.put(body("https://169.254.169.254/latest", KEY, AUTH), List.of(422, "$.endpoint", "public-host"));
        cases.put(body("https://100.64.0.1/x", KEY, AUTH), List.of(422, "$.endpoint", "public-host"));
        cases.put(body("https://224.0.0.1/x", KEY, AUTH), List.of(422, "$.endpoint", "public-host"));
        cases.put(body("https://[fd00::1]/x", KEY, AUTH), List.of(422, "$.endpoint", "public-host"));
        cases.put(body("https://[fe80::1]/x", KEY, AUTH), List.of(422, "$.endpoint", "public-host"));
        cases.put(body("https://[::ffff:10.0.0.1]/x", KEY, AUTH), List.of(422, "$.endpoint", "public-host"));
        cases.put(body("not a url", KEY, AUTH), List.of(422, "$.endpoint", "url"));
        cases.put(body("https://", KEY, AUTH), List.of(422, "$.endpoint", "url"));
        cases.put(body("https://user:pw@10.0.0.1/x", KEY, AUTH), List.of(422, "$.endpoint", "url"));
        cases.put(body("http://127.0.0.1:9/push/ok", short32, AUTH), List.of(422, "$.keys.p256dh", "p256-point"));
        cases.put(body("http://127.0.0.1:9/push/ok", b64, AUTH), List.of(422, "$.keys.p256dh", "p256-point"));
        cases.put(body("http://127.0.0.1:9/push/ok", "%%%", AUTH), List.of(422, "$.keys.p256dh", "base64url"));
        cases.put(body("http://127.0.0.1:9/push/ok", KEY, auth15), List.of(422, "$.keys.auth", "length"));
        cases.put("{\"endpoint\":\"http://127.0.0.1:9/push/ok\",\"keys\":{\"p256dh\":\"" + KEY + "\",\"auth\":\""
                + AUTH + "\"},\"extra\":1}", List.of(400, "$.extra", "unknown-field"));
        cases.put("{\"endpoint\":\"http://127.0.0.1:9/push/ok\",\"keys\":{\"p256dh\":\"" + KEY + "\",\"auth\":\""
                + AUTH + "\",\"secret\":\"x\"}}", List.of(400, "$.keys.secret", "unknown-field"));
        cases.put("{\"endpoint\":\"http://127.0.0.1:9/push/ok\"}", List.of(422, "$.keys", "required"));
        cases.put("{\"keys\":{\"p256dh\":\"" + KEY + "\",\"auth\":\"" + AUTH + "\"}}",
                List.of(422, "$.endpoint", "required"));
        cases.put("{\"endpoint\":\"http://127.0.0.1:9/push/ok\",\"expirationTime\":\"soon\",\"keys\":{\"p256dh\":\""
                + KEY + "\",\"auth\":\"" + AUTH + "\"}}", List.of(422, "$.expirationTime", "type"));
        cases.put("[]", List.of(400, "$", "type"));
        for (Map.Entry<String, List<Object>> c : cases.entrySet()) {
            HttpResponse<String> r = me.post(c.getKey());
            assertThat(r.statusCode()).as(c.getKey() + " → " + r.body()).isEqualTo(c.getValue().get(0));
            JsonNode errors = JSON.readTree(r.body()).path("errors");
            assertThat(errors.toString()).as(c.getKey()).contains("\"field\":\"" + c.getValue().get(1) + "\"",
                    "\"rule\":\"" + c.getValue().get(2) + "\"");
        }
        assertThat(rows(me.id())).isZero();
    }

    @Test
    void productionRefusesLoopbackEndpointsThatTheDemoAndTestsAllow() throws Exception {
        try (TestApp production = TestApp.start(java.time.Clock.systemUTC(), java.time.Clock.systemUTC(), null,
                c -> c.withPush(c.push().withLoopbackHttp(false)))) {
            UUID id = production.newUser("production@example.org");
            String token = production.app().apiTokens().create(id, "t", EnumSet.of(Scope.ALERTS));
            Http http = new Http(production.url());
            for (String endpoint : List.of("http://127.0.0.1:9/push/x", "https://127.0.0.1/push/x",
                    "https://localhost/push/x", "https://[::1]/push/x")) {
                HttpResponse<String> r = http.postJson("/api/v1/push/subscriptions", body(endpoint, KEY, AUTH),
                        "Authorization", "Bearer " + token);
                assertThat(r.statusCode()).as(endpoint + " " + r.body()).isEqualTo(422);
                assertThat(r.body()).contains("$.endpoint");
            }
            int stored = production.sql().withHandle(h -> h.createQuery("select count(*) from push_subscription")
                    .mapTo(Integer.class).one());
            assertThat(stored).isZero();
        }
    }

    @Test
    void theNotificationsPageListsThisPersonsSubscriptionsAndAsksNothingOnLoad() {
        UUID id = app.newUser("page@example.org");
        Http browser = new Http(app.url());
        assertThat(browser.postForm("/login", Map.of("identifier", "page@example.org", "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        String empty = browser.get("/settings/notifications").body();
        assertThat(empty).contains("data-push-enable", "data-testid=\"push-none\"");
        HttpResponse<String> r = browser.postJson("/api/v1/push/subscriptions",
                body("http://127.0.0.1:9/push/page-one", KEY, AUTH), "X-CSRF-Token", browser.csrfToken());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String page = browser.get("/settings/notifications").body();
        assertThat(page).contains("data-testid=\"push-subscriptions\"", "127.0.0.1").doesNotContain("page-one", KEY);
        assertThat(rows(id)).isEqualTo(1);
        assertThat(browser.get("/settings").body()).contains("href=\"/settings/notifications\"");
    }
}
