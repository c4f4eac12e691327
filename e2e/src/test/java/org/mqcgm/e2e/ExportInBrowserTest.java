package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.testing.TestApp;

/**
 * "My data" and the export in real Chromium at phone size (375 CSS pixels): from Settings the wearer sees what is
 * held about them, requests an export with their password, watches it being made, and downloads a ZIP holding the
 * README and every reading since the first (PR-60, PR-70). Screenshots go to {@code target/screenshots/export-*.png}.
 */
class ExportInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final String EMAIL = "export@example.org";
    /** Every 30 minutes for 120 days: older than any 90-day window. */
    static final int READINGS = 120 * 48;

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
        UUID id = app.app().accounts().createVerified(EMAIL, TestApp.PASSWORD, "Asia/Shanghai", Language.EN, TestApp.ADULT_BIRTH_DATE);
        app.app().consents().record(id, Consents.Purpose.HEALTH_DATA, true, "test");
        String token = app.app().apiTokens().create(id, "uploader", EnumSet.allOf(Scope.class));
        Instant last = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        StringBuilder body = new StringBuilder("[");
        for (int i = READINGS - 1; i >= 0; i--) {
            Instant t = last.minus(Duration.ofMinutes(30L * i));
            body.append(body.length() > 1 ? "," : "").append("{\"time\":\"")
                    .append(t.atOffset(ZoneOffset.ofHours(8))).append("\",\"mgdl\":").append(80 + i % 120).append('}');
        }
        body.append(']');
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(app.url() + "/api/v1/readings"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejected\":0");
    }

    private static void assertFitsThePhone(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
    }

    @Test
    @Tag("PR-70")
    void requestAnExportWatchItBeMadeAndDownloadTheZip() throws Exception {
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            page.setViewportSize(375, 780);
            Browser.logIn(page, app.url(), EMAIL);

            // Settings → My data: every category with its count.
            page.navigate(app.url() + "/settings");
            page.click("[data-testid=my-data-link]");
            assertThat(page).hasURL(app.url() + "/settings/data");
            assertThat(page.locator("[data-testid=count-readings]")).hasText(Integer.toString(READINGS));
            assertThat(page.locator("[data-category=account]")).isVisible();
            assertThat(page.locator("[data-category=consents]")).isVisible();
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("export-my-data.png")).setFullPage(true));

            // → Export: a wrong password is refused and nothing starts.
            page.click("[data-testid=to-export]");
            assertThat(page).hasURL(app.url() + "/settings/export");
            page.fill("input[name=password]", "not my password");
            page.click("[data-testid=export-request]");
            assertThat(page.locator("[data-testid=errors]")).isVisible();
            assertThat(page.locator("[data-testid=export-status]")).hasCount(0);

            // The right password: the page follows the export until the download link shows.
            page.fill("input[name=password]", TestApp.PASSWORD);
            page.click("[data-testid=export-request]");
            assertThat(page).hasURL(app.url() + "/settings/export");
            assertThat(page.locator("[data-testid=export-download]"))
                    .isVisible(new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions()
                            .setTimeout(30_000));
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("export-ready.png")).setFullPage(true));

            Download download = page.waitForDownload(() -> page.click("[data-testid=export-download]"));
            assertThat(download.suggestedFilename()).matches("mqcgm-export-\\d{4}-\\d{2}-\\d{2}\\.zip");
            Map<String, String> files = new LinkedHashMap<>();
            try (InputStream in = Files.newInputStream(download.path());
                 ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8)) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    files.put(e.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            assertThat(files).containsKeys("README.txt", "account.json", "readings.csv");
            assertThat(files.get("account.json")).contains(EMAIL);
            assertThat(files.get("readings.csv").lines().count()).isEqualTo(READINGS + 1);
            assertThat(files.get("readings.csv")).startsWith("time,mgdl,");
        }
    }

    @Test
    void thePagesInChinese() {
        // Its own account: the language chosen here is kept on the account.
        UUID id = app.app().accounts().createVerified("export-zh@example.org", TestApp.PASSWORD, "Asia/Shanghai",
                Language.EN, TestApp.ADULT_BIRTH_DATE);
        app.app().consents().record(id, Consents.Purpose.HEALTH_DATA, true, "test");
        try (BrowserContext context = browser.phone("zh-CN")) {
            Page page = context.newPage();
            page.setViewportSize(375, 780);
            page.navigate(app.url() + "/login");
            page.fill("input[name=identifier]", "export-zh@example.org");
            page.fill("input[name=password]", TestApp.PASSWORD);
            page.click("button.primary");
            page.navigate(app.url() + "/settings/data");
            page.click("footer button[value=zh-CN]");
            assertThat(page.locator("h1")).hasText("我的数据");
            assertThat(page.locator("[data-category=readings]")).containsText("血糖读数");
            assertFitsThePhone(page);
            page.navigate(app.url() + "/settings/export");
            assertThat(page.locator("h1")).hasText("导出我的数据");
            assertThat(page.locator("[data-testid=export-request]")).hasText("申请导出");
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("export-zh.png")).setFullPage(true));
        }
    }
}
