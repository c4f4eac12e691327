package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/** Sign-up with a code, login, logout, CSRF and tokens through the web pages, over real HTTP. */
class WebAccountFlowTest {

    static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    static final Pattern REGISTRATION = Pattern.compile("name=\"registration\" value=\"([0-9a-f-]{36})\"");
    static MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    static HttpResponse<String> startSignup(Http http, String identifier, String password) {
        return http.postForm("/signup", Map.of("identifier", identifier, "password", password,
                "time_zone", "Asia/Shanghai", "accept_policy", "yes", "birth_date", "1990-05-01"));
    }

    static String registrationOf(HttpResponse<String> page) {
        Matcher m = REGISTRATION.matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return m.group(1);
    }

    static HttpResponse<String> confirm(Http http, String registration, String code) {
        return http.postForm("/signup/verify", Map.of("registration", registration, "code", code,
                "sent_to", "x", "channel", "sms"));
    }

    @Test
    @Tag("PR-06")
    void signUpWithAMobileNumberAndTheTextedCodeLandsOnToday() {
        Http http = new Http(app.url());
        HttpResponse<String> started = startSignup(http, "+86 138 1234 5678", TestApp.PASSWORD);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        assertThat(started.body()).contains("data-testid=\"sent-to\"").contains("+86•••78");
        String code = app.awaitOutbox("+8613812345678", CODE);
        HttpResponse<String> done = confirm(http, registrationOf(started), code);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location")).contains("/today");
        assertThat(done.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .startsWith("SESSION=").contains("HttpOnly").contains("SameSite=Lax"));
        // Signed in; without the health-data consent (not ticked here) Today asks for it first.
        HttpResponse<String> today = http.get("/today", "Accept", "text/html");
        assertThat(today.statusCode()).isEqualTo(403);
        assertThat(today.body()).contains("data-testid=\"consent-required\"");
        assertThat(http.get("/settings").body()).contains("data-testid=\"login-phone\">+8613812345678<");
        // The code is stored only as a keyed hash; the phone number only encrypted.
        String dump = app.sql().withHandle(h -> h.createQuery(
                "select string_agg(encode(code_hash, 'escape') || encode(identifier_enc, 'escape'), '|') from registration")
                .mapTo(String.class).one());
        assertThat(dump).doesNotContain(code).doesNotContain("13812345678");
    }

