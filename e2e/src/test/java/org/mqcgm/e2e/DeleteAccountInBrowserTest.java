package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.TestApp;

/**
 * Settings → Delete account in real Chromium at 375 px: the warning and the export offer, a wrong typed word and a
 * wrong password refused with nothing changed, then the cancellation: signed out, the confirmation page, and the
 * old session no longer opens Settings.
 */
class DeleteAccountInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @Test
    @Tag("PR-68")
    void aUserDeletesTheirAccountFromSettingsOnAPhone() throws Exception {
        Files.createDirectories(SHOTS);
        UUID id = app.newUser("goodbye@example.org");
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            page.setViewportSize(375, 812);
            Browser.logIn(page, app.url(), "goodbye@example.org");

            page.navigate(app.url() + "/settings");
            page.click("[data-testid=delete-account-link]");
            assertThat(page).hasURL(app.url() + "/settings/delete-account");
            assertThat(page.locator("[data-testid=cannot-be-undone]")).containsText("cannot be undone");
            assertThat(page.locator("[data-testid=export-first] a")).hasAttribute("href", "/settings/export");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("delete-account-mobile.png"))
                    .setFullPage(true));

            page.fill("[data-testid=confirm-word]", "yes");
            page.fill("input[name=password]", TestApp.PASSWORD);
            page.click("[data-testid=delete-account]");
            assertThat(page.locator("[data-testid=errors]")).isVisible();
            page.fill("[data-testid=confirm-word]", "DELETE");
            page.fill("input[name=password]", "not my password");
            page.click("[data-testid=delete-account]");
            assertThat(page.locator("[data-testid=errors]")).containsText("Nothing was changed");
            assertThat(app.app().accounts().find(id)).isPresent();

            page.fill("[data-testid=confirm-word]", "DELETE");
            page.fill("input[name=password]", TestApp.PASSWORD);
            page.click("[data-testid=delete-account]");
            assertThat(page.locator("[data-testid=cancellation-done]")).containsText("signed out");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("delete-account-done-mobile.png"))
                    .setFullPage(true));

            page.navigate(app.url() + "/settings");
            assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/login.*"));
        }
        boolean queued = app.sql().withHandle(h -> h.createQuery(
                "select count(*) from account_cancellation where owner_id = :o").bind("o", id).mapTo(Integer.class)
                .one()) == 1;
        assertThat(queued).isTrue();
    }
}
