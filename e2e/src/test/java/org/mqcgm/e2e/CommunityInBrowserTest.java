package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.FilePayload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.testing.Multipart;
import org.mqcgm.server.testing.TestApp;

/**
 * The community in real Chromium at phone size: a member publishes a public post with a photo, Chinese text and
 * their 7-day metric snapshot — through the preview of what everyone will see (PR-52), once back to edit — finds
 * it by a Chinese word on the search page, another member reports it, a moderator hides it, and the reporter no
 * longer sees it. Nothing is wider than the screen. Screenshots go to {@code target/screenshots/}.
 */
class CommunityInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final String TEXT = "今天早餐吃了米饭，血糖升得很快";

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @BeforeAll
    static void people() throws Exception {
        Files.createDirectories(SHOTS);
        for (String who : new String[] {"author", "reporter", "moderator"}) {
            UUID id = app.newUser(who + "@example.org");
            app.app().consents().record(id, Purpose.COMMUNITY, true, "test");
            if (who.equals("moderator")) {
                app.app().accounts().grantRole(id, Role.MODERATOR);
            }
            if (who.equals("author")) {
                readings(id);
            }
        }
    }

    /** A reading every 5 minutes over the last 8 days, so that the author can attach a 7-day snapshot. */
    static void readings(UUID id) {
        String token = app.app().apiTokens().create(id, "cgm", java.util.EnumSet.of(
                org.mqcgm.server.platform.security.Scope.READINGS_WRITE));
        java.time.Instant now = java.time.Instant.now();
        StringBuilder body = new StringBuilder("[");
        for (java.time.Instant t = now.minus(java.time.Duration.ofDays(8)); t.isBefore(now);
             t = t.plus(java.time.Duration.ofMinutes(5))) {
            body.append(body.length() > 1 ? "," : "").append("{\"time\":\"").append(t).append("\",\"mgdl\":")
                    .append(Math.round(140 + 60 * Math.sin(t.getEpochSecond() / 9_000.0))).append('}');
        }
        assertThat(new org.mqcgm.server.testing.Http(app.url()).postJson("/api/v1/readings",
                body.append(']').toString(), "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
    }

    static Page login(BrowserContext context, String who) {
        Page page = context.newPage();
        Browser.logIn(page, app.url(), who + "@example.org");
        return page;
    }

    /** The post's photo has loaded and is a real picture (waits for the load: the page may show before it). */
    static void photoShown(Page page) {
        page.waitForFunction("() => { const i = document.querySelector('.photos img'); return i && i.complete; }");
        assertThat((Boolean) page.evaluate("document.querySelector('.photos img').naturalWidth > 0")).isTrue();
    }

    static void fits(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
    }

    @Test
    @org.junit.jupiter.api.Tag("PR-52")
    void publishFindReportHide() {
        String postUrl;
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = login(context, "author");
            page.click("nav >> text=Community");
            assertThat(page).hasURL(app.url() + "/community");
            assertThat(page.locator("[data-testid=visibility] input:checked")).hasCount(0);
            fits(page);
            page.fill("[data-testid=post-text-input]", TEXT);
            page.check("[data-testid=visibility-public]");
            page.fill("[data-testid=tags-input]", "早餐");
            page.setInputFiles("[data-testid=photos-input]", new FilePayload("breakfast.jpg", "image/jpeg",
                    Multipart.picture("jpeg", 320, 240)));
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("community-publish-mobile.png"))
                    .setFullPage(true));
            page.selectOption("[data-testid=snapshot-input]", "7");
            page.click("[data-testid=publish]");

            // PR-52: first a preview of exactly what others will see, nothing published yet.
            assertThat(page.locator("[data-testid=preview-audience]")).containsText("Anyone on the internet");
            assertThat(page.locator("[data-testid=post-text]")).hasText(TEXT);
            assertThat(page.locator("[data-testid=post-snapshot]")).isVisible();
            assertThat(page.locator(".photos img")).hasCount(1);
            photoShown(page);
            fits(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("community-preview-mobile.png"))
                    .setFullPage(true));
            int published = app.sql().withHandle(h -> h.createQuery("select count(*) from community_post")
                    .mapTo(Integer.class).one());
            assertThat(published).isZero();
            // "Edit" keeps the draft and its photo; publishing again shows the preview again.
            page.click("[data-testid=preview-edit]");
            assertThat(page.locator("[data-testid=post-text-input]")).hasValue(TEXT);
            assertThat(page.locator("[data-testid=chosen-photos] img")).hasCount(1);
            assertThat(page.locator("[data-testid=snapshot-input]")).hasValue("7");
            page.click("[data-testid=publish]");
            page.click("[data-testid=preview-publish]");

            assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/community/posts/[0-9a-f-]{36}$"));
            postUrl = page.url();
            assertThat(page.locator("[data-testid=post-text]")).hasText(TEXT);
            assertThat(page.locator(".photos img")).hasCount(1);
            photoShown(page);
            assertThat(page.locator("[data-testid=post-snapshot]")).containsText("Metrics of the last 7 days");
            assertThat(page.locator("[data-testid=snapshot-inrange]")).containsText("%");
            fits(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("community-post-mobile.png"))
                    .setFullPage(true));

            page.navigate(app.url() + "/search");
            page.fill("[data-testid=search-q]", "米饭");
            page.click("[data-testid=search-submit]");
            assertThat(page.locator("[data-testid=result]")).hasCount(1);
            assertThat(page.locator("[data-testid=result] mark")).hasText("米饭");
            fits(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("community-search-mobile.png"))
                    .setFullPage(true));
            page.click("[data-testid=result-link]");
            assertThat(page).hasURL(postUrl);
        }
        try (BrowserContext context = browser.phone("zh-CN")) {
            Page page = login(context, "reporter");
            page.navigate(postUrl);
            page.click("footer >> text=简体中文");
            assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
            page.click("[data-testid=report-open]");
            page.fill("[data-testid=report-reason]", "广告");
            page.click("[data-testid=report-send]");
            assertThat(page.locator("[data-testid=reported]")).isVisible();
            fits(page);
        }
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = login(context, "moderator");
            page.navigate(app.url() + "/moderation");
            assertThat(page.locator("[data-testid=reported-post]")).hasCount(1);
            assertThat(page.locator("[data-testid=report-count]")).hasText("1 reports");
            assertThat(page.locator("[data-testid=report-reason]")).hasText("广告");
            assertThat(page.content()).doesNotContain("author@example.org").doesNotContain("reporter@example.org");
            fits(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("community-moderation-mobile.png"))
                    .setFullPage(true));
            page.click("[data-testid=hide]");
            assertThat(page.locator("[data-testid=restore]")).isVisible();
        }
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = login(context, "reporter");
            Response gone = page.navigate(postUrl);
            assertThat(gone.status()).isEqualTo(404);
            page.navigate(app.url() + "/search?q=" + java.net.URLEncoder.encode("米饭",
                    java.nio.charset.StandardCharsets.UTF_8));
            assertThat(page.locator("[data-testid=result]")).hasCount(0);
        }
    }
}
