package org.mqcgm.server.nightscout;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Settings → Nightscout clients and the getting-started step that makes an uploader's credential: shown once with
 * what each client needs, listed without secrets, revoked at once; a sensitive action like making an API token.
 */
class NightscoutPagesTest {

    static final MutableClock clock = new MutableClock(Instant.parse("2026-03-14T12:00:00Z"));

    @RegisterExtension
    static final TestApp app = TestApp.perClass(clock, clock);

    static String field(String html, String testId) {
        Matcher m = Pattern.compile("value=\"([^\"]*)\" data-testid=\"" + testId + "\"").matcher(html);
        assertThat(m.find()).as(testId + " in " + html).isTrue();
        return m.group(1);
    }

    static int verify(String apiSecretHeader, String path) throws Exception {
        return new Http(app.url()).get(path, "api-secret", apiSecretHeader).statusCode();
    }

    @Test
    void aCredentialMadeOnTheSettingsPageIsShownOnceWorksAndIsRevokedAtOnce() throws Exception {
        app.newUser("pages@example.org");
        Http web = app.login("pages@example.org");
        assertThat(web.get("/settings").body()).contains("href=\"/settings/nightscout\"");
        assertThat(web.get("/settings/nightscout").body()).contains("data-testid=\"ns-none\"");

        HttpResponse<String> made = web.postForm("/settings/nightscout", Map.of("name", "xDrip+ phone",
                "access", "readwrite"));
        assertThat(made.statusCode()).isEqualTo(200);
        String html = made.body();
        String site = field(html, "ns-url");
        String secret = field(html, "ns-secret");
        String token = field(html, "ns-token");
        assertThat(site).matches("http://mqcgm.test/ns/[a-z2-7]{12}/");
        String host = site.substring("http://".length(), site.indexOf("/ns/"));
        assertThat(field(html, "ns-xdrip-url")).isEqualTo("http://" + secret + "@" + host
                + site.substring(site.indexOf("/ns/")) + "api/v1/");
        assertThat(field(html, "ns-follower-url")).isEqualTo(site + "?token=" + token);
        assertThat(html).contains("<svg class=\"qr\"").contains("data-testid=\"ns-qr\"")
                .contains("data-testid=\"ns-howto\"").doesNotContain("style=");

        // The credential works where the client calls, at the root and under its own site.
        String path = site.substring(site.indexOf("/ns/"));
        String sha1 = NsCredentials.hex("SHA-1", secret);
        assertThat(verify(sha1, path + "api/v1/experiments/test")).isEqualTo(200);
        assertThat(verify(sha1, "/api/v1/experiments/test")).isEqualTo(200);

        // Listed afterwards without its secrets.
        String listed = web.get("/settings/nightscout").body();
        assertThat(listed).contains("xDrip+ phone").contains(site).doesNotContain(secret).doesNotContain(token)
                .contains("data-state=\"active\"");

        Matcher revoke = Pattern.compile("action=\"(/settings/nightscout/[0-9a-f-]{36}/revoke)\"").matcher(listed);
        assertThat(revoke.find()).isTrue();
        // Someone else cannot revoke it.
        app.newUser("other-pages@example.org");
        assertThat(app.login("other-pages@example.org").postForm(revoke.group(1), Map.of()).statusCode())
                .isEqualTo(404);
        assertThat(verify(sha1, path + "api/v1/experiments/test")).isEqualTo(200);

        HttpResponse<String> revoked = web.postForm(revoke.group(1), Map.of());
        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(revoked.headers().firstValue("Location")).hasValue("/settings/nightscout#credentials");
        assertThat(verify(sha1, path + "api/v1/experiments/test")).isEqualTo(401);
        assertThat(web.get("/settings/nightscout").body()).contains("data-state=\"revoked\"")
                .doesNotContain("data-testid=\"ns-revoke\"");
    }

