package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestTotp;
import org.mqcgm.testkit.MutableClock;

/**
 * Issue 16, authentication: passwords are never cut (at most 128 characters, refused beyond, everywhere), a password
 * change needs the current password and revokes API tokens unless kept, a reset confirmation answers alike for
 * every login, account codes live 10 minutes, and the owner is told of two-factor changes, new recovery codes, a
 * login from a new device or network and a reused TOTP code (by e-mail and in Security activity).
 */
class AuthenticationHardeningTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    /** 128 characters, strong: the longest password taken. */
    static final String LONGEST = ("granite kettle orbit " + "x".repeat(200)).substring(0, 122) + "Zq7!pL";

    static String code(String secret) {
        return TestTotp.code(secret, clock.instant().getEpochSecond());
    }

    static void assertRefusedAsTooLong(HttpResponse<String> r, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("max-length").contains(field);
    }

    static long outbox(String to, String subject) {
        return app.outboxMessages().filter(m -> m.startsWith("To: " + to + "\n") && m.contains(subject)).count();
    }

    @Test
    void passwordsOver128CharactersAreRefusedOnEveryPathAndNeverCut() {
        assertThat(LONGEST.codePointCount(0, LONGEST.length())).isEqualTo(128);
        // A Unicode code point is one character: 128 emoji (256 UTF-16 units) are taken, 129 are not.
        assertThat(PasswordLength.tooLong("\uD83D\uDE00".repeat(128))).isFalse();
        assertThat(PasswordLength.tooLong("\uD83D\uDE00".repeat(129))).isTrue();
        app.newUser("long.pw@example.org", LONGEST);
        Http http = new Http(app.url());
        // The longest password logs in; the same with anything after it is refused as too long (not cut, not a
        // plain wrong password), on the form and the API, for known and unknown logins alike.
        assertThat(http.postForm("/login", Map.of("identifier", "long.pw@example.org", "password", LONGEST))
                .statusCode()).isEqualTo(303);
        HttpResponse<String> longer = new Http(app.url()).postForm("/login", Map.of("identifier",
                "long.pw@example.org", "password", LONGEST + "anything"));
        assertThat(longer.body()).contains("data-field=\"password\" data-rule=\"max-length\"");
        assertThat(longer.statusCode()).isEqualTo(422);
        assertRefusedAsTooLong(new Http(app.url()).postJson("/api/v1/auth/token", "{\"identifier\":"
                + "\"long.pw@example.org\",\"password\":\"" + LONGEST + "x\",\"name\":\"app\"}"), "$.password");
        assertRefusedAsTooLong(new Http(app.url()).postJson("/api/v1/auth/token", "{\"identifier\":"
                + "\"nobody.here@example.org\",\"password\":\"" + LONGEST + "x\",\"name\":\"app\"}"), "$.password");
        // A longer prefix of 300 characters was cut to 256 before: nothing is cut now.
        assertThat(new Http(app.url()).postForm("/login", Map.of("identifier", "long.pw@example.org",
                "password", LONGEST + "y".repeat(172))).statusCode()).isEqualTo(422);

        // Sign-up, change and reset refuse a 129-character password with the field and the rule.
        HttpResponse<String> signup = new Http(app.url()).postForm("/signup", Map.of("identifier",
                "new.long@example.org", "password", LONGEST + "w", "birth_date", "1990-01-01", "accept_policy", "yes",
                "time_zone", "UTC"));
        assertThat(signup.statusCode()).isEqualTo(422);
        assertThat(signup.body()).contains("data-field=\"password\" data-rule=\"max-length\"");
        HttpResponse<String> change = http.postForm("/settings/password", Map.of("current_password", LONGEST,
                "password", LONGEST + "w"));
        assertThat(change.statusCode()).isEqualTo(422);
        assertThat(change.body()).contains("data-field=\"password\" data-rule=\"max-length\"");
        HttpResponse<String> reset = new Http(app.url()).postForm("/password-reset/confirm", Map.of("identifier",
                "long.pw@example.org", "code", "123456", "password", LONGEST + "w"));
        assertThat(reset.statusCode()).isEqualTo(422);
        assertThat(reset.body()).contains("data-field=\"password\" data-rule=\"max-length\"");
    }

    /**
     * ASVS V2.1.7: a correct password found among breached or common passwords at login (the check new passwords
     * get) lets the person in, but only to change it: pages lead to the change form, which says why; the session's
     * API calls and a token login get 403 password-change-required; the owner is told once; tokens made before keep
     * working. After the change everything works again.
     */
    @Test
    void aLoginWithABreachedPasswordLetsThePersonInOnlyToChangeIt() {
        UUID owner = app.newUser("breached.pw@example.org");
        // A password taken before it was known to be breached: stored as it was then.
        Accounts accounts = app.app().accounts();
        accounts.store().updatePasswordHash(owner, accounts.hasher().hash("qwertyuiop123"), false);
        String uploader = app.app().apiTokens().create(owner, "uploader", EnumSet.allOf(Scope.class));
        String tokenLogin = "{\"identifier\":\"breached.pw@example.org\",\"password\":\"%s\",\"name\":\"app\"}";

        Http http = new Http(app.url());
        assertThat(http.postForm("/login", Map.of("identifier", "breached.pw@example.org", "password",
                "qwertyuiop123")).statusCode()).isEqualTo(303);
        for (String page : new String[] {"/today", "/settings", "/settings/activity"}) {
            HttpResponse<String> r = http.get(page);
            assertThat(r.statusCode()).as(page).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(page).contains("/settings/password");
        }
        assertThat(http.get("/settings/password").body()).contains("data-testid=\"password-change-required\"")
                .contains("exposed in data breaches");
        HttpResponse<String> api = http.get("/api/v1/me");
        assertThat(api.statusCode()).isEqualTo(403);
        assertThat(api.body()).contains("password-change-required");
        HttpResponse<String> token = new Http(app.url()).postJson("/api/v1/auth/token",
                tokenLogin.formatted("qwertyuiop123"));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(403);
        assertThat(token.body()).contains("PASSWORD_CHANGE_REQUIRED").doesNotContain("\"token\"");
        assertThat(http.get("/api/v1/me", "Authorization", "Bearer " + uploader).statusCode())
                .as("a token made before keeps working").isEqualTo(200);
        // Told once (a second login does not tell again), by mail and in Security activity.
        assertThat(new Http(app.url()).postForm("/login", Map.of("identifier", "breached.pw@example.org",
                "password", "qwertyuiop123")).statusCode()).isEqualTo(303);
        app.awaitOutbox("breached.pw@example.org", Pattern.compile("(Change the password of your mqcgm account)"));
        assertThat(outbox("breached.pw@example.org", "Change the password of your mqcgm account")).isOne();
        assertThat(accounts.events().ofKind(owner, SecurityEvents.Kind.PASSWORD_CHANGE_REQUIRED, 10)).hasSize(1);

        // Changing it ends the restriction.
        assertThat(http.postForm("/settings/password", Map.of("current_password", "qwertyuiop123", "password",
                "saffron meadow lighthouse", "keep_tokens", "yes")).statusCode()).isEqualTo(303);
        assertThat(http.get("/settings").statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/me").statusCode()).isEqualTo(200);
        assertThat(new Http(app.url()).postJson("/api/v1/auth/token", tokenLogin.formatted(
                "saffron meadow lighthouse")).statusCode()).isEqualTo(201);
    }

    @Test
    void aPasswordChangeNeedsTheCurrentPasswordAndRevokesApiTokensUnlessKept() {
        UUID owner = app.newUser("change.pw@example.org");
        String token = app.app().apiTokens().create(owner, "uploader", EnumSet.allOf(Scope.class));
        Http other = app.login("change.pw@example.org");
        Http http = app.login("change.pw@example.org");
        String[] bearer = {"Authorization", "Bearer " + token};

        // The page asks for the current password; without it, or with a wrong one, nothing changes.
        assertThat(http.get("/settings/password").body()).contains("name=\"current_password\"")
                .contains("name=\"keep_tokens\"");
        HttpResponse<String> without = http.postForm("/settings/password", Map.of("password", "violet canyon drum"));
        assertThat(without.statusCode()).isEqualTo(422);
        assertThat(without.body()).contains("data-field=\"current_password\" data-rule=\"match\"");
        assertThat(http.postForm("/settings/password", Map.of("current_password", "not my password at all",
                "password", "violet canyon drum")).statusCode()).isEqualTo(422);
        assertThat(app.app().accounts().authenticate("change.pw@example.org", TestApp.PASSWORD)).contains(owner);
        assertThat(app.app().accounts().events().ofKind(owner, SecurityEvents.Kind.LOGIN_FAILED, 10))
                .as("a wrong current password counts like a failed login").hasSize(2);

        // With it: other web sessions end, and API tokens are revoked by default (the box is unchecked).
        HttpResponse<String> done = http.postForm("/settings/password", Map.of("current_password", TestApp.PASSWORD,
                "password", "violet canyon drum"));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        assertThat(other.get("/settings").statusCode()).isEqualTo(303);
        assertThat(http.get("/settings").statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/me", bearer).statusCode()).isEqualTo(401);

        // "Keep my API tokens" keeps them.
        String kept = app.app().apiTokens().create(owner, "kept", EnumSet.allOf(Scope.class));
        assertThat(http.postForm("/settings/password", Map.of("current_password", "violet canyon drum",
                "password", "amber lantern seventy", "keep_tokens", "yes")).statusCode()).isEqualTo(303);
        assertThat(http.get("/api/v1/me", "Authorization", "Bearer " + kept).statusCode()).isEqualTo(200);
        assertThat(app.app().accounts().authenticate("change.pw@example.org", "amber lantern seventy"))
                .contains(owner);
    }

    @Test
    void aResetConfirmationAnswersAlikeForUnknownAndKnownLoginsAndCodesLiveTenMinutes() {
        app.newUser("reset.alike@example.org");
        Http http = new Http(app.url());
        http.postForm("/password-reset", Map.of("identifier", "reset.alike@example.org"));
        http.postForm("/password-reset", Map.of("identifier", "no.account@example.org"));
        String code = app.awaitOutbox("reset.alike@example.org", Pattern.compile("reset code is (\\d{6})"));
        String wrong = code.equals("000000") ? "111111" : "000000";

        HttpResponse<String> known = http.postForm("/password-reset/confirm", Map.of("identifier",
                "reset.alike@example.org", "code", wrong, "password", "violet canyon drum"));
        HttpResponse<String> unknown = http.postForm("/password-reset/confirm", Map.of("identifier",
                "no.account@example.org", "code", wrong, "password", "violet canyon drum"));
        assertThat(known.statusCode()).isEqualTo(unknown.statusCode()).isEqualTo(410);
        assertThat(known.body().replace("reset.alike@example.org", "X"))
                .isEqualTo(unknown.body().replace("no.account@example.org", "X"))
                .doesNotContain("tries left");
        HttpResponse<String> knownJson = http.post("/password-reset/confirm", "application/x-www-form-urlencoded",
                Http.form(Map.of("_csrf", http.csrfToken(), "identifier", "reset.alike@example.org", "code", wrong,
                        "password", "violet canyon drum")), "Accept", "application/problem+json");
        HttpResponse<String> unknownJson = http.post("/password-reset/confirm", "application/x-www-form-urlencoded",
                Http.form(Map.of("_csrf", http.csrfToken(), "identifier", "no.account@example.org", "code", wrong,
                        "password", "violet canyon drum")), "Accept", "application/problem+json");
        assertThat(knownJson.statusCode()).isEqualTo(unknownJson.statusCode());
        assertThat(knownJson.body().replace("reset.alike@example.org", "X"))
                .isEqualTo(unknownJson.body().replace("no.account@example.org", "X"));

        // Ten minutes and a second: the (right) code is no longer valid.
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        HttpResponse<String> late = http.postForm("/password-reset/confirm", Map.of("identifier",
                "reset.alike@example.org", "code", code, "password", "violet canyon drum"));
        assertThat(late.statusCode()).isEqualTo(410);
        assertThat(app.app().accounts().authenticate("reset.alike@example.org", TestApp.PASSWORD)).isPresent();
    }

    @Test
    void aLoginChangeCodeLivesTenMinutes() {
        app.newUser("change.login@example.org");
        Http http = app.login("change.login@example.org");
        assertThat(http.postForm("/settings/login", Map.of("identifier", "moved.login@example.org")).statusCode())
                .isEqualTo(200);
        String code = app.awaitOutbox("moved.login@example.org", Pattern.compile("code (\\d{6})"));
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(http.postForm("/confirm", Map.of("password", TestApp.PASSWORD, "next", "/settings"))
                .statusCode()).isEqualTo(303);
        HttpResponse<String> late = http.postForm("/settings/login/confirm", Map.of("kind", "email", "code", code,
                "identifier", "moved.login@example.org"));
        assertThat(late.statusCode()).as(late.body()).isEqualTo(410);
        assertThat(app.app().accounts().findId("moved.login@example.org")).isEmpty();
    }

    @Test
    void twoFactorChangesNewRecoveryCodesAndAReusedCodeAreNoticedByMailAndInActivity() {
        UUID owner = app.newUser("notice.2fa@example.org");
        Http http = app.login("notice.2fa@example.org");
        String[] enrolled = TwoFactorTest.enrol(http, AuthenticationHardeningTest::code);
        String secret = enrolled[0];
        String usedCode = code(secret);
        app.awaitOutbox("notice.2fa@example.org", Pattern.compile("(Two-factor authentication is on)"));

        // A code already accepted (the enrolment's) is refused at login, listed as a replay and told.
        Http login = new Http(app.url());
        HttpResponse<String> challenge = login.postForm("/login", Map.of("identifier", "notice.2fa@example.org",
                "password", TestApp.PASSWORD));
        Matcher c = Pattern.compile("name=\"challenge\" value=\"([^\"]+)\"").matcher(challenge.body());
        assertThat(c.find()).as(challenge.body()).isTrue();
        assertThat(login.postForm("/login/2fa", Map.of("challenge", c.group(1), "code", usedCode)).statusCode())
                .isEqualTo(422);
        app.awaitOutbox("notice.2fa@example.org", Pattern.compile("(was used twice)"));
        assertThat(app.app().accounts().events().ofKind(owner, SecurityEvents.Kind.TOTP_REUSED, 5)).hasSize(1);
        // A plain wrong code is no replay.
        login.postForm("/login/2fa", Map.of("challenge", c.group(1), "code",
                usedCode.equals("123456") ? "654321" : "123456"));
        assertThat(app.app().accounts().events().ofKind(owner, SecurityEvents.Kind.TOTP_REUSED, 5)).hasSize(1);

        // New recovery codes (the old ones stop working), then two-factor off: each told.
        clock.advance(Duration.ofSeconds(30));
        HttpResponse<String> fresh = http.postForm("/settings/2fa/recovery-codes", Map.of());
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
        assertThat(fresh.body()).contains("data-testid=\"recovery-codes\"").doesNotContain(enrolled[1]);
        app.awaitOutbox("notice.2fa@example.org", Pattern.compile("(New recovery codes)"));
        assertThat(http.postForm("/settings/2fa/disable", Map.of()).statusCode()).isEqualTo(303);
        app.awaitOutbox("notice.2fa@example.org", Pattern.compile("(Two-factor authentication is off)"));

        String activity = http.get("/settings/activity").body();
        assertThat(activity).contains("data-kind=\"two-factor-enabled\"", "data-kind=\"two-factor-disabled\"",
                "data-kind=\"recovery-codes-created\"", "data-kind=\"totp-reused\"")
                .contains("An authenticator code was used a second time");
    }

    @Test
    void aLoginFromANewDeviceOrNetworkIsNoticedOnceAndTheFirstLoginIsNot() {
        UUID owner = app.newUser("notice.device@example.org");
        String iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15"
                + " (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
        String body = "{\"identifier\":\"notice.device@example.org\",\"password\":\"" + TestApp.PASSWORD
                + "\",\"name\":\"app\"}";
        app.login("notice.device@example.org");
        app.login("notice.device@example.org");
        assertThat(app.app().accounts().events().ofKind(owner, SecurityEvents.Kind.LOGIN_NEW_DEVICE, 5))
                .as("the first device is remembered without a notice").isEmpty();

        assertThat(new Http(app.url()).postJson("/api/v1/auth/token", body, "User-Agent", iphone).statusCode())
                .isEqualTo(201);
        app.awaitOutbox("notice.device@example.org", Pattern.compile("(New login to your mqcgm account)"));
        // The same family with another version is the same device.
        assertThat(new Http(app.url()).postJson("/api/v1/auth/token", body, "User-Agent",
                iphone.replace("17_1", "17_2").replace("17.1", "17.2")).statusCode()).isEqualTo(201);
        var events = app.app().accounts().events().ofKind(owner, SecurityEvents.Kind.LOGIN_NEW_DEVICE, 5);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).detail()).isEqualTo("safari/ios");
        assertThat(outbox("notice.device@example.org", "New login to your mqcgm account")).isEqualTo(1);
        // Only a keyed hash is stored: no address, no user agent.
        int rows = app.sql().withHandle(h -> h.createQuery("select count(*) from login_device where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
        int notHashes = app.sql().withHandle(h -> h.createQuery("select count(*) from login_device"
                + " where owner_id = :o and octet_length(device) <> 32").bind("o", owner).mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(2);
        assertThat(notHashes).isZero();
        assertThat(new Http(app.url()).get("/settings/activity").statusCode()).isEqualTo(303);
        assertThat(app.login("notice.device@example.org").get("/settings/activity").body())
                .contains("data-kind=\"login-new-device\"").contains("Login from a new device or network");
    }

    @Test
    void theUserAgentFamilyHasNoVersions() {
        assertThat(LoginDevices.family("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like"
                + " Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36")).isEqualTo("chrome/android");
        assertThat(LoginDevices.family("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101"
                + " Firefox/121.0")).isEqualTo("firefox/windows");
        assertThat(LoginDevices.family("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
                + " Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.61")).isEqualTo("edge/windows");
        assertThat(LoginDevices.family("okhttp/4.12.0")).isEqualTo("okhttp/other");
        assertThat(LoginDevices.family(null)).isEqualTo("none/other");
    }
}
