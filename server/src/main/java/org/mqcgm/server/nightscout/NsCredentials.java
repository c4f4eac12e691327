package org.mqcgm.server.nightscout;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.db.Notifications;
import org.mqcgm.server.platform.db.StaleGuard;
import org.mqcgm.server.platform.security.Authenticator;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * The Nightscout clients' credentials: each belongs to one wearer, reads or reads and writes, and is shown once.
 * A credential has two secrets, because clients authenticate in two ways: an API secret (sent as
 * {@code api-secret: sha1hex(secret)} — SHA-512 hex too — or as {@code ?secret=}) and a role token
 * ({@code ?token=}, {@code api-secret: token} or {@code api-secret: sha1hex(token)}, and exchanged for a JWT).
 * Only SHA-256 digests of what clients send are stored. Principals are cached; a revocation is seen at once on this
 * node and by notice on the others, and a closed account's credentials stop with its other credentials
 * ({@link Authenticator#CREDENTIALS_CHANGED}).
 */
final class NsCredentials {

    /** Told, with the owner id, whenever a credential of the owner is revoked. */
    static final String CHANNEL = "mqcgm_nightscout_credentials";
    private static final Duration CACHE_FOR = Duration.ofMinutes(5);
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    enum AccessLevel {
        READ("read"), READWRITE("readwrite");

        final String id;

        AccessLevel(String id) {
            this.id = id;
        }

        static Optional<AccessLevel> parse(String id) {
            for (AccessLevel a : values()) {
                if (a.id.equals(id)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }

        Set<Scope> scopes() {
            return this == READ ? EnumSet.of(Scope.READINGS_READ)
                    : EnumSet.of(Scope.READINGS_READ, Scope.READINGS_WRITE);
        }
    }

    /** A credential as its owner sees it (never its secrets). */
    record Info(UUID id, String name, AccessLevel access, String site, Instant createdAt, Instant lastUsedAt,
                Instant revokedAt) {
    }

    /** A new credential with its secrets, shown once. */
    record Issued(Info info, String secret, String token) {
    }

    /** A live credential found by what a client sent. */
    record Found(UUID owner, UUID id, String name, AccessLevel access, String site, Principal principal) {
    }

    private record Cached(Found found, Instant touched) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final Cache<String, Cached> cache = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(CACHE_FOR).build();
    private final StaleGuard guard = new StaleGuard();

    NsCredentials(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Revocations on other nodes, and closed accounts, reach this node's cache. */
    void listen(Notifications notifications) {
        guard.listen(notifications, CHANNEL, this::forget, cache::invalidateAll);
        guard.listen(notifications, Authenticator.CREDENTIALS_CHANGED, this::forget, cache::invalidateAll);
    }

    Issued create(UUID owner, String name, AccessLevel access) {
        UUID id = UUID.randomUUID();
        String secret = random(24);
        String token = slug(name) + "-" + HexFormat.of().formatHex(bytes(16));
        String site = random(12);
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into nightscout_credential (owner_id, id, name, access, site, secret_sha1, secret_sha512,
                                                           token_digest, token_sha1, created_at)
                        values (:owner, :id, :name, :access, :site, :s1, :s512, :t, :t1, :now)""")
                .bind("owner", owner).bind("id", id).bind("name", name).bind("access", access.id)
                .bind("site", site)
                .bind("s1", digest(hex("SHA-1", secret)))
                .bind("s512", digest(hex("SHA-512", secret)))
                .bind("t", digest(token))
                .bind("t1", digest(hex("SHA-1", token)))
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .execute());
        return new Issued(new Info(id, name, access, site, now, null, null), secret, token);
    }

    List<Info> list(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, name, access, site, created_at, last_used_at, revoked_at from nightscout_credential
                        where owner_id = :owner order by created_at, id""")
                .bind("owner", owner)
                .map((rs, ctx) -> new Info(rs.getObject("id", UUID.class), rs.getString("name"),
                        AccessLevel.parse(rs.getString("access")).orElseThrow(), rs.getString("site"),
                        instant(rs.getObject("created_at", OffsetDateTime.class)),
                        instant(rs.getObject("last_used_at", OffsetDateTime.class)),
                        instant(rs.getObject("revoked_at", OffsetDateTime.class))))
                .list());
    }

    /** Revokes one credential of the owner at once; false when the owner has no such live credential. */
    boolean revoke(UUID owner, UUID id) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("""
                            update nightscout_credential set revoked_at = :now
                            where owner_id = :owner and id = :id and revoked_at is null""")
                    .bind("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                    .bind("owner", owner).bind("id", id).execute();
            if (n > 0) {
                revoked(h, owner);
            }
            return n > 0;
        });
    }

    private void revoked(Handle h, UUID owner) {
        Notifications.send(h, CHANNEL, owner.toString());
        forget(owner);
        StaleGuard.againAfterCommit(h, () -> forget(owner));
    }

    private void forget(UUID owner) {
        guard.invalidating();
        cache.asMap().values().removeIf(c -> c.found().owner().equals(owner));
    }

    /**
     * The live credential of which {@code value} is the SHA-1 hex (any case) or SHA-512 hex of the secret, the role
     * token, or the SHA-1 hex of the role token: what clients put into {@code api-secret}.
     */
    Optional<Found> byApiSecret(String value) {
        if (value == null || value.isEmpty() || value.length() > 200) {
            return Optional.empty();
        }
        String v = value.trim();
        return lookup(v.matches("[0-9a-fA-F]{40}|[0-9a-fA-F]{128}") ? v.toLowerCase(Locale.ROOT) : v);
    }

    /** The live credential whose secret is {@code secret} (Nightscout's {@code ?secret=} carries the plain hash). */
    Optional<Found> bySecret(String secret) {
        return byApiSecret(secret);
    }

    /** The live credential whose role token is {@code token}. */
    Optional<Found> byToken(String token) {
        if (token == null || token.isEmpty() || token.length() > 200) {
            return Optional.empty();
        }
        return lookup(token.trim());
    }

    private Optional<Found> lookup(String presented) {
        byte[] d = digest(presented);
        String key = HexFormat.of().formatHex(d);
        Instant now = clock.instant();
        Cached hit = cache.getIfPresent(key);
        if (hit != null) {
            if (hit.touched().isBefore(now.minus(TOUCH_EVERY))) {
                cache.put(key, new Cached(hit.found(), now));
                Thread.ofVirtual().start(() -> touch(hit.found(), now));
            }
            return Optional.of(hit.found());
        }
        long seen = guard.mark();
        Optional<Found> found = jdbi.withHandle(h -> h.createQuery("""
                        select c.owner_id, c.id, c.name, c.access, c.site from nightscout_credential c
                        join account a on a.id = c.owner_id
                        where (c.secret_sha1 = :d or c.secret_sha512 = :d or c.token_digest = :d or c.token_sha1 = :d)
                          and c.revoked_at is null and a.status = 'active'""")
                .bind("d", d)
                .map((rs, ctx) -> {
                    UUID owner = rs.getObject("owner_id", UUID.class);
                    UUID id = rs.getObject("id", UUID.class);
                    AccessLevel access = AccessLevel.parse(rs.getString("access")).orElseThrow();
                    return new Found(owner, id, rs.getString("name"), access, rs.getString("site"),
                            new Principal(owner, Principal.Method.NIGHTSCOUT, access.scopes(), Set.of(), false, null,
                                    id.toString()));
                })
                .findOne());
        found.ifPresent(f -> {
            cache.put(key, new Cached(f, now));
            if (guard.changedSince(seen)) {
                cache.invalidate(key);
            }
            touch(f, now);
        });
        return found;
    }

    private void touch(Found f, Instant now) {
        jdbi.useHandle(h -> h.createUpdate(
                        "update nightscout_credential set last_used_at = :now where owner_id = :o and id = :id")
                .bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC)).bind("o", f.owner()).bind("id", f.id())
                .execute());
    }

    /** Nightscout's role-token name part: lower case, word characters only, at most ten. */
    static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "");
        s = s.length() > 10 ? s.substring(0, 10) : s;
        return s.isEmpty() ? "client" : s;
    }

    static String hex(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] digest(String text) {
        return HexFormat.of().parseHex(hex("SHA-256", text));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** {@code n} random characters of lower-case base32 (5 bits each). */
    private static String random(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append(BASE32[RANDOM.nextInt(32)]);
        }
        return s.toString();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
