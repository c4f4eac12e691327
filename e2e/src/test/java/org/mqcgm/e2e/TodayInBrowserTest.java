package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.server.testing.TestApp;

/**
 * The walking skeleton in real Chromium at phone size: sign up, create an API token, upload a day of readings
 * with it, log out, log in, and see the current glucose and the 24-hour chart; switch units and language.
 * Screenshots go to {@code target/screenshots/}.
 */
class TodayInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
    }

    @Test
    void signUpLogInAndSeeTheChartWithData() throws Exception {
        String email = "browser@example.org";
        String password = "granite willow harbor seven";
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            page.navigate(app.url() + "/");
            assertThat(page).hasURL(app.url() + "/login");
            page.click("text=Create account");
            page.fill("input[name=identifier]", email);
            page.fill("input[name=password]", password);
            page.fill("input[name=birth_date]", "1990-05-01"); // an adult: no guardian needed (PR-77)
            page.check("input[name=accept_policy]");
            // Processing glucose data needs its own consent, never pre-ticked (PR-19).
            assertThat(page.locator("input[name=health_data_consent]")).not().isChecked();
            page.check("input[name=health_data_consent]");
            page.click("button.primary");
            // No mail server in this test: the code is read from the outbox.
            page.fill("input[name=code]", app.awaitOutbox(email, java.util.regex.Pattern.compile("\\b(\\d{6})\\b")));
            page.click("button.primary");
            assertThat(page).hasURL(app.url() + "/today");
            assertThat(page.locator(".nodata")).isVisible();

            // The browser's time zone was recorded at sign-up.
            assertThat(app.app().accounts().find(app.app().accounts().authenticate(email, password).orElseThrow())
                    .orElseThrow().timeZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));

            // Create an upload token on the settings page.
            page.click("nav >> text=Settings");
            page.fill("input[name=name]", "uploader");
            page.check("input[value='readings:read']");
            page.check("input[value='readings:write']");
            page.click("text=Create token");
            String token = page.locator("[data-testid=new-token]").inputValue();
            assertThat(token).startsWith("mqcgm_");

            int uploaded = uploadLastDay(token);
            assertThat(uploaded).isGreaterThanOrEqualTo(288);

            // Log out and log in again.
            page.click("nav >> text=Log out");
            assertThat(page).hasURL(app.url() + "/login");
            page.fill("input[name=identifier]", email);
            page.fill("input[name=password]", password);
            page.click("button.primary");
            assertThat(page).hasURL(app.url() + "/today");

            assertThat(page.locator("[data-testid=current-value]")).isVisible();
            assertThat(page.locator("[data-testid=current-value]")).hasText(java.util.regex.Pattern.compile("^\\d{2,3}$"));
            assertThat(page.locator("[data-testid=minutes-ago]")).containsText("min ago");
            assertThat(page.locator("svg.chart circle").count()).isGreaterThanOrEqualTo(288);
            assertThat(page.locator("svg.chart rect.target")).isVisible();
            // Usable at 360 px: nothing wider than the screen.
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("today-mobile.png")).setFullPage(true));

            // mmol/L: one decimal.
            page.click("[data-testid=unit-mmol]");
            assertThat(page.locator("[data-testid=current-value]")).hasText(java.util.regex.Pattern.compile("^\\d{1,2}\\.\\d$"));
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("today-mobile-mmol.png")));

            // Simplified Chinese.
            page.click("footer >> text=简体中文");
            assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
            assertThat(page.locator("h2").first()).containsText("过去 24 小时");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("today-mobile-zh.png")));
        }
    }

    /** Uploads the last 24 hours of a simulated trace, every 5 minutes, ending a few minutes ago. */
    private static int uploadLastDay(String token) throws Exception {
        GlucoseTrace trace = new GlucoseTrace(7, ZoneId.of("Asia/Shanghai"));
        Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 300 * 300).minusSeconds(120);
        StringBuilder body = new StringBuilder("[");
        for (int i = 288; i >= 0; i--) {
            Instant t = end.minusSeconds(300L * i);
            body.append(body.length() > 1 ? "," : "").append("{\"time\":\"")
                    .append(t.atOffset(java.time.ZoneOffset.ofHours(8))).append("\",\"mgdl\":")
                    .append(trace.mgdlAt(t)).append('}');
        }
        body.append(']');
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(app.url() + "/api/v1/readings"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("accepted").asInt();
    }
}
