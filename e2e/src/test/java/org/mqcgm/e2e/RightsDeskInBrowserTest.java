package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.testing.TestApp;

/**
 * The rights desk in real Chromium at phone size (375 CSS pixels): from Settings the person opens "My requests",
 * sends a correction request and sees its number and the day it is answered by (30 days later), then the public form
 * for someone who cannot sign in asks for the one-time code sent to the account's registered address and confirms
 * the request with its due date (PR-61). Screenshots go to {@code target/screenshots/requests-*.png}.
 */
class RightsDeskInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final String EMAIL = "requests@example.org";

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    private static void assertFitsThePhone(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
    }

    @Test
    @Tag("PR-61")
    void aPersonSendsARequestAndSeesItsDueDateAndSomeoneLockedOutUsesThePublicForm() throws Exception {
        Files.createDirectories(SHOTS);
        UUID id = app.app().accounts().createVerified(EMAIL, TestApp.PASSWORD, "Asia/Shanghai", Language.EN,
                TestApp.ADULT_BIRTH_DATE);
        app.app().consents().record(id, Consents.Purpose.HEALTH_DATA, true, "test");
        String due = Instant.now().plus(30, ChronoUnit.DAYS).atZone(ZoneId.of("Asia/Shanghai"))
                .format(DateTimeFormatter.ofPattern("uuuu-MM-dd"));
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            page.setViewportSize(375, 780);
            Browser.logIn(page, app.url(), EMAIL);
            page.navigate(app.url() + "/settings");
            page.click("[data-testid=requests-link]");
            assertThat(page).hasURL(app.url() + "/requests");
            assertThat(page.locator("[data-testid=regulator]")).isVisible();
            page.selectOption("[data-testid=request-kind]", "CORRECTION");
            page.fill("[data-testid=request-text]", "My date of birth is wrong: it is 1980-02-03.");
            page.click("[data-testid=request-submit]");
            assertThat(page.locator("[data-testid=request-number]")).containsText("Request #");
            assertThat(page.locator("[data-testid=request-status]")).hasText("open");
            assertThat(page.locator("[data-testid=request-due]")).hasText("answer by " + due);
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("requests-sent.png")).setFullPage(true));
            page.navigate(app.url() + "/requests");
            assertThat(page.locator("[data-testid=request-row]")).hasCount(1);
            assertFitsThePhone(page);
        }
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            page.setViewportSize(375, 780);
            page.navigate(app.url() + "/privacy/request");
            page.fill("[data-testid=public-identifier]", EMAIL);
            page.selectOption("[data-testid=public-kind]", "ACCESS");
            page.fill("[data-testid=public-text]", "I lost my phone. What do you hold about me?");
            page.click("[data-testid=public-submit]");
            assertThat(page.locator("[data-testid=public-code-sent]")).isVisible();
            String code = app.awaitOutbox(EMAIL, Pattern.compile("request about your data: (\\d{6})"));
            page.fill("[data-testid=public-code]", code);
            page.click("[data-testid=public-verify]");
            assertThat(page.locator("[data-testid=public-done]")).containsText("is confirmed");
            assertThat(page.locator("[data-testid=request-due]")).containsText("answer by ");
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("requests-public.png"))
                    .setFullPage(true));
        }
    }
}
