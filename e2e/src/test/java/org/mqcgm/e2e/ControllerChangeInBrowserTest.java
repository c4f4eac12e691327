package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.handover.ControllerChangeAdministration;
import org.mqcgm.server.handover.ControllerChangeFeature;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.Wait;

/**
 * Re-consent to a successor's new terms (PR-51) in real Chromium at 375 px: after the operator announces a change of
 * controller with new terms, a person sees the banner, reads the notice with the date, the successor and the links
 * to export and delete, and accepts the transfer; another person, in Simplified Chinese, declines.
 */
class ControllerChangeInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @Test
    @Tag("PR-51")
    void aPersonReConsentsToTheSuccessorsTermsOnAPhone() throws Exception {
        Files.createDirectories(SHOTS);
        UUID accepts = app.newUser("handover-yes@example.org");
        UUID declines = app.newUser("handover-no@example.org");
        String date = LocalDate.now(ZoneOffset.UTC).plusDays(40).toString();
        try (ControllerChangeAdministration admin = ControllerChangeAdministration.over(
                app.app().database().orElseThrow().jdbi(), Clock.systemUTC())) {
            admin.announce("Acme Health Ltd", "privacy@acme.example", date, true, "Acquisition");
        }
        app.app().jobs().runNow(ControllerChangeFeature.DISPATCH_JOB);
        Wait.until("both told in-app", () -> app.sql().withHandle(h -> h.createQuery("""
                        select count(*) from controller_change_delivery where channel = 'in-app'
                        and owner_id in (:a, :b)""").bind("a", accepts).bind("b", declines)
                .mapTo(Integer.class).one()) == 2);

        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            page.setViewportSize(375, 812);
            Browser.logIn(page, app.url(), "handover-yes@example.org");
            page.navigate(app.url() + "/settings");
            assertThat(page.locator("[data-testid=notice]")).containsText("new controller");
            page.click("[data-testid=notice] a");
            assertThat(page).hasURL(app.url() + "/controller-change");
            assertThat(page.locator("[data-testid=change-successor]")).hasText("Acme Health Ltd");
            assertThat(page.locator("[data-testid=change-date]")).hasText(date);
            assertThat(page.locator("[data-testid=change-export]")).hasAttribute("href", "/settings/export");
            assertThat(page.locator("[data-testid=change-delete]")).hasAttribute("href", "/settings/delete-account");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("controller-change-mobile.png"))
                    .setFullPage(true));
            page.click("[data-testid=choice-accept]");
            assertThat(page.locator("[data-testid=choice-saved]")).isVisible();
            assertThat(page.locator("[data-testid=current-choice]")).hasAttribute("data-choice", "accept");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
        }
        try (BrowserContext context = browser.phone("zh-CN")) {
            Page page = context.newPage();
            page.setViewportSize(375, 812);
            Browser.logIn(page, app.url(), "handover-no@example.org");
            page.navigate(app.url() + "/controller-change");
            page.click("footer >> text=简体中文");
            assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
            assertThat(page.locator("h1")).hasText("控制者变更");
            page.click("[data-testid=choice-decline]");
            assertThat(page.locator("[data-testid=current-choice]")).hasAttribute("data-choice", "decline");
            assertThat(page.locator("[data-testid=current-choice]")).containsText("转移日被删除");
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("controller-change-zh-mobile.png"))
                    .setFullPage(true));
        }
        java.util.List<String> choices = app.sql().withHandle(h -> h.createQuery("""
                        select owner_id || ' ' || choice from controller_change_recipient
                        where owner_id in (:a, :b) order by choice""").bind("a", accepts).bind("b", declines)
                .mapTo(String.class).list());
        org.assertj.core.api.Assertions.assertThat(choices).containsExactly(accepts + " accept",
                declines + " decline");
    }
}
