package org.mqcgm.server.support;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.support.AutomatedDecision;
import org.mqcgm.server.platform.support.DecisionOverrides;
import org.mqcgm.server.platform.support.HumanReview;

/**
 * Human reviews of automated decisions (PR-72): one row per review ticket, with the reference to the decision it
 * reviews and, once an agent decided, the outcome (upheld or overturned), the reason (encrypted under the owner's
 * key), the deciding agent's account and the time. A decision is taken once; an overturned decision is undone by
 * the feature that took it ({@link DecisionOverrides}) in the same transaction as the decision is recorded, and the
 * person is told in the ticket's thread.
 */
final class ReviewStore {

    static final List<String> OUTCOMES = List.of(HumanReview.UPHELD, HumanReview.OVERTURNED);
    static final int MAX_REASON = 2_000;

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final TicketStore tickets;
    private final DecisionOverrides overrides;
    private final Clock clock;

    ReviewStore(Jdbi jdbi, UserKeys keys, TicketStore tickets, DecisionOverrides overrides, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.tickets = tickets;
        this.overrides = overrides;
        this.clock = clock;
    }

    /** The review row of a new review ticket (in the ticket's transaction). */
    static void insert(Handle h, UUID owner, UUID ticket, AutomatedDecision reviewed) {
        h.createUpdate("""
                insert into support_review (owner_id, ticket_id, decision_kind, decision_at, rule_version, summary)
                values (:o, :t, :kind, :at, :rule, :summary)""")
                .bind("o", owner).bind("t", ticket)
                .bind("kind", reviewed == null ? null : reviewed.kind())
                .bind("at", reviewed == null || reviewed.at() == null ? null : TicketStore.utc(reviewed.at()))
                .bind("rule", reviewed == null ? null : reviewed.ruleVersion())
                .bind("summary", reviewed == null ? null : reviewed.summary()).execute();
    }

    /** Checks an agent's decision; 422 naming the fields ({@code prefix}: "$." for JSON, "" for a form). */
    static void check(String outcome, String reason, String prefix) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (outcome == null || !OUTCOMES.contains(outcome)) {
            errors.add(new Problem.FieldError(prefix + "outcome", "one-of", "upheld or overturned"));
        }
        if (reason == null || reason.isBlank()) {
            errors.add(new Problem.FieldError(prefix + "reason", "required", "must not be empty"));
        } else if (reason.length() > MAX_REASON) {
            errors.add(new Problem.FieldError(prefix + "reason", "max-length", "at most " + MAX_REASON
                    + " characters"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The review decision has problems.", errors));
        }
    }

    /** The review of a ticket, if it is a review ticket. */
    Optional<HumanReview> of(TicketStore.Summary ticket) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select r.*, t.number, t.opened_at, t.due_at from support_review r
                        join support_ticket t on t.owner_id = r.owner_id and t.id = r.ticket_id
                        where r.owner_id = :o and r.ticket_id = :t""")
                .bind("o", ticket.owner()).bind("t", ticket.id())
                .map((rs, ctx) -> review(rs)).findOne());
    }

    /** The person's reviews, newest request first. */
    List<HumanReview> list(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select r.*, t.number, t.opened_at, t.due_at from support_review r
                        join support_ticket t on t.owner_id = r.owner_id and t.id = r.ticket_id
                        where r.owner_id = :o order by t.opened_at desc, t.number desc""")
                .bind("o", owner).map((rs, ctx) -> review(rs)).list());
    }

    /**
     * Records an agent's decision on a review ticket and tells the person in the thread; an overturned decision is
     * undone first. 404 when the ticket is not a review ticket, 409 when it is closed or already decided.
     */
    HumanReview decide(TicketStore.Summary ticket, UUID agent, String outcome, String reason, String message) {
        Instant now = clock.instant();
        UUID owner = ticket.owner();
        jdbi.useTransaction(h -> {
            String status = h.createQuery("select status from support_ticket where owner_id = :o and id = :id"
                            + " for update")
                    .bind("o", owner).bind("id", ticket.id()).mapTo(String.class).findOne()
                    .orElseThrow(() -> new ProblemException(Problem.notFound()));
            HumanReview review = h.createQuery("""
                            select r.*, t.number, t.opened_at, t.due_at from support_review r
                            join support_ticket t on t.owner_id = r.owner_id and t.id = r.ticket_id
                            where r.owner_id = :o and r.ticket_id = :t""")
                    .bind("o", owner).bind("t", ticket.id()).map((rs, ctx) -> review(rs)).findOne()
                    .orElseThrow(() -> new ProblemException(Problem.notFound()));
            if (review.decided()) {
                throw new ProblemException(Problem.of(409, "review-decided", "Already decided",
                        "A person at support already decided this review (" + review.outcome() + ").")
                        .with("code", "REVIEW_DECIDED"));
            }
            if ("closed".equals(status)) {
                throw TicketStore.closed();
            }
            h.createUpdate("""
                    update support_review set outcome = :outcome, reason_enc = :reason, agent_id = :agent,
                           decided_at = :now
                    where owner_id = :o and ticket_id = :t""")
                    .bind("outcome", outcome).bind("reason", keys.encrypt(owner, "support-review", reason))
                    .bind("agent", agent).bind("now", TicketStore.utc(now))
                    .bind("o", owner).bind("t", ticket.id()).execute();
            tickets.addMessage(h, owner, ticket.id(), "agent", agent, message, List.of(), now);
            h.createUpdate("update support_ticket set status = 'waiting-for-user', updated_at = :now"
                            + " where owner_id = :o and id = :id")
                    .bind("now", TicketStore.utc(now)).bind("o", owner).bind("id", ticket.id()).execute();
            // Last: if undoing fails, nothing of the decision is kept (undoing is idempotent, so a retry is safe).
            if (HumanReview.OVERTURNED.equals(outcome) && review.decision() != null) {
                overrides.overturn(owner, review.decision(), ticket.number());
            }
        });
        return of(ticket).orElseThrow();
    }

    private HumanReview review(java.sql.ResultSet rs) throws java.sql.SQLException {
        UUID owner = rs.getObject("owner_id", UUID.class);
        String kind = rs.getString("decision_kind");
        AutomatedDecision decision = kind == null ? null : new AutomatedDecision(kind, instant(rs, "decision_at"),
                rs.getString("rule_version"), rs.getString("summary"));
        byte[] reason = rs.getBytes("reason_enc");
        return new HumanReview(decision, rs.getObject("ticket_id", UUID.class), rs.getLong("number"),
                instant(rs, "opened_at"), instant(rs, "due_at"), rs.getString("outcome"),
                reason == null ? null : keys.decryptString(owner, "support-review", reason),
                instant(rs, "decided_at"));
    }

    private static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
