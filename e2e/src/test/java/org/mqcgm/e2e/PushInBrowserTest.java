package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.JsonObject;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.PushService;
import org.mqcgm.server.testing.TestApp;

/**
 * Alerts by push in real Chromium at phone size (issue 13, PR-13): nothing asks for the notification permission on
 * load; tapping "Turn on notifications" asks, subscribes with the server's VAPID key and hands the subscription to
 * the server; an urgent low then reaches a real push service in-process ({@link PushService}: it checks VAPID and
 * decrypts with the subscription's private key) carrying no glucose value; delivered to the service worker, it shows
 * the value only while this device chose values on its own lock screen (the worker fetches the alert itself,
 * signed in); the notification's page acknowledges it.
 *
 * <p>Headless Chromium cannot reach a browser vendor's push service, so the page's {@code pushManager.subscribe} is
 * answered with the in-process service's subscription (keys it holds the private half of); the message that service
 * decrypted is then handed to the service worker as a push event over the DevTools protocol. Everything between —
 * the page's script, the server, RFC 8291 encryption, VAPID, the service worker — is the real thing.
 */
class PushInBrowserTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Tag("PR-13")
    void turnedOnAnUrgentLowArrivesWithoutAValueShowsItOnlyOnAnOptedInDeviceAndIsAcknowledged() throws Exception {
        String email = "push-browser@example.org";
        UUID wearer = app.newUser(email);
        String vapid = JSON.readTree(new Http(app.url()).get("/api/v1/push/vapid-public-key").body())
                .path("publicKey").asText();
        try (PushService service = new PushService(); BrowserContext context = browser.phone("en-US")) {
            service.expectVapidKey(vapid);
            PushService.Subscription s = service.subscribe();
            context.grantPermissions(List.of("notifications"),
                    new BrowserContext.GrantPermissionsOptions().setOrigin(app.url()));
            // Counts every request for notification permission from the first script of every page on, and
            // answers pushManager.subscribe with the in-process push service's subscription, keeping the key the
            // page subscribed with.
            context.addInitScript("window.__permissionAsked = 0; if (window.Notification) { "
                    + "var ask = Notification.requestPermission.bind(Notification); "
                    + "Notification.requestPermission = function () { window.__permissionAsked++; return ask(); }; }"
                    + "if (window.PushManager) { PushManager.prototype.subscribe = function (options) { "
                    + "var k = new Uint8Array(options.applicationServerKey); var b = ''; "
                    + "for (var i = 0; i < k.length; i++) { b += String.fromCharCode(k[i]); } "
                    + "window.__subscribedWith = btoa(b).replace(/\\+/g, '-').replace(/\\//g, '_')"
                    + ".replace(/=+$/, ''); var json = " + s.json() + "; "
                    + "return Promise.resolve({ endpoint: json.endpoint, toJSON: function () { return json; }, "
                    + "unsubscribe: function () { return Promise.resolve(true); } }); }; }");
            Page page = context.newPage();
            Browser.logIn(page, app.url(), email);
            page.navigate(app.url() + "/settings");
            page.click("[data-testid=push-link]");
            assertThat(page).hasURL(app.url() + "/settings/notifications");
            assertThat(page.locator("h1")).hasText("Notifications");
            assertThat(page.locator("[data-testid=push-none]")).isVisible();
            assertThat(page.evaluate("() => navigator.serviceWorker.ready.then(r => r.active.scriptURL)"))
                    .isEqualTo(app.url() + "/sw.js");
            assertThat(page.evaluate("() => window.__permissionAsked")).as("never asked on load").isEqualTo(0);
            assertThat(page.locator("html")).hasAttribute("data-lock-values-state", "off");
            assertThat(page.locator("[data-testid=lock-values]")).not().isChecked();

            page.click("[data-testid=push-enable]");
            assertThat(page.locator("html")).hasAttribute("data-push-state", "on");
            assertThat(page.locator("[data-testid=push-status]")).hasText("Notifications are on for this browser.");
            assertThat(page.evaluate("() => window.__permissionAsked")).as("asked on the tap").isEqualTo(1);
            assertThat(page.evaluate("() => window.__subscribedWith")).isEqualTo(vapid);
            page.reload();
            assertThat(page.locator("[data-testid=push-subscriptions] li")).hasCount(1);
            assertThat(page.locator("[data-testid=push-subscriptions]")).containsText("127.0.0.1");

            // This device shows values on its lock screen (kept on the device only).
            page.click("[data-testid=lock-values]");
            assertThat(page.locator("html")).hasAttribute("data-lock-values-state", "on");
            page.reload();
            assertThat(page.locator("[data-testid=lock-values]")).isChecked();

            // An urgent low, stored as an upload is: the alerts run after it committed, the push goes out.
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            app.app().readings().store(wearer, List.of(Reading.utc(now.minus(Duration.ofMinutes(5)), 80),
                    Reading.utc(now, 50)));
            PushService.Received got = service.next(s, 20);
            assertThat(got).as("the urgent low reached the push service").isNotNull();
            assertThat(got.headers()).containsEntry("Urgency", "high");
            JsonNode payload = JSON.readTree(got.text());
            String alertId = payload.path("tag").asText();
            assertThat(payload.path("title").asText()).isEqualTo("Urgent low");
            assertThat(payload.path("body").asText()).isEqualTo("Open mqcgm");
            assertThat(payload.path("detail").asText()).isEqualTo("/api/v1/alerts/" + alertId);
            // No glucose value anywhere in what the push service carried (the tag and detail hold the alert's
            // random id, so they are compared whole above and left out here).
            ObjectNode rest = ((ObjectNode) payload.deepCopy());
            rest.remove(List.of("tag", "detail"));
            assertThat(rest.toString()).doesNotContainPattern("[0-9]");

            CDPSession cdp = context.newCDPSession(page);
            String registration = registration(cdp, page);
            Map<String, Object> shown = deliverAndAwait(cdp, registration, got.text(), page);
            assertThat(shown).containsEntry("title", "Urgent low").containsEntry("tag", alertId)
                    .containsEntry("requireInteraction", true).containsEntry("url", "/alerts")
                    .containsEntry("body", "Glucose 50 mg/dL is below the urgent low of 55 mg/dL.");

            // The same message on this device once it no longer shows values: the payload's words only.
            page.click("[data-testid=lock-values]");
            assertThat(page.locator("html")).hasAttribute("data-lock-values-state", "off");
            page.evaluate("() => navigator.serviceWorker.ready.then(r => r.getNotifications())"
                    + ".then(list => list.forEach(n => n.close()))");
            // Closing is asynchronous: wait until it is done, or it could close the next one (same tag).
            page.waitForCondition(() -> ((Number) page.evaluate("() => navigator.serviceWorker.ready"
                    + ".then(r => r.getNotifications()).then(n => n.length)")).intValue() == 0);
            assertThat(deliverAndAwait(cdp, registration, got.text(), page)).containsEntry("title", "Urgent low").containsEntry("body", "Open mqcgm");

            // The notification opens the Alerts page, where one tap acknowledges it.
            page.navigate(app.url() + shown.get("url"));
            var alert = page.locator("[data-testid=alert][data-kind=urgent-low]");
            assertThat(alert).hasCount(1);
            alert.locator("[data-testid=ack]").click();
            assertThat(page.locator("[data-testid=alert] [data-testid=acknowledged]")).hasCount(1);
            assertThat(page.locator("[data-testid=alert] [data-testid=ack]")).hasCount(0);
            assertThat((Integer) page.evaluate("document.documentElement.scrollWidth")).isLessThanOrEqualTo(360);
            assertThat(service.refusals(s)).as("every message passed VAPID and decrypted").isEmpty();

            // Removing this browser on the Notifications page ends its subscription.
            page.navigate(app.url() + "/settings/notifications");
            page.click("[data-testid=push-remove]");
            assertThat(page).hasURL(app.url() + "/settings/notifications");
            assertThat(page.locator("[data-testid=push-none]")).isVisible();
        }
    }

    /** The service worker registration of the app's scope, as DevTools names it. */
    private static String registration(CDPSession cdp, Page page) {
        AtomicReference<String> registration = new AtomicReference<>();
        cdp.on("ServiceWorker.workerRegistrationUpdated", event -> event.getAsJsonArray("registrations")
                .forEach(r -> {
                    JsonObject o = r.getAsJsonObject();
                    if (o.get("scopeURL").getAsString().equals(app.url() + "/") && !o.get("isDeleted")
                            .getAsBoolean()) {
                        registration.set(o.get("registrationId").getAsString());
                    }
                }));
        cdp.send("ServiceWorker.enable");
        page.waitForCondition(() -> registration.get() != null);
        return registration.get();
    }

    /** A push message as the push service would deliver it, straight to the service worker. */
    private static void deliver(CDPSession cdp, String registration, String data) {
        JsonObject push = new JsonObject();
        push.addProperty("origin", app.url());
        push.addProperty("registrationId", registration);
        push.addProperty("data", data);
        cdp.send("ServiceWorker.deliverPushMessage", push);
    }

    /**
     * Delivers the message and returns the notification it made. Headless Chromium now and then drops a message
     * handed over DevTools (about one run in ten, the push event never reaches the worker; cause not found): when no
     * notification shows within 10 s the same message is delivered once more. What it shows is asserted as ever.
     */
    private static Map<String, Object> deliverAndAwait(CDPSession cdp, String registration, String data, Page page) {
        deliver(cdp, registration, data);
        try {
            page.waitForCondition(() -> shownCount(page) > 0, new Page.WaitForConditionOptions().setTimeout(10_000));
        } catch (com.microsoft.playwright.TimeoutError dropped) {
            deliver(cdp, registration, data);
        }
        return awaitNotification(page);
    }

    private static int shownCount(Page page) {
        return ((Number) page.evaluate("() => navigator.serviceWorker.ready"
                + ".then(r => r.getNotifications()).then(n => n.length)")).intValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitNotification(Page page) {
        page.waitForCondition(() -> shownCount(page) > 0);
        List<Map<String, Object>> shown = (List<Map<String, Object>>) page.evaluate("() => navigator.serviceWorker"
                + ".ready.then(r => r.getNotifications()).then(list => list.map(n => ({title: n.title, body: "
                + "n.body, tag: n.tag, requireInteraction: n.requireInteraction, renotify: n.renotify, "
                + "url: n.data && n.data.url})))");
        assertThat(shown).hasSize(1);
        return shown.get(0);
    }
}
