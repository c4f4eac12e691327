package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.SelectOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.testing.TestApp;

/**
 * Importing a Dexcom Clarity export in real Chromium at phone size (360 CSS pixels): History → "Import readings
 * from a file" → choose the file (the zone prefilled with the home zone) → preview (11 readings, the zone assumed)
 * → confirm another zone and "Import" → result → History of that day. Screenshots go to
 * {@code target/screenshots/import-*.png}.
 */
class ImportInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final String EMAIL = "import@example.org";

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static UUID person;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
        person = app.app().accounts().createVerified(EMAIL, TestApp.PASSWORD, "Asia/Shanghai", Language.EN, TestApp.ADULT_BIRTH_DATE);
        app.app().consents().record(person, Consents.Purpose.HEALTH_DATA, true, "test");
    }

    private static void assertFitsThePhone(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
    }

    @Test
    void importAClarityFileWithPreviewAndConfirmedZone() throws Exception {
        Path file = Path.of(ImportInBrowserTest.class.getResource("/imports/dexcom_clarity_export_mgdl.csv").toURI());
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            Browser.logIn(page, app.url(), EMAIL);
            page.navigate(app.url() + "/history");
            page.click("[data-testid=import-link]");
            assertThat(page).hasURL(app.url() + "/import");
            assertThat(page.locator("[data-testid=import-zone]")).hasValue("Asia/Shanghai");
            page.setInputFiles("[data-testid=import-file]", file);
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("import-form.png")).setFullPage(true));
            page.click("[data-testid=import-preview]");

            assertThat(page.locator("[data-testid=import-count]")).hasText("11");
            assertThat(page.locator("[data-testid=import-format]")).hasText("Dexcom Clarity CSV");
            assertThat(page.locator("[data-testid=import-zone-assumed]")).isVisible();
            assertThat(page.locator("[data-testid=import-skipped]")).hasText("8");
            // the calibration, carbs and insulin rows are logbook entries
            assertThat(page.locator("[data-testid=import-checkins]")).hasAttribute("data-count", "3");
            assertThat(page.locator("[data-testid=import-commit]")).hasText("Import 11 new readings and 3 logbook entries");
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("import-preview.png"))
                    .setFullPage(true));
            page.selectOption("[data-testid=import-commit-form] select[name=zone]",
                    new SelectOption().setValue("America/Denver"));
            page.click("[data-testid=import-commit]");

            assertThat(page.locator("[data-testid=import-result]")).hasAttribute("data-stored", "11",
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
            assertThat(page.locator("[data-testid=import-result-checkins]")).hasAttribute("data-stored", "3");
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("import-done.png")).setFullPage(true));
            assertThat(app.app().readings().store().range(person, Instant.parse("2025-03-14T00:00:00Z"),
                    Instant.parse("2025-03-15T00:00:00Z")).get(0).time())
                    .isEqualTo(Instant.parse("2025-03-14T15:00:12Z"));

            page.click("[data-testid=import-history]");
            assertThat(page).hasURL(app.url() + "/history?date=2025-03-14");
            assertThat(page.locator("[data-testid=day-2025-03-14] [data-testid=in-range]")).isVisible();
        }
    }
}
