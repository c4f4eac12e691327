package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.outbound.SmtpSender;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestTotp;
import org.mqcgm.testkit.Wait;

/**
 * The account system in real Chromium at phone size: sign up with the code from the real mail (GreenMail SMTP),
 * turn on two-factor authentication with the QR secret, create a token, see a registered device, log out, log in
 * with the second factor, reset the password from the mail, and use the pages in Simplified Chinese.
 */
class AccountsInBrowserTest {

    @RegisterExtension
    @Order(1)
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(false);

    static final Path SHOTS = Path.of("target", "screenshots");

    /** Started after the mail server, which has its port by then. */
    @RegisterExtension
    @Order(2)
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), Clock.systemUTC(), () -> new SmtpSender.Settings(
            "127.0.0.1", mail.getSmtp().getPort(), null, "", "noreply@mqcgm.test", "none"));

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
    }

    static String codeFromMail(String to, String subject) throws Exception {
        MimeMessage newest = Wait.until("a mail to " + to + " about " + subject, () -> {
            MimeMessage found = null;
            for (MimeMessage m : mail.getReceivedMessagesForDomain(to)) {
                if (m.getSubject().contains(subject)) {
                    found = m;
                }
            }
            return Optional.ofNullable(found);
        }, Optional::isPresent).orElseThrow();
        Matcher code = Pattern.compile("\\b(\\d{6})\\b").matcher(GreenMailUtil.getBody(newest));
        assertThat(code.find()).isTrue();
        mail.purgeEmailFromAllMailboxes();
        return code.group(1);
    }

    /**
     * A TOTP code of a step not used before (a step is never accepted twice); the server accepts one step ahead
     * for clock drift, so two codes are available at any moment.
     */
    static String freshCode(String secret, long[] lastStep) {
        long now = Instant.now().getEpochSecond();
        long step = Math.max(now / 30, lastStep[0] + 1);
        lastStep[0] = step;
        return TestTotp.code(secret, step * 30);
    }

    @Test
    void signUpTwoFactorTokenDeviceLoginAndPasswordResetInTheBrowser() throws Exception {
        String email = "browser.account@example.org";
        String password = "granite willow harbor seven";
        long[] lastStep = {0};
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            page.navigate(app.url() + "/signup");
            page.fill("input[name=identifier]", email);
            page.fill("input[name=password]", password);
            page.fill("input[name=birth_date]", "1990-05-01");
            page.check("input[name=accept_policy]");
            page.click("button.primary");
            assertThat(page.locator("[data-testid=sent-to]")).containsText("b•••@example.org");
            page.fill("input[name=code]", codeFromMail(email, "verification code"));
            page.click("button.primary");
            assertThat(page).hasURL(app.url() + "/today");

            // Two-factor enrolment with the key shown under the QR code.
            page.navigate(app.url() + "/settings");
            page.click("[data-testid=two-factor-setup]");
            assertThat(page.locator("svg.qr")).isVisible();
            String secret = page.locator("[data-testid=totp-secret]").innerText();
            page.fill("input[name=code]", freshCode(secret, lastStep));
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("two-factor-enrol.png")).setFullPage(true));
            page.click("button.primary");
            assertThat(page.locator("[data-testid=recovery-codes] code")).hasCount(10);
            String recoveryCode = page.locator("[data-testid=recovery-codes] code").first().innerText();
            assertThat(page.locator("[data-testid=two-factor-on]")).isVisible();

            // An API token, and a device that registers with it.
            page.fill("input[name=name]", "phone app");
            page.check("input[value='devices:write']");
            page.check("input[value='readings:write']");
            page.click("text=Create token");
            String token = page.locator("[data-testid=new-token]").inputValue();
            HttpResponse<String> device = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(app.url() + "/api/v1/devices"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"platform\":\"android\",\"model\":\"Pixel 8\","
                            + "\"osVersion\":\"Android 15\",\"appVersion\":\"1.4.2\",\"installId\":\"browser-install-1\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(device.statusCode()).isEqualTo(201);
            page.navigate(app.url() + "/settings");
            assertThat(page.locator("[data-testid=devices]")).containsText("Pixel 8");
            assertThat(page.locator("[data-testid=devices]")).containsText("Android 15");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("settings.png")).setFullPage(true));

            // Log out; logging in now needs the second factor.
            page.click("nav >> text=Log out");
            page.fill("input[name=identifier]", email);
            page.fill("input[name=password]", password);
            page.click("button.primary");
            assertThat(page.locator("input[name=challenge]")).hasCount(1);
            page.fill("input[name=code]", freshCode(secret, lastStep));
            page.click("button.primary");
            assertThat(page).hasURL(app.url() + "/today");

            // Forgot password: code from the mail, new password, every session ends.
            page.click("nav >> text=Log out");
            page.click("text=Forgot your password?");
            page.fill("input[name=identifier]", email);
            page.click("button.primary");
            assertThat(page.locator("[data-testid=reset-sent]")).isVisible();
            page.fill("input[name=code]", codeFromMail(email, "Reset"));
            page.fill("input[name=password]", "meadow lantern copper fifty");
            page.click("button.primary");
            assertThat(page.locator("[data-testid=reset-done]")).isVisible();
            page.click("a.button");
            page.fill("input[name=identifier]", email);
            page.fill("input[name=password]", "meadow lantern copper fifty");
            page.click("button.primary");
            // The authenticator's next code is seconds away; a recovery code works at once (and only once).
            page.fill("input[name=code]", recoveryCode);
            page.click("button.primary");
            assertThat(page).hasURL(app.url() + "/today");

            // Security activity, in Simplified Chinese.
            page.click("footer >> text=简体中文");
            page.navigate(app.url() + "/settings/activity");
            assertThat(page.locator("h1")).hasText("安全活动");
            assertThat(page.locator("[data-testid=activity] tr[data-kind=password-reset]")).hasCount(1);
            assertThat(page.locator("[data-testid=activity] tr[data-kind=two-factor-enabled]")).hasCount(1);
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("activity-zh.png")).setFullPage(true));
        }
    }
}
