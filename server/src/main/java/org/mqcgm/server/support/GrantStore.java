package org.mqcgm.server.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.ReadLog;
import org.mqcgm.server.platform.security.SupportGrants;

/**
 * Grants a support agent asks for on a ticket (PR-23): scopes chosen from {@link #SCOPES}, at most
 * {@link #MAX_HOURS} hours from the person's approval; the person approves or refuses it in the app. A grant is
 * live while approved, before its end and while its ticket is not closed — asked at every access
 * ({@link AccessControl} through {@link SupportGrants}), so it ends by itself. Every read under it is recorded and
 * listed to the person (the ticket page, and "Who saw my data" through {@link ReadLog}).
 *
 * <p>The data a grant opens: the readings from {@link #LOOK_BACK} before the approval up to the grant's end.
 */
final class GrantStore implements SupportGrants, ReadLog {

    static final List<String> SCOPES = List.of("readings", "reports", "logbook");
    static final int MAX_HOURS = 72;
    static final Duration LOOK_BACK = Duration.ofDays(14);

    /** A grant as the person and the agent see it; {@code state}: requested, approved, refused, ended. */
    record Grant(UUID id, UUID owner, UUID ticket, UUID agent, List<String> scopes, int hours, String state,
                 Instant requestedAt, Instant expiresAt) {
    }

