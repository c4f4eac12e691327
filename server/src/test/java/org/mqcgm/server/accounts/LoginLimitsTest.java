package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** Guessing limits: per account (lock + notice) and per network address (429 with Retry-After). */
class LoginLimitsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    @Tag("PR-06")
    @Tag("PR-72")
    void theEleventhFailedLoginInFifteenMinutesIsThrottledAndTheOwnerIsTold() {
        app.newUser("+86 131 0000 0001");
        Accounts accounts = app.app().accounts();
        for (int i = 0; i < 10; i++) {
            String wrong = "wrong password number " + i;
            assertThatThrownBy(() -> accounts.login("+8613100000001", wrong, ClientFacts.NONE))
                    .isInstanceOfSatisfying(ProblemException.class,
                            e -> assertThat(e.problem().status()).isEqualTo(401));
        }
        // Locked now, even with the right password: 429 with the time to wait.
        assertThatThrownBy(() -> accounts.login("+8613100000001", TestApp.PASSWORD, ClientFacts.NONE))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(429);
                    assertThat(((Number) e.problem().anyExtensions().get("retryAfter")).longValue())
                            .isBetween(1L, 900L);
                });
        assertThat(app.awaitOutbox("+8613100000001", Pattern.compile("(locked for 15 minutes)"))).isNotEmpty();
        // The lock is explained with the rule that caused it (PR-72).
        assertThat(accounts.events().recent(accounts.findId("+8613100000001").orElseThrow(), 20))
                .anySatisfy(e -> {
                    assertThat(e.kind()).isEqualTo(SecurityEvents.Kind.LOGIN_LOCKED);
                    assertThat(e.detail()).contains("10 failures in 15 min");
                });
    }

    @Test
    void tooManyAttemptsFromOneAddressGet429WithRetryAfter() {
        LoginThrottle throttle = new LoginThrottle(3);
        throttle.attempt("login", "203.0.113.9");
        throttle.attempt("login", "203.0.113.9");
        throttle.attempt("login", "203.0.113.9");
        assertThatThrownBy(() -> throttle.attempt("login", "203.0.113.9"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(429));
        // Another address and another action are counted apart.
        throttle.attempt("login", "203.0.113.10");
        throttle.attempt("reset", "203.0.113.9");
    }

    @Test
    void theHttpAnswerToThrottlingCarriesRetryAfter() {
        Http http = new Http(app.url());
        HttpResponse<String> last = null;
        for (int i = 0; i <= LoginThrottle.PER_IP_ATTEMPTS; i++) {
            last = http.postForm("/password-reset", Map.of("identifier", "nobody" + i + "@example.org"));
        }
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Long.parseLong(v)).isPositive());
    }

    @Test
    void passwordsAreCheckedAgainstCommonAndPersonalWords() {
        java.util.List<org.mqcgm.server.platform.http.Problem.FieldError> errors = new java.util.ArrayList<>();
        PasswordPolicy.check("qwertyuiop123", java.util.List.of(), errors);
        PasswordPolicy.check("Li.Wei.Mqcgm.2026", java.util.List.of("li.wei@example.org"), errors);
        PasswordPolicy.check("86138123456789", java.util.List.of("+8613812345678"), errors);
        assertThat(errors).extracting(org.mqcgm.server.platform.http.Problem.FieldError::rule)
                .containsExactly("guessable", "personal", "personal");
        errors.clear();
        PasswordPolicy.check("sunflower tea kettle nine", java.util.List.of("li.wei@example.org"), errors);
        PasswordPolicy.check("三只小猪在山上盖新房子了吗", java.util.List.of(), errors);
        assertThat(errors).isEmpty();
    }
}
