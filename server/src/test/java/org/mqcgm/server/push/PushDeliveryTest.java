package org.mqcgm.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.push.PushNotifications;
import org.mqcgm.server.platform.push.PushNotifications.Notification;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.PushService;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * Delivery through a real push service in-process ({@link PushService}: it checks VAPID and decrypts with the
 * subscription's private key), and the ends of subscriptions: logout, token revocation, device alias rotation, 410.
 * Retries are driven by moving the system clock and running a delivery pass, never by waiting.
 */
class PushDeliveryTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), clock);

    private static final ObjectMapper JSON = new ObjectMapper();
    static PushService service;

    @BeforeAll
    static void startService() throws Exception {
        service = new PushService();
        String key = JSON.readTree(new Http(app.url()).get("/api/v1/push/vapid-public-key").body())
                .path("publicKey").asText();
        service.expectVapidKey(key);
    }

    @AfterAll
    static void stopService() {
        service.close();
    }

    record Person(UUID id, String token) {
    }

    static Person person(String name) {
        UUID id = app.newUser(name + "@example.org");
        return new Person(id, app.app().apiTokens().create(id, name, EnumSet.of(Scope.ALERTS, Scope.DEVICES_WRITE)));
    }

    static String subscribe(Http http, PushService.Subscription s, String... headers) throws Exception {
        HttpResponse<String> r = http.postJson("/api/v1/push/subscriptions", s.json(), headers);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("id").asText();
    }

    static String subscribe(Person p, PushService.Subscription s) throws Exception {
        return subscribe(new Http(app.url()), s, "Authorization", "Bearer " + p.token());
    }

    static PushNotifications push() {
        return app.app().feature(PushFeature.class).notifications();
    }

    static int rows(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from push_subscription where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    static List<Map<String, Object>> log(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("""
                        select outcome, status, attempt from push_delivery where owner_id = :o order by at, attempt""")
                .bind("o", owner).mapToMap().list());
    }

    static final Notification URGENT = new Notification("Urgent low", "Open mqcgm", "alert-1", true, "/alerts",
            Duration.ofHours(1));

    @Test
    void aSubscriptionRemovedWhileANotificationIsQueuedCostsTheOtherDevicesNothing() throws Exception {
        Person p = person("two-phones");
        PushService.Subscription kept = service.subscribe();
        PushService.Subscription gone = service.subscribe();
        subscribe(p, kept);
        String goneId = subscribe(p, gone);
        // A removal in progress (a logout on the other phone): deleted, not yet committed, while an alert is sent.
        java.util.concurrent.CountDownLatch deleted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch commit = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.FutureTask<Void> removal = new java.util.concurrent.FutureTask<>(() -> {
            app.sql().useTransaction(h -> {
                h.createUpdate("delete from push_subscription where owner_id = :o and id = :id").bind("o", p.id())
                        .bind("id", UUID.fromString(goneId)).execute();
                deleted.countDown();
                commit.await();
            });
            return null;
        });
        Thread.ofPlatform().start(removal);
        deleted.await();
        java.util.concurrent.CompletableFuture<Integer> sent = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> push().send(p.id(), URGENT));
        // The send reads both subscriptions as live and waits on the removal's lock on the one being deleted.
        Wait.until("the send waits for the removal", () -> sent.isDone() || app.sql().withHandle(h -> h.createQuery(
                "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = "
                        + "'Lock'").mapTo(Integer.class).one()) > 0);
        commit.countDown();
        removal.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(sent.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("queued for the phone still subscribed")
                .isEqualTo(1);
        assertThat(service.next(kept, 10)).as("the other phone gets its notification").isNotNull();
        assertThat(service.pending(gone)).isZero();
    }

    @Test
    @Tag("PR-12")
    @Tag("PR-13")
    void theServiceWorkerGetsExactlyThePayloadSignedWithVapidAndTheDeliveryIsLoggedWithoutContent()
            throws Exception {
        Person p = person("receiver");
        PushService.Subscription s = service.subscribe();
        String id = subscribe(p, s);

        long t0 = System.nanoTime();
        assertThat(push().send(p.id(), URGENT)).isEqualTo(1);
        PushService.Received got = service.next(s, 10);
        long micros = (System.nanoTime() - t0) / 1000;
        assertThat(got).as("delivered to the push service").isNotNull();
        System.out.println("push latency (send() to decrypted at the push service): " + micros / 1000.0 + " ms");

        JsonNode payload = JSON.readTree(got.text());
        assertThat(payload.path("title").asText()).isEqualTo("Urgent low");
        assertThat(payload.path("body").asText()).isEqualTo("Open mqcgm");
        assertThat(payload.path("tag").asText()).isEqualTo("alert-1");
        assertThat(payload.path("url").asText()).isEqualTo("/alerts");
        assertThat(payload.path("urgent").asBoolean()).isTrue();
        assertThat(got.headers()).containsEntry("Urgency", "high").containsEntry("Topic", "alert-1");
        assertThat(Integer.parseInt(got.headers().get("TTL"))).isBetween(1, 3600);
        assertThat(got.claims()).containsEntry("aud", service.origin());
        assertThat(service.refusals(s)).isEmpty();
        // What the push service is given names no one: no account id, e-mail or text of the notification outside
        // the encrypted body.
        assertThat(got.headers().toString() + got.claims()).doesNotContain(p.id().toString(), "receiver@",
                "Urgent low", "Open mqcgm");

        // A normal notification goes with normal urgency.
        long t1 = System.nanoTime();
        push().send(p.id(), new Notification("Reminder", "Open mqcgm", null, false, "/today", Duration.ofHours(2)));
        PushService.Received normal = service.next(s, 10);
        System.out.println("push latency, warm: " + (System.nanoTime() - t1) / 1000 / 1000.0 + " ms");
        assertThat(normal.headers()).containsEntry("Urgency", "normal").doesNotContainKey("Topic");

        // The delivery log: one line per attempt, delivered with the status; never the content.
        Wait.until("both deliveries logged", () -> log(p.id()).size() == 2);
        assertThat(log(p.id())).extracting(m -> m.get("outcome")).containsExactly("delivered", "delivered");
        assertThat(log(p.id())).extracting(m -> m.get("status")).containsExactly(201, 201);
        HttpResponse<String> mine = new Http(app.url()).get("/api/v1/push/deliveries", "Authorization",
                "Bearer " + p.token());
        assertThat(mine.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(mine.body()).path("deliveries")).hasSize(2);
        assertThat(mine.body()).contains(id, "\"outcome\":\"delivered\"", "127.0.0.1").doesNotContain("Urgent low",
                "Open mqcgm");
        int queued = app.sql().withHandle(h -> h.createQuery("select count(*) from push_message where owner_id = :o")
                .bind("o", p.id()).mapTo(Integer.class).one());
        assertThat(queued).isZero();
    }

    @Test
    void aGoneSubscriptionIsRemoved() throws Exception {
        Person p = person("gone");
        PushService.Subscription s = service.subscribe();
        subscribe(p, s);
        service.answer(s, 410, null);
        push().send(p.id(), URGENT);
        Wait.until("the subscription is removed", () -> rows(p.id()) == 0);
        assertThat(log(p.id())).extracting(m -> m.get("outcome")).containsExactly("removed");
        assertThat(log(p.id())).extracting(m -> m.get("status")).containsExactly(410);
        assertThat(push().send(p.id(), URGENT)).isZero();
    }

    @Test
    void tooManyRequestsIsTriedAgainOnlyAfterRetryAfter() throws Exception {
        Person p = person("busy");
        PushService.Subscription s = service.subscribe();
        subscribe(p, s);
        service.answer(s, 429, "120");
        push().send(p.id(), URGENT);
        Wait.until("the first attempt is logged", () -> log(p.id()).size() == 1);
        assertThat(log(p.id()).get(0)).containsEntry("outcome", "retry").containsEntry("status", 429);

        clock.advance(Duration.ofSeconds(100));
        app.app().feature(PushFeature.class).deliverDue();
        assertThat(service.pending(s)).as("not before Retry-After").isZero();
        assertThat(log(p.id())).hasSize(1);

        clock.advance(Duration.ofSeconds(21));
        app.app().feature(PushFeature.class).deliverDue();
        assertThat(service.next(s, 10)).as("tried again after Retry-After").isNotNull();
        Wait.until("the second attempt is logged", () -> log(p.id()).size() == 2);
        assertThat(log(p.id()).get(1)).containsEntry("outcome", "delivered").containsEntry("attempt", 2);
    }

    @Test
    void serverErrorsAreRetriedWithBackoffThenGivenUp() throws Exception {
        Person p = person("broken");
        PushService.Subscription s = service.subscribe();
        subscribe(p, s);
        for (int i = 0; i < Deliveries.MAX_ATTEMPTS; i++) {
            service.answer(s, 500, null);
        }
        push().send(p.id(), new Notification("Low", "Open mqcgm", "alert-2", false, "/alerts",
                Duration.ofDays(1)));
        Wait.until("the first attempt is logged", () -> log(p.id()).size() == 1);
        for (int attempt = 2; attempt <= Deliveries.MAX_ATTEMPTS; attempt++) {
            int expected = attempt;
            clock.advance(Deliveries.MAX_BACKOFF.plusSeconds(1));
            app.app().feature(PushFeature.class).deliverDue();
            Wait.until("attempt " + attempt + " is logged", () -> log(p.id()).size() == expected);
        }
        assertThat(log(p.id())).extracting(m -> m.get("outcome")).containsExactly("retry", "retry", "retry", "retry",
                "retry", "failed");
        assertThat(log(p.id())).extracting(m -> m.get("status")).containsOnly(500);
        clock.advance(Deliveries.MAX_BACKOFF.plusSeconds(1));
        app.app().feature(PushFeature.class).deliverDue();
        assertThat(log(p.id())).hasSize(Deliveries.MAX_ATTEMPTS);
        assertThat(service.pending(s)).isZero();
        assertThat(rows(p.id())).as("a failing push service does not end the subscription").isEqualTo(1);
    }

    @Test
    void theBackoffDoublesAndNeverComesBeforeRetryAfter() {
        assertThat(Deliveries.backoff(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(Deliveries.backoff(2, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(60));
        assertThat(Deliveries.backoff(3, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(120));
        assertThat(Deliveries.backoff(3, Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(10));
        assertThat(Deliveries.backoff(20, Duration.ofSeconds(1))).isEqualTo(Deliveries.MAX_BACKOFF);
        assertThat(Deliveries.topic("alert-1")).isEqualTo("alert-1");
        assertThat(Deliveries.topic("urgent low at 03:00 for someone")).matches("[A-Za-z0-9_-]{32}");
    }

    @Test
    @Tag("PR-12")
    void loggingOutEndsTheSubscriptionAndAPushReachesNothing() throws Exception {
        UUID id = app.newUser("logout@example.org");
        Http browser = new Http(app.url());
        assertThat(browser.postForm("/login", Map.of("identifier", "logout@example.org", "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        PushService.Subscription s = service.subscribe();
        subscribe(browser, s, "X-CSRF-Token", browser.csrfToken());
        String credential = app.sql().withHandle(h -> h.createQuery("select credential from push_subscription "
                + "where owner_id = :o").bind("o", id).mapTo(String.class).one());
        assertThat(credential).startsWith("session:");

        assertThat(browser.postForm("/logout", Map.of()).statusCode()).isEqualTo(303);
        Wait.until("the subscription row is gone after logout", () -> rows(id) == 0);
        assertThat(push().send(id, URGENT)).isZero();
        app.app().feature(PushFeature.class).deliverDue();
        assertThat(service.pending(s)).as("nothing reaches the logged-out browser").isZero();
    }

    @Test
    void aBrowserWhoseSessionExpiredWithoutLoggingOutStillGetsAlerts() throws Exception {
        UUID id = app.newUser("idle-browser@example.org");
        Http browser = new Http(app.url());
        assertThat(browser.postForm("/login", Map.of("identifier", "idle-browser@example.org", "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        PushService.Subscription s = service.subscribe();
        subscribe(browser, s, "X-CSRF-Token", browser.csrfToken());
        // Past the idle timeout and the session's lifetime (set in the database: moving the server's clock a
        // month would also date its VAPID signatures): the page would ask to log in again, the phone still rings
        // for an urgent low.
        app.sql().useHandle(h -> h.execute("update web_session set expires_at = now() - interval '1 day', "
                + "last_seen_at = now() - interval '31 days' where owner_id = ?", id));
        assertThat(browser.get("/today").statusCode()).as("the session opens nothing any more").isEqualTo(303);
        assertThat(push().send(id, URGENT)).isEqualTo(1);
        assertThat(service.next(s, 10)).as("delivered to the browser that never logged out").isNotNull();
    }

    @Test
    @Tag("PR-12")
    void revokingTheTokenOrRotatingTheDevicesAliasEndsItsSubscription() throws Exception {
        Person p = person("app-user");
        PushService.Subscription byToken = service.subscribe();
        subscribe(p, byToken);
        UUID tokenId = app.app().apiTokens().list(p.id()).get(0).id();
        app.app().apiTokens().revoke(p.id(), tokenId);
        Wait.until("the token's subscription is gone", () -> rows(p.id()) == 0);

        // An app with a registered device: its subscription carries the device's push alias.
        String token = app.app().apiTokens().create(p.id(), "phone", EnumSet.of(Scope.ALERTS, Scope.DEVICES_WRITE));
        Http phone = new Http(app.url());
        HttpResponse<String> device = phone.postJson("/api/v1/devices", "{\"platform\":\"android\",\"model\":\"Pixel\","
                + "\"osVersion\":\"15\",\"appVersion\":\"1.0\",\"installId\":\"install-push-1\"}", "Authorization",
                "Bearer " + token);
        assertThat(device.statusCode()).as(device.body()).isIn(200, 201);
        JsonNode d = JSON.readTree(device.body());
        PushService.Subscription byDevice = service.subscribe();
        subscribe(phone, byDevice, "Authorization", "Bearer " + token);
        Map<String, Object> row = app.sql().withHandle(h -> h.createQuery("select device_id, push_alias from "
                + "push_subscription where owner_id = :o").bind("o", p.id()).mapToMap().one());
        assertThat(row.get("device_id").toString()).isEqualTo(d.path("id").asText());
        assertThat(row.get("push_alias").toString()).isEqualTo(d.path("pushAlias").asText());

        app.app().devices().rotateAlias(p.id(), UUID.fromString(d.path("id").asText()));
        Wait.until("the old alias's subscription is gone", () -> rows(p.id()) == 0);
        assertThat(push().send(p.id(), URGENT)).isZero();
    }

    @Test
    @Tag("PR-12")
    void removingTheDeviceOrClosingTheAccountEndsItsSubscriptions() throws Exception {
        Person p = person("closing");
        Http phone = new Http(app.url());
        HttpResponse<String> device = phone.postJson("/api/v1/devices", "{\"platform\":\"ios\",\"model\":\"iPhone\","
                + "\"osVersion\":\"18\",\"appVersion\":\"1.0\",\"installId\":\"install-push-2\"}", "Authorization",
                "Bearer " + p.token());
        assertThat(device.statusCode()).as(device.body()).isIn(200, 201);
        subscribe(p, service.subscribe());
        app.app().devices().remove(p.id(), UUID.fromString(JSON.readTree(device.body()).path("id").asText()),
                org.mqcgm.server.accounts.ClientFacts.NONE);
        Wait.until("the removed device's subscription is gone", () -> rows(p.id()) == 0);

        // A subscription made in a web session ends when the account is closed.
        Http browser = new Http(app.url());
        assertThat(browser.postForm("/login", Map.of("identifier", "closing@example.org", "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        subscribe(browser, service.subscribe(), "X-CSRF-Token", browser.csrfToken());
        assertThat(rows(p.id())).isEqualTo(1);
        org.mqcgm.server.platform.security.AccountClosure closure = app.app()
                .feature(org.mqcgm.server.accounts.AccountsFeature.class).closure();
        app.app().database().orElseThrow().jdbi().useTransaction(h -> closure.close(h, p.id()));
        Wait.until("the closed account's subscription is gone", () -> rows(p.id()) == 0);
        assertThat(push().send(p.id(), URGENT)).isZero();
    }
}
