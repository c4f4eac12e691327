package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.testing.TestApp;

/**
 * The logbook in real Chromium at phone size: log a meal with a photo from the file input (the camera on a phone),
 * see it on the Today chart and in the list under it, change it, delete it. Screenshots go to
 * {@code target/screenshots/}.
 */
class LogbookInBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");
    static final String EMAIL = "logbook-browser@example.org";
    static final String CAMERA = "logbook-camera@example.org";

    /** Counts every request for the camera or for a permission, before any script of the page runs. */
    static final String COUNT_CAMERA_REQUESTS = """
            window.__cameraAsks = 0;
            window.__permissionAsks = 0;
            window.__watched = 0;
            if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
              const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
              navigator.mediaDevices.getUserMedia = (c) => { window.__cameraAsks++; return gum(c); };
              window.__watched++;
            }
            if (navigator.permissions && navigator.permissions.query) {
              const query = navigator.permissions.query.bind(navigator.permissions);
              navigator.permissions.query = (d) => { window.__permissionAsks++; return query(d); };
              window.__watched++;
            }""";

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static Path photo;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SHOTS);
        app.newUser(EMAIL, TestApp.PASSWORD, ZoneId.of("Asia/Shanghai"));
        app.app().consents().record(app.newUser(CAMERA, TestApp.PASSWORD, ZoneId.of("Asia/Shanghai")),
                Purpose.COMMUNITY, true, "test");
        BufferedImage image = new BufferedImage(120, 90, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(250, 240, 200));
        g.fillRect(0, 0, 120, 90);
        g.setColor(new Color(200, 80, 30));
        g.fillOval(20, 15, 80, 60);
        g.dispose();
        photo = Files.createTempFile("meal", ".jpg");
        assertThat(ImageIO.write(image, "jpg", photo.toFile())).isTrue();
    }

    static void assertFitsThePhone(Page page) {
        assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
    }

    @Test
    void logAMealWithAPhotoSeeItOnTheChartChangeItAndDeleteIt() throws Exception {
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = context.newPage();
            Browser.logIn(page, app.url(), EMAIL);

            page.click("nav >> text=Logbook");
            assertThat(page).hasURL(app.url() + "/logbook");
            assertFitsThePhone(page);
            page.click("[data-testid=add-meal] summary");
            var meal = page.locator("[data-testid=add-meal] form");
            // The photo input asks for the camera only when tapped; a test sets the file directly.
            assertThat(meal.locator("input[type=file]")).hasAttribute("capture", "environment");
            assertThat(meal.locator("input[type=file]")).hasAttribute("accept", "image/*");
            meal.locator("[data-testid=carbs]").fill("45");
            meal.locator("[data-testid=note]").fill("Noodles 面条");
            meal.locator("[data-testid=photo]").setInputFiles(photo);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("logbook-add-meal.png"))
                    .setFullPage(true));
            meal.locator("[data-testid=save-meal]").click();
            assertThat(page).hasURL(app.url() + "/logbook");
            var entry = page.locator("[data-testid=entry]");
            assertThat(entry).hasCount(1);
            assertThat(entry).containsText("45 g");
            assertThat(entry).containsText("Noodles 面条");
            assertThat(entry.locator("img[data-testid=thumb]")).hasCount(1);
            // Waits for the load (the list may show before its thumbnail arrived), then checks it is a picture.
            page.waitForFunction("img => img.complete", entry.locator("img[data-testid=thumb]").elementHandle());
            assertThat((Boolean) entry.locator("img[data-testid=thumb]").evaluate(
                    "img => img.complete && img.naturalWidth > 0")).as("the photo is served to its owner").isTrue();
            // ASVS V1.12.2: it is served as a download (octet-stream, attachment, sandbox), and the <img> shows it all
            // the same in Chromium (nosniff holds back scripts and style sheets, not images).
            assertThat((String) entry.locator("img[data-testid=thumb]").evaluate("img => fetch(img.src).then(r =>"
                    + " [r.headers.get('content-type'), r.headers.get('content-disposition').split(';')[0],"
                    + " r.headers.get('content-security-policy').split(';')[0]].join(' '))"))
                    .isEqualTo("application/octet-stream attachment sandbox");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("logbook-list.png")).setFullPage(true));

            page.click("nav >> text=Today");
            assertThat(page.locator("svg.chart g.checkin.meal")).hasCount(1);
            assertThat(page.locator("[data-testid=checkins] li[data-kind=meal]")).containsText("45 g");
            assertFitsThePhone(page);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("logbook-today.png")).setFullPage(true));

            page.click("nav >> text=Logbook");
            page.click("[data-testid=entry] [data-testid=edit]");
            page.fill("[data-testid=edit-form] [data-testid=carbs]", "50");
            page.click("[data-testid=edit-form] [data-testid=save]");
            assertThat(page).hasURL(app.url() + "/logbook");
            assertThat(page.locator("[data-testid=entry]")).containsText("50 g");
            assertThat(page.locator("[data-testid=entry] img[data-testid=thumb]")).hasCount(1);

            page.click("[data-testid=entry] [data-testid=edit]");
            page.click("[data-testid=delete]");
            assertThat(page).hasURL(app.url() + "/logbook");
            assertThat(page.locator("[data-testid=entry]")).hasCount(0);
            page.click("nav >> text=Today");
            assertThat(page.locator("svg.chart g.checkin")).hasCount(0);
        }
    }

    /**
     * PR-26: neither the logbook's meal form nor the community publish form asks for the camera (or any permission)
     * when the page loads at phone size; the photo control is a plain file input ({@code accept="image/*" capture})
     * and only tapping it opens the chooser (the camera on a phone).
     */
    @Test
    @Tag("PR-26")
    void theCameraIsAskedForOnlyWhenThePhotoControlIsTapped() {
        try (BrowserContext context = browser.phone("en-US")) {
            context.addInitScript(COUNT_CAMERA_REQUESTS);
            Page page = context.newPage();
            int[] choosers = {0};
            page.onFileChooser(chooser -> choosers[0]++);
            Browser.logIn(page, app.url(), CAMERA);

            for (String[] form : new String[][] {{"/logbook", "[data-testid=add-meal] [data-testid=photo]"},
                    {"/community", "[data-testid=photos-input]"}}) {
                page.navigate(app.url() + form[0]);
                assertFitsThePhone(page);
                if (form[0].equals("/logbook")) {
                    page.click("[data-testid=add-meal] summary");
                }
                var input = page.locator(form[1]);
                assertThat(input).hasAttribute("type", "file");
                assertThat(input).hasAttribute("accept", "image/*");
                assertThat(input.getAttribute("capture")).as(form[0]).isNotNull();
                assertThat((Integer) page.evaluate("window.__watched")).as("both APIs are watched").isEqualTo(2);
                assertThat((Integer) page.evaluate("window.__cameraAsks")).as(form[0]).isZero();
                assertThat((Integer) page.evaluate("window.__permissionAsks")).as(form[0]).isZero();
                assertThat(choosers[0]).as("no chooser before the tap on " + form[0]).isZero();

                var chooser = page.waitForFileChooser(input::click);
                assertThat(chooser.element().getAttribute("data-testid")).isEqualTo(input.getAttribute("data-testid"));
                assertThat(choosers[0]).isEqualTo(1);
                choosers[0] = 0;
                // The chooser is the browser's own (the phone offers the camera there): still no script asked.
                assertThat((Integer) page.evaluate("window.__cameraAsks")).isZero();
                assertThat((Integer) page.evaluate("window.__permissionAsks")).isZero();
            }
        }
    }
}
