package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Issue 16, sessions and tokens: API tokens expire (90 days unless the owner chose 1 to 365 days or, explicitly,
 * never), expired tokens are refused, tokens near their end are flagged; ending sessions and revoking tokens from
 * Settings need a recently confirmed password.
 */
class TokenLifetimeTest {

    static final MutableClock clock = MutableClock.now();
    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), clock);
    static final ObjectMapper JSON = new ObjectMapper();

    static HttpResponse<String> issue(String identifier, String extra) {
        return new Http(app.url()).postJson("/api/v1/auth/token", "{\"identifier\":\"" + identifier
                + "\",\"password\":\"" + TestApp.PASSWORD + "\",\"name\":\"app\"" + extra + "}");
    }

    static JsonNode body(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void theOwnerIsToldOnceWhenATokenEndsWithinTwoWeeks() throws Exception {
        UUID owner = app.newUser("renew@example.org");
        assertThat(issue("renew@example.org", ",\"expiresInDays\":20").statusCode()).isEqualTo(201);
        assertThat(issue("renew@example.org", ",\"expiresInDays\":\"never\"").statusCode()).isEqualTo(201);
        app.app().jobs().runNow(AccountsFeature.TOKEN_EXPIRY_JOB);
        assertThat(announced(owner)).as("20 days left: not yet").containsOnly(false);
        clock.advance(Duration.ofDays(7));
        assertThat(app.app().jobs().runNow(AccountsFeature.TOKEN_EXPIRY_JOB)).isPositive();
        assertThat(announced(owner)).as("13 days left: the 20-day token, not the one that never ends")
                .containsExactlyInAnyOrder(true, false);
        String notice = org.mqcgm.testkit.Wait.until("the renewal notice", () -> app.outboxMessages()
                .filter(m -> m.startsWith("To: renew@example.org\n")
                        && m.contains("Subject: An API token of your mqcgm account expires soon")).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertThat(notice).contains("14 days").contains("http://mqcgm.test/settings");
        assertThat(app.app().jobs().runNow(AccountsFeature.TOKEN_EXPIRY_JOB)).as("told once per token").isZero();
    }

    /** Whether each of the owner's tokens was announced as ending soon. */
    private static java.util.List<Boolean> announced(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery(
                        "select expiry_notice_at is not null from api_token where owner_id = :o")
                .bind("o", owner).mapTo(Boolean.class).list());
    }

    @Test
    void aTokenExpiresAfterItsLifetimeIsRefusedThenAndIsFlaggedTwoWeeksBefore() throws Exception {
        app.newUser("lifetime@example.org");
        Instant now = clock.instant();
        JsonNode byDefault = body(issue("lifetime@example.org", ""));
        assertThat(Instant.parse(byDefault.path("expiresAt").asText())).isEqualTo(now.plus(Duration.ofDays(90)));
        assertThat(byDefault.path("scopes").isArray()).as("the existing fields stay").isTrue();
        JsonNode tenDays = body(issue("lifetime@example.org", ",\"expiresInDays\":10"));
        JsonNode never = body(issue("lifetime@example.org", ",\"expiresInDays\":\"never\""));
        assertThat(never.has("expiresAt")).isTrue();
        assertThat(never.path("expiresAt").isNull()).isTrue();
        for (String bad : new String[] {"0", "366", "1.5", "\"forever\"", "\"90\"", "true"}) {
            HttpResponse<String> refused = issue("lifetime@example.org", ",\"expiresInDays\":" + bad);
            assertThat(refused.statusCode()).as(bad).isEqualTo(422);
            assertThat(refused.body()).contains("$.expiresInDays").contains("range");
        }
        String token = byDefault.path("token").asText();
        Http http = new Http(app.url());
        String[] auth = {"Authorization", "Bearer " + token};

        // The list flags the ten-day token (within 14 days of its end), shows "never" as null.
        JsonNode list = body(http.get("/api/v1/me/tokens", auth)).path("tokens");
        assertThat(list).hasSize(3);
        for (JsonNode t : list) {
            String id = t.path("id").asText();
            if (id.equals(tenDays.path("tokenId").asText())) {
                assertThat(t.path("expiringSoon").asBoolean()).isTrue();
            } else if (id.equals(never.path("tokenId").asText())) {
                assertThat(t.path("expiresAt").isNull()).isTrue();
                assertThat(t.path("expiringSoon").asBoolean()).isFalse();
            } else {
                assertThat(t.path("expiringSoon").asBoolean()).isFalse();
                assertThat(t.path("expired").asBoolean()).isFalse();
            }
        }

        // Used now (and so cached), refused once its end has passed: a 401 problem, also from the cache.
        assertThat(http.get("/api/v1/me", auth).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofDays(90));
        HttpResponse<String> expired = http.get("/api/v1/me", auth);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(expired.body()).contains("expired");
        assertThat(http.get("/api/v1/me", "Authorization", "Bearer " + tenDays.path("token").asText())
                .statusCode()).isEqualTo(401);
        String neverToken = never.path("token").asText();
        JsonNode after = body(http.get("/api/v1/me/tokens", "Authorization", "Bearer " + neverToken));
        assertThat(after.path("tokens")).anySatisfy(t -> assertThat(t.path("expired").asBoolean()).isTrue());

        // An expired token is kept 30 days for its owner to see, like a revoked one, then deleted.
        clock.advance(Duration.ofDays(31));
        app.app().jobs().runNow(org.mqcgm.server.retention.RetentionFeature.JOB);
        JsonNode kept = body(http.get("/api/v1/me/tokens", "Authorization", "Bearer " + neverToken)).path("tokens");
        assertThat(kept).singleElement().satisfies(t -> assertThat(t.path("id").asText())
                .isEqualTo(never.path("tokenId").asText()));
    }

    @Test
    void settingsAskForALifetimeAndShowNeverAndExpiringSoon() {
        UUID owner = app.newUser("settings.lifetime@example.org");
        Http http = app.login("settings.lifetime@example.org");
        String page = http.get("/settings").body();
        assertThat(page).contains("name=\"expires_in_days\"").contains("<option value=\"90\" selected>")
                .contains("<option value=\"never\">");
        for (String[] choice : new String[][] {{"never", "forever"}, {"7", "week"}}) {
            HttpResponse<String> made = http.post("/settings/tokens", "application/x-www-form-urlencoded",
                    "name=" + choice[1] + "&scope=readings%3Aread&expires_in_days=" + choice[0] + "&_csrf="
                            + http.csrfToken());
            assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
        }
        HttpResponse<String> refused = http.post("/settings/tokens", "application/x-www-form-urlencoded",
                "name=long&scope=readings%3Aread&expires_in_days=999&_csrf=" + http.csrfToken());
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(app.app().apiTokens().list(owner)).hasSize(2)
                .anySatisfy(t -> assertThat(t.neverExpires()).isTrue())
                .anySatisfy(t -> assertThat(t.expiresAt()).isEqualTo(t.createdAt().plus(Duration.ofDays(7))));
        String settings = http.get("/settings").body();
        assertThat(settings).contains("data-testid=\"token-never-expires\"").contains("never expires (your choice)")
                .contains("data-testid=\"token-expiring-soon\"");
    }

    @Test
    void endingSessionsAndRevokingTokensNeedARecentlyConfirmedPassword() {
        UUID owner = app.newUser("sensitive@example.org");
        String token = app.app().apiTokens().create(owner, "uploader",
                java.util.EnumSet.of(org.mqcgm.server.platform.security.Scope.PROFILE_READ));
        UUID tokenId = app.app().apiTokens().list(owner).get(0).id();
        Http phone = app.login("sensitive@example.org");
        Http laptop = app.login("sensitive@example.org");
        Matcher m = Pattern.compile("/settings/sessions/([0-9a-f]{12})/end").matcher(laptop.get("/settings").body());
        assertThat(m.find()).isTrue();
        String endOne = m.group();

        clock.advance(Duration.ofMinutes(6));
        for (String action : new String[] {"/settings/tokens/" + tokenId + "/revoke", endOne,
                "/settings/sessions/end-all"}) {
            HttpResponse<String> r = laptop.postForm(action, Map.of());
            assertThat(r.statusCode()).as(action).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(action)
                    .hasValueSatisfying(v -> assertThat(v).startsWith("/confirm"));
        }
        assertThat(app.app().apiTokens().list(owner).get(0).active()).as("nothing was revoked").isTrue();
        assertThat(phone.get("/today").statusCode()).as("nothing was ended").isEqualTo(200);
        assertThat(new Http(app.url()).get("/api/v1/me", "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(200);

        assertThat(laptop.postForm("/confirm", Map.of("password", TestApp.PASSWORD, "next", "/settings"))
                .statusCode()).isEqualTo(303);
        assertThat(laptop.postForm("/settings/tokens/" + tokenId + "/revoke", Map.of()).headers()
                .firstValue("Location")).hasValue("/settings#tokens");
        assertThat(new Http(app.url()).get("/api/v1/me", "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(401);
        assertThat(laptop.postForm("/settings/sessions/end-all", Map.of()).statusCode()).isEqualTo(303);
        assertThat(phone.get("/today").statusCode()).isEqualTo(303);
    }
}
