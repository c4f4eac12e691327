package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.TestApp;

/**
 * The report page in real Chromium at phone size, for a wearer with 14 days of simulated readings uploaded through
 * the API: the statistics shown are the report API's, in English and in Simplified Chinese. Screenshots go to
 * {@code target/screenshots/}.
 */
class ReportInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final String EMAIL = "agp@example.org";
    static final String PASSWORD = org.mqcgm.server.testing.TestApp.PASSWORD;

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();
    static String token;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
        UUID id = app.newUser(EMAIL, PASSWORD, ZONE);
        token = app.app().apiTokens().create(id, "uploader", EnumSet.allOf(Scope.class));
        uploadFourteenDays();
    }

    /** 14 days of the demo's simulated wearer, every 5 minutes, ending a few minutes ago. */
    private static void uploadFourteenDays() throws Exception {
        GlucoseTrace trace = new GlucoseTrace(7, ZONE);
        Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 300 * 300).minusSeconds(120);
        StringBuilder body = new StringBuilder("[");
        for (int i = 14 * 288 - 1; i >= 0; i--) {
            Instant t = end.minusSeconds(300L * i);
            body.append(body.length() > 1 ? "," : "").append("{\"time\":\"").append(t.atZone(ZONE).toOffsetDateTime())
                    .append("\",\"mgdl\":").append(trace.mgdlAt(t)).append('}');
        }
        body.append(']');
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(app.url() + "/api/v1/readings"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static JsonNode reportApi() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(app.url() + "/api/v1/reports")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    private static String oneDecimal(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** The statistics on the page equal the API's values, rounded as the page rounds them. */
    private static void assertStatisticsEqualTheApis(Page page, JsonNode api) {
        JsonNode m = api.path("metrics");
        JsonNode t = m.path("timeInRanges");
        Map<String, String> expected = Map.of(
                "stat-mean", String.format(Locale.ROOT, "%.0f", m.path("meanMgdl").asDouble()),
                "stat-gmi", oneDecimal(m.path("gmiPercent").asDouble()),
                "stat-cv", oneDecimal(m.path("cvPercent").asDouble()),
                "stat-active", oneDecimal(api.path("sufficiency").path("activePercent").asDouble()),
                "tir-vhigh", oneDecimal(t.path("veryHighPercent").asDouble()),
                "tir-high", oneDecimal(t.path("highPercent").asDouble()),
                "tir-inrange", oneDecimal(t.path("inRangePercent").asDouble()),
                "tir-low", oneDecimal(t.path("lowPercent").asDouble()),
                "tir-vlow", oneDecimal(t.path("veryLowPercent").asDouble()),
                "target-inRange", oneDecimal(api.path("targets").get(0).path("valuePercent").asDouble()));
        expected.forEach((testId, value) ->
                assertThat(page.locator("[data-testid=" + testId + "]")).hasText(value));
    }

    @Tag("PR-20")
    @Test
    void aWearerWith14DaysSeesTheAgpReportWithTheApisNumbersInEnglishAndChinese() throws Exception {
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            page.navigate(app.url() + "/login");
            page.fill("input[name=identifier]", EMAIL);
            page.fill("input[name=password]", PASSWORD);
            page.click("button.primary");
            assertThat(page).hasURL(app.url() + "/today");

            page.click("nav >> text=Reports");
            assertThat(page).hasURL(app.url() + "/reports");
            assertThat(page.locator("h1")).hasText("AGP report: continuous glucose monitoring");
            JsonNode api = reportApi();
            assertStatisticsEqualTheApis(page, api);
            assertThat(page.locator("[data-testid=report-period]")).containsText("(14 days)");
            assertThat(page.locator("svg.agp path.p50")).isVisible();
            assertThat(page.locator("svg.agp path.p5-95")).isVisible();
            assertThat(page.locator("[data-testid=day]")).hasCount(14);
            assertThat(page.locator("[data-testid=agp-rule]")).containsText("at least 14 days");
            // Usable at 360 px: nothing wider than the screen.
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("report-mobile.png")).setFullPage(true));

            page.click("footer >> text=简体中文");
            assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
            assertThat(page.locator("h1")).hasText("AGP 报告：持续葡萄糖监测");
            assertThat(page.locator("[data-testid=report-period]")).containsText("（14 天）");
            assertStatisticsEqualTheApis(page, reportApi());
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("report-mobile-zh.png")).setFullPage(true));

            // The same report on a wide screen, for the documentation.
            page.click("footer >> text=English");
            page.setViewportSize(1100, 900);
            assertThat(page.locator("html")).hasAttribute("lang", "en");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("report-desktop.png")).setFullPage(true));
        }
    }
}
