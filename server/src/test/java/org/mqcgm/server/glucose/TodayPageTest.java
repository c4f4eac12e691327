package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** The Today page over real HTTP with a browser-like cookie jar, at a fixed data clock. */
class TodayPageTest {

    static final Instant NOW = Instant.parse("2026-07-01T10:00:00Z");

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.fixed(NOW, ZoneOffset.UTC));

    private static Http signedIn(String email) {
        Http http = new Http(app.url());
        app.newUser(email, TestApp.PASSWORD);
        HttpResponse<String> login = http.postForm("/login", Map.of("identifier", email,
                "password", TestApp.PASSWORD));
        assertThat(login.statusCode()).isEqualTo(303);
        return http;
    }

    @Test
    void anonymousVisitorsAreSentToTheLoginPage() {
        HttpResponse<String> r = new Http(app.url()).get("/today");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).contains("/login?next=%2Ftoday");
    }

    @Test
    void showsNoDataUntilReadingsArrive() {
        Http http = signedIn("empty@example.org");
        String html = http.get("/today").body();
        assertThat(html).contains("No readings in the last 24 hours").contains("<svg class=\"chart\"")
                .doesNotContain("data-testid=\"current-value\"");
    }

    @Test
    void anEmptyTodayPageLeadsToTheThreeWaysInAndTheCollectorStepShowsItsCommand() throws Exception {
        Http http = signedIn("start@example.org");
        String html = http.get("/today").body();
        assertThat(html).contains("data-testid=\"getting-started\"").contains("href=\"/import\"")
                .contains("action=\"/settings/nightscout/uploader\"").contains("action=\"/settings/tokens/collector\"")
                .contains("name=\"latest\" value=\"\"").doesNotContain("upload readings with an API token");

        // One press: a token that may only upload, and the exact command with this server and the wearer's zone.
        HttpResponse<String> r = http.postForm("/settings/tokens/collector", Map.of("return", "/today",
                "latest", ""));
        assertThat(r.statusCode()).isEqualTo(200);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "data-testid=\"collector-command\">([^<]*)</textarea>").matcher(r.body());
        assertThat(m.find()).isTrue();
        String command = m.group(1);
        assertThat(command).matches("\\./mqcgm collect --adapter hci0 --server http://mqcgm\\.test --token "
                + "(mqcgm_\\S+) --tz Europe/Berlin --insecure-http");
        String token = command.replaceAll(".* --token (\\S+) .*", "$1");
        assertThat(r.body()).contains("data-await-reading=\"/today\"").contains("data-latest=\"\"");
        Instant old = NOW.minus(java.time.Duration.ofDays(2));
        assertThat(http.postJson("/api/v1/readings", "[{\"time\":\"" + old + "\",\"mgdl\":111}]",
                "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(new Http(app.url()).get("/api/v1/readings/latest", "Authorization", "Bearer " + token)
                .statusCode()).isEqualTo(403);

        // A reading two days old: still no reading today, and the ways in know the newest reading so far.
        assertThat(http.get("/today").body()).contains("data-testid=\"getting-started\"")
                .contains("name=\"latest\" value=\"" + old.getEpochSecond() + "\"");
        assertThat(http.postJson("/api/v1/readings", "[{\"time\":\"" + NOW.minusSeconds(120)
                + "\",\"mgdl\":112}]", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(http.get("/today").body()).doesNotContain("data-testid=\"getting-started\"")
                .contains("data-testid=\"current-value\"");
    }

    @Test
    void showsTheNewestValueTrendAgeAndChart() {
        Http http = signedIn("today@example.org");
        String token = app.app().apiTokens().create(
                app.app().accounts().authenticate("today@example.org", TestApp.PASSWORD).orElseThrow(),
                "t", java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class));
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 12; i++) {
            Instant t = NOW.minusSeconds(60L * (7 + 5 * (11 - i)));
            body.append(i == 0 ? "" : ",").append("{\"time\":\"").append(t).append("\",\"mgdl\":")
                    .append(120 + 12 * i).append('}');
        }
        body.append(']');
        assertThat(http.postJson("/api/v1/readings", body.toString(), "Authorization", "Bearer " + token)
                .statusCode()).isEqualTo(200);

        String html = http.get("/today").body();
        assertThat(html).contains("data-testid=\"current-value\">252<");
        assertThat(html).contains("7 min ago");
        // +12 mg/dL per 5 minutes = 2.4 mg/dL/min: a single arrow up.
        assertThat(html).contains("role=\"img\" title=\"Rising\" aria-label=\"Rising\">↑</span>");
        // 252 mg/dL is very high: said in words, not by colour alone.
        assertThat(html).contains("data-testid=\"current-band\">Very high</span>");
        assertThat(html.split("<circle ").length - 1).isEqualTo(12 + 1);
        assertThat(html).contains("12 readings");
        // The installed app's offline page shows this reading: value, unit, trend and time (epoch second).
        assertThat(html).contains("data-reading-value=\"252\" data-reading-unit=\"mg/dL\" data-reading-trend=\"↑\" "
                + "data-reading-at=\"" + NOW.minusSeconds(7 * 60).getEpochSecond() + "\"");

        // Switch to mmol/L: the value and axis follow, the choice sticks to the account.
        HttpResponse<String> sw = http.postForm("/preferences", Map.of("unit", "mmol/L", "return", "/today"));
        assertThat(sw.statusCode()).isEqualTo(303);
        assertThat(sw.headers().firstValue("Location")).contains("/today");
        String mmol = http.get("/today").body();
        assertThat(mmol).contains("data-testid=\"current-value\">14.0<").contains(">10.0</text>");
    }

    @Test
    void chineseInterfaceOnRequest() {
        Http http = signedIn("zh@example.org");
        http.postForm("/preferences", Map.of("lang", "zh-CN", "return", "/today"));
        String html = http.get("/today").body();
        assertThat(html).contains("<html lang=\"zh-CN\">").contains("过去 24 小时");
    }
}
