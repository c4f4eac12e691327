package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.AllAtOnce;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestTotp;
import org.mqcgm.testkit.MutableClock;

/**
 * The second factor cannot be turned off by opening a page, and cannot be guessed without limit: every factor's
 * failures count toward the account's lock, and each try of a code is used up before it is compared.
 */
class TwoFactorLimitsTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClassBehindProxy("127.0.0.1/32", clock);

    private static String code(String secret) {
        return TestTotp.code(secret, clock.instant().getEpochSecond());
    }

    /** A six-digit code that is none of the codes accepted now (the current step and its neighbours). */
    private static String wrongCode(String secret) {
        long now = clock.instant().getEpochSecond();
        List<String> valid = List.of(TestTotp.code(secret, now - 30), TestTotp.code(secret, now),
                TestTotp.code(secret, now + 30));
        for (int i = 0; ; i++) {
            String c = String.format("%06d", i);
            if (!valid.contains(c)) {
                return c;
            }
        }
    }

    private static boolean twoFactorOn(String login) {
        return app.app().accounts().find(app.app().accounts().findId(login).orElseThrow()).orElseThrow().twoFactor();
    }

    private static String challenge(HttpResponse<String> loginPage) {
        Matcher m = Pattern.compile("name=\"challenge\" value=\"([^\"]+)\"").matcher(loginPage.body());
        assertThat(m.find()).as(loginPage.body()).isTrue();
        return m.group(1);
    }

    /** Logs in with the password and the code of {@code secret}; the status of the second step. */
    private static int loginWith(String login, String secret) {
        Http http = new Http(app.url());
        String challenge = challenge(WebAccountFlowTest.login(http, login));
        return http.postForm("/login/2fa", Map.of("challenge", challenge, "code", code(secret), "next", "/today"))
                .statusCode();
    }

    @Test
    void openingTheSetupPageLeavesAnActiveSecondFactorOnAndANewPhoneReplacesTheOldOnlyOnceConfirmed() {
        app.newUser("keep2fa@example.org");
        Http http = new Http(app.url());
        WebAccountFlowTest.login(http, "keep2fa@example.org");
        String first = TwoFactorTest.enrol(http, TwoFactorLimitsTest::code)[0];
        assertThat(twoFactorOn("keep2fa@example.org")).isTrue();

        HttpResponse<String> page = http.get("/settings/2fa");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("<svg class=\"qr\"").contains("data-testid=\"two-factor-start\"");
        assertThat(twoFactorOn("keep2fa@example.org")).as("a GET changes nothing").isTrue();

        // Setting up a new phone: the old one keeps working until the new one is confirmed.
        HttpResponse<String> started = http.postForm("/settings/2fa/start", Map.of());
        Matcher m = Pattern.compile("data-testid=\"totp-secret\">([A-Z2-7 ]+)<").matcher(started.body());
        assertThat(m.find()).isTrue();
        String second = m.group(1);
        assertThat(twoFactorOn("keep2fa@example.org")).isTrue();
        clock.advance(Duration.ofSeconds(31));
        assertThat(loginWith("keep2fa@example.org", first)).isEqualTo(303);

        clock.advance(Duration.ofSeconds(31));
        assertThat(http.postForm("/settings/2fa", Map.of("code", code(second))).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(31));
        assertThat(loginWith("keep2fa@example.org", second)).isEqualTo(303);
        clock.advance(Duration.ofSeconds(31));
        assertThat(loginWith("keep2fa@example.org", first)).as("the old phone is replaced").isEqualTo(422);
    }

    @Test
    void parallelGuessesOnOneChallengeGetNoMoreComparisonsThanItsTries() throws Exception {
        app.newUser("race2fa@example.org");
        Http http = new Http(app.url());
        WebAccountFlowTest.login(http, "race2fa@example.org");
        String secret = TwoFactorTest.enrol(http, TwoFactorLimitsTest::code)[0];
        clock.advance(Duration.ofSeconds(31));
        Http attacker = new Http(app.url());
        String challenge = challenge(WebAccountFlowTest.login(attacker, "race2fa@example.org"));
        String wrong = wrongCode(secret);

        List<Integer> statuses = AllAtOnce.run(20, () -> attacker.postForm("/login/2fa", Map.of("challenge",
                challenge, "code", wrong, "next", "/today")).statusCode());
        // 422 "wrong code" is a comparison; 410 "no tries left" is not.
        assertThat(statuses).filteredOn(s -> s == 422).hasSizeLessThanOrEqualTo(Registrations.MAX_TRIES);
        assertThat(statuses).containsOnly(422, 410);
        assertThat(attacker.postForm("/login/2fa", Map.of("challenge", challenge, "code", code(secret),
                "next", "/today")).statusCode()).as("the right code after the tries are used up").isEqualTo(410);
    }

    @Test
    void wrongCodesAtLoginCountTowardTheLockEvenWithAFreshChallengeEachTime() {
        app.newUser("guess2fa@example.org");
        Http http = new Http(app.url());
        WebAccountFlowTest.login(http, "guess2fa@example.org");
        String secret = TwoFactorTest.enrol(http, TwoFactorLimitsTest::code)[0];
        clock.advance(Duration.ofSeconds(31));
        Http api = new Http(app.url());
        for (int i = 0; i < LoginFailures.PER_CLIENT; i++) {
            HttpResponse<String> r = api.postJson("/api/v1/auth/token", "{\"identifier\":\"guess2fa@example.org\","
                    + "\"password\":\"" + TestApp.PASSWORD + "\",\"code\":\"" + wrongCode(secret) + "\"}",
                    "X-Forwarded-For", "198.51.100.44");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        }
        HttpResponse<String> right = api.postJson("/api/v1/auth/token", "{\"identifier\":\"guess2fa@example.org\","
                + "\"password\":\"" + TestApp.PASSWORD + "\",\"code\":\"" + code(secret) + "\"}",
                "X-Forwarded-For", "198.51.100.44");
        assertThat(right.statusCode()).as(right.body()).isEqualTo(429);
        UUID owner = app.app().accounts().findId("guess2fa@example.org").orElseThrow();
        assertThat(app.app().accounts().events().recent(owner, 50)).extracting(SecurityEvents.Event::kind)
                .contains(SecurityEvents.Kind.LOGIN_LOCKED);
    }

    @Test
    void wrongPasswordsWhenConfirmingIdentityCountTowardTheLock() {
        app.newUser("confirm.guess@example.org");
        Http http = new Http(app.url());
        WebAccountFlowTest.login(http, "confirm.guess@example.org");
        for (int i = 0; i < LoginFailures.PER_CLIENT; i++) {
            assertThat(http.postForm("/confirm", Map.of("password", "guess number " + i, "next", "/settings"))
                    .statusCode()).isEqualTo(401);
        }
        assertThat(http.postForm("/confirm", Map.of("password", TestApp.PASSWORD, "next", "/settings"))
                .statusCode()).isEqualTo(429);
    }
}
