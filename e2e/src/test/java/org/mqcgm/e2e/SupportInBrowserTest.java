package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Customer service in real Chromium at phone size (360 px): "Call support" reveals the hotline's {@code tel:} link
 * without any request (PR-21); the wearer opens a ticket, an agent asks on it for a one-hour grant, the wearer
 * approves it, the agent reads the wearer's glucose (200) and, once the server's clock passes the grant's end, is
 * refused (403). Screenshots go to {@code target/screenshots/}.
 */
class SupportInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final String WEARER = "support-wearer@example.org";
    static final String AGENT = "support-agent@example.org";
    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), clock, () -> null,
            c -> c.withSupportPhone("+86 400 123 4567"));

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static UUID wearer;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
        wearer = app.newUser(WEARER);
        List<Reading> readings = new ArrayList<>();
        Instant end = clock.instant().minusSeconds(600);
        for (int i = 0; i < 24; i++) {
            readings.add(new Reading(end.minus(Duration.ofMinutes(5L * i)), ZoneOffset.UTC, 90 + i));
        }
        app.app().readings().store(wearer, readings);
        app.app().accounts().grantRole(app.newUser(AGENT), Role.SUPPORT);
    }

    static Page login(BrowserContext context, String email) {
        Page page = context.newPage();
        Browser.logIn(page, app.url(), email);
        return page;
    }

    static void fitsTheScreen(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
    }

    @Test
    @org.junit.jupiter.api.Tag("PR-21")
    void callSupportNeedsNoRequestAndAGrantOnATicketEndsByItself() {
        try (BrowserContext user = browser.phone("en-US"); BrowserContext staff = browser.phone("en-US")) {
            Page page = login(user, WEARER);
            page.click("[data-testid=nav-help]");
            assertThat(page).hasURL(app.url() + "/help");
            assertThat(page.locator("[data-testid=faq] details")).hasCount(8);
            assertThat(page.locator("[data-testid=call-link]")).isHidden();
            // The installable app asks for no permission at all (it cannot dial, read the phone's state or calls).
            String manifest = page.request().get(app.url() + "/manifest.webmanifest").text();
            assertThat(manifest).contains("\"name\"").doesNotContainIgnoringCase("permission")
                    .doesNotContainIgnoringCase("phone");
            List<String> requests = new CopyOnWriteArrayList<>();
            user.onRequest(r -> requests.add(r.method() + " " + r.url()));
            page.click("[data-testid=call-support] summary");
            assertThat(page.locator("[data-testid=call-link]")).isVisible();
            assertThat(page.locator("[data-testid=call-link]")).hasAttribute("href", "tel:+864001234567");
            assertThat(requests).as("tapping 'Call support' sends nothing (PR-21)").isEmpty();
            fitsTheScreen(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("support-help-mobile.png"))
                    .setFullPage(true));

            page.click("[data-testid=my-requests-link]");
            assertThat(page.locator("[data-testid=tickets-empty]")).isVisible();
            page.fill("input[name=subject]", "My readings look too low");
            page.fill("textarea[name=message]", "Since yesterday the values seem 20 lower than my meter.");
            page.click("[data-testid=ticket-form] button.primary");
            assertThat(page.locator("[data-testid=ticket-number]")).containsText("#");
            assertThat(page.locator("[data-testid=ticket-due]")).containsText("due ");
            String ticketUrl = page.url();
            String ticket = ticketUrl.substring(ticketUrl.lastIndexOf('/') + 1);
            fitsTheScreen(page);

            Page agent = login(staff, AGENT);
            agent.navigate(app.url() + "/support/queue");
            agent.click("a[href='/support/queue/" + ticket + "']");
            assertThat(agent.locator("[data-testid=thread]")).containsText("20 lower than my meter");
            String glucose = app.url() + "/admin/users/" + wearer + "/glucose";
            agent.fill("input[name=hours]", "1");
            agent.click("[data-testid=grant-form] button.primary");
            assertThat(agent.locator("[data-testid=grant-state]")).hasText("waiting for your decision");
            fitsTheScreen(agent);
            Response refused = agent.navigate(glucose);
            assertThat(refused.status()).as("not yet approved").isEqualTo(403);

            page.reload();
            assertThat(page.locator("[data-testid=grant-text]")).hasText("Support asks to read: readings, for 1 hours");
            page.click("[data-testid=grant-approve]");
            assertThat(page.locator("[data-testid=grant-state]")).hasText("approved");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("support-grant-mobile.png"))
                    .setFullPage(true));

            Response read = agent.navigate(glucose);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.text()).contains("\"mgdl\":90");
            page.reload();
            assertThat(page.locator("[data-testid=read]")).hasCount(1);

            // The grant ends by itself: an hour later the same agent is refused. Both keep working meanwhile (a
            // web session ends after 30 minutes without use, ASVS V3.3.2).
            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofMinutes(20));
                agent.navigate(app.url() + "/support/queue");
                page.reload();
            }
            clock.advance(Duration.ofMinutes(1).plusSeconds(1));
            Response ended = agent.navigate(glucose);
            assertThat(ended.status()).isEqualTo(403);
            page.reload();
            assertThat(page.locator("[data-testid=grant-state]")).hasText("ended");
        }
    }
}
