package org.mqcgm.server.platform.outbound;

import com.google.crypto.tink.apps.webpush.WebPushHybridEncrypt;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mqcgm.server.platform.crypto.VapidKeys;

/**
 * Standard Web Push, no vendor SDK: a message to a browser's push subscription is POSTed to the subscription's
 * endpoint (RFC 8030) with its payload encrypted for that browser only (RFC 8291, {@code aes128gcm}: the push
 * service cannot read it) and signed for by the server's VAPID key (RFC 8292). Requests go out through
 * {@link HttpTransfers}, so a subscription's endpoint (a URL a client supplied) is held to the same rules as every
 * other outbound transfer: https to public hosts only (loopback over http only when the deployment allows it for
 * local trials), no redirects, bounded in time.
 *
 * <p>{@link #send} makes one attempt and says what to do next ({@link Outcome}): a subscription the push service no
 * longer knows (404, 410) is to be removed; 429 and 5xx are to be retried after the push service's
 * {@code Retry-After} (or a backoff); other answers are failures. Retrying and removing belong to the caller (the
 * push feature, {@code push.Deliveries}), which knows the subscription's owner.
 */
public final class WebPush {

    /** A browser's {@code PushSubscription.toJSON()}: endpoint, {@code keys.p256dh} (65 bytes), {@code keys.auth}. */
    public record Subscription(String endpoint, byte[] p256dh, byte[] auth) {
    }

    /** RFC 8030 §5.3 urgency. */
    public enum Urgency {
        VERY_LOW("very-low"), LOW("low"), NORMAL("normal"), HIGH("high");

        private final String header;

        Urgency(String header) {
            this.header = header;
        }

        public String header() {
            return header;
        }
    }

    /**
     * One message.
     *
     * @param payload what the service worker receives (at most {@link #MAX_PAYLOAD} bytes), encrypted on the way
     * @param ttl     how long the push service keeps it for a browser that is offline (RFC 8030 §5.2)
     * @param topic   a message with the same topic replaces an undelivered one (RFC 8030 §5.4); null for none
     */
    public record Message(byte[] payload, Duration ttl, Urgency urgency, String topic) {
        public Message {
            java.util.Objects.requireNonNull(payload, "payload");
            java.util.Objects.requireNonNull(ttl, "ttl");
            java.util.Objects.requireNonNull(urgency, "urgency");
            if (topic != null && !TOPIC.matcher(topic).matches()) {
                throw new IllegalArgumentException("a topic is 1 to 32 characters of the URL-safe base64 alphabet");
            }
        }
    }

    /** RFC 8030 §5.4: a topic is at most 32 characters of the URL and filename safe base64 alphabet. */
    static final java.util.regex.Pattern TOPIC = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /** What came of one attempt. */
    public sealed interface Outcome {
        /** The push service took the message (201). */
        record Delivered(int status) implements Outcome {
        }

        /** The subscription has expired or was withdrawn (404, 410): remove it. */
        record Gone(int status) implements Outcome {
        }

        /** Try again after {@code after} (429, 5xx, or the endpoint could not be reached). */
        record RetryLater(Duration after, String reason) implements Outcome {
        }

        /** Refused for good (another status, or the endpoint is not an allowed destination). */
        record Failed(String reason) implements Outcome {
        }
    }

    /** The largest payload: RFC 8291 allows 3,993 bytes of plaintext in one 4,096-byte record. */
    public static final int MAX_PAYLOAD = 3993;
    /** Retry delay when the push service gives no {@code Retry-After}. */
    static final Duration DEFAULT_RETRY = Duration.ofSeconds(30);
    /** The longest wait honoured from a {@code Retry-After}. */
    static final Duration MAX_RETRY = Duration.ofHours(1);
    /** VAPID tokens live 12 hours (RFC 8292 allows at most 24). */
    static final Duration TOKEN_LIFETIME = Duration.ofHours(12);

    private final HttpTransfers http;
    private final VapidKeys keys;
    private final String subject;
    private final Clock clock;

    /**
     * @param subject the operator's contact for push services (RFC 8292 §2.1): a {@code mailto:} or https URL
     */
    public WebPush(HttpTransfers http, VapidKeys keys, String subject, Clock clock) {
        this.http = http;
        this.keys = keys;
        this.subject = subject;
        this.clock = clock;
    }

    /** The public VAPID key for browsers' {@code pushManager.subscribe({applicationServerKey})}. */
    public String publicKey() {
        return keys.publicKeyBase64Url();
    }

