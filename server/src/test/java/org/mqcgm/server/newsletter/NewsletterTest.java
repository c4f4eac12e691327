package org.mqcgm.server.newsletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The newsletter (PR-38, PR-39): opt-in only, sent to the people subscribed at sending time; every mail has an
 * RFC 8058 one-click unsubscribe that works at once without signing in; a forged or changed token changes nothing;
 * subscribing again needs the person's own choice; the mail carries no tracking.
 */
class NewsletterTest {

    static final String PUBLIC_URL = "https://mqcgm.example";

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    /** The deployment's address (MQCGM_PUBLIC_URL: https in production, the test server's http here) and path. */
    static final Pattern UNSUBSCRIBE = Pattern.compile("(?m)^List-Unsubscribe: <(https?://[^/>]+)"
            + "(/newsletter/unsubscribe/[A-Za-z0-9_-]{64})>$");

    static NewsletterFeature feature() {
        return app.app().feature(NewsletterFeature.class);
    }

    static List<String> mailsTo(String to, String subject) {
        return app.outboxMessages().filter(m -> m.startsWith("To: " + to + "\nSubject: " + subject + "\n")).toList();
    }

    static HttpResponse<String> oneClick(String path) throws Exception {
        // What mail software sends (RFC 8058 §3.1): a POST without cookies, the fixed body, no form token.
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.url() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void send(String subject) {
        NewsletterFeature.queue(app.sql(), subject, "News of this month. Read more at " + PUBLIC_URL + "/help");
        feature().sendQueued();
    }

    @Test
    @Tag("PR-39")
    @Tag("PR-38")
    void onlySubscribersGetItAndOneClickUnsubscribesAtOnceWithoutLoginForgeriesChangeNothing() throws Exception {
        UUID reader = app.newUser("reader@example.org");
        UUID other = app.newUser("other-reader@example.org");
        app.newUser("not-subscribed@example.org");
        // Off by default; on only by the person's own choice in the privacy centre.
        assertThat(app.app().consents().granted(reader, Purpose.NEWSLETTER)).isFalse();
        Http web = app.login("reader@example.org");
        String centre = web.get("/settings/privacy").body();
        String form = centre.substring(centre.indexOf("data-testid=\"purpose-newsletter\""));
        assertThat(form.substring(0, form.indexOf("</form>"))).contains("aria-checked=\"false\"")
                .doesNotContain("privacy.centre.notYet");
        web.postForm("/settings/privacy", Map.of("purpose", "newsletter", "granted", "yes"));
        app.login("other-reader@example.org").postForm("/settings/privacy", Map.of("purpose", "newsletter",
                "granted", "yes"));

        // A subscriber whose account was cancelled (waiting for its erasure) is not mailed.
        UUID leaving = app.newUser("leaving-reader@example.org");
        app.app().consents().record(leaving, Purpose.NEWSLETTER, true, "web");
        app.sql().useHandle(h -> h.execute("update account set status = 'cancelled' where id = ?", leaving));

        send("Issue 1");
        String mail = app.awaitOutbox("reader@example.org", Pattern.compile("(?s)^(.*Subject: Issue 1.*)$"));
        app.awaitOutbox("other-reader@example.org", Pattern.compile("(Subject: Issue 1)"));
        assertThat(mailsTo("not-subscribed@example.org", "Issue 1")).isEmpty();
        assertThat(mailsTo("leaving-reader@example.org", "Issue 1")).isEmpty();
        assertThat(mail).contains("\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n");
        Matcher link = UNSUBSCRIBE.matcher(mail);
        assertThat(link.find()).as(mail).isTrue();
        String base = link.group(1);
        String path = link.group(2);
        // The same link is in the text, and nothing in the mail tracks (no pixel, links not rewritten).
        assertThat(mail).contains(base + path).contains(PUBLIC_URL + "/help").doesNotContain("<img")
                .doesNotContain("utm_");

        // Opening the link in a browser (or a scanner) only shows the button.
        assertThat(new Http(app.url()).get(path).body()).contains("data-testid=\"unsubscribe\"");
        assertThat(app.app().consents().granted(reader, Purpose.NEWSLETTER)).isTrue();

        // A changed or forged token: 400, nothing changes.
        String token = path.substring(path.lastIndexOf('/') + 1);
        String tampered = path.substring(0, path.length() - 1) + (token.endsWith("A") ? "B" : "A");
        assertThat(oneClick(tampered).statusCode()).isEqualTo(400);
        String otherPerson = PUBLIC_URL.isEmpty() ? "" : "/newsletter/unsubscribe/"
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                        java.nio.ByteBuffer.allocate(48).putLong(other.getMostSignificantBits())
                                .putLong(other.getLeastSignificantBits()).put(new byte[32]).array());
        HttpResponse<String> forged = oneClick(otherPerson);
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).contains("\"token\"").contains("signature");
        assertThat(app.app().consents().granted(other, Purpose.NEWSLETTER)).isTrue();
        assertThat(app.app().consents().granted(reader, Purpose.NEWSLETTER)).isTrue();

        // The one-click POST: 200, off at once, recorded in the ledger as an unsubscribe.
        HttpResponse<String> done = oneClick(path);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(app.app().consents().granted(reader, Purpose.NEWSLETTER)).isFalse();
        assertThat(app.app().consents().history(reader)).anySatisfy(e -> {
            assertThat(e.purpose()).isEqualTo(Purpose.NEWSLETTER);
            assertThat(e.granted()).isFalse();
            assertThat(e.channel()).isEqualTo("unsubscribe");
        });
        // Again: still 200, still off — the link never subscribes.
        assertThat(oneClick(path).statusCode()).isEqualTo(200);
        assertThat(app.app().consents().granted(reader, Purpose.NEWSLETTER)).isFalse();

        // The next issue leaves the person out.
        send("Issue 2");
        app.awaitOutbox("other-reader@example.org", Pattern.compile("(Subject: Issue 2)"));
        assertThat(mailsTo("reader@example.org", "Issue 2")).isEmpty();

        // Subscribing again is the person's own choice in the privacy centre.
        web.postForm("/settings/privacy", Map.of("purpose", "newsletter", "granted", "yes"));
        assertThat(app.app().consents().granted(reader, Purpose.NEWSLETTER)).isTrue();
    }

    @Test
    @Tag("PR-78")
    void aMinorGetsNoNewsletterEvenWithASubscriptionFromBefore() {
        UUID young = app.newUser("young-reader@example.org");
        Http web = app.login("young-reader@example.org");
        assertThat(web.postForm("/settings/privacy", Map.of("purpose", "newsletter", "granted", "yes")).statusCode())
                .isEqualTo(303);
        app.newUser("adult-reader@example.org");
        app.login("adult-reader@example.org").postForm("/settings/privacy", Map.of("purpose", "newsletter",
                "granted", "yes"));
        // The date of birth corrected to a minor's: the subscription stays in the ledger, the newsletter stops.
        assertThat(web.postForm("/account/birth-date", Map.of("birth_date",
                java.time.LocalDate.now().minusYears(15).toString(), "next", "/today")).statusCode()).isEqualTo(303);
        assertThat(app.app().consents().granted(young, Purpose.NEWSLETTER)).isTrue();
        send("Issue M");
        app.awaitOutbox("adult-reader@example.org", Pattern.compile("(Subject: Issue M)"));
        assertThat(mailsTo("young-reader@example.org", "Issue M")).isEmpty();
        // ...and cannot subscribe again themselves.
        assertThat(web.postForm("/settings/privacy", Map.of("purpose", "newsletter", "granted", "yes")).statusCode())
                .isEqualTo(403);
    }
}
