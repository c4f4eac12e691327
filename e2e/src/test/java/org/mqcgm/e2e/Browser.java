package org.mqcgm.e2e;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's Chromium driven by Playwright, with the flags this machine needs (no sandbox as root, no background
 * networking: the network is closed). Playwright never downloads a browser here
 * ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}, set by the pom).
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    private final Playwright playwright;
    private final com.microsoft.playwright.Browser browser;

    Browser() {
        playwright = Playwright.create();
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM)
                .setHeadless(true)
                .setArgs(FLAGS));
    }

    /** A fresh browser profile sized like a phone (360 × 780 CSS pixels). */
    BrowserContext phone(String locale) {
        return browser.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(360, 780)
                .setDeviceScaleFactor(2)
                .setLocale(locale)
                .setTimezoneId("Asia/Shanghai"));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
