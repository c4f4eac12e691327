package org.mqcgm.server.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.PushService;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * An operator records a security incident through the admin API; its notice is refused until every section is set,
 * then reaches each affected person by e-mail (the outbox), push (a push service on loopback) and an in-app notice,
 * each tracked; the dashboard shows the time from confirmation to notice; a reportable incident closes only with the
 * regulator's report; security reports are published and listed.
 */
class IncidentNotificationTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    static final ObjectMapper JSON = new ObjectMapper();
    static PushService service;
    static Http admin;

    @BeforeAll
    static void start() throws Exception {
        service = new PushService();
        service.expectVapidKey(JSON.readTree(new Http(app.url()).get("/api/v1/push/vapid-public-key").body())
                .path("publicKey").asText());
    }

    /** A fresh administrator's session for each test: a session ends after 30 minutes without use. */
    @org.junit.jupiter.api.BeforeEach
    void signIn() {
        admin = app.adminSession(clock);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static final String COMPLETE = """
            "whatHappened":"A backup copy was readable from the internet for 3 hours.",
            "dataCategories":"e-mail address, glucose readings",
            "impact":"Someone may have copied your readings.",
            "measures":"We closed access and rotated every key.",
            "advice":"Change your password and watch for phishing e-mails.",
            "contact":"security@mqcgm.example, +86 10 0000 0000\"""";

    @Test
    @Tag("PR-57")
    void aNoticeIsRefusedUntilComplete_thenEveryoneAffectedGetsAllSevenSectionsByEveryChannel() throws Exception {
        UUID withPhone = app.newUser("incident-push@example.org");
        UUID withoutDevice = app.newUser("incident-mail@example.org");
        PushService.Subscription s = service.subscribe();
        HttpResponse<String> subscribed = new Http(app.url()).postJson("/api/v1/push/subscriptions", s.json(),
                "Authorization", "Bearer " + app.app().apiTokens().create(withPhone, "phone",
                        java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class)));
        assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(201);

        // Everything but the remedies: sending is refused, naming the missing field.
        HttpResponse<String> created = call("POST", "/api/v1/admin/incidents", "{" + COMPLETE
                + ",\"affected\":\"list\",\"affectedAccounts\":[\"" + withPhone + "\",\"" + withoutDevice
                + "\"],\"confirmedAt\":\"now\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).path("id").asText();
        assertThat(JSON.readTree(created.body()).path("missing")).extracting(JsonNode::asText)
                .containsExactly("remedies");
        HttpResponse<String> refused = call("POST", "/api/v1/admin/incidents/" + id + "/notifications", null);
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.path("errors")).extracting(e -> e.path("field").asText()).containsExactly("$.remedies");
        assertThat(app.outboxMessages().filter(m -> m.contains("Security notice"))).isEmpty();

        // Complete: it goes out. Five hours later the administrator signs in again (idle sessions end).
        clock.advance(Duration.ofHours(5));
        admin = app.adminSession(clock);
        assertThat(call("PATCH", "/api/v1/admin/incidents/" + id,
                "{\"remedies\":\"One year of free premium support; we pay for a new sensor serial if you ask.\"}")
                .statusCode()).isEqualTo(200);
        HttpResponse<String> sent = call("POST", "/api/v1/admin/incidents/" + id + "/notifications", null);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);

        for (String to : List.of("incident-push@example.org", "incident-mail@example.org")) {
            String mail = app.awaitOutbox(to, java.util.regex.Pattern.compile("(?s)(Security notice.*)"));
            assertThat(mail).contains("What happened\nA backup copy was readable from the internet for 3 hours.")
                    .contains("Which of your data is concerned\ne-mail address, glucose readings")
                    .contains("What this may mean for you\nSomeone may have copied your readings.")
                    .contains("What we have done\nWe closed access and rotated every key.")
                    .contains("What you can do to protect yourself\nChange your password")
                    .contains("What we offer you\nOne year of free premium support")
                    .contains("Whom to contact\nsecurity@mqcgm.example");
            // No tracking: plain text, no image, the only address is the notices page, the same for everyone.
            // (The signature below "-- " is the controller's contact and policy address every e-mail ends with, PR-89.)
            String notice = mail.substring(0, mail.indexOf("\n-- \n"));
            assertThat(mail).doesNotContain("<img");
            assertThat(notice).doesNotContainPattern("https?://(?!mqcgm\\.test/notices\\b)");
        }
        PushService.Received push = service.next(s, 10);
        assertThat(push).as("the push notification reached the push service").isNotNull();
        JsonNode payload = JSON.readTree(push.text());
        assertThat(payload.path("title").asText()).isEqualTo("Security notice");
        assertThat(payload.path("title").asText() + payload.path("body").asText()).doesNotContainPattern("[0-9]");

        JsonNode incident = Wait.until("e-mails accepted", () -> find(id),
                i -> i.path("deliveries").path("emailSent").asInt() == 2);
        assertThat(incident.path("notifiedAt").isTextual()).isTrue();
        assertThat(incident.path("hoursToNotification").asDouble()).isEqualTo(5.0);
        assertThat(incident.path("slaBreached").asBoolean()).isFalse();
        assertThat(incident.path("deliveries").path("pushSent").asInt()).isEqualTo(1);
        assertThat(incident.path("deliveries").path("pushFailed").asInt()).isEqualTo(1);
        assertThat(incident.path("steps")).extracting(st -> st.path("kind").asText())
                .containsSubsequence("created", "changed", "confirmed", "changed", "notification-requested",
                        "notified");
        JsonNode deliveries = JSON.readTree(call("GET", "/api/v1/admin/incident-deliveries?incident=" + id, null)
                .body()).path("deliveries");
        assertThat(deliveries).extracting(d -> d.path("account").asText() + " " + d.path("channel").asText() + " "
                + d.path("status").asText()).containsExactlyInAnyOrder(
                withPhone + " email sent", withPhone + " push sent", withPhone + " in-app pending",
                withoutDevice + " email sent", withoutDevice + " push failed", withoutDevice + " in-app pending");

        // In the app: a banner at the next visit, the notice with its sections, then seen.
        Http person = app.login("incident-mail@example.org");
        String settings = person.get("/settings").body();
        assertThat(settings).contains("data-testid=\"notice\"").contains("href=\"/notices\"");
        String notices = person.get("/notices").body();
        for (String section : IncidentRegister.SECTIONS) {
            assertThat(notices).contains("data-testid=\"section-" + section + "\"");
        }
        assertThat(notices).contains("One year of free premium support").doesNotContain("data-testid=\"notice\"");
        assertThat(person.get("/settings").body()).doesNotContain("href=\"/notices\"");
        assertThat(JSON.readTree(call("GET", "/api/v1/admin/incident-deliveries?incident=" + id, null).body())
                .path("deliveries")).anySatisfy(d -> {
                    assertThat(d.path("account").asText()).isEqualTo(withoutDevice.toString());
                    assertThat(d.path("channel").asText()).isEqualTo("in-app");
                    assertThat(d.path("status").asText()).isEqualTo("seen");
                });
        // The step log cannot be rewritten.
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> app.sql().useHandle(h ->
                h.execute("delete from incident_step where incident_id = ?", UUID.fromString(id)))))
                .hasMessageContaining("append-only");
    }

    @Test
    @Tag("PR-57")
    void theDashboardFlagsANoticeSentMoreThan72HoursAfterConfirmation() throws Exception {
        UUID person = app.newUser("incident-late@example.org");
        String confirmed = clock.instant().minus(Duration.ofHours(80)).atOffset(ZoneOffset.UTC).toString();
        String id = JSON.readTree(call("POST", "/api/v1/admin/incidents", "{" + COMPLETE
                + ",\"remedies\":\"Free support.\",\"affected\":\"list\",\"affectedAccounts\":[\"" + person
                + "\"],\"confirmedAt\":\"" + confirmed + "\"}").body()).path("id").asText();
        assertThat(call("POST", "/api/v1/admin/incidents/" + id + "/notifications", null).statusCode())
                .isEqualTo(202);
        JsonNode incident = Wait.until("notified", () -> find(id), i -> i.path("notifiedAt").isTextual());
        assertThat(incident.path("id").asText()).isEqualTo(id);
        assertThat(incident.path("hoursToNotification").asDouble()).isEqualTo(80.0);
        assertThat(incident.path("slaBreached").asBoolean()).isTrue();
        String page = call("GET", "/admin/incidents?id=" + id, null).body();
        assertThat(page).contains("data-testid=\"sla-breach\"").contains("data-testid=\"incident-steps\"");
    }

    @Test
    @Tag("PR-58")
    void aReportableIncidentClosesOnlyWithTheRegulatorsReport() throws Exception {
        String id = JSON.readTree(call("POST", "/api/v1/admin/incidents",
                "{\"whatHappened\":\"Lost laptop\",\"reportable\":true,\"regulatorAuthority\":\"CAC Beijing\","
                        + "\"regulatorReportedAt\":\"now\"}").body()).path("id").asText();
        HttpResponse<String> blocked = call("POST", "/api/v1/admin/incidents/" + id + "/close", null);
        assertThat(blocked.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(blocked.body()).path("errors")).extracting(e -> e.path("field").asText())
                .containsExactly("$.regulatorReference");
        assertThat(call("PATCH", "/api/v1/admin/incidents/" + id, "{\"regulatorReference\":\"CAC-2026-0042\"}")
                .statusCode()).isEqualTo(200);
        HttpResponse<String> closed = call("POST", "/api/v1/admin/incidents/" + id + "/close", null);
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
        JsonNode incident = JSON.readTree(closed.body());
        assertThat(incident.path("closedAt").isTextual()).isTrue();
        assertThat(incident.path("steps")).extracting(st -> st.path("kind").asText())
                .containsSubsequence("created", "regulator-reported", "closed");
        assertThat(call("PATCH", "/api/v1/admin/incidents/" + id, "{\"impact\":\"x\"}").statusCode())
                .isEqualTo(409);
    }

    @Test
    @Tag("PR-56")
    void securityReportsArePublicAndTheDashboardWarnsWhenTheNewestIsOlderThan12Months() throws Exception {
        SecurityReports reports = app.app().feature(IncidentsFeature.class).reports();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        reports.publish(today.minusMonths(13).toString(), "pia", "Whole service", "Yearly assessment.",
                "Backups not encrypted", "done");
        assertThat(call("GET", "/admin/incidents", null).body()).contains("data-testid=\"report-overdue\"");
        reports.publish(today.minusMonths(1).toString(), "risk", "Push notifications", "No health data leaves.",
                "none", "in-progress");
        assertThat(call("GET", "/admin/incidents", null).body()).doesNotContain("data-testid=\"report-overdue\"");
        String page = new Http(app.url()).get("/privacy/security-reports").body();
        assertThat(page).contains(today.minusMonths(1).toString()).contains("Push notifications")
                .contains("Backups not encrypted").contains("in progress");
        assertThat(page.indexOf(today.minusMonths(1).toString()))
                .isLessThan(page.indexOf(today.minusMonths(13).toString()));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> reports.publish("2020-01-01", "pia", "",
                "x", "x", "done"))).hasMessageContaining("problems");
    }

    /** The incident as the admin API lists it. */
    static JsonNode find(String id) throws Exception {
        for (JsonNode i : JSON.readTree(call("GET", "/api/v1/admin/incidents", null).body()).path("incidents")) {
            if (i.path("id").asText().equals(id)) {
                return i;
            }
        }
        throw new AssertionError("no incident " + id);
    }

    private static HttpResponse<String> call(String method, String path, String body) {
        if (method.equals("GET")) {
            return admin.get(path);
        }
        return admin.send(method, path, body == null ? "" : body, "Content-Type", "application/json",
                "X-CSRF-Token", admin.csrfToken());
    }

}
