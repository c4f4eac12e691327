package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.testing.TestApp;

/**
 * Settings → Transfer in real Chromium at phone size: a wearer sends their readings to a Nightscout site (a JDK
 * HTTP server on loopback), sees the result and the log, in English and in Simplified Chinese, nothing wider than
 * the screen. Screenshots go to {@code target/screenshots/}.
 */
class TransferInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final String EMAIL = "transfer@example.org";
    static final String PASSWORD = TestApp.PASSWORD;
    static final int READINGS = 288;

    @RegisterExtension
    /** Plain http to loopback, for this test's fake Nightscout only (production refuses it). */
    static final TestApp app = TestApp.perClass(c -> c.withTransfersAllowLoopbackHttp(true));

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static HttpServer nightscout;
    static final AtomicInteger entries = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
        UUID id = app.newUser(EMAIL, PASSWORD);
        List<Reading> readings = new ArrayList<>();
        Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 300 * 300).minusSeconds(600);
        for (int i = 0; i < READINGS; i++) {
            readings.add(new Reading(end.minus(Duration.ofMinutes(5L * i)), ZoneOffset.ofHours(8), 90 + i % 80));
        }
        app.app().readings().store(id, readings);
        nightscout = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        nightscout.createContext("/api/v1/entries", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            entries.addAndGet(new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).size());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        nightscout.start();
    }

    @AfterAll
    static void stop() {
        nightscout.stop(0);
    }

    @Test
    void aWearerSendsTheirReadingsToNightscoutAndSeesTheLogInEnglishAndChinese() {
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            page.navigate(app.url() + "/login");
            page.fill("input[name=identifier]", EMAIL);
            page.fill("input[name=password]", PASSWORD);
            page.click("button.primary");
            assertThat(page).hasURL(app.url() + "/today");

            page.navigate(app.url() + "/settings");
            page.click("[data-testid=transfer-link]");
            assertThat(page).hasURL(app.url() + "/settings/transfer");
            assertThat(page.locator("h1")).hasText("Transfer your data");
            assertThat(page.locator("[data-testid=transfer-log-empty]")).isVisible();

            page.selectOption("select[name=kind]", "nightscout");
            page.fill("input[name=url]", "http://127.0.0.1:" + nightscout.getAddress().getPort());
            page.fill("input[name=credential]", "the-api-secret");
            page.fill("input[name=password]", PASSWORD);
            page.click("[data-testid=transfer-form] button.primary");

            assertThat(page.locator("[data-testid=transfer-result]"))
                    .hasText("Transfer finished: " + READINGS + " readings sent to 127.0.0.1.");
            assertThat(page.locator("[data-testid=transfer-log] tbody tr")).hasCount(1);
            assertThat(page.locator("[data-testid=transfer-log] tbody tr")).containsText("done");
            assertThat(entries.get()).isEqualTo(READINGS);
            assertThat(page.content()).doesNotContain("the-api-secret");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("transfer-mobile.png"))
                    .setFullPage(true));

            page.navigate(app.url() + "/settings/transfer");
            page.click("footer >> text=简体中文");
            assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
            assertThat(page.locator("h1")).hasText("转移您的数据");
            assertThat(page.locator("[data-testid=transfer-log] tbody tr")).containsText("已完成");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("transfer-mobile-zh.png"))
                    .setFullPage(true));
        }
    }
}
