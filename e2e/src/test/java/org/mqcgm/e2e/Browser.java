package org.mqcgm.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Debian's Chromium driven by Playwright, with the flags this machine needs (no sandbox as root, no background
 * networking: the network is closed). Playwright never downloads a browser here
 * ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}, set by the pom).
 *
 * <p>One browser per test class is a JUnit extension: {@code @RegisterExtension static final Browser browser =
 * Browser.perClass();} launches it before the class's tests and closes it after them. A test that needs one of its
 * own launches it with {@code new Browser()} in try-with-resources.
 */
final class Browser implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    private Playwright playwright;
    private com.microsoft.playwright.Browser browser;
    /** The class whose lifecycle owns this browser (nested classes share it). */
    private String owner;

    /** Launches Chromium at once. */
    Browser() {
        launch();
    }

    private Browser(boolean launchNow) {
        if (launchNow) {
            launch();
        }
    }

    /** A browser for the whole test class: register on a static field with {@code @RegisterExtension}. */
    static Browser perClass() {
        return new Browser(false);
    }

    private void launch() {
        playwright = Playwright.create();
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM)
                .setHeadless(true)
                .setArgs(FLAGS));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (browser == null) {
            owner = context.getUniqueId();
            launch();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(owner)) {
            close();
        }
    }

    /**
     * Signs in on the login page of {@code base} with {@code login} and the tests' password, and waits for the
     * Today page that follows.
     */
    static void logIn(Page page, String base, String login) {
        page.navigate(base + "/login");
        page.fill("input[name=identifier]", login);
        page.fill("input[name=password]", org.mqcgm.server.testing.TestApp.PASSWORD);
        page.click("button.primary");
        com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page).hasURL(base + "/today");
    }

    /** A fresh browser profile sized like a phone (360 × 780 CSS pixels). */
    BrowserContext phone(String locale) {
        return phone(locale, 360);
    }

    /** A fresh browser profile sized like a phone {@code width} CSS pixels wide (780 high). */
    BrowserContext phone(String locale, int width) {
        return browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(width, 780)
                .setDeviceScaleFactor(2)
                .setLocale(locale)
                .setTimezoneId("Asia/Shanghai"));
    }

    @Override
    public void close() {
        if (browser != null) {
            browser.close();
            playwright.close();
            browser = null;
        }
    }
}
