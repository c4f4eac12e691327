package org.mqcgm.server.accounts;

import java.sql.Array;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * API tokens for apps, uploaders and the collector: 256 random bits plus the owner id, shown once at creation,
 * stored only as a SHA-256 hash, limited to scopes, named, listed with creation and last use, revocable at once.
 */
public final class ApiTokens {

    public static final String PREFIX = "mqcgm_";
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final Jdbi jdbi;
    private final Clock clock;

    public ApiTokens(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * A token as listed to its owner (never the secret).
     */
    public record TokenInfo(UUID id, String name, Set<Scope> scopes, Instant createdAt, Instant lastUsedAt,
                            Instant revokedAt) {
        public boolean active() {
            return revokedAt == null;
        }
    }

    /** Creates a token; the returned secret is shown to the user once and never stored. */
    public String create(UUID ownerId, String name, Set<Scope> scopes) {
        Credentials.Issued issued = Credentials.issue(ownerId, PREFIX);
        String[] scopeIds = scopes.stream().map(Scope::id).sorted().toArray(String[]::new);
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into api_token (owner_id, id, token_hash, name, scopes, created_at)
                        values (:owner, :id, :hash, :name, :scopes, :now)""")
                .bind("owner", ownerId)
                .bind("id", UUID.randomUUID())
                .bind("hash", issued.stored().hash())
                .bind("name", name)
                .bind("scopes", scopeIds)
                .bind("now", Sessions.utc(clock.instant()))
                .execute());
        return issued.secret();
    }

    /** The principal of a live token. */
    public Optional<Principal> resolve(String token) {
        Optional<Credentials> parsed = Credentials.parse(token, PREFIX);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        Credentials c = parsed.get();
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, scopes, last_used_at from api_token
                        where owner_id = :owner and token_hash = :hash and revoked_at is null""")
                .bind("owner", c.ownerId())
                .bind("hash", c.hash())
                .map((rs, ctx) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    OffsetDateTime lastUsed = rs.getObject("last_used_at", OffsetDateTime.class);
                    if (lastUsed == null || lastUsed.toInstant().isBefore(now.minus(TOUCH_EVERY))) {
                        h.createUpdate("update api_token set last_used_at = :now where owner_id = :o and id = :id")
                                .bind("now", Sessions.utc(now)).bind("o", c.ownerId()).bind("id", id).execute();
                    }
                    return new Principal(c.ownerId(), Principal.Method.API_TOKEN, scopes(rs.getArray("scopes")),
                            id.toString());
                })
                .findOne());
    }

    public List<TokenInfo> list(UUID ownerId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, name, scopes, created_at, last_used_at, revoked_at from api_token
                        where owner_id = :owner order by created_at desc""")
                .bind("owner", ownerId)
                .map((rs, ctx) -> new TokenInfo(
                        rs.getObject("id", UUID.class),
                        rs.getString("name"),
                        scopes(rs.getArray("scopes")),
                        instant(rs.getObject("created_at", OffsetDateTime.class)),
                        instant(rs.getObject("last_used_at", OffsetDateTime.class)),
                        instant(rs.getObject("revoked_at", OffsetDateTime.class))))
                .list());
    }

    /** Revokes one token of the owner; false when the owner has no such active token. */
    public boolean revoke(UUID ownerId, UUID tokenId) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update api_token set revoked_at = :now
                        where owner_id = :owner and id = :id and revoked_at is null""")
                .bind("now", Sessions.utc(clock.instant()))
                .bind("owner", ownerId)
                .bind("id", tokenId)
                .execute()) == 1;
    }

    /** Revokes every active token of the owner with this name (the demo re-issues its token at each start). */
    public int revokeNamed(UUID ownerId, String name) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update api_token set revoked_at = :now
                        where owner_id = :owner and name = :name and revoked_at is null""")
                .bind("now", Sessions.utc(clock.instant()))
                .bind("owner", ownerId)
                .bind("name", name)
                .execute());
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

    static String describe(Set<Scope> scopes) {
        return scopes.stream().map(Scope::id).collect(Collectors.joining(" "));
    }
}
