package org.mqcgm.server.crashes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/** First-party crash reports: consent first, scrubbed before storage, grouped, listed to operators, kept 90 days. */
class CrashReportsTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), clock);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.concurrent.atomic.AtomicInteger SEQ = new java.util.concurrent.atomic.AtomicInteger();

    private record Reporter(UUID account, String token) {
    }

    private static Reporter reporter(boolean consents) {
        UUID id = app.newUser("crash" + SEQ.incrementAndGet() + "@example.org");
        app.app().consents().record(id, Purpose.CRASH_REPORTS, consents, "test");
        // Any token will do (the collector's has readings:write only).
        return new Reporter(id, app.app().apiTokens().create(id, "collector", EnumSet.of(Scope.READINGS_WRITE)));
    }

    private static HttpResponse<String> send(Reporter r, String body) {
        return new Http(app.url()).postJson("/api/v1/crash-reports", body, "Authorization", "Bearer " + r.token());
    }

    private static String report(String install, String message, String stack) throws Exception {
        return JSON.writeValueAsString(Map.of("source", "web", "installId", install, "appVersion", "0.12.0",
                "platform", "Android 14 / Chrome 131", "kind", "TypeError", "message", message, "stack", stack));
    }

    private static int stored() {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from crash_report").mapTo(Integer.class).one());
    }

    private static List<String> storedTexts() {
        return app.sql().withHandle(h -> h.createQuery(
                "select concat_ws(' | ', install_id::text, app_version, platform, message, stack) from crash_report")
                .mapTo(String.class).list());
    }

    @Test
    @Tag("PR-50")
    void aCrashWithAPhoneNumberAndAGlucoseValueIsStoredWithoutEitherAndWithoutTheAccount() throws Exception {
        Reporter r = reporter(true);
        String install = UUID.randomUUID().toString();
        String person = UUID.randomUUID().toString();
        String message = "Cannot draw reading 287 mg/dL (12.4 mmol/L) for zhang.wei@example.cn, call +86 138 0013 8000"
                + " or 13800138000; Bearer abcDEF123ghiJKL456mno at https://cgm.example.org/people/" + person
                + "/today?from=2026-12-01&token=s3cr3t#top";
        String stack = "TypeError: " + message + "\n"
                + "    at drawChart (https://cgm.example.org/static/app.3fa9c1d2.js:212:17)\n"
                + "    at refresh (https://cgm.example.org/static/app.3fa9c1d2.js:48:9)";
        HttpResponse<String> answer = send(r, report(install, message, stack));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        JsonNode receipt = JSON.readTree(answer.body());
        assertThat(receipt.get("id").asText()).isNotBlank();
        assertThat(receipt.get("group").asText()).matches("[0-9a-f]{24}");

        String kept = app.sql().withHandle(h -> h.createQuery(
                "select message || ' ' || stack from crash_report where id = :id")
                .bind("id", UUID.fromString(receipt.get("id").asText())).mapTo(String.class).one());
        assertThat(kept).doesNotContain("287").doesNotContain("12.4").doesNotContain("138")
                .doesNotContain("8000").doesNotContain("zhang.wei").doesNotContain("example.cn")
                .doesNotContain("abcDEF123").doesNotContain(person).doesNotContain("from=").doesNotContain("s3cr3t")
                .doesNotContain("2026");
        assertThat(kept).contains("[e-mail]").contains("[phone]").contains("[n] mg/dL").contains("[id]")
                // What a developer needs stays: the code's place and the page's path without its query.
                .contains("app.3fa9c1d2.js:212:17").contains("app.3fa9c1d2.js:48:9")
                .contains("https://cgm.example.org/people/[id]/today");
        // Nothing of the account: no column for it, and neither its id nor its e-mail in any stored text.
        List<String> columns = app.sql().withHandle(h -> h.createQuery("""
                select column_name from information_schema.columns where table_name in ('crash_report', 'crash_group')""")
                .mapTo(String.class).list());
        assertThat(columns).noneMatch(c -> c.contains("owner") || c.contains("account") || c.contains("user"));
        assertThat(storedTexts()).noneMatch(t -> t.contains(r.account().toString()) || t.contains("crash"
                + SEQ.get() + "@")).anyMatch(t -> t.startsWith(install));
    }

    @Test
    @Tag("PR-50")
    void withoutTheConsentNothingIsTakenAndTheWebAppIsNotAskedToReport() throws Exception {
        Reporter r = reporter(false);
        int before = stored();
        HttpResponse<String> asked = new Http(app.url()).get("/api/v1/crash-reports/consent", "Authorization",
                "Bearer " + r.token());
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(asked.body()).isEqualTo("{\"granted\":false}");
        HttpResponse<String> answer = send(r, report(UUID.randomUUID().toString(), "boom", ""));
        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("CONSENT_REQUIRED").contains("crash-reports");
        assertThat(stored()).isEqualTo(before);

        // The page's script reports only while the person consents: the mark it looks for comes and goes.
        String login = "crash-page" + SEQ.incrementAndGet() + "@example.org";
        UUID id = app.newUser(login);
        Http web = new Http(app.url());
        assertThat(web.postForm("/login", Map.of("identifier", login, "password", TestApp.PASSWORD)).statusCode())
                .isEqualTo(303);
        assertThat(web.get("/today").body()).doesNotContain("data-crash-reports");
        clock.advance(Duration.ofSeconds(1)); // the ledger orders choices by time; this clock only moves when told
        app.app().consents().record(id, Purpose.CRASH_REPORTS, true, "test");
        assertThat(web.get("/today").body()).contains("data-crash-reports=\"");
        clock.advance(Duration.ofSeconds(1));
        app.app().consents().record(id, Purpose.CRASH_REPORTS, false, "test");
        assertThat(web.get("/today").body()).doesNotContain("data-crash-reports");
    }

    @Test
    void theSameFaultWithOtherValuesIsOneGroupCountedForOperators() throws Exception {
        Reporter r = reporter(true);
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        String stack = "    at parseReading (https://cgm.example.org/static/app.%s.js:%d:5)\n"
                + "    at onMessage (https://cgm.example.org/static/app.%s.js:%d:3)";
        JsonNode first = JSON.readTree(send(r, report(a, "Bad value 54 at 03:12",
                stack.formatted("aaaaaaaa", 10, "aaaaaaaa", 20))).body());
        JsonNode second = JSON.readTree(send(r, report(b, "Bad value 311 at 17:40",
                stack.formatted("bbbbbbbb", 11, "bbbbbbbb", 21))).body());
        JsonNode third = JSON.readTree(send(r, report(b, "Another fault",
                "    at somewhereElse (https://cgm.example.org/static/app.aaaaaaaa.js:3:1)")).body());
        assertThat(second.get("group")).isEqualTo(first.get("group"));
        assertThat(third.get("group")).isNotEqualTo(first.get("group"));

        Http admin = app.adminSession(clock);
        HttpResponse<String> list = admin.get("/api/v1/admin/crash-reports");
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode group = null;
        for (JsonNode g : JSON.readTree(list.body()).get("groups")) {
            if (g.get("signature").asText().equals(first.get("group").asText())) {
                group = g;
            }
        }
        assertThat(group).isNotNull();
        assertThat(group.get("reports").asLong()).isEqualTo(2);
        assertThat(group.get("installs").asLong()).isEqualTo(2);
        assertThat(group.get("kind").asText()).isEqualTo("TypeError");
        assertThat(group.get("message").asText()).isEqualTo("Bad value [n] at [n]:[n]");
        // A person without the admin role does not see them.
        assertThat(new Http(app.url()).get("/api/v1/admin/crash-reports", "Authorization", "Bearer "
                + reporter(true).token()).statusCode()).isIn(403, 404);
    }

    @Test
    void theVersionAndPlatformAreKeptAsSentWhenPlainAndOneAccountIsHeldToThirtyAnHour() throws Exception {
        Reporter r = reporter(true);
        String install = UUID.randomUUID().toString();
        assertThat(send(r, report(install, "m", "")).statusCode()).isEqualTo(201);
        assertThat(storedTexts()).anyMatch(t -> t.startsWith(install + " | 0.12.0 | Android 14 / Chrome 131 | "));
        for (String bad : List.of("zhang@example.cn", "+86 138 0013 8000", "0.12.0 abcdefghij1234567890",
                "13800138000")) {
            HttpResponse<String> refused = send(r, JSON.writeValueAsString(Map.of("source", "web", "installId",
                    install, "appVersion", bad, "kind", "Error", "message", "m")));
            assertThat(refused.statusCode()).as(bad).isEqualTo(422);
            assertThat(refused.body()).contains("$.appVersion").contains("pattern");
        }
        Reporter busy = reporter(true);
        for (int i = 0; i < CrashRoutes.PER_HOUR; i++) {
            assertThat(send(busy, report(install, "again", "")).statusCode()).isEqualTo(201);
        }
        HttpResponse<String> tooMany = send(busy, report(install, "again", ""));
        assertThat(tooMany.statusCode()).isEqualTo(429);
        assertThat(tooMany.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void tooLargeOrMalformedReportsAreRefusedAndNothingIsStored() throws Exception {
        Reporter r = reporter(true);
        int before = stored();
        HttpResponse<String> big = send(r, report(UUID.randomUUID().toString(), "x".repeat(70_000), ""));
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.body()).contains("too-large");
        HttpResponse<String> notUuid = send(r, report("install-1", "boom", ""));
        assertThat(notUuid.statusCode()).isEqualTo(422);
        assertThat(notUuid.body()).contains("$.installId").contains("uuid");
        HttpResponse<String> unknown = send(r, "{\"source\":\"web\",\"installId\":\"" + UUID.randomUUID()
                + "\",\"kind\":\"Error\",\"message\":\"m\",\"userId\":\"" + r.account() + "\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("$.userId").contains("unknown-field");
        HttpResponse<String> source = send(r, "{\"source\":\"ios\",\"installId\":\"" + UUID.randomUUID()
                + "\",\"kind\":\"Error\",\"message\":\"m\",\"stack\":5}");
        assertThat(source.statusCode()).isEqualTo(422);
        assertThat(source.body()).contains("$.source").contains("$.stack");
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    @Tag("PR-50")
    void reportsOlderThanNinetyDaysArePurgedByTheDailyJob() throws Exception {
        Reporter r = reporter(true);
        String old = JSON.readTree(send(r, report(UUID.randomUUID().toString(), "an old fault",
                "    at old (https://cgm.example.org/static/app.js:1:1)")).body()).get("id").asText();
        clock.advance(Duration.ofDays(60));
        String recent = JSON.readTree(send(r, report(UUID.randomUUID().toString(), "a recent fault",
                "    at recent (https://cgm.example.org/static/app.js:2:2)")).body()).get("id").asText();
        clock.advance(Duration.ofDays(31));
        app.app().jobs().runNow(org.mqcgm.server.retention.RetentionFeature.JOB);
        List<String> ids = app.sql().withHandle(h -> h.createQuery("select id::text from crash_report")
                .mapTo(String.class).list());
        assertThat(ids).doesNotContain(old).contains(recent);
        int emptyGroups = app.sql().withHandle(h -> h.createQuery("""
                select count(*) from crash_group g
                where not exists (select 1 from crash_report r where r.signature = g.signature)""")
                .mapTo(Integer.class).one());
        assertThat(emptyGroups).isZero();
    }

}
