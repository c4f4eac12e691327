package org.mqcgm.server.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** The {@code /reports} page over real HTTP with a browser-like cookie jar, at a fixed data clock. */
class ReportPageTest {

    static final Instant NOW = Instant.parse("2024-03-21T10:00:00Z");
    static final String PERIOD = "from=2024-03-04&to=2024-03-17";

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.fixed(NOW, ZoneOffset.UTC));

    /** A signed-in browser of a UTC user with the c1 vector uploaded; returns the browser and the user's token. */
    private static Http signedInWithData(String email, ReportFixtures.User[] user) {
        user[0] = ReportFixtures.user(app, email, "UTC");
        ReportFixtures.upload(app, user[0], ReportFixtures.vector("c1_t1d_5min"), Duration.ZERO);
        Http http = new Http(app.url());
        assertThat(http.postForm("/login", Map.of("identifier", email, "password", org.mqcgm.server.testing.TestApp.PASSWORD))
                .statusCode()).isEqualTo(303);
        return http;
    }

    static String shown(String html, String testId) {
        Matcher m = Pattern.compile("data-testid=\"" + Pattern.quote(testId) + "\">([^<]*)<").matcher(html);
        assertThat(m.find()).as("element " + testId).isTrue();
        return m.group(1).trim();
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    @Test
    void anonymousVisitorsAreSentToTheLoginPage() {
        HttpResponse<String> r = new Http(app.url()).get("/reports");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).contains("/login?next=%2Freports");
    }

    @Tag("PR-20")
    @Test
    void theStatisticsShownAreTheReportApisRoundedToOneDecimal() {
        ReportFixtures.User[] user = new ReportFixtures.User[1];
        Http http = signedInWithData("page@example.org", user);

        HttpResponse<String> page = http.get("/reports?" + PERIOD);
        JsonNode api = ReportFixtures.json(http.get("/api/v1/reports?" + PERIOD));

        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body();
        JsonNode m = api.path("metrics");
        JsonNode t = m.path("timeInRanges");
        assertThat(shown(html, "stat-mean")).isEqualTo(String.format(Locale.ROOT, "%.0f", m.path("meanMgdl").asDouble()));
        assertThat(shown(html, "stat-gmi")).isEqualTo(pct(m.path("gmiPercent").asDouble()));
        assertThat(shown(html, "stat-cv")).isEqualTo(pct(m.path("cvPercent").asDouble()));
        assertThat(shown(html, "stat-gri")).isEqualTo(pct(m.path("gri").path("value").asDouble()));
        assertThat(shown(html, "stat-active")).isEqualTo(pct(api.path("sufficiency").path("activePercent").asDouble()));
        assertThat(shown(html, "stat-readings")).isEqualTo("4032");
        assertThat(shown(html, "tir-inrange")).isEqualTo(pct(t.path("inRangePercent").asDouble()));
        assertThat(shown(html, "tir-vlow")).isEqualTo(pct(t.path("veryLowPercent").asDouble()));
        assertThat(shown(html, "tir-vhigh")).isEqualTo(pct(t.path("veryHighPercent").asDouble()));
        assertThat(shown(html, "target-inRange")).isEqualTo(pct(api.path("targets").get(0).path("valuePercent").asDouble()));
        assertThat(shown(html, "episodes-hypo2"))
                .isEqualTo(api.path("episodes").path("summary").path("hypoLevel2").path("count").asText());
        assertThat(shown(html, "report-period")).isEqualTo("2024-03-04 – 2024-03-17 (14 days)");
        // AGP with bands and median, 14 daily profiles, the rule stated, the version in the footer.
        assertThat(html).contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"agp\"")
                .contains("class=\"p5-95\"").contains("class=\"p25-75\"").contains("class=\"p50\"")
                .contains("data-testid=\"agp-rule\"").doesNotContain("data-testid=\"agp-not-shown\"")
                .contains(api.path("algorithmVersion").asText());
        assertThat(html.split("data-testid=\"day\"").length - 1).isEqualTo(14);
        assertThat(html).contains("<a href=\"/reports\">Reports</a>");
        assertThat(html).contains("href=\"/api/v1/reports/agp.pdf?from=2024-03-04&amp;to=2024-03-17&amp;population=t1d-t2d&amp;lang=en\"");
    }

    @Test
    void thePageHasNoInlineStyleOrScript() {
        ReportFixtures.User[] user = new ReportFixtures.User[1];
        Http http = signedInWithData("csp@example.org", user);

        String html = http.get("/reports?" + PERIOD).body();

        assertThat(html).doesNotContain(" style=").doesNotContain("<style").doesNotContain("<script>")
                .doesNotContain("onclick");
    }

    @Test
    void millimolesAndChineseFollowTheUsersChoice() {
        ReportFixtures.User[] user = new ReportFixtures.User[1];
        Http http = signedInWithData("mmol@example.org", user);
        http.postForm("/preferences", Map.of("unit", "mmol/L", "return", "/reports"));
        http.postForm("/preferences", Map.of("lang", "zh-CN", "return", "/reports"));

        String html = http.get("/reports?" + PERIOD).body();
        JsonNode m = ReportFixtures.json(http.get("/api/v1/reports?" + PERIOD)).path("metrics");

        assertThat(html).contains("<html lang=\"zh-CN\">").contains("动态葡萄糖图谱").contains("mmol/L");
        assertThat(shown(html, "stat-mean")).isEqualTo(String.format(Locale.ROOT, "%.1f", m.path("meanMmol").asDouble()));
        // the axis is labelled in mmol/L: 70 mg/dL = 3.9, 180 mg/dL = 10.0
        assertThat(html).contains(">3.9</text>").contains(">10.0</text>");
        assertThat(shown(html, "report-period")).isEqualTo("2024-03-04 – 2024-03-17（14 天）");
    }

    @Test
    void anInvalidPeriodShowsTheFormWithTheProblem() {
        ReportFixtures.User[] user = new ReportFixtures.User[1];
        Http http = signedInWithData("form@example.org", user);

        HttpResponse<String> r = http.get("/reports?from=2024-03-17&to=2024-03-04");

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("data-testid=\"report-errors\"")
                .contains("First day: the first day must not be after the last day.")
                .contains("value=\"2024-03-17\"").doesNotContain("data-testid=\"report-stats\"");
    }

    @Test
    void withoutReadingsThePageSaysSoAndDrawsNoCurves() {
        app.newUser("nodata@example.org", org.mqcgm.server.testing.TestApp.PASSWORD);
        Http http = new Http(app.url());
        http.postForm("/login", Map.of("identifier", "nodata@example.org", "password", org.mqcgm.server.testing.TestApp.PASSWORD));

        String html = http.get("/reports").body();

        assertThat(html).contains("data-testid=\"report-nodata\"").contains("data-testid=\"agp-not-shown\"")
                .doesNotContain("class=\"p50\"");
        // the default period: 14 local days (Europe/Berlin) ending today
        assertThat(shown(html, "report-period")).isEqualTo("2024-03-08 – 2024-03-21 (14 days)");
    }
}
