package org.mqcgm.server.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The security activity of an account: logins, failures, changes of credentials, tokens and devices. Shown to
 * the user on the Security activity page; also the memory the login throttle counts failures in.
 */
public final class SecurityEvents {

    /** What happened. The name (lower-case, dashes) is stored and translated on the page. */
    public enum Kind {
        LOGIN, LOGIN_FAILED, LOGIN_LOCKED, LOGOUT_EVERYWHERE, PASSWORD_CHANGED, PASSWORD_RESET_REQUESTED,
        PASSWORD_RESET, EMAIL_CHANGED, PHONE_CHANGED, TOKEN_CREATED, TOKEN_REVOKED, DEVICE_ADDED, DEVICE_REMOVED,
        TWO_FACTOR_ENABLED, TWO_FACTOR_DISABLED, RECOVERY_CODE_USED, COMPROMISE_REPORTED, ROLE_GRANTED,
        ACCOUNT_CREATED, LOGIN_UNLOCKED,
        /** Issue 16 ({@link SecurityNotices}). */
        LOGIN_NEW_DEVICE, TOTP_REUSED, RECOVERY_CODES_CREATED,
        // passkeys (issue 16)
        PASSKEY_ADDED, PASSKEY_REMOVED, PASSKEY_REFUSED,
        /** A login found the password among the breached or common ones: it must be changed (ASVS V2.1.7). */
        PASSWORD_CHANGE_REQUIRED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        static Kind parse(String id) {
            return valueOf(id.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    /** One recorded event. */
    public record Event(Instant at, Kind kind, String ipPrefix, String userAgent, String detail) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    public SecurityEvents(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public void record(UUID owner, Kind kind, ClientFacts client, String detail) {
        jdbi.useHandle(h -> record(h, owner, kind, client, detail));
    }

    void record(Handle h, UUID owner, Kind kind, ClientFacts client, String detail) {
        AccountSecurityLog.record(owner, kind, client, detail);
        h.createUpdate("""
                        insert into security_event (owner_id, id, at, kind, ip_prefix, user_agent, detail)
                        values (:owner, :id, :at, :kind, :ip, :agent, :detail)""")
                .bind("owner", owner)
                .bind("id", UUID.randomUUID())
                .bind("at", Sessions.utc(clock.instant()))
                .bind("kind", kind.id())
                .bind("ip", client.ipPrefix())
                .bind("agent", client.userAgent())
                .bind("detail", detail)
                .execute();
    }

    /** The newest events first. */
    public List<Event> recent(UUID owner, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select at, kind, ip_prefix, user_agent, detail from security_event
                        where owner_id = :owner order by at desc limit :limit""")
                .bind("owner", owner)
                .bind("limit", limit)
                .map((rs, ctx) -> new Event(rs.getObject("at", OffsetDateTime.class).toInstant(),
                        Kind.parse(rs.getString("kind")), rs.getString("ip_prefix"), rs.getString("user_agent"),
                        rs.getString("detail")))
                .list());
    }

    /** The newest events of one kind first. */
    List<Event> ofKind(UUID owner, Kind kind, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select at, kind, ip_prefix, user_agent, detail from security_event
                        where owner_id = :owner and kind = :kind order by at desc limit :limit""")
                .bind("owner", owner)
                .bind("kind", kind.id())
                .bind("limit", limit)
                .map((rs, ctx) -> new Event(rs.getObject("at", OffsetDateTime.class).toInstant(),
                        Kind.parse(rs.getString("kind")), rs.getString("ip_prefix"), rs.getString("user_agent"),
                        rs.getString("detail")))
                .list());
    }

    /** How many events of a kind happened in the last {@code window}. */
    int countSince(UUID owner, Kind kind, Duration window) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select count(*) from security_event
                        where owner_id = :owner and kind = :kind and at > :since""")
                .bind("owner", owner)
                .bind("kind", kind.id())
                .bind("since", Sessions.utc(clock.instant().minus(window)))
                .mapTo(Integer.class)
                .one());
    }
}
