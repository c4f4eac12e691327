package org.mqcgm.server.clinician;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.javalin.http.Context;
import org.mqcgm.server.platform.web.Cookies;
import org.mqcgm.server.platform.web.SiteCookie;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.LinkTokens;

/**
 * Tokens, PINs and guessing limits of clinician links, and the {@link LinkTokens} port the access check asks.
 * <ul>
 *   <li>a token is 256 random bits (43 base64url characters), shown once; only its SHA-256 is stored;</li>
 *   <li>one client guessing tokens gets 429 after {@value #MISSES_PER_CLIENT} misses (unknown, revoked or malformed
 *       tokens) within {@link #MISS_WINDOW} (PR-24: 10^4 guesses a minute are refused);</li>
 *   <li>a PIN is checked against its Argon2id hash; {@value #PIN_TRIES} wrong PINs within {@link #PIN_WINDOW} make
 *       the link answer 429 until the window passes, and {@value #LOCK_AFTER} wrong PINs in all lock it for good
 *       (counted in the database, so across nodes);</li>
 *   <li>a correct PIN gives a cookie for that link only (its path), HttpOnly, SameSite=Strict, valid
 *       {@link #UNLOCKED_FOR}: an expiry and a MAC under a deployment secret, nothing stored.</li>
 * </ul>
 */
final class LinkTokenService implements LinkTokens {

    static final int TOKEN_BYTES = 32;
    static final int MISSES_PER_CLIENT = 50;
    static final Duration MISS_WINDOW = Duration.ofMinutes(15);
    static final int PIN_TRIES = 5;
    static final Duration PIN_WINDOW = Duration.ofMinutes(15);
    static final int LOCK_AFTER = 20;
    /** How long an entered PIN opens its link: the lifetime declared for the cookie in the registry. */
    static final Duration UNLOCKED_FOR = SiteCookie.LINK_UNLOCK.maxAge().orElseThrow();
    static final String COOKIE = SiteCookie.LINK_UNLOCK.baseName();
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LinkStore store;
    private final DeploymentSecrets secrets;
    private final ClientAddress clientAddress;
    private final Clock clock;
    private final Argon2Function argon2;
    private final Cache<String, Bucket> misses = Caffeine.newBuilder()
            .maximumSize(100_000).expireAfterAccess(MISS_WINDOW.multipliedBy(2)).build();

    LinkTokenService(LinkStore store, DeploymentSecrets secrets, ClientAddress clientAddress, Clock clock,
                     ServerConfig.Argon2Cost cost) {
        this.store = store;
        this.secrets = secrets;
        this.clientAddress = clientAddress;
        this.clock = clock;
        this.argon2 = Argon2Function.getInstance(cost.memoryKib(), cost.iterations(), cost.parallelism(), 32,
                Argon2.ID);
    }

    /** A fresh token (256 random bits). */
    static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String hashPin(String pin) {
        return Password.hash(pin).addRandomSalt(16).with(argon2).getResult();
    }

