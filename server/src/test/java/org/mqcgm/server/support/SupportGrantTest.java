package org.mqcgm.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Support grants (PR-23): an agent has no standing access to a person's data; on a ticket they ask for a grant of
 * at most 72 hours, the person approves it in the app, every read under it is logged and listed to the person
 * (on the ticket and in "Who saw my data"), and it ends by itself; a closed ticket takes no grant.
 */
class SupportGrantTest {

    static final MutableClock clock = MutableClock.now();
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    static HttpResponse<String> form(Http http, String path, Map<String, String> fields) {
        return http.post(path, "application/x-www-form-urlencoded", Http.form(fields), "X-CSRF-Token",
                http.csrfToken());
    }

    static HttpResponse<String> json(Http http, String path, String body) {
        return http.postJson(path, body, "X-CSRF-Token", http.csrfToken());
    }

    /** A person with a day of readings, signed in. */
    record Person(UUID id, Http web) {
    }

    static Person person(String email) {
        UUID id = app.newUser(email);
        List<Reading> readings = new ArrayList<>();
        Instant end = clock.instant().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        for (int i = 0; i < 12; i++) {
            readings.add(new Reading(end.minus(Duration.ofMinutes(5L * i)), ZoneOffset.UTC, 100 + i));
        }
        app.app().readings().store(id, readings);
        return new Person(id, app.login(email));
    }

    static Http agent(String email) {
        UUID id = app.newUser(email);
        app.app().accounts().grantRole(id, Role.SUPPORT);
        return app.login(email);
    }

