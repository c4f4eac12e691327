package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.TestApp;

/**
 * The public transparency report ({@code /privacy/transparency}) in real Chromium at 375 px, in English and in
 * Simplified Chinese: approved disclosures per year and legal basis, no personal data, nothing wider than the
 * screen.
 */
class TransparencyReportInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @Test
    @Tag("PR-45")
    void theTransparencyReportCountsDisclosuresPerYearAndBasisOnAPhone() throws Exception {
        Files.createDirectories(SHOTS);
        UUID person = app.newUser("reported@example.org");
        OffsetDateTime at = OffsetDateTime.of(2026, 3, 4, 10, 0, 0, 0, ZoneOffset.UTC);
        UUID id = UUID.randomUUID();
        app.sql().useTransaction(h -> {
            h.createUpdate("""
                    insert into disclosure (id, basis, legal_request, recipient, instrument, reference, categories,
                        range_from, range_to, people, status, requested_by, requested_at, approved_by, approved_at)
                    values (:id, 'CRIMINAL_PROCEEDINGS', true, 'Police of the City', 'Court order 17', 'CASE-77',
                        '{readings}', :from, :to, 1, 'approved', :a, :at, :b, :at)""")
                    .bind("id", id).bind("from", at.minusDays(7)).bind("to", at).bind("a", UUID.randomUUID())
                    .bind("b", UUID.randomUUID()).bind("at", at).execute();
            h.createUpdate("insert into disclosure_subject (owner_id, disclosure_id, notified_at, notice_to)"
                    + " values (:o, :d, :at, 'email')").bind("o", person).bind("d", id).bind("at", at).execute();
        });
        for (String language : new String[] {"en-US", "zh-CN"}) {
            try (BrowserContext context = browser.phone(language)) {
                Page page = context.newPage();
                page.setViewportSize(375, 812);
                page.navigate(app.url() + "/privacy/transparency");
                assertThat(page.locator("[data-testid=transparency-row][data-year='2026']"
                        + "[data-basis=CRIMINAL_PROCEEDINGS] [data-testid=count]")).hasText("1");
                assertThat(page.locator("h1")).hasText(language.equals("en-US") ? "Transparency report" : "透明度报告");
                assertThat(page.content()).doesNotContain("Police of the City").doesNotContain("CASE-77")
                        .doesNotContain(person.toString());
                assertThat((Integer) page.evaluate("document.documentElement.scrollWidth"))
                        .isLessThanOrEqualTo(375);
                page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("transparency-" + language
                        + ".png")).setFullPage(true));
            }
        }
    }
}
