package org.mqcgm.server.clinician;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.ReadLog;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Clinician links end to end over HTTP: made, listed and revoked through the API and the settings page; opened
 * without an account (read-only report and PDF, no contact details, never cached nor indexed); PIN, guessing and
 * expiry limits; every view recorded for "who saw my data". Each test speaks from its own client address (the
 * server trusts the loopback proxy), so that the per-client guessing limit of one test does not touch another.
 */
class ClinicianLinksTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClassBehindProxy("127.0.0.1/32,::1/128", clock);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final AtomicInteger USERS = new AtomicInteger();

    /** A wearer: id, bearer header, and a client address of their own. */
    record Wearer(UUID id, String email, String[] auth, Http http) {
    }

    static String clientAddress() {
        return "203.0.113." + CLIENTS.incrementAndGet();
    }

    /** A signed-up wearer with readings over the last three days and (unless told) the consent to sharing. */
    static Wearer wearer(boolean sharing) {
        String email = "wearer" + USERS.incrementAndGet() + "@example.org";
        UUID id = app.newUser(email);
        String token = app.app().apiTokens().create(id, "all", java.util.EnumSet.allOf(Scope.class));
        String[] auth = {"Authorization", "Bearer " + token, "X-Forwarded-For", clientAddress()};
        Http http = new Http(app.url());
        if (sharing) {
            assertThat(http.postJson("/api/v1/me/consents", "{\"purpose\":\"sharing\",\"granted\":true}", auth)
                    .statusCode()).isIn(200, 201);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        List<String> readings = new ArrayList<>();
        for (int i = 1; i <= 72 * 4; i++) {
            readings.add("{\"time\":\"" + now.minus(Duration.ofMinutes(15L * i)) + "\",\"mgdl\":" + (100 + i % 50)
                    + "}");
        }
        assertThat(http.postJson("/api/v1/readings", "[" + String.join(",", readings) + "]", auth).statusCode())
                .isIn(200, 201);
        return new Wearer(id, email, auth, http);
    }

    static LocalDate today() {
        return clock.instant().atZone(ZoneId.of("Europe/Berlin")).toLocalDate();
    }

    static HttpResponse<String> create(Wearer w, String body) {
        return w.http().postJson("/api/v1/shares/links", body, w.auth());
    }

    static JsonNode link(Wearer w, String extra) throws Exception {
        HttpResponse<String> r = create(w, "{\"label\":\"Dr Wang\",\"from\":\"" + today().minusDays(13)
                + "\",\"to\":\"" + today() + "\"" + extra + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    /** The path of a link's URL ({@code /c/<token>}). */
    static String path(JsonNode created) {
        String url = created.path("url").asText();
        return url.substring(url.indexOf("/c/"));
    }

    /** An anonymous browser from its own address. */
    record Visitor(Http http, String address) {
        Visitor() {
            this(new Http(app.url()), clientAddress());
        }

        HttpResponse<String> get(String path) {
            return http.get(path, "Accept", "text/html", "X-Forwarded-For", address);
        }

        HttpResponse<String> pin(String path, String pin) {
            return http.send("POST", path, Http.form(Map.of("pin", pin, "_csrf", http.csrfToken())),
                    "Accept", "text/html", "Content-Type", "application/x-www-form-urlencoded",
                    "X-Forwarded-For", address);
        }
    }

    @BeforeAll
    static void startAtNow() {
        clock.set(Instant.now());
    }

    @Test
    @Tag("PR-24")
    void aLinkOpensTheReadOnlyReportWithoutAnAccountUntilItIsRevoked() throws Exception {
        Wearer w = wearer(true);
        JsonNode created = link(w, "");
        String token = path(created).substring(3);
        assertThat(token).as("a 256-bit token, base64url").matches("[A-Za-z0-9_-]{43}");
        assertThat(Instant.parse(created.path("expires").asText()))
                .isEqualTo(clock.instant().plus(Links.DEFAULT_LIFETIME).truncatedTo(ChronoUnit.SECONDS));
        assertThat(created.path("url").asText()).isEqualTo("http://mqcgm.test/c/" + token);
        // Stored hashed only.
        assertThat((int) app.sql().withHandle(h -> h.createQuery("select count(*) from clinician_link where "
                + "encode(token_hash, 'escape') like :t or label_enc::text like '%Wang%'").bind("t", "%" + token + "%")
                .mapTo(Integer.class).one())).isZero();

        Visitor visitor = new Visitor();
        HttpResponse<String> page = visitor.get(path(created));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("data-testid=\"shared-report\"").contains("Dr Wang")
                .contains("data-testid=\"report-stats\"").contains("data-testid=\"report-agp\"")
                .doesNotContain(w.email()).doesNotContain("report-form").doesNotContain("/reports?");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.headers().firstValue("X-Robots-Tag").orElse("")).contains("noindex");

        HttpResponse<byte[]> pdf = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(app.url() + path(created) + "/agp.pdf"))
                .header("X-Forwarded-For", visitor.address()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
        assertThat(new String(pdf.body(), 0, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");

        // Listed without the token, with its views; every view is in the read log.
        HttpResponse<String> list = w.http().get("/api/v1/shares/links", w.auth());
        assertThat(list.body()).doesNotContain(token).contains("\"views\":2").contains("\"state\":\"active\"")
                .contains("\"label\":\"Dr Wang\"");
        List<ReadLog.Entry> reads = app.app().feature(ClinicianFeature.class).readLog()
                .reads(w.id(), Instant.EPOCH, 10);
        assertThat(reads).hasSize(2).allSatisfy(e -> {
            assertThat(e.who()).isEqualTo("Dr Wang");
            assertThat(e.kind()).isEqualTo("clinician-link");
            assertThat(e.what()).isEqualTo("report");
        });
        assertThat((int) app.sql().withHandle(h -> h.createQuery("select count(*) from clinician_link_view")
                .mapTo(Integer.class).one())).isPositive();
        // "Who saw my data" lists them with the followers' reads.
        Http web = new Http(app.url());
        assertThat(web.postForm("/login", java.util.Map.of("identifier", w.email(), "password", TestApp.PASSWORD))
                .statusCode()).isEqualTo(303);
        assertThat(web.get("/settings/sharing/access").body()).contains("Dr Wang");

        // Someone else cannot revoke it; the wearer can, at once.
        Wearer other = wearer(true);
        assertThat(other.http().send("DELETE", "/api/v1/shares/links/" + created.path("id").asText(), "",
                other.auth()).statusCode()).isEqualTo(404);
        assertThat(visitor.get(path(created)).statusCode()).isEqualTo(200);
        assertThat(w.http().send("DELETE", "/api/v1/shares/links/" + created.path("id").asText(), "", w.auth())
                .statusCode()).isEqualTo(204);
        HttpResponse<String> revoked = visitor.get(path(created));
        assertThat(revoked.statusCode()).isEqualTo(404);
        assertThat(revoked.body()).doesNotContain("Dr Wang");
        assertThat(w.http().get("/api/v1/shares/links", w.auth()).body()).contains("\"state\":\"revoked\"");
    }

    @Test
    @Tag("PR-24")
    void aLinkAfterItsEndAnswers410() throws Exception {
        Wearer w = wearer(true);
        JsonNode created = link(w, ",\"expires\":\"" + clock.instant().plus(Duration.ofHours(1)) + "\"");
        Visitor visitor = new Visitor();
        assertThat(visitor.get(path(created)).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofHours(1));
        HttpResponse<String> ended = visitor.get(path(created));
        assertThat(ended.statusCode()).isEqualTo(410);
        assertThat(ended.body()).contains("data-testid=\"link-ended\"").contains("This link has ended")
                .doesNotContain("report-stats");
        assertThat(new Http(app.url()).get(path(created) + "/agp.pdf", "X-Forwarded-For", visitor.address())
                .statusCode()).isEqualTo(410);
        assertThat(w.http().get("/api/v1/shares/links", w.auth()).body()).contains("\"state\":\"ended\"");
    }

    @Test
    @Tag("PR-59")
    void reportingACompromiseEndsEveryLinkAt410() throws Exception {
        Wearer w = wearer(true);
        JsonNode first = link(w, "");
        JsonNode second = link(w, "");
        Visitor visitor = new Visitor();
        assertThat(visitor.get(path(first)).statusCode()).isEqualTo(200);
        // "My account may be compromised" (Settings → Security): whoever holds a link the attacker may have made or
        // seen reads nothing more.
        clock.advance(Duration.ofSeconds(1));
        app.app().accounts().reportCompromise(w.id(), org.mqcgm.server.accounts.ClientFacts.NONE);
        for (JsonNode link : List.of(first, second)) {
            HttpResponse<String> ended = visitor.get(path(link));
            assertThat(ended.statusCode()).isEqualTo(410);
            assertThat(ended.body()).doesNotContain("report-stats");
        }
    }

    @Test
    @Tag("PR-24")
    void guessingTokensFromOneClientIsRefusedWith429() throws Exception {
        Wearer w = wearer(true);
        JsonNode created = link(w, "");
        Visitor guesser = new Visitor();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < LinkTokenService.MISSES_PER_CLIENT + 10; i++) {
            statuses.add(guesser.get("/c/" + LinkTokenService.newToken()).statusCode());
        }
        assertThat(statuses.subList(0, LinkTokenService.MISSES_PER_CLIENT)).containsOnly(404);
        assertThat(statuses.subList(LinkTokenService.MISSES_PER_CLIENT, statuses.size())).containsOnly(429);
        // Even a right guess is refused now from that client; other clients are not affected.
        HttpResponse<String> blocked = guesser.get(path(created));
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
        assertThat(new Visitor().get(path(created)).statusCode()).isEqualTo(200);
    }

    @Test
    void aPinProtectedLinkAsksForThePinAndLimitsWrongOnes() throws Exception {
        Wearer w = wearer(true);
        JsonNode created = link(w, ",\"pin\":\"4821\"");
        JsonNode other = link(w, ",\"pin\":\"4821\"");
        String path = path(created);
        Visitor visitor = new Visitor();
        HttpResponse<String> form = visitor.get(path);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("data-testid=\"pin-form\"").doesNotContain("report-stats");
        assertThat(visitor.get(path + "/agp.pdf").statusCode()).isEqualTo(403);
        for (int i = 0; i < LinkTokenService.PIN_TRIES; i++) {
            assertThat(visitor.pin(path, "0000").statusCode()).isEqualTo(422);
        }
        // Five wrong PINs in 15 minutes: the next try, even the right PIN, is refused until the window passes.
        assertThat(visitor.pin(path, "4821").statusCode()).isEqualTo(429);
        clock.advance(LinkTokenService.PIN_WINDOW.plusMinutes(1));
        HttpResponse<String> right = visitor.pin(path, "4821");
        assertThat(right.statusCode()).isEqualTo(303);
        String cookie = right.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(LinkTokenService.COOKIE + "=")).findFirst().orElseThrow();
        assertThat(cookie).contains("Path=" + path).contains("HttpOnly").contains("SameSite=Strict");
        assertThat(visitor.get(path).body()).contains("report-stats");
        assertThat(visitor.get(path + "/agp.pdf").statusCode()).isEqualTo(200);
        // The proof is for that link only: the other link still asks.
        assertThat(visitor.get(path(other)).body()).contains("pin-form");
        // Twenty wrong PINs in all lock the link.
        for (int round = 0; round < 4; round++) {
            clock.advance(LinkTokenService.PIN_WINDOW.plusMinutes(1));
            for (int i = 0; i < LinkTokenService.PIN_TRIES; i++) {
                visitor.pin(path(other), "1111");
            }
        }
        clock.advance(LinkTokenService.PIN_WINDOW.plusMinutes(1));
        assertThat(visitor.pin(path(other), "4821").statusCode()).isEqualTo(410);
        assertThat(new Visitor().get(path(other)).statusCode()).isEqualTo(410);
        assertThat(w.http().get("/api/v1/shares/links", w.auth()).body()).contains("\"state\":\"locked\"");
    }

    @Test
    void badRequestsNameTheFieldAndRule() throws Exception {
        Wearer w = wearer(true);
        String from = "\"from\":\"" + today().minusDays(13) + "\",\"to\":\"" + today() + "\"";
        assertProblem(create(w, "{\"label\":\"Dr Wang\",\"from\":\"" + today().minusDays(90) + "\",\"to\":\""
                + today() + "\"}"), 422, "$.to", "max-days");
        assertProblem(create(w, "{\"label\":\"Dr Wang\"," + from + ",\"expires\":\""
                + clock.instant().plus(Duration.ofDays(31)) + "\"}"), 422, "$.expires", "max-30-days");
        assertProblem(create(w, "{\"label\":\"Dr Wang\"," + from + ",\"expires\":\"tomorrow\"}"), 400,
                "$.expires", "format");
        assertProblem(create(w, "{\"label\":\"Dr Wang\"," + from + ",\"pin\":\"12ab\"}"), 400, "$.pin", "pattern");
        assertProblem(create(w, "{\"label\":\"Dr Wang\"," + from + ",\"pin\":123456}"), 400, "$.pin", "type");
        assertProblem(create(w, "{\"label\":\"\"," + from + "}"), 400, "$.label", "required");
        assertProblem(create(w, "{\"label\":\"Dr Wang\"," + from + ",\"token\":\"mine\"}"), 400, "$.token",
                "unknown-field");
        assertProblem(create(w, "{\"label\":\"Dr Wang\",\"from\":\"" + today() + "\",\"to\":\""
                + today().minusDays(1) + "\"}"), 422, "$.to", "order");
        // Dates at the end of the calendar: refused by name, never a server error.
        assertProblem(create(w, "{\"label\":\"x\",\"from\":\"2026-01-01\",\"to\":\"+999999999-12-31\"}"),
                422, "$.to", "range");
        assertThat(w.http().get("/api/v1/shares/links", w.auth()).body()).isEqualTo("[]");
        // Without the consent to sharing: no link, 403; listing still works.
        Wearer shy = wearer(false);
        HttpResponse<String> r = create(shy, "{\"label\":\"Dr Wang\"," + from + "}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("CONSENT_REQUIRED").contains("\"purpose\":\"sharing\"");
        assertThat(shy.http().get("/api/v1/shares/links", shy.auth()).statusCode()).isEqualTo(200);
    }

    private static void assertProblem(HttpResponse<String> r, int status, String field, String rule)
            throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode errors = JSON.readTree(r.body()).path("errors");
        assertThat(errors.findValuesAsText("field")).as(r.body()).contains(field);
        boolean found = false;
        for (JsonNode e : errors) {
            found |= e.path("field").asText().equals(field) && e.path("rule").asText().equals(rule);
        }
        assertThat(found).as(r.body()).isTrue();
    }

    @Test
    void withdrawingTheConsentToSharingClosesEveryLink() throws Exception {
        Wearer w = wearer(true);
        JsonNode created = link(w, "");
        Visitor visitor = new Visitor();
        assertThat(visitor.get(path(created)).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1)); // the ledger orders choices by time: the clock stands still here
        assertThat(w.http().postJson("/api/v1/me/consents", "{\"purpose\":\"sharing\",\"granted\":false}",
                w.auth()).statusCode()).isIn(200, 201);
        assertThat(visitor.get(path(created)).statusCode()).isEqualTo(404);
    }

    @Test
    void theSettingsPageMakesListsAndRevokesLinks() throws Exception {
        Wearer w = wearer(true);
        Http browser = new Http(app.url());
        assertThat(browser.postForm("/login", Map.of("identifier", w.email(), "password", TestApp.PASSWORD))
                .statusCode()).isEqualTo(303);
        HttpResponse<String> page = browser.get("/settings/sharing/links");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-testid=\"link-form\"").contains("links-empty");

        HttpResponse<String> bad = browser.postForm("/settings/sharing/links", Map.of("label", "Dr Li",
                "from", today().minusDays(100).toString(), "to", today().toString(), "days", "7", "pin", "",
                "_csrf", browser.csrfToken()));
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("data-testid=\"errors\"").contains("at most 90 days");

        HttpResponse<String> made = browser.postForm("/settings/sharing/links", Map.of("label", "Dr Li",
                "from", today().minusDays(6).toString(), "to", today().toString(), "days", "3", "pin", "",
                "_csrf", browser.csrfToken()));
        assertThat(made.statusCode()).isEqualTo(201);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("value=\"[^\"]*(/c/[A-Za-z0-9_-]{43})\"")
                .matcher(made.body());
        assertThat(m.find()).as(made.body()).isTrue();
        String path = m.group(1);
        assertThat(browser.get("/settings/sharing/links").body()).as("shown once").doesNotContain(path)
                .contains("Dr Li").contains("Not opened yet");
        Visitor visitor = new Visitor();
        assertThat(visitor.get(path).statusCode()).isEqualTo(200);
        String listed = browser.get("/settings/sharing/links").body();
        assertThat(listed).contains("Opened once");

        String id = JSON.readTree(w.http().get("/api/v1/shares/links", w.auth()).body()).get(0).path("id").asText();
        HttpResponse<String> revoke = browser.postForm("/settings/sharing/links/" + id + "/revoke",
                Map.of("_csrf", browser.csrfToken()));
        assertThat(revoke.statusCode()).isEqualTo(303);
        assertThat(visitor.get(path).statusCode()).isEqualTo(404);
        assertThat(browser.get("/settings/sharing/links").body()).contains("Revoked");

        // My data lists the links and their views.
        assertThat(w.http().get("/api/v1/me/data", w.auth()).body()).contains("clinician-links")
                .contains("clinician-link-views");
    }

    /** Wrong PINs sent all at once count one by one: no more than the window's tries get a verdict. */
    @Test
    @Tag("PR-24")
    void parallelWrongPinsCannotOutrunTheLimit() throws Exception {
        Wearer w = wearer(true);
        String path = path(link(w, ",\"pin\":\"4821\""));
        Visitor visitor = new Visitor();
        assertThat(visitor.get(path).body()).contains("pin-form"); // the form, and its CSRF cookie
        List<Integer> statuses = org.mqcgm.server.testing.AllAtOnce.run(12, () -> visitor.pin(path, "0000")
                .statusCode());
        assertThat(statuses).as(statuses.toString()).filteredOn(s -> s == 422).hasSize(LinkTokenService.PIN_TRIES);
        assertThat(statuses).as(statuses.toString()).filteredOn(s -> s == 429)
                .hasSize(12 - LinkTokenService.PIN_TRIES);
    }
}
