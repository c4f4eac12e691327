package org.mqcgm.server.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real push service for tests, on loopback: it hands out subscriptions (each with its own P-256 key pair and auth
 * secret, as a browser makes them), and for every message it receives it checks what a push service and a browser
 * check — the VAPID token (RFC 8292: an ES256 JWT for this service's origin, not expired, at most 24 h ahead, with a
 * subject, signed by the key in {@code k}) and the encryption (RFC 8291 {@code aes128gcm}: decrypted here with the
 * subscription's private key). Written from the RFCs with the JDK's own cryptography, independent of the server's
 * code and its libraries; {@link #decrypt} is checked against RFC 8291's Appendix A.
 *
 * <p>What it answers is set per subscription ({@link #answer}): 201 by default.
 */
public final class PushService implements AutoCloseable {

    /** A message as the browser's service worker would see it, with what came with it. */
    public record Received(String subscription, byte[] plaintext, Map<String, String> headers, String vapidKey,
                           Map<String, Object> claims) {
        public String text() {
            return new String(plaintext, StandardCharsets.UTF_8);
        }
    }

    /** A request the service refused, and why (a VAPID or decryption failure). */
    public record Refusal(String subscription, String why) {
    }

    /** A subscription as a browser's {@code PushSubscription.toJSON()} gives it, with the private key kept here. */
    public record Subscription(String id, String endpoint, String p256dh, String auth, ECPrivateKey privateKey,
                               byte[] publicKey, byte[] authSecret) {
        public String json() {
            return "{\"endpoint\":\"" + endpoint + "\",\"keys\":{\"p256dh\":\"" + p256dh + "\",\"auth\":\"" + auth
                    + "\"}}";
        }
    }

    private record Answer(int status, String retryAfter) {
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder D64 = Base64.getUrlDecoder();

    private final HttpServer server;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    private final Map<String, LinkedBlockingQueue<Received>> received = new ConcurrentHashMap<>();
    private final List<Refusal> refusals = Collections.synchronizedList(new ArrayList<>());
    private volatile String expectedVapidKey;

    public PushService() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/push/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT}: the origin VAPID tokens must name. */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Only accept messages signed by this VAPID public key (base64url), as a browser subscribed with it. */
    public void expectVapidKey(String applicationServerKey) {
        this.expectedVapidKey = applicationServerKey;
    }

    /** A new subscription, as {@code pushManager.subscribe()} makes one. */
    public Subscription subscribe() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            byte[] pub = uncompressed((ECPublicKey) pair.getPublic());
            byte[] auth = new byte[16];
            new SecureRandom().nextBytes(auth);
            String id = B64.encodeToString(randomBytes(12));
            Subscription s = new Subscription(id, origin() + "/push/" + id, B64.encodeToString(pub),
                    B64.encodeToString(auth), (ECPrivateKey) pair.getPrivate(), pub, auth);
            subscriptions.put(id, s);
            return s;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next answers for a subscription's endpoint, in order (then 201 again). */
    public void answer(Subscription s, int status, String retryAfter) {
        answers.computeIfAbsent(s.id(), k -> new ConcurrentLinkedDeque<>()).add(new Answer(status, retryAfter));
    }

    /**
     * The next message delivered to a subscription (decrypted and verified), waiting at most {@code seconds}; null
     * if none came.
     */
    public Received next(Subscription s, int seconds) throws InterruptedException {
        return queue(s.id()).poll(seconds, TimeUnit.SECONDS);
    }

    /** Messages delivered to a subscription and not yet taken with {@link #next}. */
    public int pending(Subscription s) {
        return queue(s.id()).size();
    }

    private LinkedBlockingQueue<Received> queue(String id) {
        return received.computeIfAbsent(id, k -> new LinkedBlockingQueue<>());
    }

    /** Why the service refused messages to a subscription (bad VAPID, undecryptable), oldest first. */
    public List<String> refusals(Subscription s) {
        synchronized (refusals) {
            return refusals.stream().filter(r -> r.subscription().equals(s.id())).map(Refusal::why).toList();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String id = ex.getRequestURI().getPath().substring("/push/".length());
            Subscription s = subscriptions.get(id);
            byte[] body = ex.getRequestBody().readAllBytes();
            if (s == null || !ex.getRequestMethod().equals("POST")) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            Deque<Answer> queue = answers.get(id);
            Answer planned = queue == null ? null : queue.poll();
            if (planned != null) {
                if (planned.retryAfter() != null) {
                    ex.getResponseHeaders().set("Retry-After", planned.retryAfter());
                }
                ex.sendResponseHeaders(planned.status(), -1);
                return;
            }
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, v.getFirst()));
            String why = null;
            Map<String, Object> claims = null;
            String k = null;
            byte[] plaintext = null;
            try {
                String[] vapid = parseVapid(headers.get("Authorization"));
                k = vapid[1];
                claims = verifyVapid(vapid[0], k);
                if (expectedVapidKey != null && !expectedVapidKey.equals(k)) {
                    throw new IllegalArgumentException("VAPID key is not the one the subscription was made with");
                }
                if (!"aes128gcm".equals(headers.get("Content-Encoding"))) {
                    throw new IllegalArgumentException("Content-Encoding is not aes128gcm");
                }
                if (headers.get("TTL") == null) {
                    throw new IllegalArgumentException("no TTL");
                }
                plaintext = decrypt(body, s.privateKey(), s.publicKey(), s.authSecret());
            } catch (RuntimeException | GeneralSecurityException e) {
                why = e.getMessage();
            }
            if (why != null) {
                refusals.add(new Refusal(id, why));
                ex.sendResponseHeaders(why.startsWith("VAPID") ? 403 : 400, -1);
                return;
            }
            queue(id).add(new Received(id, plaintext, Collections.unmodifiableMap(headers), k, claims));
            ex.getResponseHeaders().set("Location", origin() + "/message/" + B64.encodeToString(randomBytes(8)));
            ex.sendResponseHeaders(201, -1);
        }
    }

    private static String[] parseVapid(String authorization) {
        if (authorization == null || !authorization.startsWith("vapid ")) {
            throw new IllegalArgumentException("VAPID: no 'vapid' Authorization");
        }
        String t = null;
        String k = null;
        for (String part : authorization.substring(6).split(",")) {
            String p = part.strip();
            if (p.startsWith("t=")) {
                t = p.substring(2);
            } else if (p.startsWith("k=")) {
                k = p.substring(2);
            }
        }
        if (t == null || k == null) {
            throw new IllegalArgumentException("VAPID: t or k missing");
        }
        return new String[] {t, k};
    }

    /** RFC 8292 §2 and RFC 7515: ES256 over "header.payload", the signature as r||s (64 bytes). */
    private Map<String, Object> verifyVapid(String jwt, String k) throws GeneralSecurityException {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("VAPID: not a JWS compact serialisation");
        }
        String header = new String(D64.decode(parts[0]), StandardCharsets.UTF_8);
        if (!header.replace(" ", "").contains("\"alg\":\"ES256\"")) {
            throw new IllegalArgumentException("VAPID: alg is not ES256");
        }
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(publicKey(D64.decode(k)));
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        if (!verifier.verify(D64.decode(parts[2]))) {
            throw new IllegalArgumentException("VAPID: bad signature");
        }
        Map<String, Object> claims;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> c = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue(D64.decode(parts[1]), Map.class);
            claims = c;
        } catch (IOException e) {
            throw new IllegalArgumentException("VAPID: claims are not JSON");
        }
        if (!origin().equals(claims.get("aud"))) {
            throw new IllegalArgumentException("VAPID: aud is " + claims.get("aud") + ", not " + origin());
        }
        long exp = ((Number) claims.getOrDefault("exp", 0)).longValue();
        long now = Instant.now().getEpochSecond();
        if (exp <= now || exp > now + 24 * 3600) {
            throw new IllegalArgumentException("VAPID: exp not within the next 24 hours");
        }
        if (!(claims.get("sub") instanceof String sub) || !(sub.startsWith("mailto:") || sub.startsWith("https:"))) {
            throw new IllegalArgumentException("VAPID: no mailto: or https: subject");
        }
        return claims;
    }

    /**
     * RFC 8291 §3.4 with RFC 8188: decrypts a message body (one record) with the user agent's private key, its
     * public key and the auth secret, and removes the padding.
     */
    public static byte[] decrypt(byte[] body, ECPrivateKey uaPrivate, byte[] uaPublic, byte[] auth)
            throws GeneralSecurityException {
        ByteBuffer b = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        b.get(salt);
        int rs = b.getInt();
        int idlen = b.get() & 0xff;
        if (idlen != 65 || rs < 18) {
            throw new GeneralSecurityException("aes128gcm header: keyid must be a 65-byte key, rs at least 18");
        }
        byte[] asPublic = new byte[idlen];
        b.get(asPublic);
        byte[] ciphertext = new byte[b.remaining()];
        b.get(ciphertext);
        if (ciphertext.length > rs) {
            throw new GeneralSecurityException("more than one record");
        }
        KeyAgreement ka = KeyAgreement.getInstance("ECDH");
        ka.init(uaPrivate);
        ka.doPhase(publicKey(asPublic), true);
        byte[] ecdhSecret = ka.generateSecret();
        byte[] keyInfo = concat("WebPush: info".getBytes(StandardCharsets.US_ASCII), new byte[] {0}, uaPublic,
                asPublic);
        byte[] prkKey = hmac(auth, ecdhSecret);
        byte[] ikm = hmac(prkKey, concat(keyInfo, new byte[] {1}));
        byte[] prk = hmac(salt, ikm);
        byte[] cek = Arrays.copyOf(hmac(prk, concat("Content-Encoding: aes128gcm".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0, 1})), 16);
        byte[] nonce = Arrays.copyOf(hmac(prk, concat("Content-Encoding: nonce".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0, 1})), 12);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] padded = gcm.doFinal(ciphertext);
        int end = padded.length - 1;
        while (end >= 0 && padded[end] == 0) {
            end--;
        }
        if (end < 0 || padded[end] != 2) {
            throw new GeneralSecurityException("the last record does not end with the 0x02 delimiter");
        }
        return Arrays.copyOf(padded, end);
    }

    /** A private key from its 32-byte scalar (RFC 8291's vectors give keys this way). */
    public static ECPrivateKey privateKey(byte[] d) throws GeneralSecurityException {
        return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(new BigInteger(1, d),
                p256()));
    }

    static PublicKey publicKey(byte[] uncompressed) throws GeneralSecurityException {
        if (uncompressed.length != 65 || uncompressed[0] != 4) {
            throw new GeneralSecurityException("not an uncompressed P-256 point");
        }
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)),
                new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, p256()));
    }

    private static ECParameterSpec p256() throws GeneralSecurityException {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec("secp256r1"));
        return p.getParameterSpec(ECParameterSpec.class);
    }

    static byte[] uncompressed(ECPublicKey k) {
        byte[] out = new byte[65];
        out[0] = 4;
        put32(k.getW().getAffineX(), out, 1);
        put32(k.getW().getAffineY(), out, 33);
        return out;
    }

    private static void put32(BigInteger v, byte[] out, int at) {
        byte[] b = v.toByteArray();
        if (b.length > 32) {
            b = Arrays.copyOfRange(b, b.length - 32, b.length);
        }
        System.arraycopy(b, 0, out, at + 32 - b.length, b.length);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
