package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

class CompromiseAndActivityTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    @Tag("PR-59")
    void reportingACompromiseRevokesEverythingAndRequiresANewPassword() {
        UUID owner = app.newUser("+86 132 4444 5555");
        String token = app.app().apiTokens().create(owner, "uploader", EnumSet.allOf(Scope.class));
        Http elsewhere = new Http(app.url());
        WebAccountFlowTest.login(elsewhere, "+8613244445555");
        Http me = new Http(app.url());
        WebAccountFlowTest.login(me, "+8613244445555");
        HttpResponse<String> reported = me.postForm("/settings/compromised", Map.of());
        assertThat(reported.statusCode()).isEqualTo(200);
        assertThat(reported.body()).contains("data-testid=\"compromise-done\"");
        assertThat(elsewhere.get("/today").statusCode()).isEqualTo(303);
        assertThat(me.get("/today").statusCode()).isEqualTo(303);
        assertThat(me.get("/api/v1/readings", "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
        HttpResponse<String> login = WebAccountFlowTest.login(me, "+8613244445555");
        assertThat(login.statusCode()).isEqualTo(403);
        // The reset code was sent; with it the owner takes the account back.
        String code = app.awaitOutbox("+8613244445555", Pattern.compile("code (\\d{6})"));
        assertThat(me.postForm("/password-reset/confirm", Map.of("identifier", "+8613244445555", "code", code,
                "password", "granite willow harbor seven")).statusCode()).isEqualTo(200);
        assertThat(me.postForm("/login", Map.of("identifier", "+8613244445555",
                "password", "granite willow harbor seven")).statusCode()).isEqualTo(303);
        assertThat(app.app().accounts().events().recent(owner, 50)).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(SecurityEvents.Kind.COMPROMISE_REPORTED);
            assertThat(e.detail()).contains("P1");
        });
    }

    @Test
    void securityActivityShowsLoginsFailuresAndChanges() {
        app.newUser("activity@example.org");
        Http http = new Http(app.url());
        http.postForm("/login", Map.of("identifier", "activity@example.org", "password", "not my password"));
        WebAccountFlowTest.login(http, "activity@example.org");
        http.post("/settings/tokens", "application/x-www-form-urlencoded",
                "name=watch&scope=readings%3Aread&_csrf=" + http.csrfToken());
        String page = http.get("/settings/activity").body();
        assertThat(page).contains("data-kind=\"login\"").contains("data-kind=\"login-failed\"")
                .contains("data-kind=\"token-created\"").contains("data-kind=\"account-created\"")
                .contains("127.0.0.0/24").doesNotContain("127.0.0.1<");
        HttpResponse<String> api = http.get("/api/v1/me/security-events");
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.body()).contains("\"kind\":\"login-failed\"");
    }

    @Test
    void meShowsTheProfileToItsOwnerOnly() {
        String token = app.newUserToken("profile@example.org", Scope.PROFILE_READ);
        HttpResponse<String> me = new Http(app.url()).get("/api/v1/me", "Authorization", "Bearer " + token);
        assertThat(me.body()).contains("\"email\":\"profile@example.org\"").contains("\"roles\":[\"user\"]");
        String noScope = app.newUserToken("noscope@example.org", Scope.READINGS_READ);
        assertThat(new Http(app.url()).get("/api/v1/me", "Authorization", "Bearer " + noScope).statusCode())
                .isEqualTo(403);
    }
}
