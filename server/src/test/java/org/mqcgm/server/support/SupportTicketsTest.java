package org.mqcgm.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.Multipart;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Help pages, support tickets and the agents' queue against the real server (no hotline configured here; the
 * browser test configures one).
 */
class SupportTicketsTest {

    static final MutableClock clock = MutableClock.now();
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    static Http agent(String identifier) {
        UUID id = app.newUser(identifier);
        app.app().accounts().grantRole(id, Role.SUPPORT);
        return app.login(identifier);
    }

    /** Posts a form with the session's CSRF token. */
    static HttpResponse<String> form(Http http, String path, Map<String, String> fields) {
        return http.post(path, "application/x-www-form-urlencoded", Http.form(fields), "X-CSRF-Token",
                http.csrfToken());
    }

    static String ticketId(HttpResponse<String> redirect) {
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/support/[0-9a-f-]{36}");
        return location.substring("/support/".length());
    }

    @Test
    void theHelpPageAnswersInEnglishAndChineseAndHasNoCallControlWithoutAHotline() {
        Http anonymous = new Http(app.url());
        String en = anonymous.get("/help").body();
        assertThat(en).contains("Frequently asked questions").contains("How do alerts work?")
                .contains("How do I export my data?").contains("Can support staff see my glucose data?")
                .doesNotContain("data-testid=\"call-support\"");
        // no hotline to call: the only phone link is the controller's contact in the footer (PR-89)
        assertThat(en.substring(0, en.indexOf("<footer"))).doesNotContain("tel:");
        String zh = anonymous.get("/help", "Accept-Language", "zh-CN").body();
        assertThat(zh).contains("常见问题").contains("提醒是如何工作的？");
        app.newUser("help-reader@example.org");
        assertThat(app.login("help-reader@example.org").get("/today").body())
                .contains("<a href=\"/help\" data-testid=\"nav-help\">Help</a>");
    }

