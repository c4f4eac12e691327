package org.mqcgm.server.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * Web sessions. A session ends after {@code idle} without requests or {@code absolute} after login, whichever
 * comes first; logout deletes it; "log out everywhere", a password reset or a reported compromise delete them
 * all. Only a hash of the cookie is stored (see {@link Credentials}). A session remembers when its user last
 * confirmed their password, for sensitive actions.
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

    /** A session as listed to its owner. */
    public record SessionInfo(String id, Instant createdAt, Instant lastSeenAt, String ipPrefix, String userAgent,
                              boolean current) {
    }

    /** Starts a session right after a successful login (the login counts as recent) and returns the cookie. */
    public String start(UUID ownerId, ClientFacts client) {
        Credentials.Issued issued = Credentials.issue(ownerId, PREFIX);
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into web_session (owner_id, token_hash, created_at, last_seen_at, expires_at,
                                                 reauth_at, user_agent, ip_prefix)
                        values (:owner, :hash, :now, :now, :expires, :now, :agent, :ip)""")
                .bind("owner", ownerId)
                .bind("hash", issued.stored().hash())
                .bind("now", utc(now))
                .bind("expires", utc(now.plus(absolute)))
                .bind("agent", client.userAgent())
                .bind("ip", client.ipPrefix())
                .execute());
        return issued.secret();
    }

    /** The principal of a live session; the request counts as the person's activity. */
    public Optional<Principal> resolve(String cookieValue) {
        return resolve(cookieValue, true);
    }

    /**
     * The principal of a live session. {@code activity}: the request is something the person did, so it keeps the
     * session from its idle end; background work of an open page (its periodic refresh, an event stream and its
     * periodic re-check) is not, so watching a page does not keep a session alive forever (ASVS V3.3.2).
     */
    public Optional<Principal> resolve(String cookieValue, boolean activity) {
        Optional<Credentials> credentials = Credentials.parse(cookieValue, PREFIX);
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        Credentials c = credentials.get();
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createQuery("""
                        select s.last_seen_at, s.reauth_at, a.totp_enabled_at is not null as two_factor,
                               a.password_change_required_at is not null as change_password,
                               array(select role from account_role r where r.owner_id = s.owner_id) as roles
                        from web_session s join account a on a.id = s.owner_id
                        where s.owner_id = :owner and s.token_hash = :hash and a.status = 'active'
                          and s.expires_at > :now and s.last_seen_at > :idleCutoff""")
                .bind("owner", c.ownerId())
                .bind("hash", c.hash())
                .bind("now", utc(now))
                .bind("idleCutoff", utc(now.minus(idle)))
                .map((rs, ctx) -> {
                    OffsetDateTime lastSeen = rs.getObject("last_seen_at", OffsetDateTime.class);
                    OffsetDateTime reauth = rs.getObject("reauth_at", OffsetDateTime.class);
                    if (activity && lastSeen.toInstant().isBefore(now.minus(TOUCH_EVERY))) {
                        h.createUpdate("""
                                        update web_session set last_seen_at = :now
                                        where owner_id = :owner and token_hash = :hash""")
                                .bind("now", utc(now)).bind("owner", c.ownerId()).bind("hash", c.hash()).execute();
                    }
                    return new Principal(c.ownerId(), Principal.Method.SESSION, EnumSet.allOf(Scope.class),
                            AccountStore.roles((String[]) rs.getArray("roles").getArray()),
                            rs.getBoolean("two_factor"), reauth == null ? null : reauth.toInstant(), c.shortId(),
                            rs.getBoolean("change_password"));
                })
                .findOne());
    }

    /**
     * Whether the owner's session with listed id {@code id} (see {@link #list}) was not ended (push, PR-12): logging
     * out, ending it from Settings and closing the account delete it. A session that merely expired or went idle
     * still counts: its browser keeps getting alerts until the person logs out there — a wearer who relies on
     * lock-screen alerts must not lose them because they did not open the app for a week (the session itself
     * opens nothing any more).
     */
    boolean live(UUID ownerId, String id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select exists(select 1 from web_session s join account a on a.id = s.owner_id
                          where s.owner_id = :owner and encode(substring(s.token_hash from 1 for 6), 'hex') = :id
                            and a.status = 'active')""")
                .bind("owner", ownerId).bind("id", id).mapTo(Boolean.class).one());
    }

    /** Marks the password as just confirmed in this session. */
    void confirmedNow(String cookieValue) {
        Credentials.parse(cookieValue, PREFIX).ifPresent(c -> jdbi.useHandle(h -> h.createUpdate(
                        "update web_session set reauth_at = :now where owner_id = :owner and token_hash = :hash")
                .bind("now", utc(clock.instant())).bind("owner", c.ownerId()).bind("hash", c.hash()).execute()));
    }

    /** The owner's live sessions, newest first; {@code current} marks the one of this cookie. */
    public List<SessionInfo> list(UUID ownerId, String currentCookie) {
        String current = Credentials.parse(currentCookie, PREFIX).map(Credentials::shortId).orElse("");
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createQuery("""
                        select token_hash, created_at, last_seen_at, ip_prefix, user_agent from web_session
                        where owner_id = :owner and expires_at > :now and last_seen_at > :idleCutoff
                        order by last_seen_at desc""")
                .bind("owner", ownerId)
                .bind("now", utc(now))
                .bind("idleCutoff", utc(now.minus(idle)))
                .map((rs, ctx) -> {
                    String id = java.util.HexFormat.of().formatHex(rs.getBytes("token_hash"), 0, 6);
                    return new SessionInfo(id, rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                            rs.getObject("last_seen_at", OffsetDateTime.class).toInstant(),
                            rs.getString("ip_prefix"), rs.getString("user_agent"), id.equals(current));
                })
                .list());
    }

    /** Ends one session (logout). */
    public void end(String cookieValue) {
        Credentials.parse(cookieValue, PREFIX).ifPresent(c -> jdbi.useTransaction(h -> ended(h, c.ownerId(),
                h.createUpdate("delete from web_session where owner_id = :owner and token_hash = :hash")
                        .bind("owner", c.ownerId()).bind("hash", c.hash()).execute())));
    }

    /** Open event streams of the owner, on every node, check their credential again when sessions ended. */
    private static int ended(org.jdbi.v3.core.Handle h, UUID ownerId, int sessions) {
        if (sessions > 0) {
            org.mqcgm.server.platform.db.Notifications.send(h, ApiTokens.CHANNEL, ownerId.toString());
        }
        return sessions;
    }

    /** Ends one session of the owner by its listed id (the first six bytes of its hash, in hex). */
    public boolean endById(UUID ownerId, String id) {
        if (id == null || !id.matches("[0-9a-f]{12}")) {
            return false;
        }
        return jdbi.inTransaction(h -> ended(h, ownerId, h.createUpdate("""
                        delete from web_session where owner_id = :owner and substring(token_hash from 1 for 6) = :prefix""")
                .bind("owner", ownerId).bind("prefix", java.util.HexFormat.of().parseHex(id)).execute())) > 0;
    }

    /** Ends every session of a user (logout everywhere, password reset, reported compromise). */
    public int endAll(UUID ownerId) {
        return jdbi.inTransaction(h -> ended(h, ownerId, h.createUpdate("delete from web_session where owner_id = :owner")
                .bind("owner", ownerId).execute()));
    }

    public Duration absoluteTimeout() {
        return absolute;
    }

    static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
