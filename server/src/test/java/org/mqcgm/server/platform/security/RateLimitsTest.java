package org.mqcgm.server.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Issue 16, requests: the platform's one rate limiter — per credential, per account (three times that) and, for
 * anonymous callers, per client address; 429 problem+json with Retry-After; counted for operators.
 */
class RateLimitsTest {

    static final MutableClock clock = MutableClock.now();
    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), clock, () -> null, c -> c.withRateLimits(
            RateLimits.Settings.DEFAULT.with(RateLimit.IMPORTS, new RateLimits.Rule(2, Duration.ofHours(1)))
                    .with(RateLimit.PUBLIC_FORMS, new RateLimits.Rule(2, Duration.ofHours(1)))));

    /** An import's commit (an unknown import: the limit counts before the handler answers 404). */
    static HttpResponse<String> commit(String token) {
        return new Http(app.url()).send("POST", "/api/v1/imports/" + UUID.randomUUID() + "/commit", "",
                "Authorization", "Bearer " + token);
    }

    @Test
    void importsAreLimitedPerTokenAndPerAccountWith429RetryAfterAndACounter() {
        UUID owner = app.newUser("limited@example.org");
        String[] tokens = new String[3];
        for (int i = 0; i < 3; i++) {
            tokens[i] = app.app().apiTokens().create(owner, "t" + i, java.util.EnumSet.of(Scope.READINGS_WRITE));
        }
        assertThat(commit(tokens[0]).statusCode()).isNotEqualTo(429);
        assertThat(commit(tokens[0]).statusCode()).isNotEqualTo(429);
        HttpResponse<String> refused = commit(tokens[0]);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(refused.body()).contains("/problems/rate-limited").contains("\"limit\":\"imports\"")
                .contains("RATE_LIMITED");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 3600L);

        // Another token of the account has its own allowance, until the account's (3 × 2) is used up.
        assertThat(commit(tokens[1]).statusCode()).isNotEqualTo(429);
        assertThat(commit(tokens[1]).statusCode()).isNotEqualTo(429);
        assertThat(commit(tokens[1]).statusCode()).isEqualTo(429);
        HttpResponse<String> account = commit(tokens[2]);
        assertThat(account.statusCode()).as("the account's limit").isEqualTo(429);
        assertThat(account.body()).contains("for an account");
        // Another account is not affected.
        assertThat(commit(app.newUserToken("unaffected@example.org", Scope.READINGS_WRITE)).statusCode())
                .isNotEqualTo(429);

        assertThat(app.app().metrics().scrape())
                .containsPattern("mqcgm_rate_limited_total\\{[^}]*by=\"credential\"[^}]*limit=\"imports\"[^}]*\\} 2")
                .containsPattern("mqcgm_rate_limited_total\\{[^}]*by=\"account\"[^}]*limit=\"imports\"[^}]*\\} 1");

        clock.advance(Duration.ofSeconds(retryAfter));
        assertThat(commit(tokens[0]).statusCode()).as("a new window").isNotEqualTo(429);
    }

    @Test
    void publicFormsAreLimitedPerClientAddress() {
        Http visitor = new Http(app.url());
        visitor.get("/report-child");
        for (int i = 0; i < 2; i++) {
            assertThat(visitor.postForm("/report-child", Map.of("account", "someone@example.org")).statusCode())
                    .isNotEqualTo(429);
        }
        HttpResponse<String> refused = visitor.postForm("/report-child", Map.of("account", "x@example.org"));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        // The same limit covers the other public forms of that client.
        assertThat(visitor.postForm("/privacy/request", Map.of()).statusCode()).isEqualTo(429);
        // Signed in, a person is counted by session and account, not by the shared address.
        app.newUser("inviter@example.org");
        Http inviter = app.login("inviter@example.org");
        assertThat(inviter.postForm("/guardian/invite", Map.of()).statusCode()).isNotEqualTo(429);
        // The routes declare their limits (the route table is what the matrix and the docs read).
        assertThat(app.app().routes()).filteredOn(r -> r.limit() == RateLimit.PUBLIC_FORMS)
                .extracting(r -> r.method() + " " + r.path())
                .contains("POST /report-child", "POST /guardian/invite", "POST /privacy/request");
    }

    @Test
    void limitsAreConfiguredAsRequestsPerWindowAndWrongValuesNameTheSetting() {
        RateLimits.Settings s = RateLimits.Settings.parse(Map.of("MQCGM_RATE_LIMIT_SEARCH", "5/30s",
                "MQCGM_RATE_LIMIT_EXPORTS", "3/1d"));
        assertThat(s.of(RateLimit.SEARCH)).isEqualTo(new RateLimits.Rule(5, Duration.ofSeconds(30)));
        assertThat(s.of(RateLimit.EXPORTS)).isEqualTo(new RateLimits.Rule(3, Duration.ofDays(1)));
        assertThat(s.of(RateLimit.REPORTS)).isEqualTo(RateLimit.REPORTS.defaultRule());
        for (String bad : new String[] {"abc", "0/1h", "10", "10/2d", "10/0s", "10/5w"}) {
            assertThatThrownBy(() -> RateLimits.Settings.parse(Map.of("MQCGM_RATE_LIMIT_IMPORTS", bad))).as(bad)
                    .hasMessageStartingWith("MQCGM_RATE_LIMIT_IMPORTS: ");
        }
    }
}
