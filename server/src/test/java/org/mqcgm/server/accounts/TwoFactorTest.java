package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/** TOTP two-factor authentication: the algorithm, enrolment, login, recovery codes, API login. */
class TwoFactorTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    @Test
    void totpMatchesTheRfc6238TestVectors() {
        byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        // RFC 6238 Appendix B (SHA-1), last six of the eight digits.
        assertThat(Totp.code(secret, Totp.step(59))).isEqualTo(287082);
        assertThat(Totp.code(secret, Totp.step(1111111109))).isEqualTo(81804);
        assertThat(Totp.code(secret, Totp.step(1234567890))).isEqualTo(5924);
        assertThat(Totp.code(secret, Totp.step(2000000000))).isEqualTo(279037);
        assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        long now = Totp.step(1111111109);
        assertThat(Totp.verify(secret, "081804", now, -1)).hasValue(now);
        assertThat(Totp.verify(secret, "081804", now + 1, -1)).hasValue(now);
        assertThat(Totp.verify(secret, "081804", now + 2, -1)).isEmpty();
        assertThat(Totp.verify(secret, "081804", now, now)).as("a used step is never accepted again").isEmpty();
        assertThat(Totp.verify(secret, "81804", now, -1)).isEmpty();
    }

    static String currentCode(String base32Secret) {
        return org.mqcgm.server.testing.TestTotp.code(base32Secret, clock.instant().getEpochSecond());
    }

    /** Enrols through the pages and returns the secret and the recovery codes. */
    static String[] enrol(Http http) {
        return enrol(http, TwoFactorTest::currentCode);
    }

    /** As {@link #enrol(Http)}, with the codes of another test's clock. */
    static String[] enrol(Http http, java.util.function.UnaryOperator<String> currentCode) {
        HttpResponse<String> page = http.postForm("/settings/2fa/start", Map.of());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("<svg class=\"qr\"");
        Matcher secret = Pattern.compile("data-testid=\"totp-secret\">([A-Z2-7 ]+)<").matcher(page.body());
        assertThat(secret.find()).isTrue();
        HttpResponse<String> wrong = http.postForm("/settings/2fa", Map.of("code", "000000"));
        assertThat(wrong.statusCode()).isEqualTo(422);
        HttpResponse<String> on = http.postForm("/settings/2fa", Map.of("code", currentCode.apply(secret.group(1))));
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        Matcher codes = Pattern.compile("<code>([a-z2-9]{5}-[a-z2-9]{5})</code>").matcher(on.body());
        java.util.List<String> recovery = new java.util.ArrayList<>();
        while (codes.find()) {
            recovery.add(codes.group(1));
        }
        assertThat(recovery).hasSize(10);
        return new String[] {secret.group(1), recovery.get(0)};
    }

    @Test
    void afterEnrolmentLoginNeedsTheCodeOrARecoveryCodeOnce() {
        app.newUser("twofactor@example.org");
        Http http = new Http(app.url());
        WebAccountFlowTest.login(http, "twofactor@example.org");
        String before = http.cookie("SESSION").orElseThrow();
        String[] enrolled = enrol(http);
        assertThat(http.cookie("SESSION").orElseThrow()).as("privilege change rotates the session").isNotEqualTo(before);

        Http other = new Http(app.url());
        HttpResponse<String> first = WebAccountFlowTest.login(other, "twofactor@example.org");
        assertThat(first.statusCode()).isEqualTo(200);
        Matcher challenge = Pattern.compile("name=\"challenge\" value=\"([^\"]+)\"").matcher(first.body());
        assertThat(challenge.find()).isTrue();
        assertThat(other.get("/today").statusCode()).as("no session before the second factor").isEqualTo(303);
        clock.advance(Duration.ofSeconds(31)); // the enrolment used the current step
        HttpResponse<String> done = other.postForm("/login/2fa", Map.of("challenge", challenge.group(1),
                "code", currentCode(enrolled[0]), "next", "/today"));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        assertThat(other.get("/today").statusCode()).isEqualTo(200);

        // A recovery code works once.
        Http lost = new Http(app.url());
        Matcher c2 = Pattern.compile("name=\"challenge\" value=\"([^\"]+)\"").matcher(
                WebAccountFlowTest.login(lost, "twofactor@example.org").body());
        assertThat(c2.find()).isTrue();
        assertThat(lost.postForm("/login/2fa", Map.of("challenge", c2.group(1), "code", enrolled[1],
                "next", "/today")).statusCode()).isEqualTo(303);
        Http again = new Http(app.url());
        Matcher c3 = Pattern.compile("name=\"challenge\" value=\"([^\"]+)\"").matcher(
                WebAccountFlowTest.login(again, "twofactor@example.org").body());
        assertThat(c3.find()).isTrue();
        assertThat(again.postForm("/login/2fa", Map.of("challenge", c3.group(1), "code", enrolled[1],
                "next", "/today")).statusCode()).isEqualTo(422);
        assertThat(app.app().accounts().events().recent(app.app().accounts().findId("twofactor@example.org")
                .orElseThrow(), 50)).extracting(SecurityEvents.Event::kind)
                .contains(SecurityEvents.Kind.TWO_FACTOR_ENABLED, SecurityEvents.Kind.RECOVERY_CODE_USED);
    }

    @Test
    void appsLogInForATokenWithTheSecondFactor() {
        app.newUser("app2fa@example.org");
        Http http = new Http(app.url());
        WebAccountFlowTest.login(http, "app2fa@example.org");
        String[] enrolled = enrol(http);
        clock.advance(Duration.ofSeconds(31));
        Http api = new Http(app.url());
        HttpResponse<String> noCode = api.postJson("/api/v1/auth/token",
                "{\"identifier\":\"app2fa@example.org\",\"password\":\"" + TestApp.PASSWORD + "\",\"name\":\"phone\"}");
        assertThat(noCode.statusCode()).isEqualTo(401);
        assertThat(noCode.body()).contains("SECOND_FACTOR_REQUIRED");
        HttpResponse<String> ok = api.postJson("/api/v1/auth/token",
                "{\"identifier\":\"app2fa@example.org\",\"password\":\"" + TestApp.PASSWORD + "\",\"name\":\"phone\","
                        + "\"code\":\"" + currentCode(enrolled[0]) + "\",\"scopes\":[\"readings:read\"]}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        assertThat(ok.body()).contains("\"scopes\":[\"readings:read\"]");
    }

    @Test
    void turningTwoFactorOffNeedsARecentConfirmationWithTheCode() {
        app.newUser("off@example.org");
        Http http = new Http(app.url());
        WebAccountFlowTest.login(http, "off@example.org");
        String[] enrolled = enrol(http);
        clock.advance(Duration.ofMinutes(6));
        HttpResponse<String> stale = http.postForm("/settings/2fa/disable", Map.of());
        assertThat(stale.statusCode()).isEqualTo(303);
        assertThat(stale.headers().firstValue("Location").orElseThrow()).startsWith("/confirm");
        assertThat(http.postForm("/confirm", Map.of("password", TestApp.PASSWORD, "code", "000000",
                "next", "/settings")).statusCode()).isEqualTo(401);
        assertThat(http.postForm("/confirm", Map.of("password", TestApp.PASSWORD, "code", currentCode(enrolled[0]),
                "next", "/settings")).statusCode()).isEqualTo(303);
        assertThat(http.postForm("/settings/2fa/disable", Map.of()).statusCode()).isEqualTo(303);
        assertThat(app.app().accounts().find(app.app().accounts().findId("off@example.org").orElseThrow())
                .orElseThrow().twoFactor()).isFalse();
    }
}
