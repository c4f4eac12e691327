package org.mqcgm.server.requests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * The rights desk end to end (PR-61, PR-64, PR-73 – PR-76): requests from the web form, the API and the public form
 * become cases with due dates; the operators' queue, reminders on day 20 and 27 and the overdue alarm on day 31; the
 * public request that stays UNVERIFIED until its code; refusals only with a reason code; fees only when eligible and
 * justified; at most three self-service exports a day.
 */
class RightsDeskTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final MutableClock clock = MutableClock.now();
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd");

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock, () -> null,
            c -> c.withGovernanceSetting("MQCGM_DPO_EMAIL", "desk-officer@example.org"));

    static Http withRole(String identifier, Role role) {
        UUID id = app.newUser(identifier);
        app.app().accounts().grantRole(id, role);
        if (role != Role.DPO) {
            return app.login(identifier);
        }
        // The data-protection officer works with two-factor authentication (the one rule of the role).
        String secret = app.app().accounts().startTwoFactor(id).secret();
        app.app().accounts().enableTwoFactor(id, org.mqcgm.server.testing.TestTotp.code(secret,
                clock.instant().getEpochSecond()), org.mqcgm.server.accounts.ClientFacts.NONE);
        Http http = new Http(app.url());
        http.setCookie("SESSION", new org.mqcgm.server.accounts.Sessions(app.app().database().orElseThrow().jdbi(),
                clock, Duration.ofHours(12), Duration.ofDays(7)).start(id, org.mqcgm.server.accounts.ClientFacts.NONE));
        http.csrfToken();
        return http;
    }

    static HttpResponse<String> form(Http http, String path, Map<String, String> fields) {
        return http.post(path, "application/x-www-form-urlencoded", Http.form(fields), "X-CSRF-Token",
                http.csrfToken());
    }

    static HttpResponse<String> post(Http http, String path, String json) {
        return http.postJson(path, json, "X-CSRF-Token", http.csrfToken());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return m.group(1);
    }

    static String day(Instant t) {
        return t.atZone(ZoneId.of("Europe/Berlin")).format(DAY);
    }

    @Test
    @Tag("PR-61")
    @Tag("PR-73")
    void aRequestFromTheFormGetsItsNumberAndDueDateAndItsAnswerShowsInMyRequests() throws Exception {
        app.newUser("form@example.org");
        Http user = app.login("form@example.org");
        // The web form: a confirmation with the number and the due date (received + 30 days).
        HttpResponse<String> made = form(user, "/requests", Map.of("kind", "CORRECTION",
                "text", "My date of birth is wrong: it is 1980-02-03."));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(303);
        String path = made.headers().firstValue("Location").orElseThrow();
        String page = user.get(path).body();
        String number = match(page, "data-testid=\"request-number\">Request #(\\d+)<");
        assertThat(page).contains("answer by " + day(clock.instant().plus(Duration.ofDays(30))))
                .contains("My date of birth is wrong");
        assertThat(app.awaitOutbox("form@example.org", Pattern.compile("(We received your request #" + number
                + " \\(Correct my data\\)\\. We answer by \\d{4}-\\d{2}-\\d{2})"))).isNotEmpty();
        // Bad input names the field and makes nothing.
        HttpResponse<String> bad = form(user, "/requests", Map.of("kind", "DELETION", "text", "delete it"));
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("deletionReason");

        // Each kind through the API is a case with its due date; complaints go to the DPO in 15 days.
        String token = app.newUserToken("api@example.org");
        String bearer = "Bearer " + token;
        Http api = new Http(app.url());
        for (String kind : new String[] {"ACCESS", "CORRECTION", "PORTABILITY", "EXPLANATION", "ENQUIRY"}) {
            JsonNode c = json(api.postJson("/api/v1/me/requests", "{\"kind\":\"" + kind + "\",\"text\":\"please\"}",
                    "Authorization", bearer));
            assertThat(c.path("status").asText()).isEqualTo("OPEN");
            assertThat(Duration.between(Instant.parse(c.path("receivedAt").asText()),
                    Instant.parse(c.path("dueAt").asText()))).isEqualTo(Duration.ofDays(30));
            assertThat(c.path("assignedTo").asText()).isEqualTo("support");
        }
        JsonNode deletion = json(api.postJson("/api/v1/me/requests", "{\"kind\":\"DELETION\",\"deletionReason\":"
                + "\"WITHOUT_CONSENT\",\"text\":\"You never asked me.\"}", "Authorization", bearer));
        assertThat(deletion.path("assignedTo").asText()).isEqualTo("dpo");
        JsonNode complaint = json(api.postJson("/api/v1/me/requests", "{\"kind\":\"COMPLAINT\",\"text\":"
                + "\"Nobody answered my e-mail.\"}", "Authorization", bearer));
        assertThat(complaint.path("kind").asText()).isEqualTo("COMPLAINT");
        assertThat(complaint.path("assignedTo").asText()).isEqualTo("dpo");
        assertThat(Duration.between(Instant.parse(complaint.path("receivedAt").asText()),
                Instant.parse(complaint.path("dueAt").asText()))).isEqualTo(Duration.ofDays(15));
        assertThat(json(api.get("/api/v1/me/requests", "Authorization", bearer)).path("requests")).hasSize(7);
        // The complaint form and the regulator of the deployment's region are on "My requests", linked from Settings.
        String mine = app.login("api@example.org").get("/requests").body();
        assertThat(mine).contains("data-testid=\"complaint-form\"").contains("data-testid=\"regulator-name\"")
                .contains(RequestsFeature.Settings.DEFAULT.regulatorName()).contains("12377");
        assertThat(user.get("/settings").body()).contains("href=\"/requests\"");

        // The operators' queue has them, first due first; a support agent answers the correction, not the complaint.
        Http agent = withRole("agent@example.org", Role.SUPPORT);
        JsonNode queue = json(agent.get("/api/v1/desk/requests"));
        assertThat(queue.path("requests").findValuesAsText("dueAt")).isSorted();
        String id = path.substring(path.lastIndexOf('/') + 1);
        assertThat(agent.get("/desk").body()).contains("#" + number);
        HttpResponse<String> notTheirs = post(agent, "/api/v1/desk/requests/" + complaint.path("id").asText()
                + "/answer", "{\"answer\":\"sorry\"}");
        assertThat(notTheirs.statusCode()).isEqualTo(409);
        assertThat(notTheirs.body()).contains("ASSIGNED_TO_DPO");
        assertThat(post(agent, "/api/v1/dpo/requests/" + complaint.path("id").asText() + "/answer",
                "{\"answer\":\"sorry\"}").statusCode()).as("the DPO's route").isEqualTo(404);
        HttpResponse<String> answered = post(agent, "/api/v1/desk/requests/" + id + "/answer",
                "{\"answer\":\"Corrected to 1980-02-03.\"}");
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        // The answer: in "My requests" and to the registered address.
        assertThat(user.get(path).body()).contains("data-testid=\"request-answer\">Corrected to 1980-02-03.")
                .contains(">answered<");
        assertThat(app.awaitOutbox("form@example.org", Pattern.compile("(Corrected to 1980-02-03\\.)")))
                .isNotEmpty();
        Http dpo = withRole("dpo@example.org", Role.DPO);
        HttpResponse<String> decided = post(dpo, "/api/v1/dpo/requests/" + complaint.path("id").asText()
                + "/answer", "{\"answer\":\"We are sorry; your e-mail is answered now.\"}");
        assertThat(json(decided).path("status").asText()).isEqualTo("ANSWERED");
        assertThat(json(api.get("/api/v1/me/requests/" + complaint.path("id").asText(), "Authorization", bearer))
                .path("answer").asText()).isEqualTo("We are sorry; your e-mail is answered now.");
    }

    @Test
    @Tag("PR-61")
    void anUntouchedRequestIsRemindedOnDays20And27AndOverdueOnDay31() throws Exception {
        // Only this request is open (other tests' requests are closed by hand, so the alarm counts this one).
        app.sql().useHandle(h -> h.execute("update rights_request set status = 'WITHDRAWN', closed_at = now()"
                + " where status in ('UNVERIFIED', 'OPEN', 'FEE_PROPOSED')"));
        var meters = app.app().metrics().registry();
        assertThat(meters.get("dsar.overdue").gauge().value()).isZero();
        String token = app.newUserToken("slow@example.org");
        JsonNode c = json(new Http(app.url()).postJson("/api/v1/me/requests", "{\"kind\":\"ACCESS\",\"text\":"
                + "\"What do you hold about me?\"}", "Authorization", "Bearer " + token));
        String id = c.path("id").asText();
        app.app().jobs().runNow(RequestsFeature.JOB);
        assertThat(events(id)).containsExactly("received");

        clock.advance(Duration.ofDays(20));
        app.app().jobs().runNow(RequestsFeature.JOB);
        app.app().jobs().runNow(RequestsFeature.JOB); // once only, however often the job runs
        assertThat(events(id)).containsExactly("received", "reminder-1");
        // The desk's address (MQCGM_DPO_EMAIL) is told: the number, kind and due day, never the person or the text.
        String reminder = app.awaitOutbox("desk-officer@example.org",
                Pattern.compile("(?s)(Subject: Rights desk: request #" + c.path("number").asText() + " due soon.*)"));
        assertThat(reminder).contains("ACCESS").doesNotContain("What do you hold").doesNotContain("slow@example.org");
        Http agent = withRole("agent20@example.org", Role.SUPPORT);
        assertThat(agent.get("/desk").body()).contains("reminded").doesNotContain("data-testid=\"desk-overdue\"");

        clock.advance(Duration.ofDays(7));
        app.app().jobs().runNow(RequestsFeature.JOB);
        assertThat(events(id)).containsExactly("received", "reminder-1", "reminder-2");
        assertThat(meters.get("dsar.overdue").gauge().value()).isZero();

        clock.advance(Duration.ofDays(4));
        assertThat(meters.get("dsar.overdue").gauge().value()).isEqualTo(1.0);
        Http later = withRole("agent31@example.org", Role.SUPPORT);
        assertThat(later.get("/desk").body()).contains("data-testid=\"desk-overdue\"");
        assertThat(json(later.get("/api/v1/desk/requests/" + id)).path("overdue").asBoolean()).isTrue();
        // Answered late, it is no longer overdue.
        post(later, "/api/v1/desk/requests/" + id + "/answer", "{\"answer\":\"Here is what we hold.\"}");
        assertThat(meters.get("dsar.overdue").gauge().value()).isZero();
    }

    static java.util.List<String> events(String id) {
        return app.sql().withHandle(h -> h.createQuery("select what from rights_request_event"
                + " where request_id = cast(:id as uuid) order by seq").bind("id", id).mapTo(String.class).list());
    }

    @Test
    @Tag("PR-75")
    @Tag("PR-76")
    void aRefusalNeedsAReasonCodeAbuseNeedsEvidenceAndAWithheldItemIsNamed() throws Exception {
        String token = app.newUserToken("refused@example.org");
        Http api = new Http(app.url());
        String bearer = "Bearer " + token;
        String first = json(api.postJson("/api/v1/me/requests", "{\"kind\":\"ACCESS\",\"text\":\"All of it, again\"}",
                "Authorization", bearer)).path("id").asText();
        Http dpo = withRole("dpo-refuses@example.org", Role.DPO);
        String refusal = "/api/v1/dpo/requests/" + first + "/refusal";
        HttpResponse<String> noCode = post(dpo, refusal, "{\"justification\":\"You asked yesterday.\"}");
        assertThat(noCode.statusCode()).isEqualTo(422);
        assertThat(noCode.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(noCode.body()).contains("\"$.code\"");
        assertThat(post(dpo, refusal, "{\"code\":\"BECAUSE\",\"justification\":\"x\"}").statusCode())
                .isEqualTo(422);
        HttpResponse<String> noEvidence = post(dpo, refusal, "{\"code\":\"ABUSE_EVIDENCE\","
                + "\"justification\":\"Sent 400 times a day.\"}");
        assertThat(noEvidence.statusCode()).isEqualTo(422);
        assertThat(noEvidence.body()).contains("\"$.evidence\"");
        assertThat(json(api.get("/api/v1/me/requests/" + first, "Authorization", bearer)).path("status").asText())
                .as("nothing was refused").isEqualTo("OPEN");
        // A support agent cannot refuse at all: the route does not exist for them.
        Http agent = withRole("agent-refuses@example.org", Role.SUPPORT);
        assertThat(post(agent, refusal, "{\"code\":\"REPETITIVE\",\"justification\":\"x\"}").statusCode())
                .isEqualTo(404);
        HttpResponse<String> refused = post(dpo, refusal, "{\"code\":\"REPETITIVE\","
                + "\"justification\":\"We sent you the same copy yesterday (request #1).\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(200);
        assertThat(json(refused).path("refusalCode").asText()).isEqualTo("REPETITIVE");
        // The person is told the reason and the complaint route, in the app and at the registered address.
        String told = json(api.get("/api/v1/me/requests/" + first, "Authorization", bearer)).path("answer").asText();
        assertThat(told).contains("Reason: unnecessarily repetitive").contains("same copy yesterday")
                .contains("Make a complaint").contains(RequestsFeature.Settings.DEFAULT.regulatorName());
        assertThat(app.awaitOutbox("refused@example.org", Pattern.compile("(Reason: unnecessarily repetitive)")))
                .isNotEmpty();

        // A partial answer: one item withheld as a trade secret, and the person is told so.
        String second = json(api.postJson("/api/v1/me/requests", "{\"kind\":\"EXPLANATION\",\"text\":\"Why was my"
                + " reading rejected?\"}", "Authorization", bearer)).path("id").asText();
        assertThat(post(agent, "/api/v1/desk/requests/" + second + "/answer", "{\"answer\":\"It was above 600 mg/dL.\","
                + "\"withheld\":1,\"withheldReason\":\"REPETITIVE\"}").statusCode())
                .as("withholding needs one of Ⅴ.8 a–h").isEqualTo(422);
        assertThat(post(agent, "/api/v1/desk/requests/" + second + "/answer", "{\"answer\":\"It was above 600 mg/dL.\","
                + "\"withheld\":1,\"withheldReason\":\"TRADE_SECRET\"}").statusCode()).isEqualTo(200);
        String page = app.login("refused@example.org").get("/requests/" + second).body();
        assertThat(page).contains("It was above 600 mg/dL.")
                .contains("data-testid=\"request-withheld\"><em>1 item withheld (reason: trade secret");
    }

    @Test
    @Tag("PR-74")
    void theFifthManualRequestInTwelveMonthsIsFlaggedAndAFeeNeedsAJustificationAndTheUsersYes() throws Exception {
        String token = app.newUserToken("often@example.org");
        Http api = new Http(app.url());
        String bearer = "Bearer " + token;
        String last = null;
        for (int i = 1; i <= 5; i++) {
            JsonNode c = json(api.postJson("/api/v1/me/requests", "{\"kind\":\"ACCESS\",\"text\":\"copy " + i + "\"}",
                    "Authorization", bearer));
            assertThat(c.path("feeEligible").asBoolean()).as("request " + i).isEqualTo(i == 5);
            if (i == 1) {
                Http dpo = withRole("dpo-fee-first@example.org", Role.DPO);
                HttpResponse<String> free = post(dpo, "/api/v1/dpo/requests/" + c.path("id").asText() + "/fee",
                        "{\"amount\":\"CNY 50\",\"justification\":\"Too many.\"}");
                assertThat(free.statusCode()).as("the first four are free").isEqualTo(409);
                assertThat(free.body()).contains("FEE_NOT_ELIGIBLE");
            }
            last = c.path("id").asText();
        }
        // A complaint never counts and is never charged.
        assertThat(json(api.postJson("/api/v1/me/requests", "{\"kind\":\"COMPLAINT\",\"text\":\"too slow\"}",
                "Authorization", bearer)).path("feeEligible").asBoolean()).isFalse();
        Http agent = withRole("agent-fee@example.org", Role.SUPPORT);
        assertThat(agent.get("/desk").body()).contains("data-testid=\"desk-fee-eligible\"");
        Http dpo = withRole("dpo-fee@example.org", Role.DPO);
        String fee = "/api/v1/dpo/requests/" + last + "/fee";
        HttpResponse<String> unjustified = post(dpo, fee, "{\"amount\":\"CNY 50\",\"justification\":\"\"}");
        assertThat(unjustified.statusCode()).as("charging without a justification is blocked").isEqualTo(422);
        assertThat(unjustified.body()).contains("\"$.justification\"");
        HttpResponse<String> proposed = post(dpo, fee, "{\"amount\":\"CNY 50\",\"justification\":\"The fifth full"
                + " copy this year, made by hand.\"}");
        assertThat(json(proposed).path("status").asText()).isEqualTo("FEE_PROPOSED");
        // Shown to the person before anything is done; nothing is answered until they accept.
        String page = app.login("often@example.org").get("/requests/" + last).body();
        assertThat(page).contains("data-testid=\"fee-proposed\"").contains("Fee: CNY 50")
                .contains("The fifth full copy this year");
        assertThat(post(agent, "/api/v1/desk/requests/" + last + "/answer", "{\"answer\":\"here\"}").statusCode())
                .isEqualTo(409);
        assertThat(json(api.postJson("/api/v1/me/requests/" + last + "/fee", "", "Authorization", bearer))
                .path("status").asText()).isEqualTo("OPEN");
        // Or the person withdraws.
        assertThat(json(api.postJson("/api/v1/me/requests/" + last + "/withdraw", "", "Authorization", bearer))
                .path("status").asText()).isEqualTo("WITHDRAWN");
    }

    @Test
    @Tag("PR-75")
    void aFourthSelfServiceExportIn24HoursIs429WithRetryAfter() throws Exception {
        String token = app.newUserToken("exports@example.org");
        Http api = new Http(app.url());
        String bearer = "Bearer " + token;
        String body = "{\"password\":\"" + TestApp.PASSWORD + "\"}";
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> r = api.postJson("/api/v1/me/exports", body, "Authorization", bearer);
            assertThat(r.statusCode()).as("export " + i + ": " + r.body()).isEqualTo(202);
            String location = r.headers().firstValue("Location").orElseThrow();
            Wait.until("export " + i + " is ready", () -> json(api.get(location, "Authorization", bearer)),
                    s -> s.path("status").asText().equals("ready"));
        }
        HttpResponse<String> fourth = api.postJson("/api/v1/me/exports", body, "Authorization", bearer);
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(fourth.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        long retry = Long.parseLong(fourth.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retry).isBetween(23 * 3600L, 24 * 3600L + 1);
        assertThat(fourth.body()).contains("EXPORT_RATE_LIMITED").doesNotContain("fee");
        // A day later it is possible again, and still free.
        clock.advance(Duration.ofHours(24).plusMinutes(1));
        assertThat(api.postJson("/api/v1/me/exports", body, "Authorization", bearer).statusCode()).isEqualTo(202);
    }

    @Test
    @Tag("PR-61")
    @Tag("PR-64")
    void aPublicRequestStaysUnverifiedAndUnansweredUntilItsCodeIsEntered() throws Exception {
        UUID owner = app.newUser("locked-out@example.org");
        Http visitor = new Http(app.url());
        assertThat(visitor.get("/privacy/request").body()).contains("data-testid=\"public-form\"");
        HttpResponse<String> sent = form(visitor, "/privacy/request", Map.of("identifier", "locked-out@example.org",
                "kind", "ACCESS", "text", "I lost my phone and cannot sign in. What do you hold about me?"));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        String ref = match(sent.body(), "name=\"ref\" value=\"([0-9a-f-]{36})\"");
        String code = app.awaitOutbox("locked-out@example.org", Pattern.compile("request about your data: (\\d{6})"));
        // the link in the message is absolute: a mailbox cannot open a path of this server
        assertThat(app.awaitOutbox("locked-out@example.org",
                Pattern.compile("(https?://[^/\\s]+/privacy/request/verify\\?ref=)"))).startsWith("http");
        // Unverified: in the queue, but its text hidden and nothing can be answered; not the account's yet.
        Http agent = withRole("agent-public@example.org", Role.SUPPORT);
        assertThat(agent.get("/desk/" + ref).body()).contains("data-testid=\"desk-unverified\"")
                .doesNotContain("I lost my phone");
        HttpResponse<String> early = post(agent, "/api/v1/desk/requests/" + ref + "/answer", "{\"answer\":\"data\"}");
        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(early.body()).contains("REQUESTER_UNVERIFIED");
        assertThat(app.app().feature(RequestsFeature.class)).isNotNull();
        long owned = app.sql().withHandle(h -> h.createQuery("select count(*) from rights_request where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
        assertThat(owned).isZero();
        // A wrong code is refused; the right one confirms, with the number and the due date.
        String wrong = code.equals("000000") ? "111111" : "000000";
        assertThat(form(visitor, "/privacy/request/verify", Map.of("ref", ref, "code", wrong)).statusCode())
                .isEqualTo(422);
        HttpResponse<String> done = form(visitor, "/privacy/request/verify", Map.of("ref", ref, "code", code));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("data-testid=\"public-done\"")
                .contains("answer by " + DeskMail.DAY.format(clock.instant().plus(Duration.ofDays(30))));
        // Now it is the account's request and can be answered, to the registered address.
        String bearer = "Bearer " + app.app().apiTokens().create(owner, "t",
                java.util.EnumSet.of(org.mqcgm.server.platform.security.Scope.ACCOUNT_MANAGE));
        JsonNode mine = json(new Http(app.url()).get("/api/v1/me/requests", "Authorization", bearer));
        assertThat(mine.path("requests").get(0).path("status").asText()).isEqualTo("OPEN");
        assertThat(mine.path("requests").get(0).path("request").asText()).startsWith("I lost my phone");
        assertThat(post(agent, "/api/v1/desk/requests/" + ref + "/answer", "{\"answer\":\"Your data: readings,"
                + " logbook.\"}").statusCode()).isEqualTo(200);
        assertThat(app.awaitOutbox("locked-out@example.org", Pattern.compile("(Your data: readings, logbook\\.)")))
                .isNotEmpty();
        // Someone without an account gets the code at the address they gave, and no case until they enter it.
        HttpResponse<String> stranger = form(new Http(app.url()), "/privacy/request", Map.of("identifier",
                "nobody@example.net", "kind", "ENQUIRY", "text", "Do you hold anything about me?"));
        assertThat(stranger.statusCode()).isEqualTo(200);
        assertThat(app.awaitOutbox("nobody@example.net", Pattern.compile("request about your data: (\\d{6})")))
                .hasSize(6);
        assertThat(app.outboxMessages().filter(m -> m.startsWith("To: nobody@example.net\n")).count()).isOne();

        // A request that came by e-mail from an address with no account, entered by an operator: UNVERIFIED, nothing
        // sent but the code; once the sender enters it (the message links the request's page), it proceeds.
        HttpResponse<String> entered = post(agent, "/api/v1/desk/requests", "{\"identifier\":\"by-mail@example.net\","
                + "\"channel\":\"EMAIL\",\"kind\":\"ACCESS\",\"text\":\"Sent by e-mail: what do you hold on me?\"}");
        assertThat(entered.statusCode()).as(entered.body()).isEqualTo(201);
        assertThat(json(entered).path("status").asText()).isEqualTo("UNVERIFIED");
        assertThat(json(entered).path("channel").asText()).isEqualTo("EMAIL");
        String mailed = json(entered).path("id").asText();
        assertThat(post(agent, "/api/v1/desk/requests/" + mailed + "/answer", "{\"answer\":\"data\"}").statusCode())
                .isEqualTo(409);
        // an absolute link (the server's public address), opened here by its path
        String link = app.awaitOutbox("by-mail@example.net",
                Pattern.compile("\\(https?://[^/\\s]+(/privacy/request/verify\\?ref=[0-9a-f-]{36})\\)"));
        String mailedCode = app.awaitOutbox("by-mail@example.net", Pattern.compile("request about your data: (\\d{6})"));
        Http sender = new Http(app.url());
        assertThat(sender.get(link).body()).contains("value=\"" + mailed + "\"");
        assertThat(form(sender, "/privacy/request/verify", Map.of("ref", mailed, "code", mailedCode)).statusCode())
                .isEqualTo(200);
        assertThat(post(agent, "/api/v1/desk/requests/" + mailed + "/answer", "{\"answer\":\"Nothing: you have no"
                + " account.\"}").statusCode()).isEqualTo(200);
        assertThat(app.awaitOutbox("by-mail@example.net", Pattern.compile("(Nothing: you have no account\\.)")))
                .isNotEmpty();
    }
}
