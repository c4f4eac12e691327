package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * Correcting the profile (PR-62): time zone, unit and language corrected over the API show at once in the API and
 * in the pages of a session already open, and corrected on Settings show at once in the API; wrong values are
 * named and change nothing.
 */
class ProfileCorrectionTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static JsonNode me(Http http, String token) throws Exception {
        return JSON.readTree(http.get("/api/v1/me", "Authorization", "Bearer " + token).body());
    }

    static HttpResponse<String> correct(Http http, String token, String body) {
        return http.send("PUT", "/api/v1/me/profile", body, "Authorization", "Bearer " + token,
                "Content-Type", "application/json");
    }

    @Test
    @Tag("PR-62")
    void aProfileCorrectedOverTheApiShowsAtOnceInTheApiAndInAnOpenSession() throws Exception {
        UUID id = app.newUser("correct.profile@example.org");
        String token = app.app().apiTokens().create(id, "app", java.util.EnumSet.of(Scope.PROFILE_READ,
                Scope.PROFILE_WRITE));
        Http api = new Http(app.url());
        Http web = new Http(app.url());
        WebAccountFlowTest.login(web, "correct.profile@example.org");
        assertThat(web.get("/settings").body()).contains("value=\"Europe/Berlin\"").contains("<html lang=\"en\"");
        assertThat(me(api, token).path("unit").asText()).isEqualTo("mg/dL");

        HttpResponse<String> r = correct(api, token,
                "{\"timeZone\":\"Asia/Shanghai\",\"unit\":\"mmol/L\",\"language\":\"zh-CN\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.path("timeZone").asText()).isEqualTo("Asia/Shanghai");
        JsonNode after = me(api, token);
        assertThat(after.path("timeZone").asText()).isEqualTo("Asia/Shanghai");
        assertThat(after.path("unit").asText()).isEqualTo("mmol/L");
        assertThat(after.path("language").asText()).isEqualTo("zh-CN");
        // The session opened before the correction shows it on its next page.
        String settings = web.get("/settings").body();
        assertThat(settings).contains("value=\"Asia/Shanghai\"").contains("<html lang=\"zh-CN\"");
        assertThat(web.get("/today").body()).contains("mmol/L");

        // One field alone; the others stay.
        assertThat(correct(api, token, "{\"unit\":\"mg/dL\"}").statusCode()).isEqualTo(200);
        assertThat(me(api, token).path("unit").asText()).isEqualTo("mg/dL");
        assertThat(me(api, token).path("language").asText()).isEqualTo("zh-CN");
    }

    @Test
    @Tag("PR-62")
    void aTimeZoneCorrectedOnSettingsShowsAtOnceInTheApi() throws Exception {
        UUID id = app.newUser("correct.web@example.org");
        String token = app.app().apiTokens().create(id, "app", java.util.EnumSet.of(Scope.PROFILE_READ));
        Http web = new Http(app.url());
        WebAccountFlowTest.login(web, "correct.web@example.org");
        assertThat(web.postForm("/settings/timezone", Map.of("time_zone", "America/New_York")).statusCode())
                .isEqualTo(303);
        assertThat(me(new Http(app.url()), token).path("timeZone").asText()).isEqualTo("America/New_York");
        assertThat(app.app().accounts().find(id).orElseThrow().timeZone().getId()).isEqualTo("America/New_York");
    }

    @Test
    void wrongValuesAreNamedAndChangeNothing() throws Exception {
        UUID id = app.newUser("correct.bad@example.org");
        String token = app.app().apiTokens().create(id, "app", java.util.EnumSet.of(Scope.PROFILE_READ,
                Scope.PROFILE_WRITE));
        Http api = new Http(app.url());
        record Case(String body, String field, String rule) {
        }
        for (Case c : List.of(
                new Case("{\"timeZone\":\"Mars/Olympus\",\"unit\":\"mmol/L\"}", "$.timeZone", "zone"),
                new Case("{\"unit\":\"mg\",\"language\":\"zh-CN\"}", "$.unit", "one-of"),
                new Case("{\"language\":\"fr\"}", "$.language", "one-of"),
                new Case("{\"timeZone\":8}", "$.timeZone", "type"),
                new Case("{}", "$", "min-properties"))) {
            HttpResponse<String> r = correct(api, token, c.body());
            assertThat(r.statusCode()).as(c.body() + " → " + r.body()).isEqualTo(422);
            assertThat(r.body()).contains("\"field\":\"" + c.field() + "\"").contains("\"rule\":\"" + c.rule() + "\"");
        }
        HttpResponse<String> unknown = correct(api, token, "{\"email\":\"new@example.org\"}");
        assertThat(unknown.statusCode()).isIn(400, 422);
        assertThat(unknown.body()).contains("$.email");
        JsonNode me = me(api, token);
        assertThat(me.path("timeZone").asText()).isEqualTo("Europe/Berlin");
        assertThat(me.path("unit").asText()).isEqualTo("mg/dL");
        assertThat(me.path("language").asText()).isEqualTo("en");
        assertThat(me.path("email").asText()).isEqualTo("correct.bad@example.org");
        String readOnly = app.app().apiTokens().create(id, "ro", java.util.EnumSet.of(Scope.PROFILE_READ));
        assertThat(correct(api, readOnly, "{\"unit\":\"mmol/L\"}").statusCode()).isEqualTo(403);
    }
}
