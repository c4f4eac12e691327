package org.mqcgm.server.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.platform.crypto.VapidKeys;
import org.mqcgm.server.testing.PushService;

/**
 * Web Push against a real push service on loopback ({@link PushService}) that checks the VAPID token and decrypts
 * every message with the subscription's private key, written from RFC 8291/8292 with the JDK's own cryptography and
 * itself checked against RFC 8291's Appendix A.
 */
class WebPushTest {

    private static final Base64.Decoder D64 = Base64.getUrlDecoder();
    private static final PushService service = new PushService();
    private static final VapidKeys vapid = VapidKeys.generate();
    private static final WebPush push = new WebPush(new Outbound(m -> { }, m -> { }, true).http(), vapid,
            "mailto:operator@example.org", Clock.systemUTC());
    private static final WebPush production = new WebPush(new Outbound(m -> { }, m -> { }).http(), vapid,
            "mailto:operator@example.org", Clock.systemUTC());

    @AfterAll
    static void stop() {
        service.close();
    }

    private static WebPush.Subscription of(PushService.Subscription s) {
        return new WebPush.Subscription(s.endpoint(), WebPush.base64Url(s.p256dh()), WebPush.base64Url(s.auth()));
    }

    private static WebPush.Message message(String text, WebPush.Urgency urgency) {
        return new WebPush.Message(text.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(10), urgency, null);
    }

