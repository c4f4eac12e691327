package org.mqcgm.server.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * Web sessions. A session ends after {@code idle} without requests or {@code absolute} after login, whichever
 * comes first; logout deletes it. Only a hash of the cookie is stored (see {@link Credentials}).
 */
public final class Sessions {

    static final String PREFIX = "";
    /** Last-seen is written at most this often per session, to keep reads from turning into writes. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration idle;
    private final Duration absolute;

    public Sessions(Jdbi jdbi, Clock clock, Duration idle, Duration absolute) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.idle = idle;
        this.absolute = absolute;
    }

    /** Starts a session and returns the cookie value. */
    public String start(UUID ownerId) {
        Credentials.Issued issued = Credentials.issue(ownerId, PREFIX);
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into web_session (owner_id, token_hash, created_at, last_seen_at, expires_at)
                        values (:owner, :hash, :now, :now, :expires)""")
                .bind("owner", ownerId)
                .bind("hash", issued.stored().hash())
                .bind("now", utc(now))
                .bind("expires", utc(now.plus(absolute)))
                .execute());
        return issued.secret();
    }

    /** The principal of a live session. */
    public Optional<Principal> resolve(String cookieValue) {
        Optional<Credentials> credentials = Credentials.parse(cookieValue, PREFIX);
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        Credentials c = credentials.get();
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createQuery("""
                        select last_seen_at from web_session
                        where owner_id = :owner and token_hash = :hash
                          and expires_at > :now and last_seen_at > :idleCutoff""")
                .bind("owner", c.ownerId())
                .bind("hash", c.hash())
                .bind("now", utc(now))
                .bind("idleCutoff", utc(now.minus(idle)))
                .mapTo(OffsetDateTime.class)
                .findOne()
                .map(lastSeen -> {
                    if (lastSeen.toInstant().isBefore(now.minus(TOUCH_EVERY))) {
                        h.createUpdate("""
                                        update web_session set last_seen_at = :now
                                        where owner_id = :owner and token_hash = :hash""")
                                .bind("now", utc(now)).bind("owner", c.ownerId()).bind("hash", c.hash()).execute();
                    }
                    return new Principal(c.ownerId(), Principal.Method.SESSION, EnumSet.allOf(Scope.class),
                            c.shortId());
                }));
    }

    /** Ends one session (logout). */
    public void end(String cookieValue) {
        Credentials.parse(cookieValue, PREFIX).ifPresent(c -> jdbi.useHandle(h -> h.createUpdate(
                        "delete from web_session where owner_id = :owner and token_hash = :hash")
                .bind("owner", c.ownerId()).bind("hash", c.hash()).execute()));
    }

    /** Ends every session of a user (logout everywhere, password reset, reported compromise). */
    public int endAll(UUID ownerId) {
        return jdbi.withHandle(h -> h.createUpdate("delete from web_session where owner_id = :owner")
                .bind("owner", ownerId).execute());
    }

    public Duration absoluteTimeout() {
        return absolute;
    }

    static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
