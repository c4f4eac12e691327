package org.mqcgm.server.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.outbound.SmtpSender;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestTotp;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * Affected people who cannot be reached: the mail server refuses every connection, nobody has a push device, and
 * only some people open the app. Forty-eight hours after the notices went out the incident is announced publicly —
 * a banner on the login page and a public notice page in both languages — and the delivery report lists each
 * person's channels and their state.
 */
class IncidentAnnouncementTest {

    static final MutableClock clock = MutableClock.now();

    /** An SMTP server that is not there: every e-mail fails. */
    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock,
            () -> new SmtpSender.Settings("127.0.0.1", 1, null, null, "mqcgm@mqcgm.test", "none"));

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Tag("PR-58")
    void peopleNotReachedIn48HoursMakeTheIncidentAnnouncedOnTheLoginPage() throws Exception {
        UUID adminId = app.newUser("announce-admin@example.org");
        app.app().accounts().grantRole(adminId, Role.ADMIN);
        String secret = app.app().accounts().startTwoFactor(adminId).secret();
        app.app().accounts().enableTwoFactor(adminId, TestTotp.code(secret, clock.instant().getEpochSecond()),
                org.mqcgm.server.accounts.ClientFacts.NONE);
        Http admin = session(adminId);
        UUID reader = app.newUser("announce-reader@example.org");
        List<UUID> unreachable = List.of(app.newUser("announce-1@example.org"),
                app.newUser("announce-2@example.org"), app.newUser("announce-3@example.org"));

        // Every active account is affected (the administrator too).
        String created = send(admin, "POST", "/api/v1/admin/incidents", """
                {"whatHappened":"A database copy was exposed.","dataCategories":"e-mail address",
                 "affected":"all","impact":"Phishing e-mails are possible.","measures":"Access closed.",
                 "advice":"Do not click links in unexpected e-mails.","remedies":"We answer every question.",
                 "contact":"security@mqcgm.example","confirmedAt":"now","reportable":true}""").body();
        String id = JSON.readTree(created).path("id").asText();
        assertThat(send(admin, "POST", "/api/v1/admin/incidents/" + id + "/notifications", "").statusCode())
                .isEqualTo(202);
        Http first = admin;
        JsonNode incident = Wait.until("every e-mail failed", () -> find(first, id),
                i -> i.path("deliveries").path("recipients").asInt() == 5
                        && i.path("deliveries").path("emailFailed").asInt() == 5);
        assertThat(incident.path("deliveries").path("unreachable").asInt()).isEqualTo(5);

        // Two people open the app and read the notice: they are reached.
        Http person = app.login("announce-reader@example.org");
        assertThat(person.get("/notices").body()).contains("A database copy was exposed.");
        admin.get("/notices");
        assertThat(find(admin, id).path("deliveries").path("unreachable").asInt()).isEqualTo(3);

        clock.advance(Duration.ofHours(47));
        assertThat(app.app().jobs().runNow(IncidentsFeature.ANNOUNCE_JOB)).isZero();
        assertThat(new Http(app.url()).get("/login").body()).doesNotContain("data-testid=\"notice\"");

        clock.advance(Duration.ofHours(1));
        assertThat(app.app().jobs().runNow(IncidentsFeature.ANNOUNCE_JOB)).isEqualTo(1);
        admin = session(adminId);
        String login = new Http(app.url()).get("/login").body();
        assertThat(login).contains("data-testid=\"notice\"").contains("href=\"/security-notices\"")
                .contains("we could not reach everyone affected");
        String zh = new Http(app.url()).get("/login", "Accept-Language", "zh-CN").body();
        assertThat(zh).contains("安全公告").contains("href=\"/security-notices\"");
        String notice = new Http(app.url()).get("/security-notices").body();
        assertThat(notice).contains("A database copy was exposed.").contains("We answer every question.")
                .contains("data-testid=\"section-contact\"");
        assertThat(new Http(app.url()).get("/security-notices", "Accept-Language", "zh-CN").body())
                .contains("安全事件公告").contains("您可自主防范和降低风险的建议");

        incident = find(admin, id);
        assertThat(incident.path("announcedAt").isTextual()).isTrue();
        assertThat(incident.path("steps")).extracting(s -> s.path("kind").asText() + " " + s.path("detail").asText())
                .anyMatch(s -> s.startsWith("announced 3 people"));
        JsonNode deliveries = JSON.readTree(admin.get("/api/v1/admin/incident-deliveries?incident=" + id).body())
                .path("deliveries");
        for (UUID u : unreachable) {
            assertThat(deliveries).extracting(d -> d.path("channel").asText() + " " + d.path("status").asText())
                    .as("deliveries include " + u).isNotEmpty();
            assertThat(deliveries).filteredOn(d -> d.path("account").asText().equals(u.toString()))
                    .extracting(d -> d.path("channel").asText() + " " + d.path("status").asText())
                    .containsExactlyInAnyOrder("email failed", "push failed", "in-app pending");
        }
        assertThat(deliveries).filteredOn(d -> d.path("account").asText().equals(reader.toString()))
                .extracting(d -> d.path("channel").asText() + " " + d.path("status").asText())
                .containsExactlyInAnyOrder("email failed", "push failed", "in-app seen");

        // Reportable: not closed without the regulator's reference.
        HttpResponse<String> close = send(admin, "POST", "/api/v1/admin/incidents/" + id + "/close", "");
        assertThat(close.statusCode()).isEqualTo(422);
        assertThat(close.body()).contains("$.regulatorAuthority").contains("$.regulatorReference");
    }

    /** A fresh web session of the administrator (sessions end after 12 idle hours). */
    static Http session(UUID adminId) {
        Http admin = new Http(app.url());
        admin.setCookie("SESSION", new org.mqcgm.server.accounts.Sessions(app.sql(), clock, Duration.ofHours(12),
                Duration.ofDays(7)).start(adminId, org.mqcgm.server.accounts.ClientFacts.NONE));
        return admin;
    }

    static JsonNode find(Http admin, String id) throws Exception {
        for (JsonNode i : JSON.readTree(admin.get("/api/v1/admin/incidents").body()).path("incidents")) {
            if (i.path("id").asText().equals(id)) {
                return i;
            }
        }
        throw new AssertionError("no incident " + id);
    }

    static HttpResponse<String> send(Http admin, String method, String path, String body) {
        return admin.send(method, path, body, "Content-Type", "application/json", "X-CSRF-Token",
                admin.csrfToken());
    }
}
