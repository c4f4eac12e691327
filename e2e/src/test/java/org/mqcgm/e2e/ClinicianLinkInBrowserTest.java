package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * A clinician link in real Chromium at phone size: the wearer makes a link with a PIN on Settings → Clinician
 * links; a second, anonymous browser opens it, enters the PIN and sees the report; once the server's clock passes
 * the link's end the same address shows "This link has ended" (410). Screenshots go to
 * {@code target/screenshots/}.
 */
class ClinicianLinkInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final String EMAIL = "clinician-link@example.org";
    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
        UUID id = app.newUser(EMAIL, TestApp.PASSWORD);
        app.app().consents().record(id, Consents.Purpose.SHARING, true, "test");
        List<Reading> readings = new ArrayList<>();
        Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 300 * 300).minusSeconds(600);
        for (int i = 0; i < 288 * 3; i++) {
            readings.add(new Reading(end.minus(Duration.ofMinutes(5L * i)), ZoneOffset.ofHours(1), 80 + i % 120));
        }
        app.app().readings().store(id, readings);
    }

    @Test
    void aClinicianOpensThePinProtectedReportWithoutAnAccountUntilTheLinkEnds() {
        String path;
        try (BrowserContext wearer = browser.phone("en-US")) {
            Page page = wearer.newPage();
            Browser.logIn(page, app.url(), EMAIL);

            page.navigate(app.url() + "/settings");
            page.click("[data-testid=clinician-links-link]");
            assertThat(page).hasURL(app.url() + "/settings/sharing/links");
            assertThat(page.locator("h1")).hasText("Clinician links");
            assertThat(page.locator("[data-testid=links-empty]")).isVisible();
            page.fill("input[name=label]", "Dr Wang");
            page.selectOption("select[name=days]", "1");
            page.fill("input[name=pin]", "4821");
            page.click("[data-testid=link-form] button.primary");

            assertThat(page.locator("[data-testid=link-created]")).containsText("Dr Wang");
            assertThat(page.locator("[data-testid=link-copy]")).isVisible(); // JavaScript shows the copy button
            String url = page.inputValue("[data-testid=link-url]");
            assertThat(url).matches(".*/c/[A-Za-z0-9_-]{43}");
            path = url.substring(url.indexOf("/c/"));
            assertThat(page.locator("[data-testid=link]")).hasCount(1);
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("clinician-links-mobile.png"))
                    .setFullPage(true));

            page.navigate(app.url() + "/settings/sharing/links");
            page.click("footer >> text=简体中文");
            assertThat(page.locator("h1")).hasText("医生链接");
            assertThat(page.locator("[data-testid=link-url]")).hasCount(0); // shown only once
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
        }

        try (BrowserContext clinician = browser.phone("en-US")) {
            Page page = clinician.newPage();
            Response first = page.navigate(app.url() + path);
            assertThat(first.status()).isEqualTo(200);
            assertThat(page.locator("[data-testid=pin-form]")).isVisible();
            assertThat(page.locator("[data-testid=report-stats]")).hasCount(0);
            page.fill("input[name=pin]", "0000");
            page.click("[data-testid=pin-form] button.primary");
            assertThat(page.locator("[data-testid=pin-error]")).hasText("Wrong PIN.");
            page.fill("input[name=pin]", "4821");
            page.click("[data-testid=pin-form] button.primary");

            assertThat(page.locator("[data-testid=shared-report] h1")).hasText("AGP report shared with Dr Wang");
            assertThat(page.locator("[data-testid=report-stats]")).isVisible();
            assertThat(page.locator("[data-testid=report-agp]")).isVisible();
            assertThat(page.content()).doesNotContain(EMAIL);
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("clinician-link-report-mobile.png"))
                    .setFullPage(true));

            // The link was made to end after one day: past it, the same address has ended.
            clock.advance(Duration.ofDays(1).plusMinutes(1));
            Response ended = page.navigate(app.url() + path);
            assertThat(ended.status()).isEqualTo(410);
            assertThat(page.locator("[data-testid=link-ended] h1")).hasText("This link has ended");
            assertThat(page.locator("[data-testid=report-stats]")).hasCount(0);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("clinician-link-ended-mobile.png"))
                    .setFullPage(true));
        }
    }
}
