package org.mqcgm.server.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.accounts.ClientFacts;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.Multipart;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.Wait;

/**
 * Human review of automated decisions (PR-72): a person locked out by failed logins sees why (the rule and its
 * version), asks for a human review, a support agent upholds or overturns it, an overturned lockout ends, and the
 * person's decision log (Security activity, {@code GET /api/v1/me/decisions}) and data copy show the human outcome.
 * The class has its own app: its failed logins over HTTP use up the per-network login budget.
 */
class HumanReviewTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static Http agent(String identifier) {
        UUID id = app.newUser(identifier);
        app.app().accounts().grantRole(id, Role.SUPPORT);
        return app.login(identifier);
    }

    static HttpResponse<String> form(Http http, String path, Map<String, String> fields) {
        return http.post(path, "application/x-www-form-urlencoded", Http.form(fields), "X-CSRF-Token",
                http.csrfToken());
    }

    static HttpResponse<String> decide(Http agent, String ticket, String body) {
        return agent.postJson("/api/v1/support/tickets/" + ticket + "/decision", body, "X-CSRF-Token",
                agent.csrfToken());
    }

    /** A web session of {@code account}, without going through the login form (whose budget the class needs). */
    static String sessionOf(UUID account) {
        return new org.mqcgm.server.accounts.Sessions(app.sql(), java.time.Clock.systemUTC(),
                java.time.Duration.ofHours(12), java.time.Duration.ofDays(7)).start(account, ClientFacts.NONE);
    }

    static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return m.group(1);
    }

    /** Locks an account out with ten wrong passwords (without a network) and asks for a review; the ticket id. */
    static String lockedOutAndReviewRequested(String identifier) {
        for (int i = 0; i < 10; i++) {
            String wrong = "wrong password " + i;
            assertThatThrownBy(() -> app.app().accounts().login(identifier, wrong, ClientFacts.NONE))
                    .isInstanceOf(ProblemException.class);
        }
        UUID owner = app.app().accounts().findId(identifier).orElseThrow();
        Instant at = app.app().accounts().decisions(owner).get(0).at();
        return app.app().accounts().requestLockoutReview(owner, at).orElseThrow().toString();
    }

    static void assertStillLockedOut(String identifier) {
        assertThatThrownBy(() -> app.app().accounts().login(identifier, TestApp.PASSWORD, ClientFacts.NONE))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(429));
    }

    private static Map<String, Object> review(String ticket) {
        return app.sql().withHandle(h -> h.createQuery("select * from support_review where ticket_id = :t")
                .bind("t", UUID.fromString(ticket)).mapToMap().one());
    }

    @Test
    @Tag("PR-72")
    void aLockoutIsExplainedReviewedByAPersonOverturnedAndTheDecisionLogShowsTheHumanOutcome() throws Exception {
        String email = "locked-review@example.org";
        UUID person = app.newUser(email);
        Http session = app.login(email);

        // Ten wrong passwords at the login form lock this network out, even with the right password.
        Http browser = new Http(app.url());
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> wrong = browser.postForm("/login", Map.of("identifier", email, "password",
                    "not my password " + i));
            assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
        }
        HttpResponse<String> locked = browser.postForm("/login", Map.of("identifier", email, "password",
                TestApp.PASSWORD));
        assertThat(locked.statusCode()).isEqualTo(429);

        // The person sees why: the rule in words and its version, and can ask for a human review.
        String activity = session.get("/settings/activity").body();
        assertThat(activity).contains("data-testid=\"decision\" data-kind=\"login-lockout\"")
                .contains("10 failed logins within 15 minutes from one network")
                .contains("<span data-testid=\"decision-rule-version\">rule version v2</span>")
                .contains("data-testid=\"request-review\"");
        JsonNode log = JSON.readTree(session.get("/api/v1/me/decisions").body()).path("decisions");
        assertThat(log.get(0).path("kind").asText()).isEqualTo("login-lockout");
        assertThat(log.get(0).path("why").asText()).isEqualTo("10 failures in 15 min from one network");
        assertThat(log.get(0).path("ruleVersion").asText()).isEqualTo("v2");
        assertThat(log.get(0).path("outcome").asText()).isEqualTo("logins-paused");
        assertThat(log.get(0).path("review").isNull()).isTrue();
        String at = match(activity, "name=\"at\" value=\"([^\"]+)\"");

        HttpResponse<String> requested = form(session, "/settings/activity/review", Map.of("at", at));
        assertThat(requested.statusCode()).as(requested.body()).isEqualTo(303);
        String ticket = match(requested.headers().firstValue("Location").orElseThrow(), "^/support/([0-9a-f-]{36})$");
        assertThat(form(session, "/settings/activity/review", Map.of("at", at)).headers().firstValue("Location"))
                .as("asking again leads to the same review").hasValue("/support/" + ticket);
        assertThat(session.get("/settings/activity").body()).contains("data-testid=\"review-requested\"")
                .doesNotContain("data-testid=\"request-review\"");

        // An agent sees the decision under review on the ticket and overturns it.
        Http agent = agent("reviewer@example.org");
        UUID agentId = app.app().accounts().findId("reviewer@example.org").orElseThrow();
        String page = agent.get("/support/queue/" + ticket).body();
        assertThat(page).contains("data-testid=\"decision-form\"").contains("rule version v2")
                .contains("10 failures in 15 min from one network");
        String reason = "You were travelling and mistyped; the lockout is lifted.";
        HttpResponse<String> decided = decide(agent, ticket, "{\"outcome\":\"overturned\",\"reason\":\""
                + reason + "\"}");
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(201);
        JsonNode review = JSON.readTree(decided.body()).path("review");
        assertThat(review.path("outcome").asText()).isEqualTo("overturned");
        assertThat(review.path("reason").asText()).isEqualTo(reason);
        assertThat(review.path("decisionKind").asText()).isEqualTo("login-lockout");
        assertThat(review.path("ruleVersion").asText()).isEqualTo("v2");
        assertThat(decide(agent, ticket, "{\"outcome\":\"upheld\",\"reason\":\"again\"}").statusCode())
                .as("decided once").isEqualTo(409);

        // The lockout is over: the right password works again from the network that was locked out.
        HttpResponse<String> again = browser.postForm("/login", Map.of("identifier", email, "password",
                TestApp.PASSWORD));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(303);

        // The person is told: the decision log, Security activity and the ticket's thread show the human outcome.
        String after = session.get("/settings/activity").body();
        assertThat(after).contains("data-testid=\"human-outcome\" data-outcome=\"overturned\"")
                .contains("Reviewed by a person: overturned").contains(reason)
                .contains("Lockout lifted after a human review");
        JsonNode human = JSON.readTree(session.get("/api/v1/me/decisions").body()).path("decisions").get(0)
                .path("review");
        assertThat(human.path("ticket").asText()).isEqualTo(ticket);
        assertThat(human.path("outcome").asText()).isEqualTo("overturned");
        assertThat(human.path("reason").asText()).isEqualTo(reason);
        assertThat(human.path("decidedAt").asText()).isNotEmpty();
        JsonNode thread = JSON.readTree(session.get("/api/v1/support/tickets/" + ticket).body()).path("messages");
        JsonNode told = thread.get(thread.size() - 1);
        assertThat(told.path("author").asText()).isEqualTo("agent");
        assertThat(told.path("body").asText()).contains("overturned").contains(reason);

        // Stored: who decided, when, the outcome, the reason encrypted, and the decision reviewed.
        Map<String, Object> row = review(ticket);
        assertThat(row.get("agent_id")).isEqualTo(agentId);
        assertThat(row.get("owner_id")).isEqualTo(person);
        assertThat(row.get("outcome")).isEqualTo("overturned");
        assertThat(row.get("decided_at")).isNotNull();
        assertThat(new String((byte[]) row.get("reason_enc"), StandardCharsets.ISO_8859_1)).doesNotContain("travelling");
        assertThat(row.get("decision_kind")).isEqualTo("login-lockout");
        assertThat(row.get("rule_version")).isEqualTo("v2");
        assertThat(((java.sql.Timestamp) row.get("decision_at")).toInstant()).isEqualTo(Instant.parse(at));
    }

    @Test
    void badDecisionsAreRefusedNamingTheFieldAndChangeNothingThenTheWebFormUpholds() throws Exception {
        String email = "bad-decisions@example.org";
        app.newUser(email);
        String ticket = lockedOutAndReviewRequested(email);
        Http agent = agent("bad-decisions-agent@example.org");

        HttpResponse<String> outcome = decide(agent, ticket, "{\"outcome\":\"maybe\",\"reason\":\"x\"}");
        assertThat(outcome.statusCode()).isEqualTo(422);
        assertThat(outcome.body()).contains("\"field\":\"$.outcome\"").contains("one-of");
        HttpResponse<String> blank = decide(agent, ticket, "{\"outcome\":\"overturned\",\"reason\":\"  \"}");
        assertThat(blank.statusCode()).isEqualTo(422);
        assertThat(blank.body()).contains("\"field\":\"$.reason\"").contains("required");
        HttpResponse<String> tooLong = decide(agent, ticket, "{\"outcome\":\"overturned\",\"reason\":\""
                + "x".repeat(ReviewStore.MAX_REASON + 1) + "\"}");
        assertThat(tooLong.statusCode()).isEqualTo(422);
        assertThat(tooLong.body()).contains("\"field\":\"$.reason\"").contains("max-length");
        HttpResponse<String> wrongType = decide(agent, ticket, "{\"outcome\":1,\"reason\":\"x\"}");
        assertThat(wrongType.statusCode()).isEqualTo(422);
        assertThat(wrongType.body()).contains("\"field\":\"$.outcome\"");
        HttpResponse<String> unknown = decide(agent, ticket, "{\"outcome\":\"upheld\",\"reason\":\"x\","
                + "\"agent\":\"me\"}");
        assertThat(unknown.statusCode()).isBetween(400, 422);
        assertThat(unknown.body()).contains("agent");
        assertThat(decide(agent, ticket, "not json").statusCode()).isEqualTo(400);

        // The web form: a refused form keeps what was typed and names the problem.
        HttpResponse<String> page = form(agent, "/support/queue/" + ticket + "/decision",
                Map.of("outcome", "overturned", "reason", ""));
        assertThat(page.statusCode()).isEqualTo(422);
        assertThat(page.body()).contains("data-testid=\"errors\"").contains("data-testid=\"decision-form\"");

        // Nothing was kept: no decision, no message, still locked out.
        assertThat(review(ticket).get("outcome")).isNull();
        JsonNode t = JSON.readTree(agent.get("/api/v1/support/queue/" + ticket).body());
        assertThat(t.path("messages")).hasSize(1);
        assertThat(t.path("review").path("outcome").isNull()).isTrue();
        assertStillLockedOut(email);

        // Upheld on the web form: the lockout stands, the person's decision log says so.
        HttpResponse<String> upheld = form(agent, "/support/queue/" + ticket + "/decision",
                Map.of("outcome", "upheld", "reason", "Ten wrong passwords in a row; the pause protects you."));
        assertThat(upheld.statusCode()).as(upheld.body()).isEqualTo(303);
        assertThat(agent.get("/support/queue/" + ticket).body())
                .contains("data-testid=\"review-outcome\" data-outcome=\"upheld\"")
                .doesNotContain("data-testid=\"decision-form\"");
        assertStillLockedOut(email);
        Http person = new Http(app.url());
        person.setCookie("SESSION", sessionOf(app.app().accounts().findId(email).orElseThrow()));
        assertThat(person.get("/settings/activity").body())
                .contains("data-testid=\"human-outcome\" data-outcome=\"upheld\"")
                .contains("Reviewed by a person: upheld");
        // The same in Chinese, for the person and for the agent.
        person.postForm("/preferences", Map.of("lang", "zh-CN", "return", "/settings/activity"));
        assertThat(person.get("/settings/activity").body()).contains("关于您的自动化决定")
                .contains("已由人工复核：维持").contains("规则版本 v2").doesNotContain("??");
        agent.postForm("/preferences", Map.of("lang", "zh-CN", "return", "/support/queue"));
        assertThat(agent.get("/support/queue/" + ticket).body()).contains("自动化决定的人工复核")
                .contains("已由人工复核：维持").doesNotContain("??");
        agent.postForm("/preferences", Map.of("lang", "en", "return", "/support/queue"));
        assertThat(form(agent, "/support/queue/" + ticket + "/decision", Map.of("outcome", "overturned",
                "reason", "changed my mind")).statusCode()).as("decided once").isEqualTo(409);
        assertStillLockedOut(email);
    }

    @Test
    void onlyAgentsDecideAndOnlyOnReviewTickets() throws Exception {
        String email = "not-an-agent@example.org";
        UUID owner = app.newUser(email);
        String ticket = lockedOutAndReviewRequested(email);
        String body = "{\"outcome\":\"overturned\",\"reason\":\"I decide myself\"}";

        Http self = new Http(app.url());
        self.setCookie("SESSION", sessionOf(owner));
        assertThat(decide(self, ticket, body).statusCode()).as("the person themself").isEqualTo(404);
        assertThat(form(self, "/support/queue/" + ticket + "/decision", Map.of("outcome", "overturned",
                "reason", "x")).statusCode()).isEqualTo(404);
        String token = app.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class));
        assertThat(new Http(app.url()).postJson("/api/v1/support/tickets/" + ticket + "/decision", body,
                "Authorization", "Bearer " + token).statusCode()).as("a token with the support scope").isEqualTo(404);
        UUID other = app.newUser("someone-else@example.org");
        Http stranger = new Http(app.url());
        stranger.setCookie("SESSION", sessionOf(other));
        assertThat(decide(stranger, ticket, body).statusCode()).isEqualTo(404);
        assertThat(new Http(app.url()).postJson("/api/v1/support/tickets/" + ticket + "/decision", body)
                .statusCode()).as("anonymous").isEqualTo(404);

        Http agent = agent("scope-agent@example.org");
        String question = JSON.readTree(self.postJson("/api/v1/support/tickets",
                "{\"subject\":\"A question\",\"message\":\"How do I export?\"}", "X-CSRF-Token", self.csrfToken())
                .body()).path("ticket").path("id").asText();
        assertThat(decide(agent, question, body).statusCode()).as("not a review ticket").isEqualTo(404);
        assertThat(decide(agent, UUID.randomUUID().toString(), body).statusCode()).isEqualTo(404);
        assertThat(decide(agent, "not-a-uuid", body).statusCode()).isEqualTo(404);

        // A closed review ticket takes no decision until it is reopened.
        assertThat(agent.postJson("/api/v1/support/queue/" + ticket + "/status", "{\"status\":\"closed\"}",
                "X-CSRF-Token", agent.csrfToken()).statusCode()).isEqualTo(200);
        assertThat(decide(agent, ticket, body).statusCode()).isEqualTo(409);
        assertThat(review(ticket).get("outcome")).isNull();
        assertStillLockedOut(email);
    }

    @Test
    void anAgentDoesNotReviewTheirOwnLockout() throws Exception {
        // An agent locked out asks for a review: deciding it themself is no independent review (404, as to others).
        String agentEmail = "locked-agent@example.org";
        Http self = agent(agentEmail);
        String own = lockedOutAndReviewRequested(agentEmail);
        String body = "{\"outcome\":\"overturned\",\"reason\":\"It was me\"}";
        assertThat(decide(self, own, body).statusCode()).isEqualTo(404);
        assertThat(review(own).get("outcome")).isNull();

        // Another agent decides it.
        Http other = agent("second-agent@example.org");
        assertThat(decide(other, own, body).statusCode()).isEqualTo(201);
        assertThat(review(own).get("outcome")).isEqualTo("overturned");
    }

    @Test
    @Tag("PR-60")
    @Tag("PR-70")
    void myDataAndTheExportHoldTheTicketsThreadsGrantsAndTheHumanDecision() throws Exception {
        String email = "support-export@example.org";
        UUID owner = app.newUser(email);
        String review = lockedOutAndReviewRequested(email);
        Http agent = agent("export-agent@example.org");
        assertThat(decide(agent, review, "{\"outcome\":\"overturned\",\"reason\":\"Lifted after checking\"}")
                .statusCode()).isEqualTo(201);
        String token = app.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class));
        String[] auth = {"Authorization", "Bearer " + token};
        Http http = new Http(app.url());
        String question = JSON.readTree(http.postJson("/api/v1/support/tickets",
                "{\"subject\":\"Export question\",\"message\":\"Where is my export?\"}", auth).body())
                .path("ticket").path("id").asText();
        assertThat(Multipart.upload(app.url(), "/api/v1/support/tickets/" + question + "/attachments", "s.png",
                "image/png", Multipart.picture("png", 8, 8), auth).statusCode()).isEqualTo(201);
        assertThat(agent.postJson("/api/v1/support/queue/" + question + "/grants",
                "{\"hours\":24,\"scopes\":[\"readings\"]}", "X-CSRF-Token", agent.csrfToken()).statusCode())
                .isEqualTo(201);

        Map<String, Long> counts = new LinkedHashMap<>();
        JSON.readTree(http.get("/api/v1/me/data", auth).body()).path("categories")
                .forEach(c -> counts.put(c.path("id").asText(), c.path("count").asLong()));
        assertThat(counts).containsEntry("support-tickets", 2L).containsEntry("human-reviews", 1L)
                .containsEntry("support-grants", 1L).containsEntry("support-attachments", 1L)
                .containsEntry("support-messages", 4L);

        HttpResponse<String> export = http.postJson("/api/v1/me/exports", "{\"password\":\"" + TestApp.PASSWORD
                + "\"}", auth);
        assertThat(export.statusCode()).as(export.body()).isEqualTo(202);
        String location = export.headers().firstValue("Location").orElseThrow();
        Wait.until("the export is ready", () -> JSON.readTree(http.get(location, auth).body()).path("status")
                .asText(), "ready"::equals);
        String archive = JSON.readTree(http.get(location, auth).body()).path("archive").asText();
        HttpResponse<byte[]> zip = Multipart.download(app.url(), archive, auth);
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()), StandardCharsets.UTF_8)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        String supportJson = new String(files.get("support.json"), StandardCharsets.UTF_8);
        JsonNode tickets = JSON.readTree(supportJson);
        JsonNode reviewed = null;
        JsonNode asked = null;
        for (JsonNode t : tickets) {
            if (t.path("id").asText().equals(review)) {
                reviewed = t;
            } else if (t.path("id").asText().equals(question)) {
                asked = t;
            }
        }
        assertThat(reviewed).isNotNull();
        assertThat(asked).isNotNull();
        JsonNode human = reviewed.path("humanReview");
        assertThat(human.path("decisionKind").asText()).isEqualTo("login-lockout");
        assertThat(human.path("ruleVersion").asText()).isEqualTo("v2");
        assertThat(human.path("humanOutcome").asText()).isEqualTo("overturned");
        assertThat(human.path("reason").asText()).isEqualTo("Lifted after checking");
        assertThat(human.path("decided").asText()).isNotEmpty();
        assertThat(reviewed.path("messages").get(1).path("author").asText()).isEqualTo("agent");
        assertThat(asked.path("subject").asText()).isEqualTo("Export question");
        assertThat(asked.path("messages").get(0).path("body").asText()).isEqualTo("Where is my export?");
        assertThat(asked.path("grants").get(0).path("scopes").get(0).asText()).isEqualTo("readings");
        assertThat(asked.path("grants").get(0).path("state").asText()).isEqualTo("requested");
        String image = asked.path("messages").get(1).path("attachments").get(0).asText();
        assertThat(files.keySet()).anyMatch(name -> name.startsWith("support-attachments/" + image + "."));
        // Which agent answered is the agent's data, not the person's.
        UUID agentId = app.app().accounts().findId("export-agent@example.org").orElseThrow();
        assertThat(supportJson).doesNotContain(agentId.toString()).doesNotContain("export-agent@example.org");
        assertThat(new String(files.get("README.txt"), StandardCharsets.UTF_8)).contains("support.json");
    }
}
