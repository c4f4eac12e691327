package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestTotp;
import org.mqcgm.testkit.Wait;

/**
 * A security incident's in-app notice in real Chromium at 375 px: an operator sends the notice; at the person's next
 * visit the banner is above the page, it leads to the notice with its seven sections, and once read it is gone.
 */
class IncidentNoticeInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @Test
    @Tag("PR-57")
    void aPersonSeesTheIncidentNoticeAtTheirNextVisitOnAPhone() throws Exception {
        Files.createDirectories(SHOTS);
        UUID person = app.newUser("notice-phone@example.org");
        Http admin = adminSession();
        String body = """
                {"whatHappened":"A backup copy was readable from the internet for 3 hours.",
                 "dataCategories":"e-mail address","impact":"Phishing e-mails are possible.",
                 "measures":"Access closed, keys rotated.","advice":"Change your password.",
                 "remedies":"A year of free support.","contact":"security@mqcgm.example",
                 "affected":"list","affectedAccounts":["%s"],"confirmedAt":"now"}""".formatted(person);
        HttpResponse<String> created = admin.send("POST", "/api/v1/admin/incidents", body, "Content-Type",
                "application/json", "X-CSRF-Token", admin.csrfToken());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body()).path("id").asText();
        assertThat(admin.send("POST", "/api/v1/admin/incidents/" + id + "/notifications", "", "Content-Type",
                "application/json", "X-CSRF-Token", admin.csrfToken()).statusCode()).isEqualTo(202);
        Wait.until("the in-app notice is waiting", () -> app.sql().withHandle(h -> h.createQuery(
                "select count(*) from incident_delivery where owner_id = :o and channel = 'in-app'")
                .bind("o", person).mapTo(Integer.class).one()) == 1);

        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            page.setViewportSize(375, 812);
            Browser.logIn(page, app.url(), "notice-phone@example.org");
            page.navigate(app.url() + "/settings");
            assertThat(page.locator("[data-testid=notice]")).containsText("security incident");
            // The banner itself fits the phone's width (the page under it is another feature's).
            assertThat((Integer) page.evaluate("document.querySelector('[data-testid=notice]').scrollWidth"))
                    .isLessThanOrEqualTo(375);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("incident-banner-mobile.png")));

            page.click("[data-testid=notice] a");
            assertThat(page).hasURL(app.url() + "/notices");
            assertThat(page.locator("[data-testid=section-whatHappened]")).containsText("readable from the internet");
            assertThat(page.locator("[data-testid=section-remedies]")).containsText("A year of free support.");
            assertThat(page.locator("[data-testid=incident-notice] h2")).hasCount(7);
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(375);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("incident-notice-mobile.png"))
                    .setFullPage(true));

            page.navigate(app.url() + "/settings");
            assertThat(page.locator("[data-testid=notice]")).hasCount(0);
        }
    }

    static Http adminSession() {
        UUID id = app.newUser("notice-admin@example.org");
        app.app().accounts().grantRole(id, Role.ADMIN);
        String secret = app.app().accounts().startTwoFactor(id).secret();
        app.app().accounts().enableTwoFactor(id, TestTotp.code(secret, Clock.systemUTC().instant().getEpochSecond()),
                org.mqcgm.server.accounts.ClientFacts.NONE);
        Http http = new Http(app.url());
        http.setCookie("SESSION", new org.mqcgm.server.accounts.Sessions(app.sql(), Clock.systemUTC(),
                Duration.ofHours(12), Duration.ofDays(7)).start(id, org.mqcgm.server.accounts.ClientFacts.NONE));
        return http;
    }
}
