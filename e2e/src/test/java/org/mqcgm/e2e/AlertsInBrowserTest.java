package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.testing.TestApp;

/**
 * The Alerts page in real Chromium at phone size: an urgent low raised on ingest is shown with its why, announced
 * in an assertive live region with a symbol and words, and acknowledged with the page's button. Screenshots go to
 * {@code target/screenshots/}.
 */
class AlertsInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final String EMAIL = "alerts-browser@example.org";

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static UUID wearer;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
        wearer = app.newUser(EMAIL);
    }

    @Test
    void anUrgentLowIsShownWithWhyAnnouncedAndAcknowledged() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // Stored as an upload is: the alerts run after it committed.
        app.app().readings().store(wearer, List.of(Reading.utc(now.minus(Duration.ofMinutes(5)), 80),
                Reading.utc(now, 50)));
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            Browser.logIn(page, app.url(), EMAIL);

            page.click("nav >> text=Alerts");
            assertThat(page).hasURL(app.url() + "/alerts");
            var live = page.locator("[role=alert][aria-live=assertive]");
            assertThat(live).containsText("Urgent low");
            assertThat(live).containsText("Glucose 50 mg/dL is below the urgent low of 55 mg/dL.");
            var alert = page.locator("[data-testid=alert][data-kind=urgent-low]");
            assertThat(alert).hasCount(1);
            assertThat(alert.locator("[data-testid=why]"))
                    .hasText("Glucose 50 mg/dL is below the urgent low of 55 mg/dL.");
            assertThat(alert).containsText("Not acknowledged");
            assertThat(page.locator("button[data-push-enable]")).hasText("Turn on notifications");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("alerts-urgent-low.png"))
                    .setFullPage(true));

            alert.locator("[data-testid=ack]").click();
            assertThat(page).hasURL(app.url() + "/alerts");
            assertThat(page.locator("[data-testid=alert] [data-testid=acknowledged]")).hasCount(1);
            assertThat(page.locator("[data-testid=alert] [data-testid=ack]")).hasCount(0);
            assertThat(live).isEmpty();
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("alerts-acknowledged.png"))
                    .setFullPage(true));
        }
    }
}
