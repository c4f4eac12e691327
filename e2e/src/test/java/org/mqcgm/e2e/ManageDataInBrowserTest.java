package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.testing.TestApp;

/**
 * History → Manage data in real Chromium at phone size (PR-63): a day of readings is deleted after the page showed
 * how many would go and the password confirmed it, and History then counts none on that day while the days around
 * it are whole; a sensor is deleted after its confirmation page. Screenshots go to
 * {@code target/screenshots/manage-data-*.png}.
 */
class ManageDataInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    static final String EMAIL = "manage-data@example.org";

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static UUID id;
    static LocalDate today;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
        id = app.app().accounts().createVerified(EMAIL, TestApp.PASSWORD, ZONE.getId(), Language.EN, TestApp.ADULT_BIRTH_DATE);
        app.app().consents().record(id, Consents.Purpose.HEALTH_DATA, true, "test");
        today = Instant.now().atZone(ZONE).toLocalDate();
        // Every five minutes over the three local days before today.
        List<Reading> readings = new ArrayList<>();
        Instant from = today.minusDays(3).atStartOfDay(ZONE).toInstant();
        Instant to = today.atStartOfDay(ZONE).toInstant();
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(300)) {
            readings.add(new Reading(t, ZONE.getRules().getOffset(t), 130));
        }
        app.app().readings().store(id, readings);
        String token = app.app().apiTokens().create(id, "app", EnumSet.allOf(Scope.class));
        java.net.http.HttpResponse<String> sensor = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.url() + "/api/v1/sensors"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"Browser CGM\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(sensor.statusCode()).as(sensor.body()).isEqualTo(201);
    }

    static long readingsOn(LocalDate day) {
        return Duration.between(day.atStartOfDay(ZONE), day.plusDays(1).atStartOfDay(ZONE)).toHours() * 12;
    }

    private static void assertFitsThePhone(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
    }

    @Tag("PR-63")
    @Test
    void aDayOfReadingsAndASensorAreDeletedAfterConfirmation() {
        LocalDate day = today.minusDays(2);
        long count = readingsOn(day);
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            Browser.logIn(page, app.url(), EMAIL);

            page.navigate(app.url() + "/history?date=" + day);
            assertThat(page.locator("[data-testid=in-range]")).containsText("of " + count + " readings");
            page.click("[data-testid=manage-data]");
            assertThat(page).hasURL(app.url() + "/history/data");
            assertThat(page.locator("[data-testid=sensors]")).containsText("Browser CGM");
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("manage-data.png")).setFullPage(true));

            // Step 1: the days; the next page tells how many readings will go and asks for the password.
            page.fill("[data-testid=delete-range] input[name=from]", day.toString());
            page.fill("[data-testid=delete-range] input[name=to]", day.toString());
            page.click("[data-testid=delete-range] button");
            assertThat(page.locator("[data-testid=confirm-message]"))
                    .hasText(count + " readings from " + day + " to " + day + " will be deleted.");
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("manage-data-confirm.png"))
                    .setFullPage(true));
            // A wrong password deletes nothing and says so.
            page.fill("[data-testid=confirm-delete] input[name=password]", "not the password");
            page.click("[data-testid=confirm-button]");
            assertThat(page.locator("[data-testid=errors] li[data-field=password]")).isVisible();
            assertThat(page.locator("[data-testid=confirm-message]")).containsText(count + " readings");
            page.fill("[data-testid=confirm-delete] input[name=password]", TestApp.PASSWORD);
            page.click("[data-testid=confirm-button]");
            assertThat(page).hasURL(app.url() + "/history/data?deleted=" + count);
            assertThat(page.locator("[data-testid=deleted]")).hasText(count + " readings were deleted.");

            // History: the day is empty, the days around it are whole.
            page.navigate(app.url() + "/history?date=" + day);
            assertThat(page.locator("[data-testid=in-range]")).containsText("of 0 readings");
            page.navigate(app.url() + "/history?date=" + day.minusDays(1));
            assertThat(page.locator("[data-testid=in-range]"))
                    .containsText("of " + readingsOn(day.minusDays(1)) + " readings");
            page.navigate(app.url() + "/history?date=" + day.plusDays(1));
            assertThat(page.locator("[data-testid=in-range]"))
                    .containsText("of " + readingsOn(day.plusDays(1)) + " readings");

            // A sensor: its delete link opens a confirmation page; confirming removes it.
            page.navigate(app.url() + "/history/data");
            page.click("[data-testid=delete-sensor]");
            assertThat(page.locator("[data-testid=confirm-message]"))
                    .hasText("The sensor Browser CGM and its 0 sessions will be deleted. Its readings stay; delete"
                            + " their days above to remove them.");
            assertFitsThePhone(page);
            page.click("[data-testid=confirm-button]");
            assertThat(page).hasURL(app.url() + "/history/data?done=sensor");
            assertThat(page.locator("[data-testid=done]")).hasText("The sensor and its sessions were deleted.");
            assertThat(page.locator("[data-testid=sensors]")).hasCount(0);
        }
    }
}