    @Test
    void aWrongCodeLeavesTriesAndTheFifthWrongCodeEndsTheSignup() {
        Http http = new Http(app.url());
        HttpResponse<String> started = startSignup(http, "+86 139 0000 1111", TestApp.PASSWORD);
        String registration = registrationOf(started);
        String code = app.awaitOutbox("+8613900001111", CODE);
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 1; i <= 4; i++) {
            HttpResponse<String> r = confirm(http, registration, wrong);
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(r.body()).contains("data-rule=\"match\"");
        }
        assertThat(confirm(http, registration, wrong).statusCode()).isEqualTo(410);
        // Even the right code is refused now.
        assertThat(confirm(http, registration, code).statusCode()).isEqualTo(410);
    }

    @Test
    void anExpiredOrAlreadyUsedCodeIsGone() {
        Http http = new Http(app.url());
        String registration = registrationOf(startSignup(http, "+86 137 2222 3333", TestApp.PASSWORD));
        String code = app.awaitOutbox("+8613722223333", CODE);
        clock.advance(Duration.ofMinutes(11));
        assertThat(confirm(http, registration, code).statusCode()).isEqualTo(410);

        Http again = new Http(app.url());
        String second = registrationOf(startSignup(again, "+86 137 2222 4444", TestApp.PASSWORD));
        String code2 = app.awaitOutbox("+8613722224444", CODE);
        assertThat(confirm(again, second, code2).statusCode()).isEqualTo(303);
        assertThat(confirm(new Http(app.url()), second, code2).statusCode()).isEqualTo(410);
    }

    @Test
    void signingUpWithATakenIdentifierLooksTheSameAndSendsANoticeInsteadOfACode() {
        app.newUser("+86 136 5555 6666");
        Http http = new Http(app.url());
        HttpResponse<String> taken = startSignup(http, "+86 136 5555 6666", TestApp.PASSWORD);
        HttpResponse<String> fresh = startSignup(new Http(app.url()), "+86 136 5555 7777", TestApp.PASSWORD);
        assertThat(taken.statusCode()).isEqualTo(fresh.statusCode());
        assertThat(neutral(taken.body())).isEqualTo(neutral(fresh.body()).replace("77", "66"));
        String notice = app.awaitOutbox("+8613655556666", Pattern.compile("(already has an account)"));
        assertThat(notice).isNotEmpty();
        // Guessing codes for the taken identifier behaves like a wrong code, never like "no such sign-up".
        assertThat(confirm(http, registrationOf(taken), "123456").statusCode()).isEqualTo(422);
    }

    private static String neutral(String html) {
        return html.replaceAll("[0-9a-f-]{36}", "ID").replaceAll("value=\"[A-Za-z0-9_-]{43}\"", "value=\"CSRF\"");
    }

    @Test
    void parallelConfirmationsOfTheSameIdentifierMakeExactlyOneAccount() throws Exception {
        List<String> registrations = new ArrayList<>();
        List<String> codes = new ArrayList<>();
        Http http = new Http(app.url());
        for (int i = 0; i < 4; i++) {
            registrations.add(registrationOf(startSignup(http, "+86 135 8888 9999", TestApp.PASSWORD)));
            final int expected = i + 1;
            // each sign-up sends its own code; take the newest after each
            codes.add(awaitNth("+8613588889999", expected));
        }
        List<Callable<Integer>> confirmations = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int k = i;
            confirmations.add(() -> confirm(new Http(app.url()), registrations.get(k), codes.get(k)).statusCode());
        }
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (Future<Integer> f : pool.invokeAll(confirmations)) {
                statuses.add(f.get());
            }
        }
        assertThat(statuses).containsOnly(303, 409);
        assertThat(statuses.stream().filter(s -> s == 303).count()).isEqualTo(1);
        Integer accounts = app.sql().withHandle(h -> h.createQuery(
                "select count(*) from account where phone_index is not null and created_at > now() - interval '1 hour'"
                        + " and id in (select owner_id from security_event where kind = 'account-created')")
                .mapTo(Integer.class).one());
        assertThat(app.app().accounts().findId("+8613588889999")).isPresent();
        assertThat(accounts).isPositive();
    }

    private static String awaitNth(String to, int n) {
        List<String> found = Wait.until("message " + n + " to " + to,
                () -> app.outboxMessages().filter(m -> m.startsWith("To: " + to + "\n")).toList(),
                messages -> messages.size() >= n);
        Matcher m = CODE.matcher(found.get(n - 1));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void signUpRefusesWeakPasswordsBadIdentifiersAndMissingConsent() {
        Http http = new Http(app.url());
        assertRefused(startSignup(http, "weak@example.org", "1234567"), "password", "min-length");
        // At least 12 characters (ASVS V2.1.1), a run of spaces counted once: 11 strong ones, or 12 with two spaces.
        assertRefused(startSignup(http, "weak@example.org", "Tq9#vL2!xPz"), "password", "min-length");
        assertRefused(startSignup(http, "weak@example.org", "ku8#Lm  2Qz!"), "password", "min-length");
        assertRefused(startSignup(http, "weak@example.org", "password1234"), "password", "guessable");
        assertRefused(startSignup(http, "weak@example.org", "correct horse battery staple"), "password", "guessable");
        assertRefused(startSignup(http, "anna.lindqvist@example.org", "anna.lindqvist-1987"), "password", "personal");
        assertRefused(startSignup(http, "not-an-email", TestApp.PASSWORD), "identifier", "identifier");
        assertRefused(startSignup(http, "+1 555", TestApp.PASSWORD), "identifier", "identifier");
        assertRefused(startSignup(http, "p\u0430ypal@example.org", TestApp.PASSWORD), "identifier", "identifier");
        assertRefused(startSignup(http, "x".repeat(250) + "@example.org", TestApp.PASSWORD), "identifier",
                "identifier");
        assertRefused(http.postForm("/signup", Map.of("identifier", "nc@example.org", "password", TestApp.PASSWORD)),
                "accept_policy", "required");
        assertThat(app.outboxMessages().filter(m -> m.contains("weak@example.org") || m.contains("nc@example.org")))
                .isEmpty();
    }

    private static void assertRefused(HttpResponse<String> r, String field, String rule) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("data-field=\"" + field + "\" data-rule=\"" + rule + "\"");
    }

    @Test
    void mixedCaseAndFullWidthEmailsAreTheSameAccount() {
        app.newUser("Mixed.Case@Example.ORG");
        assertThat(app.app().accounts().findId("mixed.case@example.org")).isPresent();
        assertThat(app.app().accounts().findId("ｍｉｘｅｄ.case@example.org")).isPresent();
        assertThat(app.app().accounts().findId("mixed.case@examp1e.org")).isEmpty();
    }

    @Test
    void loginFailureLooksTheSameForUnknownIdentifiersAndWrongPasswords() {
        app.newUser("known@example.org");
        Http http = new Http(app.url());
        HttpResponse<String> wrong = http.postForm("/login", Map.of("identifier", "known@example.org",
                "password", "not the password at all"));
        HttpResponse<String> unknown = http.postForm("/login", Map.of("identifier", "unknown@example.org",
                "password", "not the password at all"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(neutral(wrong.body()).replace("known@example.org", "E"))
                .isEqualTo(neutral(unknown.body()).replace("unknown@example.org", "E"));
    }

    @Test
    void formsWithoutTheCsrfTokenAreRefused() {
        app.newUser("csrf@example.org");
        Http http = new Http(app.url());
        HttpResponse<String> forged = http.post("/login", "application/x-www-form-urlencoded",
                Http.form(Map.of("identifier", "csrf@example.org", "password", TestApp.PASSWORD)));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(http.post("/login", "application/x-www-form-urlencoded",
                Http.form(Map.of("identifier", "csrf@example.org", "password", TestApp.PASSWORD,
                        "_csrf", "x".repeat(43)))).statusCode()).isEqualTo(403);
        assertThat(login(http, "csrf@example.org").statusCode()).isEqualTo(303);
        assertThat(http.post("/logout", "application/x-www-form-urlencoded", "").statusCode()).isEqualTo(403);
        assertThat(http.get("/today").statusCode()).isEqualTo(200);
    }

    static HttpResponse<String> login(Http http, String identifier) {
        return http.postForm("/login", Map.of("identifier", identifier, "password", TestApp.PASSWORD));
    }

    @Test
    void loginRotatesTheSessionAndLogoutEndsIt() {
        app.newUser("rotate@example.org");
        Http http = new Http(app.url());
        login(http, "rotate@example.org");
        String first = http.cookie("SESSION").orElseThrow();
        login(http, "rotate@example.org");
        String second = http.cookie("SESSION").orElseThrow();
        assertThat(second).isNotEqualTo(first);
        Http replay = new Http(app.url());
        assertThat(replay.get("/today", "Cookie", "SESSION=" + first).statusCode()).isEqualTo(303);
        assertThat(replay.get("/today", "Cookie", "SESSION=" + second).statusCode()).isEqualTo(200);
        assertThat(http.postForm("/logout", Map.of()).statusCode()).isEqualTo(303);
        assertThat(replay.get("/today", "Cookie", "SESSION=" + second).statusCode()).isEqualTo(303);
    }

    @Test
    void logoutEverywhereEndsEverySession() {
        app.newUser("everywhere@example.org");
        Http phone = new Http(app.url());
        Http laptop = new Http(app.url());
        login(phone, "everywhere@example.org");
        login(laptop, "everywhere@example.org");
        assertThat(laptop.get("/settings").body()).contains("data-testid=\"logout-everywhere\"");
        assertThat(laptop.postForm("/settings/sessions/end-all", Map.of()).statusCode()).isEqualTo(303);
        assertThat(phone.get("/today").statusCode()).isEqualTo(303);
        assertThat(laptop.get("/today").statusCode()).isEqualTo(303);
    }

    @Test
    void loginRedirectsOnlyToLocalPaths() {
        app.newUser("next@example.org");
        HttpResponse<String> r = new Http(app.url()).postForm("/login", Map.of("identifier", "next@example.org",
                "password", TestApp.PASSWORD, "next", "//evil.example/phish"));
        assertThat(r.headers().firstValue("Location")).contains("/today");
        assertThat(WebSessions.safeNext("/settings")).isEqualTo("/settings");
        assertThat(WebSessions.safeNext("https://evil.example")).isEqualTo("/today");
        assertThat(WebSessions.safeNext("/\\evil")).isEqualTo("/today");
    }

    @Test
    @Tag("PR-64")
    void creatingATokenNeedsARecentPasswordConfirmation() {
        app.newUser("tokens@example.org");
        Http http = new Http(app.url());
        login(http, "tokens@example.org");
        String form = "name=uploader&scope=readings%3Aread&scope=readings%3Awrite&_csrf=";
        // Right after login the password counts as recently confirmed.
        HttpResponse<String> created = http.post("/settings/tokens", "application/x-www-form-urlencoded",
                form + http.csrfToken());
        assertThat(created.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("value=\"(mqcgm_[A-Za-z0-9_-]{64})\"").matcher(created.body());
        assertThat(m.find()).isTrue();
        String token = m.group(1);
        assertThat(http.get("/api/v1/readings", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(http.get("/settings").body()).contains("uploader").doesNotContain(token);

        // Six minutes later it does not: the user is sent to confirm, then can go on.
        clock.advance(Duration.ofMinutes(6));
        HttpResponse<String> stale = http.post("/settings/tokens", "application/x-www-form-urlencoded",
                form + http.csrfToken());
        assertThat(stale.statusCode()).isEqualTo(303);
        assertThat(stale.headers().firstValue("Location")).hasValueSatisfying(v -> assertThat(v).startsWith("/confirm"));
        assertThat(http.postForm("/confirm", Map.of("password", "wrong password here", "next", "/settings"))
                .statusCode()).isEqualTo(401);
        assertThat(http.postForm("/confirm", Map.of("password", TestApp.PASSWORD, "next", "/settings"))
                .statusCode()).isEqualTo(303);
        assertThat(http.post("/settings/tokens", "application/x-www-form-urlencoded", form + http.csrfToken())
                .statusCode()).isEqualTo(200);

        // Revoking works from the list and takes effect at once.
        Matcher revoke = Pattern.compile("action=\"(/settings/tokens/[0-9a-f-]+/revoke)\"").matcher(
                http.get("/settings").body());
        assertThat(revoke.find()).isTrue();
        assertThat(http.postForm(revoke.group(1), Map.of()).statusCode()).isEqualTo(303);
    }

    @Test
    void theTokenFormOffersEveryScopeAndATokenWithAccountManageCanRequestAnExport() {
        java.util.UUID owner = app.newUser("manage.token@example.org");
        Http http = new Http(app.url());
        login(http, "manage.token@example.org");
        String settings = http.get("/settings").body();
        for (org.mqcgm.server.platform.security.Scope scope : org.mqcgm.server.platform.security.Scope.values()) {
            assertThat(settings).contains("name=\"scope\" value=\"" + scope.id() + "\"");
        }
        assertThat(settings).contains("account:manage lets the app request exports and transfers of your data");
        HttpResponse<String> created = http.post("/settings/tokens", "application/x-www-form-urlencoded",
                "name=my+exporter&scope=profile%3Awrite&scope=account%3Amanage&_csrf=" + http.csrfToken());
        assertThat(created.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("value=\"(mqcgm_[A-Za-z0-9_-]{64})\"").matcher(created.body());
        assertThat(m.find()).isTrue();
        assertThat(app.app().apiTokens().list(owner)).singleElement().satisfies(t -> assertThat(t.scopes())
                .containsExactlyInAnyOrder(org.mqcgm.server.platform.security.Scope.PROFILE_WRITE,
                        org.mqcgm.server.platform.security.Scope.ACCOUNT_MANAGE));
        HttpResponse<String> export = new Http(app.url()).postJson("/api/v1/me/exports",
                "{\"password\":\"" + TestApp.PASSWORD + "\"}", "Authorization", "Bearer " + m.group(1));
        assertThat(export.statusCode()).as(export.body()).isEqualTo(202);
        // The language switch shows the hint in Chinese too.
        http.postForm("/preferences", Map.of("lang", "zh-CN", "return", "/settings"));
        assertThat(http.get("/settings").body()).contains("account:manage 允许应用申请导出");
    }

    @Test
    void someoneElsesTokenOrSessionCannotBeTouched() {
        java.util.UUID owner = app.newUser("owner@example.org");
        app.app().apiTokens().create(owner, "mine", java.util.EnumSet.allOf(
                org.mqcgm.server.platform.security.Scope.class));
        java.util.UUID tokenId = app.app().apiTokens().list(owner).get(0).id();
        app.newUser("intruder@example.org");
        Http intruder = new Http(app.url());
        login(intruder, "intruder@example.org");
        assertThat(intruder.postForm("/settings/tokens/" + tokenId + "/revoke", Map.of()).statusCode()).isEqualTo(404);
        assertThat(intruder.postForm("/settings/tokens/not-a-uuid/revoke", Map.of()).statusCode()).isEqualTo(404);
        assertThat(app.app().apiTokens().list(owner).get(0).active()).isTrue();
    }
}
