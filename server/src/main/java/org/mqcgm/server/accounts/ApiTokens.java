package org.mqcgm.server.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.db.StaleGuard;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API tokens for apps, uploaders and the collector: 256 random bits plus the owner id, shown once at creation,
 * stored only as a SHA-256 hash, limited to scopes, named, listed with creation and last use, revocable at once.
 * Each expires: {@link #DEFAULT_DAYS} days after creation unless the owner chose another lifetime (at most
 * {@link #MAX_DAYS} days) or, explicitly, none; an expired token is refused like a revoked one, and a token within
 * {@link #NEAR_EXPIRY} of its end is flagged where tokens are listed.
 *
 * <p>Authenticating a token is on the path of every upload, so live tokens are cached in memory. The cache never
 * outlives a revocation: revoking invalidates this node's entries of the owner at once and sends a PostgreSQL
 * {@code NOTIFY} that every other node's listener turns into the same invalidation; when a listener loses its
 * connection it empties its cache. Entries also expire after 30 seconds.
 */
public final class ApiTokens {

    private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);
    public static final String PREFIX = "mqcgm_";
    static final String CHANNEL = org.mqcgm.server.platform.security.Authenticator.CREDENTIALS_CHANGED;
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    /** A new token's lifetime when none is chosen. */
    public static final int DEFAULT_DAYS = 90;
    /** The longest lifetime a token may be given (besides an explicit "never"). */
    public static final int MAX_DAYS = 365;
    /** How long before its end a token is listed as expiring soon. */
    public static final Duration NEAR_EXPIRY = Duration.ofDays(14);
    /**
     * Marks the live tokens that end within {@link #NEAR_EXPIRY} of {@code now} and were not announced yet (one
     * statement: parallel runs cannot announce a token twice) and returns their owners.
     */
    java.util.Set<UUID> markExpiringNotices(Instant now) {
        return new java.util.HashSet<>(jdbi.withHandle(h -> h.createQuery("""
                        update api_token set expiry_notice_at = :now
                        where revoked_at is null and expiry_notice_at is null
                          and expires_at > :now and expires_at <= :soon
                        returning owner_id""")
                .bind("now", Sessions.utc(now)).bind("soon", Sessions.utc(now.plus(NEAR_EXPIRY)))
                .mapTo(UUID.class).list()));
    }

    /** The default lifetime. */
    public static final Lifetime DEFAULT_LIFETIME = Lifetime.days(DEFAULT_DAYS);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Cache<String, Cached> cache = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofSeconds(30))
            .build();

    private record Cached(Principal principal, UUID tokenId, Instant touched, Instant expiresAt) {
        boolean expiredAt(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    /**
     * How long a new token lives: a number of days from 1 to {@link #MAX_DAYS}, or never ({@code days} null) —
     * only by an explicit choice, shown as such wherever the token is listed.
     */
    public record Lifetime(Integer days) {
        public static final Lifetime NEVER = new Lifetime(null);

        public Lifetime {
            if (days != null && (days < 1 || days > MAX_DAYS)) {
                throw new IllegalArgumentException("a token lives 1 to " + MAX_DAYS + " days");
            }
        }

        public static Lifetime days(int days) {
            return new Lifetime(days);
        }

        /** The end of a token made at {@code created}, or null for never. */
        Instant end(Instant created) {
            return days == null ? null : created.plus(Duration.ofDays(days));
        }

        /**
         * Reads a lifetime as given by a client: absent or blank → the default; {@code never} → never; else a
         * whole number of days from 1 to {@link #MAX_DAYS}. Empty when it is none of these.
         */
        public static Optional<Lifetime> parse(String text) {
            if (text == null || text.isBlank()) {
                return Optional.of(DEFAULT_LIFETIME);
            }
            if (text.trim().equals("never")) {
                return Optional.of(NEVER);
            }
            try {
                int d = Integer.parseInt(text.trim());
                return d >= 1 && d <= MAX_DAYS ? Optional.of(days(d)) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /** A principal loaded while the owner's entries were invalidated is not kept (see {@link StaleGuard}). */
    private final StaleGuard guard = new StaleGuard();

    public ApiTokens(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * A token as listed to its owner (never the secret).
     */
    public record TokenInfo(UUID id, String name, Set<Scope> scopes, Instant createdAt, Instant lastUsedAt,
                            Instant revokedAt, Instant expiresAt) {
        /** Not revoked (an expired token is not revoked, but no longer authenticates: see {@link #usableAt}). */
        public boolean active() {
            return revokedAt == null;
        }

        public boolean neverExpires() {
            return expiresAt == null;
        }

        public boolean expiredAt(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }

        /** Not revoked and not expired at {@code now}. */
        public boolean usableAt(Instant now) {
            return active() && !expiredAt(now);
        }

        /** Usable, and ending within {@link #NEAR_EXPIRY} of {@code now}: the owner should make a new one. */
        public boolean expiringSoonAt(Instant now) {
            return usableAt(now) && expiresAt != null && expiresAt.isBefore(now.plus(NEAR_EXPIRY));
        }
    }

    /** The token's secret (shown once), its id and its end (null: never). */
    public record Created(String secret, UUID id, Instant expiresAt) {
    }

    /** Creates a token of the default lifetime; the returned secret is shown to the user once and never stored. */
    public String create(UUID ownerId, String name, Set<Scope> scopes) {
        return createWithId(ownerId, name, scopes).secret();
    }

    /** Creates a token of the given lifetime; the returned secret is shown once and never stored. */
    public String create(UUID ownerId, String name, Set<Scope> scopes, Lifetime lifetime) {
        return createWithId(ownerId, name, scopes, lifetime).secret();
    }

    public Created createWithId(UUID ownerId, String name, Set<Scope> scopes) {
        return createWithId(ownerId, name, scopes, DEFAULT_LIFETIME);
    }

    public Created createWithId(UUID ownerId, String name, Set<Scope> scopes, Lifetime lifetime) {
        Credentials.Issued issued = Credentials.issue(ownerId, PREFIX);
        UUID id = UUID.randomUUID();
        String[] scopeIds = scopes.stream().map(Scope::id).sorted().toArray(String[]::new);
        Instant now = clock.instant();
        Instant end = lifetime.end(now);
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into api_token (owner_id, id, token_hash, name, scopes, created_at, expires_at)
                        values (:owner, :id, :hash, :name, :scopes, :now, :end)""")
                .bind("owner", ownerId)
                .bind("id", id)
                .bind("hash", issued.stored().hash())
                .bind("name", name)
                .bind("scopes", scopeIds)
                .bind("now", Sessions.utc(now))
                .bind("end", end == null ? null : Sessions.utc(end))
                .execute());
        return new Created(issued.secret(), id, end);
    }

    /** The principal of a live token. */
    public Optional<Principal> resolve(String token) {
        Optional<Credentials> parsed = Credentials.parse(token, PREFIX);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        Credentials c = parsed.get();
        String key = c.ownerId() + ":" + HexFormat.of().formatHex(c.hash());
        Instant now = clock.instant();
        Cached hit = cache.getIfPresent(key);
        if (hit != null && hit.expiredAt(now)) {
            cache.invalidate(key);
            return Optional.empty();
        }
        if (hit != null) {
            if (hit.touched().isBefore(now.minus(TOUCH_EVERY))) {
                cache.put(key, new Cached(hit.principal(), hit.tokenId(), now, hit.expiresAt()));
                Thread.ofVirtual().start(() -> touch(c.ownerId(), hit.tokenId(), now));
            }
            return Optional.of(hit.principal());
        }
        long seen = guard.mark();
        Optional<Cached> loaded = jdbi.withHandle(h -> h.createQuery("""
                        select t.id, t.scopes, t.expires_at, t.last_used_at,
                               a.totp_enabled_at is not null as two_factor,
                               array(select role from account_role r where r.owner_id = t.owner_id) as roles
                        from api_token t join account a on a.id = t.owner_id
                        where t.owner_id = :owner and t.token_hash = :hash and t.revoked_at is null
                          and (t.expires_at is null or t.expires_at > :now)
                          and a.status = 'active'""")
                .bind("owner", c.ownerId())
                .bind("now", Sessions.utc(now))
                .bind("hash", c.hash())
                .map((rs, ctx) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    // Written at most every TOUCH_EVERY, also when the cache reloads the token: an open live
                    // stream's credential is checked again every 30 s (AccessControl) and the cache keeps a token
                    // 30 s, so touching at every load wrote the row twice a minute per stream (2,000 streams:
                    // 67 durable commits a second, twice the uploads' own; docs/benchmarks.md, the soak).
                    Instant lastUsed = instant(rs.getObject("last_used_at", OffsetDateTime.class));
                    boolean touch = lastUsed == null || lastUsed.isBefore(now.minus(TOUCH_EVERY));
                    return new Cached(new Principal(c.ownerId(), Principal.Method.API_TOKEN,
                            scopes(rs.getArray("scopes")), AccountStore.roles((String[]) rs.getArray("roles").getArray()),
                            rs.getBoolean("two_factor"), null, id.toString()), id, touch ? now : lastUsed,
                            instant(rs.getObject("expires_at", OffsetDateTime.class)));
                })
                .findOne());
        loaded.ifPresent(l -> {
            cache.put(key, l);
            if (guard.changedSince(seen)) {
                cache.invalidate(key);
            }
            if (l.touched().equals(now)) {
                touch(c.ownerId(), l.tokenId(), now);
            }
        });
        return loaded.map(Cached::principal);
    }

    private void touch(UUID owner, UUID id, Instant now) {
        jdbi.useHandle(h -> {
            h.createUpdate("update api_token set last_used_at = :now where owner_id = :o and id = :id")
                    .bind("now", Sessions.utc(now)).bind("o", owner).bind("id", id).execute();
            // An upload or any use of a token is activity: the account is not "stopped using". Kept to the
            // day: a token's every use does not write the account row (nor wait on a transaction holding it).
            h.createUpdate("update account set last_active_at = :now where id = :o and last_active_at < :dayBefore")
                    .bind("now", Sessions.utc(now))
                    .bind("dayBefore", Sessions.utc(now.minus(java.time.Duration.ofDays(1)))).bind("o", owner).execute();
        });
    }

    /** "Now" for tokens' ends (the system clock). */
    Instant now() {
        return clock.instant();
    }

    public List<TokenInfo> list(UUID ownerId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, name, scopes, created_at, last_used_at, revoked_at, expires_at from api_token
                        where owner_id = :owner order by created_at desc""")
                .bind("owner", ownerId)
                .map((rs, ctx) -> new TokenInfo(
                        rs.getObject("id", UUID.class),
                        rs.getString("name"),
                        scopes(rs.getArray("scopes")),
                        instant(rs.getObject("created_at", OffsetDateTime.class)),
                        instant(rs.getObject("last_used_at", OffsetDateTime.class)),
                        instant(rs.getObject("revoked_at", OffsetDateTime.class)),
                        instant(rs.getObject("expires_at", OffsetDateTime.class))))
                .list());
    }

    /** Revokes one token of the owner; false when the owner has no such active token. */
    public boolean revoke(UUID ownerId, UUID tokenId) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("""
                            update api_token set revoked_at = :now
                            where owner_id = :owner and id = :id and revoked_at is null""")
                    .bind("now", Sessions.utc(clock.instant()))
                    .bind("owner", ownerId)
                    .bind("id", tokenId)
                    .execute();
            // An app that logs out loses its push alias with its token (PR-12); its device is unlinked, and its
            // platform facts are purged 90 days later unless the app registers again (PR-14).
            h.createUpdate(UNLINK + " and token_id = :id")
                    .bind("now", Sessions.utc(clock.instant())).bind("owner", ownerId).bind("id", tokenId).execute();
            revoked(h, ownerId);
            return n == 1;
        });
    }

    /** Revokes every active token of the owner with this name (the demo re-issues its token at each start). */
    public int revokeNamed(UUID ownerId, String name) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("""
                            update api_token set revoked_at = :now
                            where owner_id = :owner and name = :name and revoked_at is null""")
                    .bind("now", Sessions.utc(clock.instant()))
                    .bind("owner", ownerId)
                    .bind("name", name)
                    .execute();
            revoked(h, ownerId);
            return n;
        });
    }

    /** Implicit unlinking of devices whose credential ends (see {@link Devices#purgeUnlinked}). */
    private static final String UNLINK = """
            update device set unlinked_at = coalesce(unlinked_at, :now), push_alias = null, token_id = null
            where owner_id = :owner""";

    /** Revokes all tokens of the owner (password reset, reported compromise); every device is unlinked. */
    public int revokeAll(UUID ownerId) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("update api_token set revoked_at = :now where owner_id = :owner and revoked_at is null")
                    .bind("now", Sessions.utc(clock.instant())).bind("owner", ownerId).execute();
            h.createUpdate(UNLINK).bind("now", Sessions.utc(clock.instant())).bind("owner", ownerId).execute();
            revoked(h, ownerId);
            return n;
        });
    }

    /** Something about the owner's credentials changed (revocation, roles): forget cached principals everywhere. */
    void revoked(Handle h, UUID ownerId) {
        org.mqcgm.server.platform.db.Notifications.send(h, CHANNEL, ownerId.toString());
        invalidateOwner(ownerId.toString());
        // Again once the revocation is visible: a request on this node that read the token in between (the change
        // not yet committed) would otherwise have cached it until the listener's notice or the expiry.
        StaleGuard.againAfterCommit(h, () -> invalidateOwner(ownerId.toString()));
    }

    private void invalidateOwner(String owner) {
        guard.invalidating();
        cache.asMap().keySet().removeIf(k -> k.startsWith(owner + ":"));
    }

    /**
     * Revocations made by other server nodes reach this node's cache through {@code notifications}; when the
     * listener loses its connection, everything cached is forgotten (a revocation may have been missed).
     */
    public void listenForRevocations(org.mqcgm.server.platform.db.Notifications notifications) {
        notifications.on(CHANNEL, this::invalidateOwner, cache::invalidateAll);
    }

    private static Set<Scope> scopes(Array array) throws SQLException {
        String[] ids = (String[]) array.getArray();
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        Arrays.stream(ids).map(Scope::parse).flatMap(Optional::stream).forEach(out::add);
        return out;
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
