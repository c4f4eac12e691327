package org.mqcgm.server.guardians;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.cancellation.CancellationFeature;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.privacy.ConsentLedger;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Minors and guardians end to end (PR-77, PR-78, PR-79): the date of birth at sign-up decides, the guardian is
 * proven by a code at their own contact and consents per purpose, minors publish nothing publicly, a guardian's
 * withdrawal deletes the child's account, control passes at the age of majority, and a report suspends an account
 * until an administrator confirms its deletion.
 */
class GuardiansTest {

    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    static final MutableClock clock = new MutableClock(Instant.parse("2026-06-15T10:00:00Z"));
    static final AtomicInteger SEQ = new AtomicInteger();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), clock, () -> null,
            c -> c.withTransfersAllowLoopbackHttp(true));

    static LocalDate today() {
        return LocalDate.now(clock.withZone(ZONE));
    }

    /** Signs up through the web form with this date of birth (and a made-up age the server must ignore). */
    static UUID signUp(String email, LocalDate birthDate) {
        Http http = new Http(app.url());
        HttpResponse<String> started = http.postForm("/signup", Map.of("identifier", email,
                "password", TestApp.PASSWORD, "time_zone", ZONE.getId(), "accept_policy", "yes",
                "health_data_consent", "yes", "birth_date", birthDate.toString(), "age", "30"));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        String registration = find(started.body(), "name=\"registration\" value=\"([^\"]+)\"");
        String code = app.awaitOutbox(email, Pattern.compile("(\\d{6})"));
        HttpResponse<String> verified = http.postForm("/signup/verify", Map.of("registration", registration,
                "code", code, "sent_to", "", "channel", "email"));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(303);
        return app.app().accounts().findId(email).orElseThrow();
    }

    static String find(String text, String regex) {
        var m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return m.group(1);
    }

    static HttpResponse<String> upload(UUID owner) {
        String token = app.app().apiTokens().create(owner, "t" + SEQ.incrementAndGet(), EnumSet.allOf(Scope.class));
        return new Http(app.url()).postJson("/api/v1/readings", "[{\"time\":\"" + clock.instant().minusSeconds(600)
                + "\",\"mgdl\":120}]", "Authorization", "Bearer " + token);
    }

    /** The child invites {@code parent}, who has an account and consents to health data with the code. */
    static UUID guardianConsents(String child, String parent) {
        Http childWeb = app.login(child);
        HttpResponse<String> invited = childWeb.postForm("/guardian/invite", Map.of("contact", parent));
        assertThat(invited.statusCode()).as(invited.body()).isEqualTo(200);
        String invitation = app.awaitOutbox(parent, Pattern.compile("/guardian/accept/([0-9a-f-]{36})"));
        String code = app.awaitOutbox(parent, Pattern.compile("code (\\d{6})"));
        UUID guardian = app.newUser(parent);
        Http guardianWeb = app.login(parent);
        assertThat(guardianWeb.get("/guardian/accept/" + invitation).statusCode()).isEqualTo(200);
        HttpResponse<String> consented = guardianWeb.postForm("/guardian/accept/" + invitation, Map.of(
                "code", code, "purpose", "health-data", "declaration", "yes"));
        assertThat(consented.statusCode()).as(consented.body()).isEqualTo(303);
        return guardian;
    }

    static Http confirmed(String login) {
        Http web = app.login(login);
        assertThat(web.postForm("/confirm", Map.of("password", TestApp.PASSWORD, "next", "/guardian")).statusCode())
                .isEqualTo(303);
        return web;
    }

    static boolean exists(UUID account) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from account where id = :id")
                .bind("id", account).mapTo(Integer.class).one()) > 0;
    }

    @Test
    @Tag("PR-77")
    void aMinorWaitsForAGuardianProvenAtTheirOwnContactWhoseConsentTheLedgerKeeps() {
        // 17 years and 364 days: a minor, whatever age the form claimed.
        UUID child = signUp("kid1@example.org", today().minusYears(18).plusDays(1));
        HttpResponse<String> refused = upload(child);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("GUARDIAN_CONSENT_REQUIRED");
        int days = app.sql().withHandle(h -> h.createQuery("select count(*) from glucose_day where owner_id = :o")
                .bind("o", child).mapTo(Integer.class).one());
        assertThat(days).isZero();
        // The date is stored encrypted only.
        byte[] stored = app.sql().withHandle(h -> h.createQuery("select birth_date_enc from birth_date"
                + " where owner_id = :o").bind("o", child).mapTo(byte[].class).one());
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(today().minusYears(18).plusDays(1).toString());

        // The guardian cannot be reached at the child's own contact.
        HttpResponse<String> own = app.login("kid1@example.org").postForm("/guardian/invite",
                Map.of("contact", "KID1@example.org"));
        assertThat(own.statusCode()).isEqualTo(422);
        assertThat(own.body()).contains("different-from-child");

        UUID guardian = guardianConsents("kid1@example.org", "parent1@example.org");
        assertThat(upload(child).statusCode()).isEqualTo(200);
        assertThat(app.app().consents().history(child)).anySatisfy(e -> {
            assertThat(e.purpose()).isEqualTo(Purpose.HEALTH_DATA);
            assertThat(e.granted()).isTrue();
            assertThat(e.channel()).isEqualTo("guardian:" + guardian);
        });
        // An adult's sign-up (18 today) needs nobody.
        UUID adult = signUp("eighteen@example.org", today().minusYears(18));
        assertThat(upload(adult).statusCode()).isEqualTo(200);
    }

    @Test
    @Tag("PR-78")
    void aMinorPublishesNothingPubliclyAndTransfersNothing() {
        UUID child = signUp("kid2@example.org", today().minusYears(15));
        guardianConsents("kid2@example.org", "parent2@example.org");
        app.app().consents().record(child, Purpose.COMMUNITY, true, "test");
        String token = app.app().apiTokens().create(child, "posts", EnumSet.allOf(Scope.class));
        HttpResponse<String> pub = new Http(app.url()).postJson("/api/v1/posts",
                "{\"text\":\"hello\",\"visibility\":\"public\",\"tags\":[]}", "Authorization", "Bearer " + token);
        assertThat(pub.statusCode()).as(pub.body()).isEqualTo(403);
        assertThat(pub.body()).contains("MINOR_PUBLIC_POST");
        HttpResponse<String> priv = new Http(app.url()).postJson("/api/v1/posts",
                "{\"text\":\"hello\",\"visibility\":\"private\",\"tags\":[]}", "Authorization", "Bearer " + token);
        assertThat(priv.statusCode()).as(priv.body()).isBetween(200, 201);
        assertThat(app.app().feature(GuardiansFeature.class).minors().isMinor(child)).isTrue();
        // No transfer to a third party, before the destination is even contacted.
        HttpResponse<String> transfer = new Http(app.url()).postJson("/api/v1/me/transfers",
                "{\"password\":\"" + TestApp.PASSWORD + "\",\"kind\":\"fhir\",\"url\":\"http://127.0.0.1:9/fhir\"}",
                "Authorization", "Bearer " + token);
        assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(403);
        assertThat(transfer.body()).contains("MINOR_TRANSFER");
    }

    @Test
    @Tag("PR-78")
    void aMinorCannotGrantOptionalPurposesThemselvesOnlyWithdraw() {
        UUID child = signUp("kid5@example.org", today().minusYears(14));
        guardianConsents("kid5@example.org", "parent5@example.org");
        Http web = app.login("kid5@example.org");
        assertThat(web.get("/settings/privacy").body()).contains("data-testid=\"privacy-minor\"");
        // The privacy centre (each optional purpose), the consent page and the API all refuse a grant.
        for (String purpose : java.util.List.of("newsletter", "research", "sharing", "community", "tracking")) {
            HttpResponse<String> page = web.postForm("/settings/privacy", Map.of("purpose", purpose,
                    "granted", "yes"));
            assertThat(page.statusCode()).as(purpose).isEqualTo(403);
            assertThat(page.body()).as(purpose).contains("Your guardian decides");
        }
        String token = app.app().apiTokens().create(child, "consents", EnumSet.allOf(Scope.class));
        for (String purpose : java.util.List.of("newsletter", "research")) {
            HttpResponse<String> api = new Http(app.url()).postJson("/api/v1/me/consents",
                    "{\"purpose\":\"" + purpose + "\",\"granted\":true}", "Authorization", "Bearer " + token);
            assertThat(api.statusCode()).as(api.body()).isEqualTo(403);
            assertThat(api.body()).contains("MINOR_CONSENT_BY_GUARDIAN").contains("\"purpose\"");
        }
        HttpResponse<String> again = web.postForm("/settings/consents", Map.of("health_data", "yes"));
        assertThat(again.statusCode()).isEqualTo(403);
        // Nothing was granted by the child in the privacy centre or the API (the sign-up's own box waited for the
        // guardian, whose grant is the one that counts).
        assertThat(app.app().consents().history(child)).filteredOn(ConsentLedger.Event::granted)
                .allSatisfy(e -> assertThat(e.channel()).isNotIn("web", "api"));
        assertThat(app.app().consents().granted(child, Purpose.NEWSLETTER)).isFalse();
        assertThat(app.app().consents().granted(child, Purpose.RESEARCH)).isFalse();
        // Withdrawing stays possible.
        HttpResponse<String> withdraw = new Http(app.url()).postJson("/api/v1/me/consents",
                "{\"purpose\":\"newsletter\",\"granted\":false}", "Authorization", "Bearer " + token);
        assertThat(withdraw.statusCode()).as(withdraw.body()).isEqualTo(201);
        // An adult of the same deployment grants as before.
        UUID adult = app.newUser("adult5@example.org");
        assertThat(app.login("adult5@example.org").postForm("/settings/privacy", Map.of("purpose", "newsletter",
                "granted", "yes")).statusCode()).isEqualTo(303);
        assertThat(app.app().consents().granted(adult, Purpose.NEWSLETTER)).isTrue();
    }

    @Test
    @Tag("PR-78")
    void aGuardiansWithdrawalDeletesTheChildsAccount() {
        UUID child = signUp("kid3@example.org", today().minusYears(12));
        guardianConsents("kid3@example.org", "parent3@example.org");
        assertThat(upload(child).statusCode()).isEqualTo(200);
        Http guardian = confirmed("parent3@example.org");
        HttpResponse<String> export = guardian.get("/guardian/children/" + child + "/export");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(guardian.postForm("/guardian/children/" + child + "/withdraw", Map.of()).statusCode())
                .isEqualTo(303);
        app.app().jobs().runNow(CancellationFeature.JOB);
        assertThat(exists(child)).isFalse();
        int days = app.sql().withHandle(h -> h.createQuery("select count(*) from glucose_day where owner_id = :o")
                .bind("o", child).mapTo(Integer.class).one());
        assertThat(days).isZero();
    }

    @Test
    @Tag("PR-78")
    void atTheAgeOfMajorityControlPassesAndTheGuardianIsRefused() {
        UUID child = signUp("kid4@example.org", today().minusYears(18).plusDays(2));
        guardianConsents("kid4@example.org", "parent4@example.org");
        assertThat(confirmed("parent4@example.org").get("/guardian/children/" + child + "/export").statusCode())
                .isEqualTo(200);
        app.app().jobs().runNow(GuardiansFeature.MAJORITY_JOB);
        assertThat(app.app().feature(GuardiansFeature.class).minors().isMinor(child)).isTrue();
        clock.advance(Duration.ofDays(2));
        try {
            app.app().jobs().runNow(GuardiansFeature.MAJORITY_JOB);
            assertThat(app.app().feature(GuardiansFeature.class).minors().isMinor(child)).isFalse();
            HttpResponse<String> refused = confirmed("parent4@example.org")
                    .get("/guardian/children/" + child + "/export");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("GUARDIANSHIP_ENDED");
            app.awaitOutbox("kid4@example.org", Pattern.compile("(you control your mqcgm account)"));
            app.awaitOutbox("parent4@example.org", Pattern.compile("(your access to it has ended)"));
        } finally {
            clock.advance(Duration.ofDays(-2));
        }
    }

    @Test
    @Tag("PR-79")
    void aReportSuspendsTheAccountAndAConfirmedReportDeletesIt() {
        UUID reported = app.newUser("reported@example.org");
        Http anonymous = new Http(app.url());
        HttpResponse<String> filed = anonymous.postForm("/report-child", Map.of("account", "reported@example.org",
                "reporter", "reporter@example.org", "details", "my classmate, 12"));
        assertThat(filed.statusCode()).as(filed.body()).isEqualTo(200);
        String reference = find(filed.body(), "(R-\\d{8})");
        HttpResponse<String> refused = upload(reported);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("ACCOUNT_SUSPENDED");
        assertThat(app.login("reported@example.org").get("/guardian").body()).contains("data-testid=\"suspended\"");

        Http admin = app.adminSession(clock);
        HttpResponse<String> queue = admin.get("/admin/child-reports");
        assertThat(queue.body()).contains(reference);
        String report = app.sql().withHandle(h -> h.createQuery("select id::text from child_report where reference = :r")
                .bind("r", reference).mapTo(String.class).one());
        HttpResponse<String> decided = admin.postForm("/admin/child-reports/" + report + "/confirm", Map.of());
        assertThat(decided.statusCode()).isEqualTo(200);
        assertThat(decided.body()).doesNotContain(reference);
        app.app().jobs().runNow(CancellationFeature.JOB);
        assertThat(exists(reported)).isFalse();
        String outcome = app.awaitOutbox("reporter@example.org", Pattern.compile("(?s)(We reviewed your report.*)"));
        assertThat(outcome).contains(reference).contains("deleted").doesNotContain("reported@example.org");
    }

    @Test
    @Tag("PR-79")
    void aDateOfBirthEditedToAMinorsPutsTheAccountInTheGuardianFlow() {
        UUID person = app.newUser("fifteen@example.org");
        assertThat(upload(person).statusCode()).isEqualTo(200);
        HttpResponse<String> edited = app.login("fifteen@example.org").postForm("/account/birth-date",
                Map.of("birth_date", today().minusYears(15).toString(), "next", "/today"));
        assertThat(edited.statusCode()).isEqualTo(303);
        assertThat(edited.headers().firstValue("Location")).contains("/guardian");
        HttpResponse<String> refused = upload(person);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("GUARDIAN_CONSENT_REQUIRED");
        // ...and a minor cannot make themselves an adult again.
        HttpResponse<String> back = app.login("fifteen@example.org").postForm("/account/birth-date",
                Map.of("birth_date", "1990-01-01", "next", "/today"));
        assertThat(back.statusCode()).isEqualTo(409);
    }

    @Test
    void anAccountWithoutADateOfBirthIsAskedAtLogin() {
        app.app().accounts().createVerified("nodate@example.org", TestApp.PASSWORD, ZONE.getId(),
                org.mqcgm.server.platform.web.Language.EN);
        HttpResponse<String> login = new Http(app.url()).postForm("/login", Map.of("identifier", "nodate@example.org",
                "password", TestApp.PASSWORD));
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location").orElseThrow()).startsWith("/account/birth-date?next=");
    }

}
