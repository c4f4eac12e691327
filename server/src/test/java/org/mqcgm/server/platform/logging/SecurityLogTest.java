package org.mqcgm.server.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.accounts.ClientFacts;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestTotp;
import org.mqcgm.testkit.LogCapture;

/**
 * The structured security log (ASVS V7): after real HTTP calls, one JSON line per denial, CSRF refusal, rejected
 * credential, lock, failed second factor and privilege change, with the principal and credential ids, the client
 * address, the route and the rule — never a login, a secret or a field outside the allow-list.
 */
class SecurityLogTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();
    @RegisterExtension
    static final LogCapture log = new LogCapture();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The security log's lines so far, parsed. */
    private static List<JsonNode> lines() {
        return log.events().stream().filter(e -> e.getLoggerName().equals(SecurityLog.LOGGER)).map(e -> {
            try {
                return JSON.readTree(e.getFormattedMessage());
            } catch (java.io.IOException x) {
                throw new AssertionError("not one JSON line: " + e.getFormattedMessage(), x);
            }
        }).toList();
    }

    private static JsonNode only(String kind) {
        List<JsonNode> found = lines().stream().filter(l -> l.path("kind").asText().equals(kind)).toList();
        assertThat(found).as("%s lines in %s", kind, lines()).hasSize(1);
        return found.getFirst();
    }

    @Test
    void refusalsOfTheAccessCheckAreLoggedWithRuleReasonPrincipalCredentialAndClient() {
        Http http = new Http(app.url());
        String token = app.newUserToken("seclog-scope@example.org", Scope.PROFILE_READ);
        UUID owner = app.app().accounts().findId("seclog-scope@example.org").orElseThrow();

        HttpResponse<String> denied = http.get("/api/v1/readings?from=2026-03-31T00:00:00Z&to=2026-04-02T00:00:00Z",
                "Authorization", "Bearer " + token);
        assertThat(denied.statusCode()).isEqualTo(403);
        JsonNode d = only("access.denied");
        assertThat(d.path("rule").asText()).isEqualTo("Api(readings:read)");
        assertThat(d.path("reason").asText()).isEqualTo("insufficient-scope");
        assertThat(d.path("status").asInt()).isEqualTo(403);
        assertThat(d.path("principal").asText()).isEqualTo(owner.toString());
        assertThat(d.path("credential").asText()).isEqualTo("api-token");
        assertThat(d.path("credentialId").asText()).isNotBlank();
        assertThat(d.path("client").asText()).isEqualTo("127.0.0.1");
        assertThat(d.path("method").asText()).isEqualTo("GET");
        assertThat(d.path("route").asText()).isEqualTo("/api/v1/readings");
        assertThat(d.path("requestId").asText()).isEqualTo(denied.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(Instant.parse(d.path("time").asText())).isNotNull();

        // A revoked or unknown token: its fingerprint, never the token.
        String revoked = "mqcgm_" + "x".repeat(40);
        assertThat(http.get("/api/v1/me", "Authorization", "Bearer " + revoked).statusCode()).isEqualTo(401);
        JsonNode r = only("credential.rejected");
        assertThat(r.path("credential").asText()).isEqualTo("api-token");
        assertThat(r.path("credentialId").asText()).startsWith("sha256:");
        assertThat(r.path("reason").asText()).isEqualTo("unauthorized");

        // A form posted in a session without the session's CSRF token.
        Http web = app.login("seclog-scope@example.org");
        HttpResponse<String> forged = web.postForm("/settings/data-sharing", Map.of("_csrf", "forged-token"));
        assertThat(forged.statusCode()).isEqualTo(403);
        JsonNode c = only("csrf.refused");
        assertThat(c.path("reason").asText()).isEqualTo("csrf");
        assertThat(c.path("route").asText()).isEqualTo("/settings/data-sharing");
        assertThat(c.path("client").asText()).isEqualTo("127.0.0.1");

        // A session cookie that names no session any more.
        Http stale = new Http(app.url());
        stale.setCookie("SESSION", "no-such-session-" + UUID.randomUUID());
        assertThat(stale.get("/settings").statusCode()).isEqualTo(303);
        assertThat(lines()).anySatisfy(l -> {
            assertThat(l.path("kind").asText()).isEqualTo("credential.rejected");
            assertThat(l.path("credential").asText()).isEqualTo("session");
            assertThat(l.path("rule").asText()).isEqualTo("Page");
        });

        // Nothing any line says names the person or repeats a secret.
        String all = log.text();
        assertThat(all).doesNotContain("seclog-scope@example.org").doesNotContain(token).doesNotContain(revoked);
    }

    @Test
    void wrongPasswordsUnknownLoginsLocksSecondFactorFailuresAndRoleGrantsAreLogged() {
        Http http = new Http(app.url());
        UUID owner = app.newUser("seclog-lock@example.org");
        String body = "{\"identifier\":\"seclog-lock@example.org\",\"password\":\"wrong password here\"}";
        assertThat(http.postJson("/api/v1/auth/token", body).statusCode()).isEqualTo(401);
        JsonNode wrong = only("credential.rejected");
        assertThat(wrong.path("credential").asText()).isEqualTo("password");
        assertThat(wrong.path("reason").asText()).isEqualTo("wrong-password");
        assertThat(wrong.path("principal").asText()).isEqualTo(owner.toString());
        assertThat(wrong.path("client").asText()).isEqualTo("127.0.0.1");
        assertThat(wrong.path("route").asText()).isEqualTo("/api/v1/auth/token");

        log.clear();
        assertThat(http.postJson("/api/v1/auth/token",
                "{\"identifier\":\"nobody-here@example.org\",\"password\":\"whatever it is\"}").statusCode())
                .isEqualTo(401);
        assertThat(only("credential.rejected").path("reason").asText()).isEqualTo("unknown-login");

        // Ten wrong passwords from one network lock it out of the account.
        for (int i = 0; i < 9; i++) {
            http.postJson("/api/v1/auth/token", body);
        }
        JsonNode locked = only("account.locked");
        assertThat(locked.path("principal").asText()).isEqualTo(owner.toString());
        assertThat(locked.path("rule").asText()).isNotBlank();

        // A wrong second factor.
        UUID twoFactor = app.newUser("seclog-2fa@example.org");
        String secret = app.app().accounts().startTwoFactor(twoFactor).secret();
        app.app().accounts().enableTwoFactor(twoFactor, TestTotp.code(secret, Instant.now().getEpochSecond()),
                ClientFacts.NONE);
        String right = TestTotp.code(secret, Instant.now().getEpochSecond());
        String wrongCode = right.equals("000000") ? "111111" : "000000";
        assertThat(http.postJson("/api/v1/auth/token", "{\"identifier\":\"seclog-2fa@example.org\",\"password\":\""
                + TestApp.PASSWORD + "\",\"code\":\"" + wrongCode + "\"}").statusCode()).isBetween(400, 499);
        JsonNode factor = only("two-factor.failed");
        assertThat(factor.path("principal").asText()).isEqualTo(twoFactor.toString());
        assertThat(factor.path("credential").asText()).isEqualTo("second-factor");

        // A role granted.
        app.app().accounts().grantRole(owner, Role.SUPPORT);
        JsonNode granted = only("privilege.role-granted");
        assertThat(granted.path("principal").asText()).isEqualTo(owner.toString());
        assertThat(granted.path("role").asText()).isEqualTo("support");

        assertThat(log.text()).doesNotContain("seclog-lock@example.org").doesNotContain("nobody-here@example.org")
                .doesNotContain("seclog-2fa@example.org").doesNotContain("wrong password here");
    }

    @Test
    void aSupportGrantDecidedByThePersonIsAPrivilegeChange() throws Exception {
        UUID person = app.newUser("seclog-person@example.org");
        Http web = app.login("seclog-person@example.org");
        UUID agentId = app.newUser("seclog-agent@example.org");
        app.app().accounts().grantRole(agentId, Role.SUPPORT);
        Http agent = app.login("seclog-agent@example.org");
        log.clear();
        // Without a grant the agent is refused, under the route's rule.
        assertThat(agent.get("/admin/users/" + person + "/glucose").statusCode()).isEqualTo(403);
        JsonNode refused = only("access.denied");
        assertThat(refused.path("rule").asText()).isEqualTo("SupportGrant(readings)");
        assertThat(refused.path("reason").asText()).isEqualTo("support-grant-required");
        assertThat(refused.path("principal").asText()).isEqualTo(agentId.toString());
        assertThat(refused.path("credential").asText()).isEqualTo("session");

        HttpResponse<String> t = web.post("/support", "application/x-www-form-urlencoded",
                Http.form(Map.of("subject", "Readings look wrong", "message", "please help")), "X-CSRF-Token",
                web.csrfToken());
        assertThat(t.statusCode()).as(t.body()).isEqualTo(303);
        String ticket = t.headers().firstValue("Location").orElseThrow().substring("/support/".length());
        HttpResponse<String> asked = agent.postJson("/api/v1/support/queue/" + ticket + "/grants",
                "{\"hours\":24,\"scopes\":[\"readings\"]}", "X-CSRF-Token", agent.csrfToken());
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
        String grant = JSON.readTree(asked.body()).path("id").asText();
        HttpResponse<String> approved = web.postJson("/api/v1/support/grants/" + grant + "/approve", "{}",
                "X-CSRF-Token", web.csrfToken());
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        JsonNode change = only("privilege.support-grant");
        assertThat(change.path("principal").asText()).isEqualTo(person.toString());
        assertThat(change.path("agent").asText()).isEqualTo(agentId.toString());
        assertThat(change.path("grant").asText()).isEqualTo(grant);
        assertThat(change.path("approved").asBoolean()).isTrue();
        assertThat(change.path("scope").asText()).isEqualTo("readings");
        assertThat(change.path("route").asText()).isEqualTo("/api/v1/support/grants/{id}/approve");
    }

    @Test
    void onlyAllowListedFieldsAreWrittenAndContactDetailsAreMasked() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("glucose", 541);
        fields.put("email", "li.wei@example.org");
        fields.put("principal", "li.wei@example.org");
        fields.put("client", "li.wei@example.org");
        fields.put("reason", "code sent to li.wei@example.org and +8613812345678\nforged: line");
        fields.put("status", "541");
        fields.put("rule", "Api(readings:read)");
        String line = SecurityLogLine.of(Instant.parse("2026-12-08T01:00:00Z"), "access.denied", fields, "r-1",
                "/api/v1/readings");
        JsonNode n = JSON.readTree(line);
        assertThat(line).doesNotContain("541").doesNotContain("li.wei").doesNotContain("13812345678")
                .doesNotContain("\n");
        assertThat(n.has("glucose")).isFalse();
        assertThat(n.has("email")).isFalse();
        assertThat(n.has("principal")).isFalse();
        assertThat(n.has("client")).isFalse();
        assertThat(n.has("status")).isFalse();
        assertThat(n.path("reason").asText()).startsWith("code sent to *** and +86");
        assertThat(n.path("rule").asText()).isEqualTo("Api(readings:read)");
        assertThat(n.path("kind").asText()).isEqualTo("access.denied");
        assertThat(n.path("time").asText()).isEqualTo("2026-12-08T01:00:00Z");
        assertThat(n.path("requestId").asText()).isEqualTo("r-1");
        assertThat(n.path("route").asText()).isEqualTo("/api/v1/readings");
        assertThat(JSON.readTree(SecurityLogLine.of(Instant.EPOCH, "Bad Kind\n", Map.of(), null, null))
                .path("kind").asText()).isEqualTo("invalid-kind");
    }

    @Test
    void underTheLogDirectoryTheSecurityLogIsAFileOfJsonLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        ch.qos.logback.classic.LoggerContext context =
                (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        LogFiles.installSecurityFile(context, dir);
        ch.qos.logback.classic.Logger security = context.getLogger(SecurityLog.LOGGER);
        try {
            SecurityLog.get().event("access.denied", Map.of("rule", "Admin", "email", "li.wei@example.org"));
        } finally {
            var file = security.getAppender(LogFiles.SECURITY_APPENDER);
            security.detachAppender(file);
            file.stop();
        }
        List<String> written = java.nio.file.Files.readAllLines(dir.resolve("mqcgm-security.log"));
        assertThat(written).hasSize(1);
        JsonNode n = JSON.readTree(written.getFirst());
        assertThat(n.path("kind").asText()).isEqualTo("access.denied");
        assertThat(n.path("rule").asText()).isEqualTo("Admin");
        assertThat(written.getFirst()).doesNotContain("li.wei");
    }

    @Test
    void refusedInputIsLoggedWithItsRulesNeverItsValuesOrFieldNames() {
        String token = app.newUserToken("seclog-input@example.org");
        UUID owner = app.app().accounts().findId("seclog-input@example.org").orElseThrow();
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/readings",
                "[{\"time\":\"2026-01-01T00:00:00Z\",\"mgdl\":4711}]", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(422);
        HttpResponse<String> broken = new Http(app.url()).postJson("/api/v1/readings", "[{\"time\": secret-4712",
                "Authorization", "Bearer " + token);
        assertThat(broken.statusCode()).isEqualTo(400);
        List<JsonNode> refused = lines().stream().filter(l -> l.path("kind").asText().equals("input.refused")
                && l.path("principal").asText().equals(owner.toString())).toList();
        assertThat(refused).hasSize(2);
        assertThat(refused.getFirst().path("status").asInt()).isEqualTo(422);
        assertThat(refused.getFirst().path("route").asText()).isEqualTo("/api/v1/readings");
        assertThat(refused.getFirst().path("rule").asText()).isNotEmpty().doesNotContain("mgdl");
        assertThat(refused.get(1).path("status").asInt()).isEqualTo(400);
        assertThat(refused.toString()).doesNotContain("4711").doesNotContain("4712").doesNotContain("secret");
    }

    @Test
    void accessLinesCarryThePrincipalIdAndApiAnswersAreAttachments() {
        String token = app.newUserToken("seclog-access@example.org");
        UUID owner = app.app().accounts().findId("seclog-access@example.org").orElseThrow();
        HttpResponse<String> r = new Http(app.url()).get("/api/v1/me", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"api.json\"");
        assertThat(log.events()).anySatisfy(e -> {
            assertThat(e.getLoggerName()).isEqualTo("mqcgm.access");
            assertThat(e.getFormattedMessage()).isEqualTo(
                    "GET /api/v1/me 200 " + e.getFormattedMessage().split(" ")[3] + " principal=" + owner);
        });
        assertThat(log.text()).doesNotContain("seclog-access@example.org");
        // Pages are no attachments.
        assertThat(new Http(app.url()).get("/login").headers().firstValue("Content-Disposition")).isEmpty();
    }
}
