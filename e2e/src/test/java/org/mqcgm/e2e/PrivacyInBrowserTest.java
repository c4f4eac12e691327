package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.privacy.PolicyVersions;
import org.mqcgm.server.testing.TestApp;

/**
 * Settings → Privacy in real Chromium at 375 CSS pixels: the toggles, the confirmation showing what stops before a
 * withdrawal, the history; the policy page with its contents and sections; a major policy version sends the person
 * to accept it before Today opens again; the centre and the policy's reading translation in Simplified Chinese.
 */
class PrivacyInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static void fitsTheScreen(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
    }

    @Test
    void privacyCentreWithdrawalPolicyPagesAndReconsentAtPhoneSize() throws Exception {
        Files.createDirectories(SHOTS);
        app.newUser("browser.privacy@example.org");
        try (BrowserContext context = browser.phone("en-US", 375)) {
            Page page = context.newPage();
            Browser.logIn(page, app.url(), "browser.privacy@example.org");

            // Settings → Privacy
            page.navigate(app.url() + "/settings");
            page.click("[data-testid=privacy-centre-link]");
            assertThat(page).hasURL(app.url() + "/settings/privacy");
            assertThat(page.locator("form.purpose")).hasCount(8);
            assertThat(page.locator("[data-testid=purpose-health-data] [data-testid=state]")).hasText("On");
            fitsTheScreen(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("privacy-centre.png")).setFullPage(true));

            // A withdrawal shows what stops first.
            page.click("[data-testid=purpose-health-data] button");
            assertThat(page.locator("[data-testid=withdraw-consequences]")).containsText("New readings are refused");
            fitsTheScreen(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("privacy-withdraw.png")).setFullPage(true));
            page.click("button.danger");
            assertThat(page.locator("[data-testid=privacy-saved]")).isVisible();
            assertThat(page.locator("[data-testid=purpose-health-data] [data-testid=state]")).hasText("Off");
            assertThat(page.locator("[data-testid=consent-history]")).containsText("withdrawn");
            page.navigate(app.url() + "/today");
            assertThat(page.locator("[data-testid=consent-required]")).isVisible();

            // Switching it on again needs no confirmation.
            page.navigate(app.url() + "/settings/privacy");
            page.click("[data-testid=purpose-health-data] button");
            assertThat(page.locator("[data-testid=purpose-health-data] [data-testid=state]")).hasText("On");

            // The policy: summary, contents, sections, its versions.
            page.navigate(app.url() + "/privacy");
            assertThat(page.locator("[data-testid=policy-summary]")).isVisible();
            assertThat(page.locator("[data-testid=policy-toc] li")).hasCount(10);
            page.click("[data-testid=policy-toc] >> text=Your rights");
            assertThat(page).hasURL(Pattern.compile(".*/privacy#section-5$"));
            assertThat(page.locator("#section-5 h2")).containsText("Your rights");
            fitsTheScreen(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("privacy-policy.png")));

            // A major version: Today waits until it is accepted.
            PolicyVersions.Version v2 = app.app().policyVersions().publish(PolicyVersions.bundled()
                            + "\nⅩⅠ. A test section\nAdded for the browser test.\n", true,
                    Set.of(PolicyVersions.Change.RIGHTS), "A new section on how you exercise your rights.",
                    Instant.now());
            page.navigate(app.url() + "/today");
            assertThat(page).hasURL(Pattern.compile(".*/privacy/accept\\?next=%2Ftoday$"));
            assertThat(page.locator("[data-testid=policy-change-summary]"))
                    .hasText("A new section on how you exercise your rights.");
            fitsTheScreen(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("privacy-accept.png")).setFullPage(true));
            page.click("[data-testid=policy-accept-button]");
            assertThat(page).hasURL(app.url() + "/today");
            page.navigate(app.url() + "/settings/privacy");
            assertThat(page.locator("[data-testid=accepted-versions]")).containsText("Version " + v2.number());

            // In Chinese.
            page.click("footer >> text=简体中文");
            assertThat(page.locator("h1")).hasText("隐私");
            assertThat(page.locator("[data-testid=purpose-health-data]")).containsText("血糖数据的存储与显示");
            fitsTheScreen(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("privacy-centre-zh.png")).setFullPage(true));

            // The policy in Chinese: version 1 has a reading translation under the notice that English prevails;
            // version 2 (published above, not translated) is shown in English with a notice.
            page.navigate(app.url() + "/privacy/versions/1");
            assertThat(page.locator("[data-testid=policy-translation]"))
                    .containsText("中文译文仅供参考，如有不一致，以英文版本为准");
            assertThat(page.locator("[data-testid=policy-toc] li")).hasCount(10);
            page.click("[data-testid=policy-toc] >> text=您的权利");
            assertThat(page).hasURL(Pattern.compile(".*/privacy/versions/1#section-5$"));
            assertThat(page.locator("#section-5 h2")).containsText("您的权利");
            fitsTheScreen(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("privacy-policy-zh.png")));
            page.navigate(app.url() + "/privacy");
            assertThat(page.locator("[data-testid=policy-language]")).containsText("此版本暂无中文译文");
            assertThat(page.locator("#section-5 h2")).containsText("Your rights");
            fitsTheScreen(page);
        }
    }

    /** Throws from a task of the page (as a real fault would), then waits until the tasks queued after it ran. */
    private static void crash(Page page, String message) {
        page.evaluate("m => new Promise(done => { setTimeout(() => { throw new TypeError(m); }, 0);"
                + " setTimeout(() => fetch('/readyz').then(() => done(true)), 0); })", message);
    }

    private static int storedCrashReports() {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from crash_report").mapTo(Integer.class)
                .one());
    }

    /**
     * PR-50 in the browser: the page's script reports a fault only while the person consents to crash reports, and
     * what arrives is scrubbed; after a withdrawal the next fault sends nothing.
     */
    @Test
    @org.junit.jupiter.api.Tag("PR-50")
    void crashReportsAreSentOnlyWhileConsentedAndArriveScrubbed() {
        app.newUser("browser.crash@example.org");
        try (BrowserContext context = browser.phone("en-US", 375)) {
            java.util.List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
            context.onRequest(r -> {
                if (r.url().contains("/api/v1/crash-reports")) {
                    sent.add(r.postData());
                }
            });
            Page page = context.newPage();
            page.navigate(app.url() + "/login");
            page.fill("input[name=identifier]", "browser.crash@example.org");
            page.fill("input[name=password]", TestApp.PASSWORD);
            page.click("button.primary");
            // The other test of this class may have published a major policy version: accept it first.
            page.waitForURL(Pattern.compile(".*/(today|privacy/accept\\?next=%2Ftoday)$"));
            if (page.url().contains("/privacy/accept")) {
                page.click("[data-testid=policy-accept-button]");
            }
            assertThat(page).hasURL(app.url() + "/today");

            // Off by default: a fault sends nothing.
            int before = storedCrashReports();
            crash(page, "cannot draw 287 mg/dL for +86 138 0013 8000");
            assertThat(sent).isEmpty();

            page.navigate(app.url() + "/settings/privacy");
            assertThat(page.locator("[data-testid=purpose-crash-reports] [data-testid=state]")).hasText("Off");
            page.click("[data-testid=purpose-crash-reports] button");
            assertThat(page.locator("[data-testid=purpose-crash-reports] [data-testid=state]")).hasText("On");
            fitsTheScreen(page);
            page.navigate(app.url() + "/today");
            crash(page, "cannot draw 287 mg/dL for +86 138 0013 8000");
            assertThat(page.locator("html[data-crash-reported='201']")).hasCount(1);
            assertThat(sent).hasSize(1);
            assertThat(sent.get(0)).contains("\"source\":\"web\"").contains("\"installId\":\"")
                    .doesNotContain("browser.crash");
            assertThat(storedCrashReports()).isEqualTo(before + 1);
            String stored = app.sql().withHandle(h -> h.createQuery(
                    "select message from crash_report order by received_at desc limit 1").mapTo(String.class).one());
            assertThat(stored).isEqualTo("cannot draw [n] mg/dL for [phone]");

            // Withdrawn: the next fault sends nothing.
            page.navigate(app.url() + "/settings/privacy");
            page.click("[data-testid=purpose-crash-reports] button");
            page.click("button.danger");
            assertThat(page.locator("[data-testid=purpose-crash-reports] [data-testid=state]")).hasText("Off");
            page.navigate(app.url() + "/today");
            crash(page, "another fault");
            assertThat(sent).hasSize(1);
            assertThat(storedCrashReports()).isEqualTo(before + 1);
        }
    }
}
