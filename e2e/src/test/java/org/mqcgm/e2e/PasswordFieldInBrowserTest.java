package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.TestApp;

/**
 * Issue 16: the strength meter and the show-password control of the sign-up and password-change forms, in real
 * Chromium at 375 CSS pixels. The meter reacts to typing (a common password scores lowest, a long phrase high, over
 * 128 characters says so) and the control flips the field between hidden and shown; the change form asks for the
 * current password and offers to keep the API tokens (unchecked).
 */
class PasswordFieldInBrowserTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static void meterReactsAndToggleFlips(Page page) {
        assertThat(page.locator("[data-testid=password-strength]")).isVisible();
        page.locator("[data-testid=new-password]").pressSequentially("password1");
        assertThat(page.locator("[data-testid=password-strength]")).hasAttribute("data-score", "0");
        assertThat(page.locator("[data-testid=strength-text]")).hasText("Very weak");
        page.fill("[data-testid=new-password]", "");
        page.locator("[data-testid=new-password]").pressSequentially("copper meadow lantern fifty");
        assertThat(page.locator("[data-testid=password-strength]")).hasAttribute("data-score", "4");
        assertThat(page.locator("[data-testid=strength-text]")).hasText("Strong");
        assertThat(((Number) page.evaluate("document.querySelector('[data-testid=strength-meter]').value"))
                .doubleValue()).isEqualTo(5.0);
        page.fill("[data-testid=new-password]", "x".repeat(129));
        assertThat(page.locator("[data-testid=strength-text]")).containsText("128");

        assertThat(page.locator("[data-testid=new-password]")).hasAttribute("type", "password");
        page.click("[data-testid=show-password]");
        assertThat(page.locator("[data-testid=new-password]")).hasAttribute("type", "text");
        assertThat(page.locator("[data-testid=show-password]")).hasAttribute("aria-pressed", "true");
        page.click("[data-testid=show-password]");
        assertThat(page.locator("[data-testid=new-password]")).hasAttribute("type", "password");
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
    }

    @Test
    void theStrengthMeterAndShowPasswordWorkOnSignUpAndPasswordChange() {
        app.newUser("strength@example.org");
        try (BrowserContext context = browser.phone("en-US", 375)) {
            Page page = context.newPage();
            page.navigate(app.url() + "/signup");
            meterReactsAndToggleFlips(page);

            Browser.logIn(page, app.url(), "strength@example.org");
            page.navigate(app.url() + "/settings/password");
            assertThat(page.locator("[data-testid=current-password]")).hasAttribute("type", "password");
            assertThat(page.locator("[data-testid=keep-tokens]")).not().isChecked();
            meterReactsAndToggleFlips(page);
            page.fill("[data-testid=current-password]", TestApp.PASSWORD);
            page.fill("[data-testid=new-password]", "copper meadow lantern fifty");
            page.click("button.primary");
            assertThat(page).hasURL(app.url() + "/settings?changed=password");
        }
    }
}