    @Test
    void theTestPushServiceDecryptsRfc8291AppendixA() throws Exception {
        byte[] body = D64.decode("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYW"
                + "AmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN");
        byte[] plaintext = PushService.decrypt(body,
                PushService.privateKey(D64.decode("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94")),
                D64.decode("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
                D64.decode("BTBZMqHH6r4Tts7J_aSIgg"));
        assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo("When I grow up, I want to be a watermelon");
        // One flipped bit of the ciphertext: the tag no longer matches.
        body[body.length - 1] ^= 1;
        assertThatThrownBy(() -> PushService.decrypt(body,
                PushService.privateKey(D64.decode("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94")),
                D64.decode("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
                D64.decode("BTBZMqHH6r4Tts7J_aSIgg"))).isInstanceOf(java.security.GeneralSecurityException.class);
    }

    @Test
    void aMessageReachesTheBrowserEncryptedForItAndSignedWithTheDeploymentsVapidKey() throws Exception {
        service.expectVapidKey(push.publicKey());
        PushService.Subscription s = service.subscribe();
        WebPush.Outcome outcome = push.send(of(s), message("Urgent low — open mqcgm", WebPush.Urgency.HIGH));
        assertThat(outcome).isEqualTo(new WebPush.Outcome.Delivered(201));
        PushService.Received r = service.next(s, 10);
        assertThat(r).isNotNull();
        assertThat(service.refusals(s)).isEmpty();
        assertThat(r.subscription()).isEqualTo(s.id());
        assertThat(r.text()).isEqualTo("Urgent low — open mqcgm");
        assertThat(r.headers()).containsEntry("Urgency", "high").containsEntry("TTL", "600")
                .containsEntry("Content-Encoding", "aes128gcm").containsEntry("Content-Type", "application/octet-stream");
        assertThat(r.vapidKey()).isEqualTo(vapid.publicKeyBase64Url());
        assertThat(D64.decode(r.vapidKey())).hasSize(65).startsWith((byte) 4);
        assertThat(r.claims()).containsEntry("aud", service.origin())
                .containsEntry("sub", "mailto:operator@example.org");
        long exp = ((Number) r.claims().get("exp")).longValue();
        assertThat(exp).isBetween(Instant.now().getEpochSecond(), Instant.now().plus(Duration.ofHours(24))
                .getEpochSecond());
    }

    @Test
    void onlyTheSubscriptionsOwnKeyOpensTheMessage() throws Exception {
        service.expectVapidKey(push.publicKey());
        PushService.Subscription mine = service.subscribe();
        PushService.Subscription other = service.subscribe();
        // Encrypted for another browser's keys but sent to this endpoint: this browser cannot read it.
        WebPush.Subscription crossed = new WebPush.Subscription(mine.endpoint(), WebPush.base64Url(other.p256dh()),
                WebPush.base64Url(other.auth()));
        assertThat(push.send(crossed, message("not for you", WebPush.Urgency.NORMAL)))
                .isEqualTo(new WebPush.Outcome.Failed("answered 400"));
        assertThat(service.refusals(mine)).singleElement().asString().containsIgnoringCase("tag mismatch");
        assertThat(service.pending(mine)).isZero();
    }

    @Test
    void aMessageSignedWithAnotherKeyThanTheSubscriptionsIsRefusedByThePushService() throws Exception {
        WebPush stranger = new WebPush(new Outbound(m -> { }, m -> { }, true).http(), VapidKeys.generate(),
                "mailto:operator@example.org", Clock.systemUTC());
        service.expectVapidKey(push.publicKey());
        PushService.Subscription s = service.subscribe();
        assertThat(stranger.send(of(s), message("hello", WebPush.Urgency.NORMAL)))
                .isEqualTo(new WebPush.Outcome.Failed("answered 403"));
        assertThat(service.refusals(s)).singleElement().asString().contains("VAPID key is not the one");
    }

    @Test
    void goneSubscriptionsAreReportedAndBusyOnesRetriedAfterTheirRetryAfter() {
        PushService.Subscription s = service.subscribe();
        service.answer(s, 410, null);
        service.answer(s, 404, null);
        service.answer(s, 429, "120");
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(5));
        service.answer(s, 503, date);
        service.answer(s, 500, null);
        service.answer(s, 400, null);
        WebPush.Message m = message("x", WebPush.Urgency.LOW);
        assertThat(push.send(of(s), m)).isEqualTo(new WebPush.Outcome.Gone(410));
        assertThat(push.send(of(s), m)).isEqualTo(new WebPush.Outcome.Gone(404));
        assertThat(push.send(of(s), m)).isEqualTo(new WebPush.Outcome.RetryLater(Duration.ofSeconds(120),
                "answered 429"));
        WebPush.Outcome busy = push.send(of(s), m);
        assertThat(busy).isInstanceOf(WebPush.Outcome.RetryLater.class);
        assertThat(((WebPush.Outcome.RetryLater) busy).after()).isBetween(Duration.ofMinutes(4),
                Duration.ofMinutes(5));
        assertThat(push.send(of(s), m)).isEqualTo(new WebPush.Outcome.RetryLater(WebPush.DEFAULT_RETRY,
                "answered 500"));
        assertThat(push.send(of(s), m)).isEqualTo(new WebPush.Outcome.Failed("answered 400"));
    }

    @Test
    void theVapidAudienceIsTheEndpointsOriginAndTopicsAreChecked() {
        assertThat(WebPush.origin(java.net.URI.create("https://Push.Example.org:443/wpush/v2/abc")))
                .isEqualTo("https://push.example.org");
        assertThat(WebPush.origin(java.net.URI.create("https://fcm.googleapis.com/fcm/send/x")))
                .isEqualTo("https://fcm.googleapis.com");
        assertThat(WebPush.origin(java.net.URI.create("http://127.0.0.1:8443/push/x")))
                .isEqualTo("http://127.0.0.1:8443");
        assertThat(new WebPush.Message(new byte[1], Duration.ZERO, WebPush.Urgency.HIGH, "urgent-low_1").topic())
                .isEqualTo("urgent-low_1");
        for (String bad : new String[] {"", "a b", "x\r\nInjected: 1", "a".repeat(33), "ü"}) {
            assertThatThrownBy(() -> new WebPush.Message(new byte[1], Duration.ZERO, WebPush.Urgency.HIGH, bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDateAndBounded() {
        Instant now = Instant.parse("2026-12-07T03:00:00Z");
        assertThat(WebPush.retryAfter(Optional.of("7"), now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(WebPush.retryAfter(Optional.of("Mon, 07 Dec 2026 03:02:00 GMT"), now))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(WebPush.retryAfter(Optional.of("0"), now)).isEqualTo(Duration.ofSeconds(1));
        assertThat(WebPush.retryAfter(Optional.of("999999"), now)).isEqualTo(Duration.ofHours(1));
        assertThat(WebPush.retryAfter(Optional.of("soon"), now)).isEqualTo(WebPush.DEFAULT_RETRY);
        assertThat(WebPush.retryAfter(Optional.empty(), now)).isEqualTo(WebPush.DEFAULT_RETRY);
    }

    @Test
    void subscriptionsWithUnusableEndpointsOrKeysAreRefusedBeforeAnythingIsSent() {
        PushService.Subscription s = service.subscribe();
        byte[] key = WebPush.base64Url(s.p256dh());
        byte[] auth = WebPush.base64Url(s.auth());
        assertThat(production.problem(new WebPush.Subscription(s.endpoint(), key, auth)))
                .contains("endpoint: https required");
        assertThat(production.problem(new WebPush.Subscription("https://10.1.2.3/push/x", key, auth)))
                .contains("endpoint: host in a private network");
        assertThat(production.problem(new WebPush.Subscription("https://169.254.169.254/x", key, auth)))
                .contains("endpoint: host in a private network");
        assertThat(production.problem(new WebPush.Subscription("push-service", key, auth)))
                .contains("endpoint: not a URL");
        assertThat(push.problem(new WebPush.Subscription(s.endpoint(), key, new byte[15])))
                .contains("keys.auth: must be 16 bytes");
        assertThat(push.problem(new WebPush.Subscription(s.endpoint(), java.util.Arrays.copyOf(key, 33), auth)))
                .contains("keys.p256dh: not a P-256 public key");
        byte[] offCurve = key.clone();
        offCurve[64] ^= 1;
        assertThat(push.problem(new WebPush.Subscription(s.endpoint(), offCurve, auth)))
                .contains("keys.p256dh: not a P-256 public key");
        assertThat(push.problem(new WebPush.Subscription(s.endpoint(), key, auth))).isEmpty();
    }

    @Test
    void aPayloadOverOneRecordIsRefused() {
        PushService.Subscription s = service.subscribe();
        assertThat(push.send(of(s), new WebPush.Message(new byte[WebPush.MAX_PAYLOAD], Duration.ofMinutes(1),
                WebPush.Urgency.NORMAL, null))).isInstanceOf(WebPush.Outcome.Delivered.class);
        assertThatThrownBy(() -> push.send(of(s), new WebPush.Message(new byte[WebPush.MAX_PAYLOAD + 1],
                Duration.ofMinutes(1), WebPush.Urgency.NORMAL, null))).isInstanceOf(IllegalArgumentException.class);
    }
}