    boolean pinMatches(String pin, String stored) {
        try {
            return Password.check(pin, stored).with(Argon2Function.getInstanceFromHash(stored));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The client's guessing budget: its address (IPv6: its /64), keyed in memory only. */
    private Bucket bucket(Context ctx) {
        String address = clientAddress.of(ctx);
        String key = address.contains(":") ? prefix64(address) : address;
        return misses.get(key, k -> Bucket.builder().addLimit(Bandwidth.builder().capacity(MISSES_PER_CLIENT)
                .refillGreedy(MISSES_PER_CLIENT, MISS_WINDOW).build()).build());
    }

    private static String prefix64(String ipv6) {
        try {
            byte[] b = java.net.InetAddress.getByName(ipv6).getAddress();
            return b.length == 16 ? java.util.HexFormat.of().formatHex(b, 0, 8) + "::/64" : ipv6;
        } catch (java.net.UnknownHostException e) {
            return ipv6;
        }
    }

    private static ProblemException tooManyGuesses() {
        return new ProblemException(Problem.of(429, "too-many-requests", "Too many requests",
                "Too many unknown links were asked from your address. Try again later.")
                .with("retryAfter", MISS_WINDOW.toSeconds()));
    }

    @Override
    public Optional<Link> find(Context ctx, String token) {
        Bucket bucket = bucket(ctx);
        if (bucket.getAvailableTokens() <= 0) {
            throw tooManyGuesses();
        }
        Optional<LinkStore.Row> row = token != null && TOKEN.matcher(token).matches()
                ? store.byToken(hash(token)).filter(r -> r.revoked() == null) : Optional.empty();
        if (row.isEmpty()) {
            bucket.tryConsume(1);
            return Optional.empty();
        }
        LinkStore.Row r = row.get();
        State state = !clock.instant().isBefore(r.expires()) ? State.ENDED : r.locked() ? State.LOCKED : State.LIVE;
        boolean pin = r.pinHash() != null;
        return Optional.of(new Link(r.id(), r.owner(), state, pin, !pin || unlockedBy(ctx, r.id())));
    }

    /** The link's row (the access check has found it live). */
    LinkStore.Row row(Link link) {
        return store.one(link.person(), link.id()).orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    /** The outcome of a PIN entered on a link's page. */
    enum PinOutcome { RIGHT, WRONG, TOO_MANY, LOCKED }

    /** Checks a PIN; a right one sets the link's cookie. Wrong ones count towards the limits. */
    PinOutcome tryPin(Context ctx, LinkStore.Row link, String token, String pin) {
        return store.oneAtATime(link.id(), () -> store.one(link.owner(), link.id())
                .map(current -> tryPinAlone(ctx, current, token, pin)).orElse(PinOutcome.LOCKED));
    }

    /** {@link #tryPin} under the link's lock, with the link's row read under it. */
    private PinOutcome tryPinAlone(Context ctx, LinkStore.Row link, String token, String pin) {
        Instant now = clock.instant();
        if (link.locked()) {
            return PinOutcome.LOCKED;
        }
        if (store.pinFailuresInWindow(link.owner(), link.id(), now, PIN_WINDOW) >= PIN_TRIES) {
            return PinOutcome.TOO_MANY;
        }
        if (pin != null && pin.length() <= 8 && link.pinHash() != null && pinMatches(pin, link.pinHash())) {
            unlock(ctx, link.id(), token, now);
            return PinOutcome.RIGHT;
        }
        LinkStore.Failures f = store.pinFailed(link.owner(), link.id(), now, PIN_WINDOW);
        return f.total() >= LOCK_AFTER ? PinOutcome.LOCKED : PinOutcome.WRONG;
    }

    private String mac(UUID link, long until) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                secrets.pseudonym("clinician-link-unlock", link + ":" + until));
    }

    private void unlock(Context ctx, UUID link, String token, Instant now) {
        long until = now.plus(UNLOCKED_FOR).getEpochSecond();
        Cookies.setOnPath(ctx, SiteCookie.LINK_UNLOCK, until + "." + mac(link, until), "/c/" + token);
    }

    private boolean unlockedBy(Context ctx, UUID link) {
        String value = Cookies.read(ctx, SiteCookie.LINK_UNLOCK);
        if (value == null) {
            return false;
        }
        int dot = value.indexOf('.');
        if (dot < 1) {
            return false;
        }
        try {
            long until = Long.parseLong(value.substring(0, dot));
            // Under any kept version of the deployment secret (V1.6.3).
            byte[] given = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
            return clock.instant().getEpochSecond() < until && secrets.pseudonyms("clinician-link-unlock",
                    link + ":" + until).stream().anyMatch(m -> MessageDigest.isEqual(given,
                    Base64.getUrlEncoder().withoutPadding().encodeToString(m).getBytes(StandardCharsets.US_ASCII)));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
