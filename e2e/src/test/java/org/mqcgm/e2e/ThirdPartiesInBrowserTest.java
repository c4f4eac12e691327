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
 * {@code /privacy/third-parties} in real Chromium at 375 px: a default deployment declares no recipient, so the page
 * generated from the registry says "none", reached from the privacy policy, in English and Simplified Chinese; a
 * signed-in person's Settings → Where my data goes shows the same and their (empty) egress log. Nothing is wider
 * than the screen. Screenshots go to {@code target/screenshots/}.
 */
class ThirdPartiesInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final String EMAIL = "third-parties@example.org";

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @Test
    @Tag("PR-49")
    void aDefaultDeploymentListsNoThirdPartyOnAPhoneInBothLanguages() throws Exception {
        Files.createDirectories(SHOTS);
        app.newUser(EMAIL);
        try (BrowserContext context = browser.phone("en-US", 375)) {
            Page page = context.newPage();
            page.navigate(app.url() + "/privacy");
            page.click("[data-testid=third-parties-link]");
            assertThat(page).hasURL(app.url() + "/privacy/third-parties");
            assertThat(page.locator("h1")).hasText("Third parties who receive data");
            assertThat(page.locator("[data-testid=third-parties-none]"))
                    .hasText("None. This service shares your data with no third party.");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("third-parties-mobile.png"))
                    .setFullPage(true));

            page.click("footer >> text=简体中文");
            assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
            assertThat(page.locator("h1")).hasText("接收数据的第三方");
            assertThat(page.locator("[data-testid=third-parties-none]")).hasText("无。本服务不与任何第三方共享您的数据。");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("third-parties-mobile-zh.png"))
                    .setFullPage(true));

            Browser.logIn(page, app.url(), EMAIL);
            page.navigate(app.url() + "/settings");
            page.click("[data-testid=data-sharing-link]");
            assertThat(page).hasURL(app.url() + "/settings/data-sharing");
            assertThat(page.locator("[data-testid=recipients-none]")).isVisible();
            assertThat(page.locator("[data-testid=egress-log-empty]")).isVisible();
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
        }
    }
}
