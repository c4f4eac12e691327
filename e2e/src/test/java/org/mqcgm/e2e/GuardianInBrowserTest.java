package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.TestApp;

/**
 * The guardian flow in real Chromium at 375 px: a 15-year-old signs up and lands on Guardian (nothing else works
 * yet), invites a parent by e-mail; the parent signs in, enters the code, consents and sees the child listed; the
 * child's Today page opens.
 */
class GuardianInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static void logIn(Page page, String login) {
        page.navigate(app.url() + "/login");
        page.fill("input[name=identifier]", login);
        page.fill("input[name=password]", TestApp.PASSWORD);
        page.click("button.primary");
    }

    @Test
    @Tag("PR-77")
    void aMinorSignsUpAndTheirGuardianConsentsOnAPhone() throws Exception {
        Files.createDirectories(SHOTS);
        String child = "teen@example.org";
        String parent = "mum@example.org";
        try (BrowserContext kid = browser.phone("en-US"); BrowserContext mum = browser.phone("en-US")) {
            Page page = kid.newPage();
            page.setViewportSize(375, 812);
            page.navigate(app.url() + "/signup");
            page.fill("input[name=identifier]", child);
            page.fill("input[name=password]", TestApp.PASSWORD);
            page.fill("input[name=birth_date]", LocalDate.now().minusYears(15).toString());
            page.check("input[name=accept_policy]");
            page.click("button.primary");
            page.fill("input[name=code]", app.awaitOutbox(child, Pattern.compile("(\\d{6})")));
            page.click("button.primary");
            assertThat(page).hasURL(app.url() + "/guardian");
            assertThat(page.locator("[data-testid=pending]")).containsText("consents");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("guardian-pending-mobile.png"))
                    .setFullPage(true));
            page.fill("[data-testid=guardian-contact]", parent);
            page.click("[data-testid=invite-guardian]");
            assertThat(page.locator("[data-testid=invited]")).containsText("m•••@example.org");

            String invitation = app.awaitOutbox(parent, Pattern.compile("(/guardian/accept/[0-9a-f-]{36})"));
            String code = app.awaitOutbox(parent, Pattern.compile("code (\\d{6})"));
            app.newUser(parent);
            Page guardian = mum.newPage();
            guardian.setViewportSize(375, 812);
            logIn(guardian, parent);
            guardian.navigate(app.url() + invitation);
            assertThat((Integer) guardian.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
            guardian.fill("[data-testid=guardian-code]", code);
            guardian.check("[data-testid=purpose-health-data]");
            guardian.check("[data-testid=declaration]");
            guardian.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("guardian-consent-mobile.png"))
                    .setFullPage(true));
            guardian.click("[data-testid=consent]");
            assertThat(guardian).hasURL(app.url() + "/guardian");
            assertThat(guardian.locator("[data-testid=child]")).containsText("t•••@example.org");

            page.navigate(app.url() + "/today");
            assertThat(page).hasURL(app.url() + "/today");
        }
    }
}
