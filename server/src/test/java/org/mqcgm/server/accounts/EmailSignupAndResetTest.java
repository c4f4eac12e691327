package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.outbound.SmtpSender;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * Sign-up and password retrieval by e-mail through a real SMTP server (GreenMail, in-process): the code is read
 * from the mail that arrived.
 */
class EmailSignupAndResetTest {

    @RegisterExtension
    @Order(1)
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(false);

    static final MutableClock clock = MutableClock.now();

    /** Started after the mail server, which has its port by then. */
    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock, () -> new SmtpSender.Settings(
            "127.0.0.1", mail.getSmtp().getPort(), null, "", "noreply@mqcgm.test", "none"));

    /** The newest mail to {@code to}, waiting for it to arrive. */
    static MimeMessage awaitMail(String to, String subjectContains) {
        return Wait.until("a mail to " + to + " about " + subjectContains, () -> {
            MimeMessage newest = null;
            for (MimeMessage m : mail.getReceivedMessagesForDomain(to)) {
                if (m.getSubject().contains(subjectContains)) {
                    newest = m;
                }
            }
            return Optional.ofNullable(newest);
        }, Optional::isPresent).orElseThrow();
    }

    static String codeIn(MimeMessage m) {
        Matcher matcher = Pattern.compile("\\b(\\d{6})\\b").matcher(text(m));
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    @Test
    @Tag("PR-06")
    void signUpWithTheCodeFromTheRealMail() throws Exception {
        Http http = new Http(app.url());
        HttpResponse<String> started = WebAccountFlowTest.startSignup(http, "New.Person@Example.org", TestApp.PASSWORD);
        assertThat(started.statusCode()).isEqualTo(200);
        MimeMessage m = awaitMail("new.person@example.org", "verification code");
        assertThat(m.getFrom()[0].toString()).isEqualTo("noreply@mqcgm.test");
        String body = text(m);
        // No tracking pixels or redirect links in transactional mail (PR-38); no health data (PR-55).
        assertThat(body).doesNotContain("<img").doesNotContain("mg/dL");
        HttpResponse<String> done = WebAccountFlowTest.confirm(http, WebAccountFlowTest.registrationOf(started),
                codeIn(m));
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(http.get("/settings").body()).contains("data-testid=\"login-email\">new.person@example.org<");
        String hash = app.sql().withHandle(h -> h.createQuery(
                        "select password_hash from account where email_index is not null order by created_at desc limit 1")
                .mapTo(String.class).one());
        // Argon2id of the password's HMAC under the deployment's pepper (ASVS V2.4.5), never the password itself.
        assertThat(hash).startsWith("p1$argon2id$").doesNotContain(TestApp.PASSWORD);
    }

    @Test
    @Tag("PR-07")
    void resetAnswersTheSameForKnownAndUnknownAddressesAndEndsEverySessionAndToken() throws Exception {
        UUID owner = app.newUser("reset.me@example.org");
        String token = app.app().apiTokens().create(owner, "uploader", EnumSet.allOf(Scope.class));
        Http oldSession = new Http(app.url());
        WebAccountFlowTest.login(oldSession, "reset.me@example.org");
        assertThat(oldSession.get("/today").statusCode()).isEqualTo(200);

        Http http = new Http(app.url());
        HttpResponse<String> known = http.postForm("/password-reset", Map.of("identifier", "reset.me@example.org"));
        HttpResponse<String> unknown = http.postForm("/password-reset", Map.of("identifier", "nobody@example.org"));
        assertThat(known.statusCode()).isEqualTo(unknown.statusCode()).isEqualTo(200);
        assertThat(known.body().replace("reset.me@example.org", "X"))
                .isEqualTo(unknown.body().replace("nobody@example.org", "X"));

        String code = codeIn(awaitMail("reset.me@example.org", "Reset"));
        String newPassword = "river stone kettle ninety";
        HttpResponse<String> done = http.postForm("/password-reset/confirm", Map.of("identifier",
                "reset.me@example.org", "code", code, "password", newPassword));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("data-testid=\"reset-done\"");
        // Every session and token of the account ended.
        assertThat(oldSession.get("/today").statusCode()).isEqualTo(303);
        assertThat(http.get("/api/v1/readings", "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
        assertThat(app.app().accounts().authenticate("reset.me@example.org", newPassword)).contains(owner);
        // The code is single-use.
        assertThat(http.postForm("/password-reset/confirm", Map.of("identifier", "reset.me@example.org",
                "code", code, "password", "another fresh passphrase")).statusCode()).isEqualTo(410);
    }

    @Test
    @Tag("PR-07")
    void aResetCodeExpiresAfterTenMinutesAndTheLinkWorksOnce() throws Exception {
        app.newUser("late@example.org");
        Http http = new Http(app.url());
        http.postForm("/password-reset", Map.of("identifier", "late@example.org"));
        MimeMessage first = awaitMail("late@example.org", "Reset");
        clock.advance(Duration.ofMinutes(11));
        assertThat(http.postForm("/password-reset/confirm", Map.of("identifier", "late@example.org",
                "code", codeIn(first), "password", "river stone kettle ninety")).statusCode()).isEqualTo(410);

        mail.purgeEmailFromAllMailboxes();
        http.postForm("/password-reset", Map.of("identifier", "late@example.org"));
        String body = text(awaitMail("late@example.org", "Reset"));
        Matcher link = Pattern.compile("http://mqcgm\\.test(/password-reset/link/[A-Za-z0-9_.-]+)").matcher(body);
        assertThat(link.find()).as(body).isTrue();
        assertThat(http.get(link.group(1)).statusCode()).isEqualTo(200);
        assertThat(http.postForm(link.group(1), Map.of("password", "river stone kettle ninety")).statusCode())
                .isEqualTo(200);
        assertThat(http.get(link.group(1)).statusCode()).isEqualTo(410);
        assertThat(app.app().accounts().authenticate("late@example.org", "river stone kettle ninety")).isPresent();
    }

    @Test
    void changingTheEmailNeedsTheCodeSentToTheNewAddressAndTellsTheOldOne() throws Exception {
        UUID owner = app.newUser("old.address@example.org");
        Http http = new Http(app.url());
        WebAccountFlowTest.login(http, "old.address@example.org");
        assertThat(http.postForm("/settings/login", Map.of("identifier", "new.address@example.org")).statusCode())
                .isEqualTo(200);
        String code = codeIn(awaitMail("new.address@example.org", "Confirm"));
        HttpResponse<String> confirmed = http.postForm("/settings/login/confirm", Map.of("kind", "email",
                "code", code, "identifier", "new.address@example.org", "sent_to", "n"));
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(303);
        assertThat(app.app().accounts().findId("new.address@example.org")).contains(owner);
        assertThat(app.app().accounts().findId("old.address@example.org")).isEmpty();
        assertThat(awaitMail("old.address@example.org", "login was changed")).isNotNull();
    }

    /** The decoded text of a mail (the controller's contact in Chinese makes it quoted-printable). */
    private static String text(jakarta.mail.internet.MimeMessage m) {
        try {
            return m.getContent().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