    static String ticket(Person p, String subject) {
        HttpResponse<String> r = form(p.web(), "/support", Map.of("subject", subject, "message", "please help"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/support/[0-9a-f-]{36}");
        return location.substring("/support/".length());
    }

    static String askGrant(Http agent, String ticket, int hours) throws Exception {
        HttpResponse<String> r = json(agent, "/api/v1/support/queue/" + ticket + "/grants",
                "{\"hours\":" + hours + ",\"scopes\":[\"readings\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("id").asText();
    }

    @Test
    @Tag("PR-23")
    void anAgentReadsOnlyUnderAnApprovedGrantEveryReadIsShownToThePersonAndTheGrantEndsByItself()
            throws Exception {
        Person p = person("grant-owner@example.org");
        Http agent = agent("grant-agent@example.org");
        String glucose = "/admin/users/" + p.id() + "/glucose";
        // No standing access: a support agent without a grant is refused.
        HttpResponse<String> before = agent.get(glucose);
        assertThat(before.statusCode()).isEqualTo(403);
        assertThat(before.body()).contains("SUPPORT_GRANT_REQUIRED").doesNotContain("\"mgdl\"");

        String ticket = ticket(p, "Readings look wrong");
        // Form: the agent asks on the ticket page's form; more than 72 hours is refused naming the field.
        HttpResponse<String> tooLong = form(agent, "/support/queue/" + ticket + "/grants",
                Map.of("hours", "73", "scopes", "readings"));
        assertThat(tooLong.statusCode()).isEqualTo(422);
        assertThat(tooLong.body()).contains("data-testid=\"errors\"");
        HttpResponse<String> tooLongApi = json(agent, "/api/v1/support/queue/" + ticket + "/grants",
                "{\"hours\":73,\"scopes\":[\"readings\"]}");
        assertThat(tooLongApi.statusCode()).isEqualTo(422);
        assertThat(tooLongApi.body()).contains("\"field\":\"$.hours\"");
        String grant = askGrant(agent, ticket, 24);
        assertThat(agent.get(glucose).statusCode()).as("asked is not approved").isEqualTo(403);

        // The person sees the request on the ticket and approves it there.
        String page = p.web().get("/support/" + ticket).body();
        assertThat(page).contains("Support asks to read: readings, for 24 hours").contains("data-testid=\"grant-approve\"");
        assertThat(form(p.web(), "/support/grants/" + grant + "/approve", Map.of()).statusCode()).isEqualTo(303);

        HttpResponse<String> read = agent.get(glucose);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(read.body());
        assertThat(body.path("person").asText()).isEqualTo(p.id().toString());
        assertThat(body.path("readings")).hasSize(12);
        // Logged and listed to the person at once: on the ticket, and in "Who saw my data".
        assertThat(p.web().get("/support/" + ticket).body()).contains("data-testid=\"read\"")
                .contains("/admin/users/{id}/glucose");
        String access = p.web().get("/settings/sharing/access").body();
        assertThat(access).contains("support agent").contains("readings");

        // It ends by itself: past its 24 hours, the same agent is refused again.
        clock.advance(Duration.ofHours(24).plusMinutes(1));
        Http again = app.login("grant-agent@example.org");
        assertThat(again.get(glucose).statusCode()).isEqualTo(403);
        assertThat(app.login("grant-owner@example.org").get("/support/" + ticket).body())
                .contains("data-testid=\"grant-state\">ended");

        // A grant on a closed ticket is rejected: asked (409), and an approved one stops working at the close.
        Http person = app.login("grant-owner@example.org");
        String second = ticket(new Person(p.id(), person), "Another look");
        String live = askGrant(again, second, 2);
        assertThat(form(person, "/support/grants/" + live + "/approve", Map.of()).statusCode()).isEqualTo(303);
        assertThat(again.get(glucose).statusCode()).isEqualTo(200);
        String pending = askGrant(again, second, 2);
        assertThat(form(person, "/support/" + second + "/close", Map.of()).statusCode()).isEqualTo(303);
        assertThat(again.get(glucose).statusCode()).as("the ticket is closed").isEqualTo(403);
        HttpResponse<String> onClosed = json(again, "/api/v1/support/queue/" + second + "/grants",
                "{\"hours\":2,\"scopes\":[\"readings\"]}");
        assertThat(onClosed.statusCode()).isEqualTo(409);
        assertThat(onClosed.body()).contains("TICKET_CLOSED");
        HttpResponse<String> approveOnClosed = person.postJson("/api/v1/support/grants/" + pending + "/approve", "{}",
                "X-CSRF-Token", person.csrfToken());
        assertThat(approveOnClosed.statusCode()).isEqualTo(409);
    }

    @Test
    void someoneElsesGrantIsNotFoundAndAGrantCoversOnlyItsAgent() throws Exception {
        Person p = person("grant-owner2@example.org");
        Person other = person("grant-other@example.org");
        Http agent = agent("grant-agent2@example.org");
        Http colleague = agent("grant-colleague@example.org");
        String ticket = ticket(p, "Help");
        String grant = askGrant(agent, ticket, 1);
        assertThat(json(other.web(), "/api/v1/support/grants/" + grant + "/approve", "{}").statusCode())
                .isEqualTo(404);
        assertThat(form(other.web(), "/support/grants/" + grant + "/approve", Map.of()).statusCode()).isEqualTo(404);
        assertThat(json(other.web(), "/api/v1/support/grants/" + grant + "/refuse", "{}").statusCode())
                .isEqualTo(404);
        HttpResponse<String> refused = json(p.web(), "/api/v1/support/grants/" + grant + "/refuse", "{}");
        assertThat(JSON.readTree(refused.body()).path("state").asText()).isEqualTo("refused");
        assertThat(agent.get("/admin/users/" + p.id() + "/glucose").statusCode()).isEqualTo(403);
        assertThat(json(p.web(), "/api/v1/support/grants/" + grant + "/approve", "{}").statusCode())
                .as("already decided").isEqualTo(409);

        String approved = askGrant(agent, ticket, 1);
        json(p.web(), "/api/v1/support/grants/" + approved + "/approve", "{}");
        assertThat(agent.get("/admin/users/" + p.id() + "/glucose").statusCode()).isEqualTo(200);
        assertThat(colleague.get("/admin/users/" + p.id() + "/glucose").statusCode()).isEqualTo(403);
        assertThat(agent.get("/admin/users/" + other.id() + "/glucose").statusCode()).isEqualTo(403);
        assertThat(p.web().get("/admin/users/" + p.id() + "/glucose").statusCode()).isEqualTo(404);
    }
}