    @Test
    @Tag("PR-22")
    void aTicketFromTheWebFormShowsItsNumberAndDueDateIsTheOwnersOnlyAndIsStoredEncrypted() {
        app.newUser("ticket-owner@example.org");
        Http owner = app.login("ticket-owner@example.org");
        HttpResponse<String> created = form(owner, "/support", Map.of("subject", "Sensor keeps disconnecting",
                "message", "Since Monday the collector loses the sensor every night."));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(303);
        String id = ticketId(created);
        String page = owner.get("/support/" + id).body();
        assertThat(page).contains("Sensor keeps disconnecting").contains("data-testid=\"ticket-number\">#")
                .contains("data-testid=\"ticket-due\">due 2").contains("data-testid=\"ticket-status\">open")
                .contains("loses the sensor every night");
        assertThat(owner.get("/support").body()).contains("/support/" + id).contains("Sensor keeps disconnecting");

        app.newUser("ticket-stranger@example.org");
        Http stranger = app.login("ticket-stranger@example.org");
        assertThat(stranger.get("/support/" + id).statusCode()).isEqualTo(404);
        assertThat(form(stranger, "/support/" + id + "/messages", Map.of("message", "mine?")).statusCode())
                .isEqualTo(404);
        assertThat(stranger.get("/support").body()).doesNotContain(id);
        String token = app.app().apiTokens().create(app.newUser("ticket-stranger2@example.org"), "t",
                java.util.EnumSet.of(Scope.SUPPORT));
        assertThat(new Http(app.url()).get("/api/v1/support/tickets/" + id, "Authorization", "Bearer " + token)
                .statusCode()).isEqualTo(404);

        List<Map<String, Object>> rows = app.sql().withHandle(h -> h.createQuery(
                "select subject_enc::text as s, (select string_agg(body_enc::text, '') from support_message m"
                        + " where m.ticket_id = t.id) as b from support_ticket t where id = cast(:id as uuid)")
                .bind("id", id).mapToMap().list());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("s").toString() + rows.get(0).get("b")).doesNotContain("Sensor")
                .doesNotContain("collector");
    }

    @Test
    @Tag("PR-22")
    void theApiOpensRepliesAndClosesAndRefusesBadInputNamingTheField() throws Exception {
        String token = app.newUserToken("api-ticket@example.org", Scope.SUPPORT);
        Http api = new Http(app.url());
        String bearer = "Bearer " + token;
        HttpResponse<String> tooLong = api.postJson("/api/v1/support/tickets", "{\"subject\":\"Hi\",\"message\":\""
                + "x".repeat(5001) + "\"}", "Authorization", bearer);
        assertThat(tooLong.statusCode()).isEqualTo(422);
        assertThat(tooLong.body()).contains("\"field\":\"$.message\"").contains("max-length");
        HttpResponse<String> blank = api.postJson("/api/v1/support/tickets", "{\"subject\":\" \",\"message\":\"x\"}",
                "Authorization", bearer);
        assertThat(blank.statusCode()).isEqualTo(422);
        assertThat(blank.body()).contains("\"field\":\"$.subject\"");

        HttpResponse<String> created = api.postJson("/api/v1/support/tickets",
                "{\"subject\":\"Export fails\",\"message\":\"The export never finishes.\"}", "Authorization", bearer);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode ticket = JSON.readTree(created.body()).path("ticket");
        String id = ticket.path("id").asText();
        assertThat(ticket.path("status").asText()).isEqualTo("open");
        assertThat(ticket.path("priority").asText()).isEqualTo("P3");
        assertThat(ticket.path("number").asLong()).isPositive();
        assertThat(ticket.path("dueAt").asText()).isNotEmpty();

        HttpResponse<String> notImage = Multipart.upload(app.url(), "/api/v1/support/tickets/" + id
                + "/attachments", "notes.txt", "image/png", "just text".getBytes(), "Authorization", bearer);
        assertThat(notImage.statusCode()).as(notImage.body()).isEqualTo(415);
        // Expect: 100-continue: the 413 is decided on the declared length, so the 11 MB body is never sent and the
        // connection is not closed mid-upload under the next request (as in PhotosTest).
        HttpResponse<String> tooLarge = Multipart.upload(true, app.url(), "/api/v1/support/tickets/" + id
                + "/attachments", "big.png", "image/png", new byte[11 * 1024 * 1024], "Authorization", bearer);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        HttpResponse<String> image = Multipart.upload(app.url(), "/api/v1/support/tickets/" + id
                + "/attachments", "screen.png", "image/png", Multipart.picture("png", 16, 16), "Authorization", bearer);
        assertThat(image.statusCode()).as(image.body()).isEqualTo(201);
        String file = JSON.readTree(image.body()).path("messages").path(1).path("attachments").path(0).asText();
        assertThat(Multipart.download(app.url(), "/api/v1/support/tickets/" + id + "/attachments/" + file,
                "Authorization", bearer).statusCode()).isEqualTo(200);

        HttpResponse<String> reply = api.postJson("/api/v1/support/tickets/" + id + "/messages",
                "{\"message\":\"It stops at 90 %.\"}", "Authorization", bearer);
        assertThat(reply.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(reply.body()).path("messages")).hasSize(3);
        assertThat(JSON.readTree(api.get("/api/v1/support/tickets", "Authorization", bearer).body())
                .path("tickets").path(0).path("id").asText()).isEqualTo(id);

        HttpResponse<String> closed = api.postJson("/api/v1/support/tickets/" + id + "/close", "{}",
                "Authorization", bearer);
        assertThat(JSON.readTree(closed.body()).path("ticket").path("status").asText()).isEqualTo("closed");
        HttpResponse<String> late = api.postJson("/api/v1/support/tickets/" + id + "/messages",
                "{\"message\":\"one more\"}", "Authorization", bearer);
        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(late.body()).contains("TICKET_CLOSED");
    }

    @Test
    void agentsWorkTheQueueByPriorityThenAgeAndSeeTicketsButNoHealthData() throws Exception {
        UUID userId = app.newUser("queue-user@example.org");
        Http user = app.login("queue-user@example.org");
        String first = ticketId(form(user, "/support", Map.of("subject", "Older question", "message", "a")));
        clock.advance(Duration.ofMinutes(1));
        String second = ticketId(form(user, "/support", Map.of("subject", "Newer question", "message", "b")));

        Http agent = agent("queue-agent@example.org");
        JsonNode queue = JSON.readTree(agent.get("/api/v1/support/queue").body()).path("tickets");
        List<String> ids = queue.findValuesAsText("id");
        assertThat(ids).contains(first, second);
        assertThat(ids.indexOf(first)).isLessThan(ids.indexOf(second));
        for (JsonNode t : queue) {
            assertThat(List.of("P1", "P2", "P3")).contains(t.path("priority").asText());
        }
        assertThat(queue.findValuesAsText("priority")).isSortedAccordingTo(String::compareTo);
        String page = agent.get("/support/queue").body();
        assertThat(page.indexOf("Older question")).isLessThan(page.indexOf("Newer question")).isPositive();

        HttpResponse<String> reply = form(agent, "/support/queue/" + first + "/messages",
                Map.of("message", "Which phone do you use?"));
        assertThat(reply.statusCode()).isEqualTo(303);
        assertThat(user.get("/support/" + first).body()).contains("Which phone do you use?")
                .contains("data-testid=\"ticket-status\">waiting for you");
        assertThat(form(agent, "/support/queue/" + second + "/status", Map.of("status", "closed")).statusCode())
                .isEqualTo(303);
        assertThat(user.get("/support/" + second).body()).contains("data-testid=\"ticket-status\">closed");
        assertThat(JSON.readTree(agent.get("/api/v1/support/queue").body()).findValuesAsText("id"))
                .doesNotContain(second);
        // No health data without a grant; a user without the role does not see the queue at all.
        assertThat(agent.get("/admin/users/" + userId + "/glucose").statusCode()).isEqualTo(403);
        assertThat(user.get("/support/queue").statusCode()).isEqualTo(404);
        assertThat(user.get("/api/v1/support/queue").statusCode()).isEqualTo(404);
    }

    /**
     * "My account may be compromised" (PR-59) opens a P1 ticket the person sees in "My support requests", first
     * in the agents' queue (even before older tickets).
     */
    @Test
    @Tag("PR-59")
    void reportingACompromiseOpensAPriorityTicketFirstInTheQueue() throws Exception {
        app.newUser("older-question@example.org");
        ticketId(form(app.login("older-question@example.org"), "/support", Map.of("subject", "Older", "message", "q")));
        clock.advance(Duration.ofMinutes(1));
        UUID id = app.newUser("compromised@example.org");
        Http user = app.login("compromised@example.org");
        HttpResponse<String> reported = form(user, "/settings/compromised", Map.of());
        assertThat(reported.statusCode()).as(reported.body()).isEqualTo(200);
        List<Map<String, Object>> tickets = app.sql().withHandle(h -> h.createQuery(
                "select id, priority, category, status from support_ticket where owner_id = :o")
                .bind("o", id).mapToMap().list());
        assertThat(tickets).hasSize(1);
        assertThat(tickets.get(0)).containsEntry("priority", "P1").containsEntry("category", "compromise")
                .containsEntry("status", "open");
        String ticket = tickets.get(0).get("id").toString();

        Http agent = agent("p1-agent@example.org");
        JsonNode queue = JSON.readTree(agent.get("/api/v1/support/queue").body()).path("tickets");
        assertThat(queue.path(0).path("id").asText()).isEqualTo(ticket);
        assertThat(queue.path(0).path("priority").asText()).isEqualTo("P1");
        assertThat(agent.get("/support/queue").body()).containsPattern("<strong>P1</strong> <a href=\"/support/queue/"
                + ticket + "\">");
        // The person (every session and token was revoked; here through a new token) sees it in their requests.
        String token = app.app().apiTokens().create(id, "after reset", java.util.EnumSet.of(Scope.SUPPORT));
        JsonNode mine = JSON.readTree(new Http(app.url()).get("/api/v1/support/tickets", "Authorization", "Bearer "
                + token).body()).path("tickets");
        assertThat(mine).hasSize(1);
        assertThat(mine.path(0).path("id").asText()).isEqualTo(ticket);
        assertThat(mine.path(0).path("priority").asText()).isEqualTo("P1");
    }

    @Test
    @Tag("PR-22")
    void closedTicketsAreDeletedTwoYearsAfterTheCloseAndAttachmentsAfterThirtyDays() throws Exception {
        String token = app.newUserToken("retention@example.org", Scope.SUPPORT);
        Http api = new Http(app.url());
        String bearer = "Bearer " + token;
        String kept = JSON.readTree(api.postJson("/api/v1/support/tickets", "{\"subject\":\"Still open\","
                + "\"message\":\"x\"}", "Authorization", bearer).body()).path("ticket").path("id").asText();
        Multipart.upload(app.url(), "/api/v1/support/tickets/" + kept + "/attachments", "a.png", "image/png",
                Multipart.picture("png", 8, 8), "Authorization", bearer);
        String closed = JSON.readTree(api.postJson("/api/v1/support/tickets", "{\"subject\":\"Done\","
                + "\"message\":\"thanks\"}", "Authorization", bearer).body()).path("ticket").path("id").asText();
        api.postJson("/api/v1/support/tickets/" + closed + "/close", "{}", "Authorization", bearer);
        long archived = archiveRows();

        clock.advance(Duration.ofDays(31));
        app.app().jobs().runNow(org.mqcgm.server.retention.RetentionFeature.JOB);
        JsonNode open = JSON.readTree(api.get("/api/v1/support/tickets/" + kept, "Authorization", bearer).body());
        assertThat(open.path("messages").path(1).path("attachments")).isEmpty();
        assertThat(api.get("/api/v1/support/tickets/" + closed, "Authorization", bearer).statusCode())
                .as("kept for two years after the close").isEqualTo(200);

        clock.advance(Duration.ofDays(730 + 1 - 31));
        app.app().jobs().runNow(org.mqcgm.server.retention.RetentionFeature.JOB);
        assertThat(api.get("/api/v1/support/tickets/" + closed, "Authorization", bearer).statusCode()).isEqualTo(404);
        long messages = app.sql().withHandle(h -> h.createQuery("select count(*) from support_message"
                + " where ticket_id = :t").bind("t", UUID.fromString(closed)).mapTo(Long.class).one());
        assertThat(messages).isZero();
        assertThat(archiveRows()).isEqualTo(archived + 1);
        List<String> columns = app.sql().withHandle(h -> h.createQuery("select column_name from"
                + " information_schema.columns where table_name = 'support_ticket_archive'").mapTo(String.class).list());
        assertThat(columns).containsExactlyInAnyOrder("category", "priority", "opened_on", "closed_on");
        assertThat(api.get("/api/v1/support/tickets/" + kept, "Authorization", bearer).statusCode())
                .as("an open ticket is kept").isEqualTo(200);
    }

    /**
     * "Request human review" of a login lockout (PR-72): the lockout on Security activity goes to support as a
     * review ticket due in 30 days, with the rule that caused it, visible to the person and in the agents' queue.
     */
    @Test
    @Tag("PR-72")
    void aLockoutCanGoToAHumanReviewAsATicketDueInThirtyDays() throws Exception {
        UUID id = app.newUser("locked-out@example.org");
        Http user = app.login("locked-out@example.org");
        for (int i = 0; i < 10; i++) {
            String wrong = "wrong password " + i;
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> app.app().accounts().login(
                    "locked-out@example.org", wrong, org.mqcgm.server.accounts.ClientFacts.NONE))
                    .isInstanceOf(org.mqcgm.server.platform.http.ProblemException.class);
        }
        String activity = user.get("/settings/activity").body();
        assertThat(activity).contains("data-testid=\"request-review\"").contains("Request human review");
        String at = match(activity, "name=\"at\" value=\"([^\"]+)\"");
        assertThat(form(user, "/settings/activity/review", Map.of("at", "2020-01-01T00:00:00Z")).statusCode())
                .as("no lockout then").isEqualTo(404);
        HttpResponse<String> requested = form(user, "/settings/activity/review", Map.of("at", at));
        assertThat(requested.statusCode()).as(requested.body()).isEqualTo(303);
        String ticket = ticketId(requested);
        JsonNode t = JSON.readTree(user.get("/api/v1/support/tickets/" + ticket).body());
        assertThat(t.path("ticket").path("category").asText()).isEqualTo("review");
        assertThat(java.time.Duration.between(java.time.Instant.parse(t.path("ticket").path("openedAt").asText()),
                java.time.Instant.parse(t.path("ticket").path("dueAt").asText()))).isEqualTo(Duration.ofDays(30));
        assertThat(t.path("messages").path(0).path("body").asText()).contains("10 failures in 15 min");
        assertThat(t.path("ticket").path("person").asText()).isEqualTo(id.toString());
        Http agent = agent("review-agent@example.org");
        assertThat(JSON.readTree(agent.get("/api/v1/support/queue").body()).path("tickets").findValuesAsText("id"))
                .contains(ticket);
    }

    private static long archiveRows() {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from support_ticket_archive")
                .mapTo(Long.class).one());
    }

    static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }
}
