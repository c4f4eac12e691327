package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.TestApp;

/**
 * The installable web app in real Chromium at phone size: the manifest is linked and fetchable with its icons,
 * the service worker takes over; only when the person turned it on for this browser (Settings → Devices) does the
 * Today address show the last own reading offline with its age; after logout nothing of it is left on the phone. Notification permission is never asked on load.
 */
class PwaInBrowserTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @Test
    void offlineTodayShowsTheLastReadingUntilLogout() throws Exception {
        String email = "pwa@example.org";
        String token = app.newUserToken(email, Scope.READINGS_WRITE);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(14, ChronoUnit.MINUTES);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(app.url() + "/api/v1/readings"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"time\":\"" + at + "\",\"mgdl\":123}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        try (BrowserContext context = browser.phone("en-US")) {
            // Counts every request for notification permission, from the first script of every page on.
            context.addInitScript("window.__permissionAsked = 0; if (window.Notification) { "
                    + "Notification.requestPermission = function () { window.__permissionAsked++; "
                    + "return Promise.resolve('default'); }; }");
            Page page = context.newPage();
            Browser.logIn(page, app.url(), email);
            assertThat(page.locator("[data-testid=current-value]")).hasText("123");

            // Installability basics: the manifest is linked, fetched as JSON, and names its icons.
            assertThat(page.locator("link[rel=manifest]")).hasAttribute("href", "/manifest.webmanifest");
            @SuppressWarnings("unchecked")
            Map<String, Object> manifest = (Map<String, Object>) page.evaluate(
                    "() => fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())");
            assertThat(manifest).containsEntry("start_url", "/today").containsEntry("display", "standalone");
            assertThat((java.util.List<?>) manifest.get("icons")).hasSizeGreaterThanOrEqualTo(3);
            assertThat(page.evaluate("() => Promise.all([...new Set([...document.querySelectorAll("
                    + "'link[rel=apple-touch-icon]')].map(l => l.href))].map(h => fetch(h).then(r => r.status)))"))
                    .isEqualTo(java.util.List.of(200));

            // The service worker is active; the reading is not kept until the person chooses it for this browser.
            assertThat(page.evaluate("() => navigator.serviceWorker.ready.then(r => r.active.scriptURL)"))
                    .isEqualTo(app.url() + "/sw.js");
            assertThat(page.locator("html")).hasAttribute("data-pwa-stored", "not-kept");
            assertThat(page.evaluate("() => caches.open('mqcgm-last').then(c => c.keys())"
                    + ".then(ks => ks.map(k => new URL(k.url).pathname))")).isEqualTo(java.util.List.of("/pwa/lang"));
            assertThat(page.evaluate("() => window.__permissionAsked")).isEqualTo(0);
            context.setOffline(true);
            page.navigate(app.url() + "/today");
            assertThat(page.locator("[data-testid=offline-reading]")).hasText("No reading saved on this device — offline");
            context.setOffline(false);

            // Settings → Devices: keep the last reading on this browser.
            page.navigate(app.url() + "/settings");
            assertThat(page.locator("html")).hasAttribute("data-offline-reading-state", "off");
            page.locator("[data-testid=offline-reading-choice]").check();
            assertThat(page.locator("html")).hasAttribute("data-offline-reading-state", "on");
            page.navigate(app.url() + "/today");
            assertThat(page.locator("html")).hasAttribute("data-pwa-stored", "kept");

            context.setOffline(true);
            page.navigate(app.url() + "/today");
            assertThat(page.locator("[data-testid=offline-reading]")).hasText(
                    Pattern.compile("^Last reading 123 mg/dL, 1[45] min ago — offline$"));

            // In the language of the last page seen.
            context.setOffline(false);
            page.navigate(app.url() + "/today");
            page.click("footer >> text=简体中文");
            assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
            assertThat(page.locator("html")).hasAttribute("data-pwa-stored", "kept");
            context.setOffline(true);
            page.navigate(app.url() + "/today");
            assertThat(page.locator("[data-testid=offline-reading]")).hasText(
                    Pattern.compile("^最近读数 123 mg/dL，1[45] 分钟前 — 离线$"));

            // Back online, log out: the stored reading is gone.
            context.setOffline(false);
            page.navigate(app.url() + "/today");
            page.click("nav form[action='/logout'] button");
            assertThat(page).hasURL(app.url() + "/login");
            assertThat(page.locator("html")).hasAttribute("data-pwa-stored", "cleared");
            context.setOffline(true);
            page.navigate(app.url() + "/today");
            assertThat(page.locator("[data-testid=offline-reading]")).hasText("No reading saved on this device — offline");
            assertThat(page.locator("[data-testid=offline-reading]")).not().containsText("123");
            context.setOffline(false);

            // Signed in again, the choice is gone with the logout: nothing is kept until chosen again.
            Browser.logIn(page, app.url(), email);
            assertThat(page.locator("[data-testid=current-value]")).hasText("123");
            assertThat(page.locator("html")).hasAttribute("data-pwa-stored", "not-kept");
            page.click("nav form[action='/logout'] button");
            assertThat(page).hasURL(app.url() + "/login");

            // No page asked for notification permission on load.
            page.navigate(app.url() + "/login");
            assertThat(page.locator("html")).hasAttribute("data-pwa-stored", "cleared");
            assertThat(page.evaluate("() => window.__permissionAsked")).isEqualTo(0);
        }
    }
}