    @Test
    void aFormWithoutNameOrWithAnUnknownAccessMakesNothing() throws Exception {
        app.newUser("form@example.org");
        Http web = app.login("form@example.org");
        HttpResponse<String> noName = web.postForm("/settings/nightscout", Map.of("name", " ", "access", "read"));
        assertThat(noName.statusCode()).isEqualTo(422);
        assertThat(noName.body()).contains("data-field=\"name\"").doesNotContain("data-testid=\"ns-issued\"");
        HttpResponse<String> badAccess = web.postForm("/settings/nightscout", Map.of("name", "Mum",
                "access", "admin"));
        assertThat(badAccess.statusCode()).isEqualTo(422);
        assertThat(badAccess.body()).contains("data-field=\"access\"").contains("value=\"Mum\"");
        assertThat(web.get("/settings/nightscout").body()).contains("data-testid=\"ns-none\"");
        // A read-only credential for a follower.
        String html = web.postForm("/settings/nightscout", Map.of("name", "Mum", "access", "read")).body();
        String sha1 = NsCredentials.hex("SHA-1", field(html, "ns-secret"));
        assertThat(verify(sha1, "/api/v1/entries.json")).isEqualTo(200);
        assertThat(verify(sha1, "/api/v1/experiments/test")).isEqualTo(401);
    }

    @Test
    void theGettingStartedButtonMakesAnUploaderCredentialAndWaitsForTheFirstReading() throws Exception {
        app.newUser("start-ns@example.org");
        Http web = app.login("start-ns@example.org");
        HttpResponse<String> r = web.postForm("/settings/nightscout/uploader", Map.of("return", "/today",
                "latest", "1773489600"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("data-await-reading=\"/today\"").contains("data-latest=\"1773489600\"")
                .contains("href=\"/today\"").contains("data-testid=\"ns-qr\"");
        String sha1 = NsCredentials.hex("SHA-1", field(r.body(), "ns-secret"));
        assertThat(verify(sha1, "/api/v1/experiments/test")).isEqualTo(200);
        assertThat(web.get("/settings/nightscout").body()).contains("<strong>Uploader</strong>");
        // Whatever else comes as "latest" is not echoed.
        assertThat(web.postForm("/settings/nightscout/uploader", Map.of("latest", "\"><script>")).body())
                .contains("data-latest=\"\"");
    }

    @Test
    void makingACredentialNeedsARecentPasswordAndComesBackToThePageItStartedFrom() throws Exception {
        app.newUser("stale@example.org");
        Http web = app.login("stale@example.org");
        clock.advance(Duration.ofMinutes(6));
        HttpResponse<String> fromToday = web.postForm("/settings/nightscout/uploader", Map.of("return", "/today"));
        assertThat(fromToday.statusCode()).isEqualTo(303);
        assertThat(fromToday.headers().firstValue("Location")).hasValue("/confirm?next=%2Ftoday");
        HttpResponse<String> fromSettings = web.postForm("/settings/nightscout", Map.of("name", "x",
                "access", "read"));
        assertThat(fromSettings.headers().firstValue("Location")).hasValue("/confirm?next=%2Fsettings");
        HttpResponse<String> elsewhere = web.postForm("/settings/nightscout", Map.of("name", "x",
                "access", "read", "return", "https://evil.example/"));
        assertThat(elsewhere.headers().firstValue("Location")).hasValue("/confirm?next=%2Fsettings");
        assertThat(web.get("/settings/nightscout").body()).contains("data-testid=\"ns-none\"");
    }

    @Test
    void xdripsUploaderUrlCarriesTheSecretAsItsUserPart() {
        assertThat(NsPages.xdripUrl("https://cgm.example.org/ns/abc/", "s3cret"))
                .isEqualTo("https://s3cret@cgm.example.org/ns/abc/api/v1/");
        assertThat(NsPages.xdripUrl("http://192.168.1.5:8080/mqcgm/ns/abc/", "s3cret"))
                .isEqualTo("http://s3cret@192.168.1.5:8080/mqcgm/ns/abc/api/v1/");
    }
}
