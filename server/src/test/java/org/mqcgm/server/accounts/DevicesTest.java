package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/** Devices: closed schema, pseudonymous keys, push aliases, removal and purge. */
class DevicesTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    static Http http;

    @BeforeAll
    static void start() {
        http = new Http(app.url());
    }

    static final String PHONE = "{\"platform\":\"android\",\"model\":\"Pixel 8\",\"osVersion\":\"Android 15\","
            + "\"appVersion\":\"1.4.2\",\"installId\":\"7f1c9b2e-android-install-0001\"}";

    static HttpResponse<String> register(String token, String body) {
        return http.postJson("/api/v1/devices", body, "Authorization", "Bearer " + token);
    }

    @Test
    @Tag("PR-04")
    @Tag("PR-08")
    @Tag("PR-09")
    @Tag("PR-14")
    void fieldsThePolicyExcludesAreRefusedByNameAndLeaveNoTrace() {
        String token = app.newUserToken("excluded@example.org", Scope.DEVICES_WRITE);
        for (String field : new String[] {"imei", "macAddress", "installedApps", "contacts", "location",
                "androidId", "serialNumber"}) {
            String body = PHONE.replace("}", ",\"" + field + "\":\"35-209900-176148-1-SECRET\"}");
            HttpResponse<String> r = register(token, body);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("\"field\":\"$." + field + "\"").contains("\"rule\":\"not-collected\"");
        }
        assertThat(register(token, PHONE.replace("}", ",\"nickname\":\"x\"}")).body()).contains("unknown-field");
        Integer devices = app.sql().withHandle(h -> h.createQuery("select count(*) from device").mapTo(Integer.class)
                .one());
        assertThat(devices).isZero();
        String everything = app.sql().withHandle(h -> h.createQuery(
                "select coalesce(string_agg(detail, '|'), '') from security_event").mapTo(String.class).one());
        assertThat(everything).doesNotContain("SECRET");
    }

    @Test
    @Tag("PR-11")
    @Tag("PR-12")
    void theInstallIdIsKeptOnlyAsAPerAccountPseudonymAndThePushAliasIsRandom() throws Exception {
        String alice = app.newUserToken("alice.device@example.org", Scope.DEVICES_WRITE);
        String bob = app.newUserToken("bob.device@example.org", Scope.DEVICES_WRITE);
        HttpResponse<String> a = register(alice, PHONE);
        HttpResponse<String> b = register(bob, PHONE);
        assertThat(a.statusCode()).as(a.body()).isEqualTo(201);
        JsonNode device = new ObjectMapper().readTree(a.body());
        assertThat(device.path("model").asText()).isEqualTo("Pixel 8");
        UUID alias = UUID.fromString(device.path("pushAlias").asText());
        assertThat(alias.version()).isEqualTo(4);
        // Same phone, two accounts: the stored keys differ, so the accounts cannot be joined on them.
        int keys = app.sql().withHandle(h -> h.createQuery("select count(distinct device_key) from device")
                .mapTo(Integer.class).one());
        assertThat(keys).isEqualTo(2);
        String dump = app.sql().withHandle(h -> h.createQuery(
                "select string_agg(encode(device_key, 'escape') || model || os_version, '|') from device")
                .mapTo(String.class).one());
        assertThat(dump).doesNotContain("7f1c9b2e");
        // Registering again updates the same device and keeps the alias.
        JsonNode again = new ObjectMapper().readTree(register(alice, PHONE.replace("1.4.2", "1.5.0")).body());
        assertThat(again.path("id").asText()).isEqualTo(device.path("id").asText());
        assertThat(again.path("pushAlias").asText()).isEqualTo(alias.toString());
        // Rotating gives a new alias.
        HttpResponse<String> rotated = http.postJson("/api/v1/devices/" + device.path("id").asText() + "/push-alias",
                "{}", "Authorization", "Bearer " + alice);
        assertThat(rotated.body()).doesNotContain(alias.toString()).contains("pushAlias");
        assertThat(b.statusCode()).isEqualTo(201);
    }

    @Test
    @Tag("PR-12")
    void anAppLoggingOutLosesItsPushAlias() throws Exception {
        app.newUser("logout.app@example.org");
        String token = appLogin("logout.app@example.org");
        JsonNode device = new ObjectMapper().readTree(register(token, PHONE).body());
        assertThat(device.path("pushAlias").asText()).isNotEmpty();
        assertThat(http.send("DELETE", "/api/v1/auth/token", null, "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(204);
        assertThat(http.get("/api/v1/devices", "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
        UUID owner = app.app().accounts().findId("logout.app@example.org").orElseThrow();
        // The device is unlinked (no longer listed) and its alias is gone; logging in again links it anew.
        assertThat(app.app().devices().list(owner)).isEmpty();
        assertThat(count(owner, "push_alias is null and unlinked_at is not null")).isEqualTo(1);
        JsonNode again = new ObjectMapper().readTree(register(appLogin("logout.app@example.org"), PHONE).body());
        assertThat(again.path("id").asText()).isEqualTo(device.path("id").asText());
        assertThat(again.path("pushAlias").asText()).isNotEmpty().isNotEqualTo(device.path("pushAlias").asText());
        assertThat(app.app().devices().list(owner)).hasSize(1);
    }

    private static String appLogin(String login) throws Exception {
        HttpResponse<String> r = http.postJson("/api/v1/auth/token", "{\"identifier\":\"" + login + "\","
                + "\"password\":\"" + TestApp.PASSWORD + "\",\"name\":\"phone\",\"scopes\":[\"devices:write\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new ObjectMapper().readTree(r.body()).path("token").asText();
    }

    @Test
    @Tag("PR-08")
    void appLoginRefusesAMacAddressByName() {
        HttpResponse<String> r = http.postJson("/api/v1/auth/token", "{\"identifier\":\"x@example.org\","
                + "\"password\":\"whatever it is\",\"mac\":\"AA:BB:CC:DD:EE:FF\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"field\":\"$.mac\"").contains("not-collected");
    }

    @Test
    @Tag("PR-14")
    void anImplicitlyUnlinkedDeviceIsShownNoMoreAndPurgedAfterNinetyDays() throws Exception {
        app.newUser("purge.device@example.org");
        String token = appLogin("purge.device@example.org");
        assertThat(register(token, PHONE).statusCode()).isEqualTo(201);
        UUID owner = app.app().accounts().findId("purge.device@example.org").orElseThrow();
        Http web = new Http(app.url());
        WebAccountFlowTest.login(web, "purge.device@example.org");
        assertThat(web.get("/settings").body()).contains("Pixel 8").contains("Android 15").contains("1.4.2");
        // The app logs out: its device is unlinked implicitly, hidden at once, its facts kept 90 days for support.
        assertThat(http.send("DELETE", "/api/v1/auth/token", null, "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(204);
        assertThat(web.get("/settings").body()).doesNotContain("Pixel 8");
        assertThat(count(owner)).isEqualTo(1);
        clock.advance(Duration.ofDays(89));
        app.app().jobs().runNow(org.mqcgm.server.retention.RetentionFeature.JOB);
        assertThat(count(owner)).isEqualTo(1);
        clock.advance(Duration.ofDays(2));
        app.app().jobs().runNow(org.mqcgm.server.retention.RetentionFeature.JOB);
        assertThat(count(owner)).isZero();
    }

    @Test
    void reportingACompromiseUnlinksEveryDeviceAndKeepsItsFactsForThePurge() {
        String token = app.newUserToken("compromise.device@example.org", Scope.DEVICES_WRITE);
        assertThat(register(token, PHONE).statusCode()).isEqualTo(201);
        UUID owner = app.app().accounts().findId("compromise.device@example.org").orElseThrow();
        Http web = new Http(app.url());
        WebAccountFlowTest.login(web, "compromise.device@example.org");
        assertThat(web.postForm("/settings/compromised", java.util.Map.of()).statusCode()).isEqualTo(200);
        assertThat(app.app().devices().list(owner)).isEmpty();
        assertThat(count(owner, "push_alias is null and token_id is null and unlinked_at is not null")).isEqualTo(1);
    }

    @Test
    @Tag("PR-63")
    void removingADeviceOnSettingsDeletesItsRowAtOnce() throws Exception {
        String token = app.newUserToken("remove.device@example.org", Scope.DEVICES_WRITE);
        JsonNode device = new ObjectMapper().readTree(register(token, PHONE).body());
        UUID owner = app.app().accounts().findId("remove.device@example.org").orElseThrow();
        Http web = new Http(app.url());
        WebAccountFlowTest.login(web, "remove.device@example.org");
        assertThat(web.get("/settings").body()).contains("Pixel 8");
        // The Remove button leads to a confirmation; only its own button deletes the device.
        HttpResponse<String> confirm = web.postForm("/settings/devices/" + device.path("id").asText() + "/remove",
                java.util.Map.of());
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("Pixel 8 (android) will be deleted at once");
        assertThat(count(owner)).isEqualTo(1);
        assertThat(web.postForm("/settings/devices/" + device.path("id").asText() + "/remove",
                java.util.Map.of("confirm", "yes")).statusCode()).isEqualTo(303);
        assertThat(web.get("/settings").body()).doesNotContain("Pixel 8");
        assertThat(count(owner)).isZero();
        assertThat(web.postForm("/settings/devices/" + device.path("id").asText() + "/remove",
                java.util.Map.of("confirm", "yes")).statusCode()).isEqualTo(404);
    }

    @Test
    @Tag("PR-63")
    void deletingADeviceThroughTheApiDeletesItsRowAndAliasAtOnce() throws Exception {
        String token = app.newUserToken("api.remove.device@example.org", Scope.DEVICES_WRITE);
        JsonNode device = new ObjectMapper().readTree(register(token, PHONE).body());
        String alias = device.path("pushAlias").asText();
        UUID owner = app.app().accounts().findId("api.remove.device@example.org").orElseThrow();
        HttpResponse<String> r = http.send("DELETE", "/api/v1/devices/" + device.path("id").asText(), null,
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(count(owner)).isZero();
        int withAlias = app.sql().withHandle(h -> h.createQuery("select count(*) from device where push_alias = :a")
                .bind("a", UUID.fromString(alias)).mapTo(Integer.class).one());
        assertThat(withAlias).isZero();
        assertThat(http.send("DELETE", "/api/v1/devices/" + device.path("id").asText(), null,
                "Authorization", "Bearer " + token).statusCode()).isEqualTo(404);
    }

    private static int count(UUID owner) {
        return count(owner, "true");
    }

    private static int count(UUID owner, String condition) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from device where owner_id = :o and "
                        + condition)
                .bind("o", owner).mapTo(Integer.class).one());
    }
}
