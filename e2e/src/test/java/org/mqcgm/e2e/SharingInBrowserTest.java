package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.TestApp;

/**
 * Sharing at phone size in real Chromium: the wearer invites (form, confirmation of recipient and categories, the
 * link and its QR code), a follower in a second browser accepts after logging in, follows the wearer's Today live,
 * and loses it when the wearer revokes: the open stream ends and the next page load is a 404.
 */
class SharingInBrowserTest {

    /** Screenshots for the README (copied to docs/img by hand when the pages change). */
    static final java.nio.file.Path SHOTS = java.nio.file.Path.of("target", "screenshots");


    /** How long the pages may take to show a change (the stream delivers within a second). */
    static final double WAIT_MS = 10_000;

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    private static void upload(String token, int minutesAgo, int mgdl) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(app.url() + "/api/v1/readings"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"time\":\"" + Instant.now()
                        .truncatedTo(ChronoUnit.SECONDS).minusSeconds(60L * minutesAgo) + "\",\"mgdl\":" + mgdl
                        + "}]")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static void logIn(Page page, String email) {
        page.fill("input[name=identifier]", email);
        page.fill("input[name=password]", TestApp.PASSWORD);
        page.click("button.primary");
    }

    @Test
    @Tag("PR-24")
    void inviteAcceptFollowLiveAndLoseAccessWhenRevoked() throws Exception {
        UUID wearer = app.newUser("sharer@example.org");
        app.app().consents().record(wearer, Purpose.SHARING, true, "test");
        app.newUser("carer@example.org");
        String token = app.app().apiTokens().create(wearer, "uploader", EnumSet.allOf(Scope.class));
        upload(token, 10, 123);

        try (BrowserContext wearerBrowser = browser.phone("en-US");
             BrowserContext carerBrowser = browser.phone("en-US")) {
            Page w = wearerBrowser.newPage();
            w.navigate(app.url() + "/login");
            logIn(w, "sharer@example.org");
            w.navigate(app.url() + "/settings/sharing");
            assertThat(w.locator("[data-testid=scope-glucose]")).isChecked();
            w.check("[data-testid=scope-history]");
            w.click("[data-testid=invite-submit]");
            assertThat(w.locator("[data-testid=confirm-scopes] li")).hasCount(2);
            w.click("[data-testid=confirm-submit]");
            assertThat(w.locator("[data-testid=share-qr]")).isVisible();
            w.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("sharing-invite-mobile.png"))
                    .setFullPage(true));
            String link = w.locator("[data-testid=share-link]").inputValue();
            assertThat(link).startsWith("http://mqcgm.test/follow/");
            // The page fits a phone: nothing wider than the screen.
            assertThat(((Number) w.evaluate("() => document.documentElement.scrollWidth")).intValue())
                    .isLessThanOrEqualTo(360);

            Page c = carerBrowser.newPage();
            c.navigate(app.url() + link.substring("http://mqcgm.test".length()));
            assertThat(c).hasURL(java.util.regex.Pattern.compile(".*/login\\?next=.*"));
            logIn(c, "carer@example.org");
            assertThat(c.locator("[data-testid=invitation-from]")).containsText("sharer@example.org");
            c.click("[data-testid=accept]");
            assertThat(c).hasURL(app.url() + "/people/" + wearer + "/today");
            assertThat(c.locator("[data-testid=current-value]")).hasText("123");
            assertThat(c.locator("[data-testid=person-name]")).containsText("sharer@example.org");
            c.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("sharing-follower-today-mobile.png")));

            // Live: a new reading of the wearer appears on the carer's open page without a reload.
            upload(token, 0, 187);
            assertThat(c.locator("[data-testid=current-value]")).hasText("187",
                    new LocatorAssertions.HasTextOptions().setTimeout(WAIT_MS));

            // The wearer sees who looked, then revokes.
            w.navigate(app.url() + "/settings/sharing/access");
            assertThat(w.locator("[data-testid=access-entry]").first()).containsText("carer@example.org");
            w.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("sharing-who-saw-mobile.png")));
            w.navigate(app.url() + "/settings/sharing");
            w.click("[data-testid=revoke]");
            assertThat(w.locator("[data-testid=share]").first()).hasAttribute("data-status", "ended");

            // The carer's open stream ends (and is not reopened), and the next page load is a 404.
            assertThat(c.locator("html")).hasAttribute("data-live-closed", "true",
                    new LocatorAssertions.HasAttributeOptions().setTimeout(WAIT_MS));
            Response again = c.navigate(app.url() + "/people/" + wearer + "/today");
            assertThat(again.status()).isEqualTo(404);
            c.navigate(app.url() + "/people");
            assertThat(c.locator("[data-testid=people-empty]")).isVisible();
        }
    }
}
