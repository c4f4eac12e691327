package org.mqcgm.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Debian's Chromium driven by Playwright, with the flags this machine needs (no sandbox as root, no background
 * networking: the network is closed). Playwright never downloads a browser here
 * ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}, set by the pom).
 *
 * <p>The browser of the test classes is a JUnit extension: {@code @RegisterExtension static final Browser browser =
 * Browser.perClass();}. All classes of one test JVM share one Chromium, launched for the first of them and closed
 * when the JVM's test run ends: launching Playwright's driver and Chromium costs seconds per class, and the classes
 * never share state through it — every test works in its own {@link #phone} context (a fresh profile: no cookies,
 * storage, service workers or permissions of another). A test that needs a browser of its own launches it with
 * {@code new Browser()} in try-with-resources.
 */
final class Browser implements AutoCloseable, BeforeAllCallback {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    /** Playwright's driver with one Chromium; closed by whoever owns it (the JVM's test run, or a test). */
    private static final class Launched implements AutoCloseable {
        final Playwright playwright = Playwright.create();
        final com.microsoft.playwright.Browser browser = playwright.chromium().launch(
                new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true).setArgs(FLAGS));

        @Override
        public void close() {
            browser.close();
            playwright.close();
        }
    }

    private static final ExtensionContext.Namespace SHARED = ExtensionContext.Namespace.create(Browser.class);

    private Launched launched;
    /** Whether this instance launched its browser itself (and closes it). */
    private final boolean own;

    /** Launches a Chromium of its own at once; close it. */
    Browser() {
        launched = new Launched();
        own = true;
    }

    private Browser(boolean own) {
        this.own = own;
    }

    /** The test JVM's shared browser for a test class: register on a static field with {@code @RegisterExtension}. */
    static Browser perClass() {
        return new Browser(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (launched == null) {
            // Stored in the root context: closed (AutoCloseable) when the test run of this JVM ends.
            launched = context.getRoot().getStore(SHARED).getOrComputeIfAbsent(Launched.class, k -> new Launched(),
                    Launched.class);
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
        return launched.browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(width, 780)
                .setDeviceScaleFactor(2)
                .setLocale(locale)
                .setTimezoneId("Asia/Shanghai"));
    }

    @Override
    public void close() {
        if (own && launched != null) {
            launched.close();
            launched = null;
        }
    }
}