    /**
     * What is wrong with a subscription, if anything (a fixed phrase naming the part): an endpoint that is not an
     * allowed destination, a {@code p256dh} that is not an uncompressed P-256 point, an {@code auth} that is not 16
     * bytes.
     */
    public Optional<String> problem(Subscription s) {
        Optional<String> endpoint = http.problem(s.endpoint());
        if (endpoint.isPresent()) {
            return Optional.of("endpoint: " + endpoint.get());
        }
        if (s.auth() == null || s.auth().length != 16) {
            return Optional.of("keys.auth: must be 16 bytes");
        }
        try {
            new WebPushHybridEncrypt.Builder().withAuthSecret(s.auth()).withRecipientPublicKey(s.p256dh()).build();
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.of("keys.p256dh: not a P-256 public key");
        }
        return Optional.empty();
    }

    /** Encrypts and sends one message; never throws for what the network or the push service does. */
    public Outcome send(Subscription s, Message m) {
        if (m.payload().length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a push payload holds at most " + MAX_PAYLOAD + " bytes");
        }
        byte[] body;
        try {
            body = new WebPushHybridEncrypt.Builder().withAuthSecret(s.auth()).withRecipientPublicKey(s.p256dh())
                    .build().encrypt(m.payload(), null);
        } catch (GeneralSecurityException | RuntimeException e) {
            return new Outcome.Failed("subscription keys unusable");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Encoding", "aes128gcm");
        headers.put("TTL", Long.toString(Math.max(0, m.ttl().toSeconds())));
        headers.put("Urgency", m.urgency().header());
        if (m.topic() != null) {
            headers.put("Topic", m.topic());
        }
        try {
            headers.put("Authorization", "vapid t=" + token(URI.create(s.endpoint())) + ", k=" + publicKey());
        } catch (IllegalArgumentException e) {
            return new Outcome.Failed("not a URL");
        }
        HttpTransfers.Answer answer;
        try {
            answer = http.exchange(s.endpoint(), "application/octet-stream", headers, body);
        } catch (HttpTransfers.Refused e) {
            return switch (e.reason()) {
                // A name that does not resolve now may resolve in a minute (a resolver's hiccup): tried again.
                case "timed out", "connection failed", "unknown host", "interrupted" ->
                        new Outcome.RetryLater(DEFAULT_RETRY, e.reason());
                default -> new Outcome.Failed(e.reason());
            };
        }
        int status = answer.status();
        if (answer.ok()) {
            return new Outcome.Delivered(status);
        }
        if (status == 404 || status == 410) {
            return new Outcome.Gone(status);
        }
        if (status == 429 || status >= 500) {
            return new Outcome.RetryLater(retryAfter(answer.retryAfter(), clock.instant()), "answered " + status);
        }
        return new Outcome.Failed("answered " + status);
    }

    /**
     * The VAPID JWT for an endpoint: audience its origin (RFC 6454: lower-case scheme and host, the port only when
     * it is not the scheme's default), expiry {@link #TOKEN_LIFETIME} ahead, the subject.
     */
    String token(URI endpoint) {
        String audience = origin(endpoint);
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .audience(audience)
                .expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
                .subject(subject)
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
                claims);
        try {
            jwt.sign(new ECDSASigner(keys.privateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a VAPID token", e);
        }
        return jwt.serialize();
    }

    /** The ASCII serialisation of an endpoint's origin, e.g. {@code https://push.example.org}. */
    static String origin(URI endpoint) {
        String scheme = endpoint.getScheme().toLowerCase(Locale.ROOT);
        String host = endpoint.getHost().toLowerCase(Locale.ROOT);
        int port = endpoint.getPort();
        boolean standard = port == -1 || scheme.equals("https") && port == 443 || scheme.equals("http") && port == 80;
        return scheme + "://" + host + (standard ? "" : ":" + port);
    }

    /** {@code Retry-After} as seconds or an HTTP date, bounded to [1 s, 1 h]; the default without one. */
    static Duration retryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return DEFAULT_RETRY;
        }
        String v = header.get().strip();
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException notSeconds) {
            try {
                d = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException notADate) {
                return DEFAULT_RETRY;
            }
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
    }

    /** base64url without padding, as {@code PushSubscription.toJSON()} gives keys. */
    public static byte[] base64Url(String s) {
        return Base64.getUrlDecoder().decode(s.strip().replace("=", ""));
    }
}
