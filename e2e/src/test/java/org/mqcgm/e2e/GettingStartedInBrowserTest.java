package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PageAssertions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.TestApp;

/**
 * Getting started, tried as a newcomer would in real Chromium at phone size: a fresh account lands on an empty Today
 * page offering the three ways in; one press makes an uploader's credential and shows the URL, the secret and a QR
 * code; an xDrip+-shaped upload with that secret arrives and the page moves on to Today showing the reading by
 * itself. The collector's way shows its command and moves on the same way. Settings → Nightscout clients makes a
 * credential (shown once) and revokes it. Screenshots go to {@code target/screenshots/}.
 */
class GettingStartedInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final int WIDTH = 360;
    static final double WAIT_MS = 10_000;

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void shots() throws Exception {
        Files.createDirectories(SHOTS);
    }

    static String sha1(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** What xDrip+ posts to {@code …/api/v1/entries}: an array of sgv entries, dateString in local time. */
    static HttpResponse<String> xdripUpload(String path, String secret, Instant t, int sgv) throws Exception {
        String local = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx")
                .format(t.atOffset(ZoneOffset.ofHours(8)));
        String body = "[{\"device\":\"xDrip-DexcomG6\",\"date\":" + t.toEpochMilli() + ",\"dateString\":\"" + local
                + "\",\"sgv\":" + sgv + ",\"delta\":1.5,\"direction\":\"Flat\",\"type\":\"sgv\",\"filtered\":"
                + sgv * 1000 + ",\"unfiltered\":" + sgv * 1000 + ",\"rssi\":100,\"noise\":1,\"sysTime\":\"" + local
                + "\"}]";
        return http.send(HttpRequest.newBuilder(URI.create(app.url() + path + "api/v1/entries"))
                .header("api-secret", sha1(secret)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void fitsThePhone(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(WIDTH);
    }

    /** No serious or critical axe-core violation on the page as it is (axe is injected by {@link #phone}). */
    static void accessible(Page page) {
        assertThat(AccessibilityInBrowserTest.serious(page)).as(page.url()).isEmpty();
    }

    /** A phone-sized browser profile with axe-core injected into every document. */
    static BrowserContext phone(String locale) throws Exception {
        BrowserContext context = browser.phone(locale, WIDTH);
        context.addInitScript(Files.readString(AccessibilityInBrowserTest.AXE));
        return context;
    }

    static Page newcomer(BrowserContext context, String email) {
        app.newUser(email);
        Page page = context.newPage();
        Browser.logIn(page, app.url(), email);
        return page;
    }

    @Test
    void aNewcomerPointsAnXdripShapedUploaderAtMqcgmAndTodayShowsTheReadingByItself() throws Exception {
        try (BrowserContext context = phone("en-US")) {
            Page page = newcomer(context, "newcomer@example.org");
            assertThat(page.locator("[data-testid=getting-started]")).isVisible();
            assertThat(page.locator("[data-testid=getting-started] li")).hasCount(3);
            assertThat(page.locator("[data-testid=start-import]")).hasAttribute("href", "/import");
            assertThat(page.locator("[data-testid=start-uploader]")).isVisible();
            assertThat(page.locator("[data-testid=start-collector]")).isVisible();
            fitsThePhone(page);
            accessible(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("getting-started-mobile.png"))
                    .setFullPage(true));

            page.click("[data-testid=start-uploader]");
            assertThat(page.locator("[data-testid=ns-issued]")).isVisible();
            assertThat(page.locator("[data-testid=ns-qr]")).isVisible();
            String site = page.inputValue("[data-testid=ns-url]");
            String secret = page.inputValue("[data-testid=ns-secret]");
            assertThat(site).matches("http://[^/]+/ns/[a-z2-7]{12}/");
            assertThat(secret).matches("[a-z2-7]{24}");
            assertThat(page.inputValue("[data-testid=ns-xdrip-url]"))
                    .isEqualTo(site.replace("http://", "http://" + secret + "@") + "api/v1/");
            assertThat(page.locator("[data-testid=check-again]")).hasAttribute("href", "/today");
            fitsThePhone(page);
            accessible(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("uploader-credential-mobile.png"))
                    .setFullPage(true));

            HttpResponse<String> up = xdripUpload(site.substring(site.indexOf("/ns/")), secret,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60), 123);
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);

            assertThat(page).hasURL(app.url() + "/today", new PageAssertions.HasURLOptions().setTimeout(WAIT_MS));
            assertThat(page.locator("[data-testid=current-value]")).hasText("123",
                    new LocatorAssertions.HasTextOptions().setTimeout(WAIT_MS));
            assertThat(page.locator("[data-testid=getting-started]")).hasCount(0);
        }
    }

    @Test
    void theCollectorsWayShowsTheCommandAndMovesOnWithTheFirstReading() throws Exception {
        try (BrowserContext context = phone("zh-CN")) {
            Page page = newcomer(context, "collector-start@example.org");
            page.click("[data-testid=start-collector]");
            String command = page.inputValue("[data-testid=collector-command]");
            assertThat(command).startsWith("./mqcgm collect --adapter hci0 --server ").contains(" --token mqcgm_");
            String token = command.replaceAll(".* --token (\\S+) .*", "$1");
            assertThat(page.inputValue("[data-testid=collector-token]")).isEqualTo(token);
            fitsThePhone(page);
            accessible(page);

            HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/readings"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("[{\"time\":\"" + Instant.now()
                            .truncatedTo(ChronoUnit.SECONDS).minusSeconds(30) + "\",\"mgdl\":141}]"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);

            assertThat(page).hasURL(app.url() + "/today", new PageAssertions.HasURLOptions().setTimeout(WAIT_MS));
            assertThat(page.locator("[data-testid=current-value]")).hasText("141");
        }
    }

    @Test
    void settingsMakesANightscoutCredentialShownOnceAndRevokesItAtOnce() throws Exception {
        try (BrowserContext context = phone("en-US")) {
            Page page = newcomer(context, "ns-settings@example.org");
            page.navigate(app.url() + "/settings");
            page.click("[data-testid=nightscout-link]");
            assertThat(page).hasURL(app.url() + "/settings/nightscout");
            assertThat(page.locator("[data-testid=ns-none]")).isVisible();

            page.fill("input[name=name]", "Mum's LoopFollow");
            page.check("input[name=access][value=read]");
            page.click("[data-testid=ns-create]");
            assertThat(page.locator("[data-testid=ns-issued]")).containsText("Mum's LoopFollow");
            String token = page.inputValue("[data-testid=ns-token]");
            String follower = page.inputValue("[data-testid=ns-follower-url]");
            assertThat(follower).endsWith("?token=" + token);
            assertThat(page.locator("[data-testid=ns-credential]")).hasCount(1);
            fitsThePhone(page);
            accessible(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("nightscout-clients-mobile.png"))
                    .setFullPage(true));
            String entries = follower.substring(follower.indexOf("/ns/")).replace("?token=", "api/v1/entries.json?token=");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(app.url() + entries)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            // Shown once: the page opened again lists the credential without its secrets.
            page.navigate(app.url() + "/settings/nightscout");
            assertThat(page.locator("[data-testid=ns-issued]")).hasCount(0);
            assertThat(page.content()).doesNotContain(token);
            assertThat(page.locator("[data-testid=ns-credential]")).containsText("Read only");

            page.click("[data-testid=ns-revoke]");
            assertThat(page.locator("[data-testid=ns-credential]")).hasAttribute("data-state", "revoked");
            assertThat(page.locator("[data-testid=ns-revoked]")).isVisible();
            assertThat(http.send(HttpRequest.newBuilder(URI.create(app.url() + entries)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        }
    }
}
