package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** Sign-up, login, logout, CSRF and tokens through the web pages, over real HTTP. */
class WebAccountFlowTest {

    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static HttpResponse<String> signUp(Http http, String email, String password) {
        return http.postForm("/signup", Map.of("email", email, "password", password, "time_zone", "Asia/Shanghai",
                "accept_policy", "yes"));
    }

    @Test
    void signUpLogsInAndLandsOnToday() {
        Http http = new Http(app.url());
        HttpResponse<String> r = signUp(http, "New.User@Example.org", "a long enough password");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).contains("/today");
        assertThat(r.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .startsWith("SESSION=").contains("HttpOnly").contains("SameSite=Lax"));
        HttpResponse<String> today = http.get("/today");
        assertThat(today.statusCode()).isEqualTo(200);
        assertThat(today.body()).contains("Log out").contains("data-testid=\"chart\"");
        assertThat(app.app().accounts().find(app.app().accounts()
                .authenticate("new.user@example.org", "a long enough password").orElseThrow())
                .orElseThrow().timeZone().getId()).isEqualTo("Asia/Shanghai");
    }

    @Test
    void signUpRejectsShortPasswordsBadEmailsAndMissingConsent() {
        Http http = new Http(app.url());
        HttpResponse<String> shortPw = signUp(http, "short@example.org", "1234567");
        assertThat(shortPw.statusCode()).isEqualTo(422);
        assertThat(shortPw.body()).contains("data-field=\"password\"").contains("at least 8");
        HttpResponse<String> badEmail = signUp(http, "not-an-email", "a long enough password");
        assertThat(badEmail.statusCode()).isEqualTo(422);
        assertThat(badEmail.body()).contains("data-field=\"email\"");
        HttpResponse<String> noConsent = http.postForm("/signup", Map.of("email", "nc@example.org",
                "password", "a long enough password"));
        assertThat(noConsent.statusCode()).isEqualTo(422);
        assertThat(noConsent.body()).contains("data-field=\"accept_policy\"");
        assertThat(app.app().accounts().authenticate("nc@example.org", "a long enough password")).isEmpty();
    }

    @Test
    void duplicateSignUpIsRefusedAndKeepsOneAccount() {
        Http http = new Http(app.url());
        assertThat(signUp(http, "twice@example.org", "a long enough password").statusCode()).isEqualTo(303);
        HttpResponse<String> again = signUp(new Http(app.url()), "TWICE@example.org", "another long password");
        assertThat(again.statusCode()).isEqualTo(409);
        Integer n = app.sql().withHandle(h -> h.createQuery("select count(*) from account").mapTo(Integer.class)
                .one());
        assertThat(app.app().accounts().authenticate("twice@example.org", "another long password")).isEmpty();
        assertThat(n).isPositive();
    }

    @Test
    void loginFailureLooksTheSameForUnknownEmailAndWrongPassword() {
        app.newUser("known@example.org", "the right password");
        Http http = new Http(app.url());
        HttpResponse<String> wrong = http.postForm("/login", Map.of("email", "known@example.org",
                "password", "the wrong password"));
        HttpResponse<String> unknown = http.postForm("/login", Map.of("email", "unknown@example.org",
                "password", "the wrong password"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(strip(wrong.body(), "known@example.org")).isEqualTo(strip(unknown.body(), "unknown@example.org"));
    }

    private static String strip(String html, String email) {
        return html.replace(email, "EMAIL").replaceAll("value=\"[A-Za-z0-9_-]{43}\"", "value=\"CSRF\"");
    }

    @Test
    void formsWithoutTheCsrfTokenAreRefused() {
        app.newUser("csrf@example.org", "the right password");
        Http http = new Http(app.url());
        HttpResponse<String> forged = http.post("/login", "application/x-www-form-urlencoded",
                Http.form(Map.of("email", "csrf@example.org", "password", "the right password")));
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> wrongToken = http.post("/login", "application/x-www-form-urlencoded",
                Http.form(Map.of("email", "csrf@example.org", "password", "the right password",
                        "_csrf", "x".repeat(43))));
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        // Signed in, a state-changing request without the token is refused too (e.g. logout from another site).
        assertThat(http.postForm("/login", Map.of("email", "csrf@example.org", "password", "the right password"))
                .statusCode()).isEqualTo(303);
        HttpResponse<String> logout = http.post("/logout", "application/x-www-form-urlencoded", "");
        assertThat(logout.statusCode()).isEqualTo(403);
        assertThat(http.get("/today").statusCode()).isEqualTo(200);
    }

    @Test
    void loginRotatesTheSessionAndLogoutEndsIt() {
        app.newUser("rotate@example.org", "the right password");
        Http http = new Http(app.url());
        http.postForm("/login", Map.of("email", "rotate@example.org", "password", "the right password"));
        String first = http.cookie("SESSION").orElseThrow();
        http.postForm("/login", Map.of("email", "rotate@example.org", "password", "the right password"));
        String second = http.cookie("SESSION").orElseThrow();
        assertThat(second).isNotEqualTo(first);
        // The old session id no longer works (no fixation).
        Http replay = new Http(app.url());
        assertThat(replay.get("/today", "Cookie", "SESSION=" + first).statusCode()).isEqualTo(303);
        assertThat(replay.get("/today", "Cookie", "SESSION=" + second).statusCode()).isEqualTo(200);
        assertThat(http.postForm("/logout", Map.of()).statusCode()).isEqualTo(303);
        assertThat(replay.get("/today", "Cookie", "SESSION=" + second).statusCode()).isEqualTo(303);
    }

    @Test
    void loginRedirectsOnlyToLocalPaths() {
        app.newUser("next@example.org", "the right password");
        Http http = new Http(app.url());
        HttpResponse<String> r = http.postForm("/login", Map.of("email", "next@example.org",
                "password", "the right password", "next", "//evil.example/phish"));
        assertThat(r.headers().firstValue("Location")).contains("/today");
        assertThat(AccountRoutes.safeNext("/settings")).isEqualTo("/settings");
        assertThat(AccountRoutes.safeNext("https://evil.example")).isEqualTo("/today");
        assertThat(AccountRoutes.safeNext("/\\evil")).isEqualTo("/today");
    }

    @Test
    void tokensAreCreatedShownOnceListedAndRevokedFromSettings() {
        app.newUser("tokens@example.org", "the right password");
        Http http = new Http(app.url());
        http.postForm("/login", Map.of("email", "tokens@example.org", "password", "the right password"));
        HttpResponse<String> created = http.post("/settings/tokens", "application/x-www-form-urlencoded",
                "name=uploader&scope=readings%3Aread&scope=readings%3Awrite&_csrf=" + http.csrfToken());
        assertThat(created.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("data-testid=\"new-token\"|value=\"(mqcgm_[A-Za-z0-9_-]{64})\"")
                .matcher(created.body());
        String token = null;
        while (m.find()) {
            if (m.group(1) != null) {
                token = m.group(1);
            }
        }
        assertThat(token).isNotNull();
        assertThat(http.get("/api/v1/readings", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        String listed = http.get("/settings").body();
        assertThat(listed).contains("uploader").doesNotContain(token);
        Matcher revoke = Pattern.compile("action=\"(/settings/tokens/[0-9a-f-]+/revoke)\"").matcher(listed);
        assertThat(revoke.find()).isTrue();
        assertThat(http.postForm(revoke.group(1), Map.of()).statusCode()).isEqualTo(303);
        assertThat(http.get("/api/v1/readings", "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
    }

    @Test
    void someoneElsesTokenCannotBeRevoked() {
        java.util.UUID owner = app.newUser("owner@example.org", "the right password");
        app.app().apiTokens().create(owner, "mine", java.util.EnumSet.allOf(
                org.mqcgm.server.platform.security.Scope.class));
        java.util.UUID tokenId = app.app().apiTokens().list(owner).get(0).id();
        app.newUser("intruder@example.org", "the right password");
        Http intruder = new Http(app.url());
        intruder.postForm("/login", Map.of("email", "intruder@example.org", "password", "the right password"));
        HttpResponse<String> r = intruder.postForm("/settings/tokens/" + tokenId + "/revoke", Map.of());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(app.app().apiTokens().list(owner).get(0).active()).isTrue();
    }
}
