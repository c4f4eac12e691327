package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.TestApp;

/**
 * Passkeys in real Chromium at 375 px with the DevTools virtual authenticator (CTAP2, internal, resident keys,
 * user verification): a passkey registered in Settings, logging out, and signing in with it without a password.
 * WebAuthn needs a secure context and a domain, so the server's public URL (the relying party and its origin) is
 * {@code http://localhost:<port>} on a port chosen before it starts.
 */
class PasskeysInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final int PORT = freePort();
    static final String BASE = "http://localhost:" + PORT;

    @RegisterExtension
    static final TestApp app = TestApp.perClass(c -> c.withListen("127.0.0.1", PORT).withPublicUrl(BASE));

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void registersAPasskeyInSettingsAndSignsInWithItWithoutAPassword() throws Exception {
        Files.createDirectories(SHOTS);
        String login = "passkey.browser@example.org";
        app.newUser(login);
        try (BrowserContext context = browser.phone("en-US", 375)) {
            Page page = context.newPage();
            CDPSession cdp = context.newCDPSession(page);
            cdp.send("WebAuthn.enable");
            JsonObject options = new JsonObject();
            options.addProperty("protocol", "ctap2");
            options.addProperty("transport", "internal");
            options.addProperty("hasResidentKey", true);
            options.addProperty("hasUserVerification", true);
            options.addProperty("isUserVerified", true);
            options.addProperty("automaticPresenceSimulation", true);
            JsonObject args = new JsonObject();
            args.add("options", options);
            String authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", args).get("authenticatorId")
                    .getAsString();

            Browser.logIn(page, BASE, login);
            page.navigate(BASE + "/settings");
            page.click("[data-testid=passkeys-link]");
            assertThat(page).hasURL(BASE + "/settings/passkeys");
            assertThat(page.locator("[data-testid=passkeys-none]")).isVisible();
            page.fill("[data-testid=passkey-name-input]", "My phone");
            page.click("[data-testid=passkey-add]");
            assertThat(page.locator("[data-testid=passkey-name]")).hasText("My phone");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("passkeys-settings.png"))
                    .setFullPage(true));
            JsonObject id = new JsonObject();
            id.addProperty("authenticatorId", authenticator);
            assertThat(cdp.send("WebAuthn.getCredentials", id).getAsJsonArray("credentials").size())
                    .as("a discoverable credential on the authenticator").isEqualTo(1);

            // Log out, then sign in with the passkey alone: the same web session as a password login.
            page.click("nav >> text=Log out");
            assertThat(page).hasURL(BASE + "/login");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("passkeys-login.png"))
                    .setFullPage(true));
            page.click("[data-testid=passkey-login]");
            assertThat(page).hasURL(BASE + "/today");
            page.navigate(BASE + "/settings/activity");
            assertThat(page.locator("[data-testid=activity] tr[data-kind=passkey-added]")).hasCount(1);
            assertThat(page.locator("[data-testid=activity] tr[data-kind=passkey-added]")).containsText("Passkey added");

            // The same sign-in button in Simplified Chinese.
            page.click("nav >> text=Log out");
            page.click("footer >> text=简体中文");
            assertThat(page.locator("[data-testid=passkey-login]")).hasText("使用通行密钥登录");
        }
    }
}