    /** One read under a grant. */
    record Read(Instant at, String what) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    GrantStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Checks an agent's request; 422 naming the field. */
    static void check(Integer hours, List<String> scopes) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (hours == null) {
            errors.add(new Problem.FieldError("hours", "required", "1 to " + MAX_HOURS));
        } else if (hours < 1 || hours > MAX_HOURS) {
            errors.add(new Problem.FieldError("hours", "range", "1 to " + MAX_HOURS));
        }
        if (scopes == null || scopes.isEmpty()) {
            errors.add(new Problem.FieldError("scopes", "required", "one or more of " + SCOPES));
        } else if (!SCOPES.containsAll(scopes)) {
            errors.add(new Problem.FieldError("scopes", "one-of", "each one of " + SCOPES));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The grant request has problems.", errors));
        }
    }

    /** An agent asks for a grant on a ticket; a closed ticket takes none (409). */
    Grant request(TicketStore.Summary ticket, UUID agent, int hours, List<String> scopes) {
        if (ticket.closed()) {
            throw new ProblemException(Problem.of(409, "ticket-closed", "Ticket closed",
                    "A grant can be asked for only on an open ticket.").with("code", "TICKET_CLOSED"));
        }
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("""
                insert into support_grant (owner_id, id, ticket_id, agent_id, scopes, hours, state, requested_at)
                values (:o, :id, :t, :agent, :scopes, :hours, 'requested', :now)""")
                .bind("o", ticket.owner()).bind("id", id).bind("t", ticket.id()).bind("agent", agent)
                .bind("scopes", Set.copyOf(scopes).stream().sorted().toArray(String[]::new)).bind("hours", hours)
                .bind("now", TicketStore.utc(clock.instant())).execute());
        return find(ticket.owner(), id).orElseThrow();
    }

    /**
     * The person decides on a grant asked of them: approving starts its hours now. Someone else's grant, or one
     * already decided, is 404 / 409; a grant on a closed ticket cannot be approved (409).
     */
    Grant decide(UUID owner, UUID id, boolean approve, TicketStore tickets) {
        Grant g = find(owner, id).orElseThrow(() -> new ProblemException(Problem.notFound()));
        if (!"requested".equals(g.state())) {
            throw new ProblemException(Problem.of(409, "grant-decided", "Already decided",
                    "This grant was already " + g.state() + ".").with("code", "GRANT_DECIDED"));
        }
        if (approve && tickets.find(owner, g.ticket()).map(TicketStore.Summary::closed).orElse(true)) {
            throw new ProblemException(Problem.of(409, "ticket-closed", "Ticket closed",
                    "A grant on a closed ticket cannot be approved.").with("code", "TICKET_CLOSED"));
        }
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("""
                update support_grant set state = :state, decided_at = :now, expires_at = :expires
                where owner_id = :o and id = :id and state = 'requested'""")
                .bind("state", approve ? "approved" : "refused").bind("now", TicketStore.utc(now))
                .bind("expires", approve ? TicketStore.utc(now.plus(Duration.ofHours(g.hours()))) : null)
                .bind("o", owner).bind("id", id).execute());
        org.mqcgm.server.platform.logging.SecurityLog.get().event("privilege.support-grant", java.util.Map.of(
                "principal", owner, "agent", g.agent(), "grant", id, "approved", approve,
                "scope", String.join(",", g.scopes())));
        return find(owner, id).orElseThrow();
    }

    Optional<Grant> find(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from support_grant where owner_id = :o and id = :id")
                .bind("o", owner).bind("id", id).map((rs, ctx) -> grant(rs)).findOne());
    }

    /** The grants asked for on a ticket, newest first. */
    List<Grant> onTicket(UUID owner, UUID ticket) {
        return jdbi.withHandle(h -> h.createQuery("select * from support_grant where owner_id = :o"
                        + " and ticket_id = :t order by requested_at desc")
                .bind("o", owner).bind("t", ticket).map((rs, ctx) -> grant(rs)).list());
    }

    /** The reads under the grants of a ticket, newest first. */
    List<Read> readsOnTicket(UUID owner, UUID ticket) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select r.at, r.what from support_grant_read r
                        join support_grant g on g.owner_id = r.owner_id and g.id = r.grant_id
                        where r.owner_id = :o and g.ticket_id = :t order by r.at desc limit 200""")
                .bind("o", owner).bind("t", ticket)
                .map((rs, ctx) -> new Read(rs.getObject("at", OffsetDateTime.class).toInstant(),
                        rs.getString("what"))).list());
    }

    @Override
    public Optional<Live> live(UUID person, UUID agent, String scope, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select g.id, g.decided_at, g.expires_at from support_grant g
                        join support_ticket t on t.owner_id = g.owner_id and t.id = g.ticket_id
                        where g.owner_id = :o and g.agent_id = :agent and g.state = 'approved'
                          and g.expires_at > :now and :scope = any (g.scopes) and t.status <> 'closed'
                        order by g.expires_at desc limit 1""")
                .bind("o", person).bind("agent", agent).bind("scope", scope).bind("now", TicketStore.utc(now))
                .map((rs, ctx) -> new Live(rs.getObject("id", UUID.class), person, agent,
                        rs.getObject("decided_at", OffsetDateTime.class).toInstant().minus(LOOK_BACK),
                        rs.getObject("expires_at", OffsetDateTime.class).toInstant()))
                .findOne());
    }

    @Override
    public void recordRead(Live grant, String what) {
        jdbi.useHandle(h -> h.createUpdate("""
                insert into support_grant_read (owner_id, grant_id, at, what) values (:o, :g, :at, :what)
                on conflict do nothing""")
                .bind("o", grant.person()).bind("g", grant.id()).bind("at", TicketStore.utc(clock.instant()))
                .bind("what", what).execute());
    }

    /** Reads under support grants for "Who saw my data": who is the ticket, what is {@code readings}. */
    @Override
    public List<Entry> reads(UUID person, Instant since, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select r.at, t.number from support_grant_read r
                        join support_grant g on g.owner_id = r.owner_id and g.id = r.grant_id
                        join support_ticket t on t.owner_id = g.owner_id and t.id = g.ticket_id
                        where r.owner_id = :o and r.at >= :since order by r.at desc limit :limit""")
                .bind("o", person).bind("since", TicketStore.utc(since)).bind("limit", limit)
                .map((rs, ctx) -> new Entry(rs.getObject("at", OffsetDateTime.class).toInstant(),
                        "#" + rs.getLong("number"), "support-agent", "readings")).list());
    }

    private Grant grant(java.sql.ResultSet rs) throws java.sql.SQLException {
        OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
        String state = rs.getString("state");
        if ("approved".equals(state) && expires != null && !expires.toInstant().isAfter(clock.instant())) {
            state = "ended";
        }
        return new Grant(rs.getObject("id", UUID.class), rs.getObject("owner_id", UUID.class),
                rs.getObject("ticket_id", UUID.class), rs.getObject("agent_id", UUID.class),
                Arrays.asList((String[]) rs.getArray("scopes").getArray()), rs.getInt("hours"), state,
                rs.getObject("requested_at", OffsetDateTime.class).toInstant(),
                expires == null ? null : expires.toInstant());
    }
}
