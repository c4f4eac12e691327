package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.TestApp;

/**
 * The record of processing ({@code /privacy/processing}) in real Chromium at 375 CSS pixels, signed out: every
 * purpose with its legal basis, categories and retention, every table with its columns, the link to the JSON and the
 * controller's contact in the footer; in English and Simplified Chinese, without sideways scrolling.
 */
class TransparencyInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @Test
    @Tag("PR-02")
    void theRecordOfProcessingReadsOnAPhoneInBothLanguages() throws Exception {
        Files.createDirectories(SHOTS);
        try (BrowserContext context = browser.phone("en-US", 375)) {
            Page page = context.newPage();
            page.navigate(app.url() + "/privacy");
            page.click("footer >> text=Record of processing");
            assertThat(page.locator("h1")).hasText("Record of processing");
            assertThat(page.locator("[data-testid=purpose-health-data]")).containsText("Your consent");
            assertThat(page.locator("[data-testid=basis-security]")).containsText("Ⅰ.2.h");
            assertThat(page.locator("[data-testid=purpose-health-data]")).containsText("CGM data");
            assertThat(page.locator("[data-testid=footer-contact]")).containsText("privacy@operator.example");
            page.click("[data-testid=table-glucose_recent] summary");
            assertThat(page.locator("[data-testid=table-glucose_recent]")).containsText("payload");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("processing.png")));
            assertThat(page.locator("[data-testid=processing-json]")).hasAttribute("href", "/privacy/processing.json");
        }
        try (BrowserContext context = browser.phone("zh-CN", 375)) {
            Page page = context.newPage();
            page.navigate(app.url() + "/privacy/processing");
            assertThat(page.locator("h1")).hasText("处理活动记录");
            assertThat(page.locator("[data-testid=purpose-health-data]")).containsText("您的同意");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("processing-zh.png")));
        }
    }
}
