package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** The scopes an app asks for at login: a list of known scopes, never "all" by mistake. */
class AppLoginScopesTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static Http http;

    @BeforeAll
    static void start() {
        app.newUser("scopes@example.org");
        http = new Http(app.url());
    }

    private static HttpResponse<String> login(String extra) {
        return http.postJson("/api/v1/auth/token", "{\"identifier\":\"scopes@example.org\",\"password\":\""
                + TestApp.PASSWORD + "\"" + extra + "}");
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return new ObjectMapper().readTree(r.body());
    }

    private static void assertRefused(HttpResponse<String> r, String rule) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(json(r).path("errors")).anySatisfy(e -> {
            assertThat(e.path("field").asText()).isEqualTo("$.scopes");
            assertThat(e.path("rule").asText()).isEqualTo(rule);
        });
        assertThat(r.body()).doesNotContain("\"token\"");
    }

    @Test
    void aStringInsteadOfAListIsRefusedNotReadAsEveryScope() throws Exception {
        assertRefused(login(",\"scopes\":\"readings:read\""), "type");
        assertRefused(login(",\"scopes\":null"), "type");
        assertRefused(login(",\"scopes\":{\"readings:read\":true}"), "type");
    }

    @Test
    void anEmptyListIsRefused() throws Exception {
        assertRefused(login(",\"scopes\":[]"), "min-items");
    }

    @Test
    void unknownScopesAndNonStringItemsAreRefused() throws Exception {
        assertRefused(login(",\"scopes\":[\"readings:read\",\"admin:all\"]"), "one-of");
        assertRefused(login(",\"scopes\":[1]"), "type");
    }

    @Test
    void theAskedScopesAreGrantedAndAnAbsentListMeansTheDocumentedDefaultOfAll() throws Exception {
        HttpResponse<String> some = login(",\"scopes\":[\"readings:read\"]");
        assertThat(some.statusCode()).as(some.body()).isEqualTo(201);
        assertThat(json(some).path("scopes")).extracting(JsonNode::asText).containsExactly("readings:read");

        HttpResponse<String> all = login("");
        assertThat(all.statusCode()).as(all.body()).isEqualTo(201);
        assertThat(json(all).path("scopes")).extracting(JsonNode::asText).containsExactlyInAnyOrderElementsOf(
                List.of("readings:read", "readings:write", "devices:write", "profile:read", "profile:write",
                        "account:manage", "sharing", "logbook", "community", "alerts", "support", "nightscout"));
    }

    @Test
    void otherFieldsOfTheWrongTypeAreRefusedByName() throws Exception {
        HttpResponse<String> r = login(",\"name\":42");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("\"field\":\"$.name\"");
    }
}
