package org.mqcgm.server.support;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON of the support API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    static final Map<String, Class<?>> ALL = Map.ofEntries(
            Map.entry("SupportTicketRequest", SupportTicketRequest.class),
            Map.entry("SupportMessageRequest", SupportMessageRequest.class),
            Map.entry("SupportStatusRequest", SupportStatusRequest.class),
            Map.entry("SupportGrantRequest", SupportGrantRequest.class),
            Map.entry("SupportDecisionRequest", SupportDecisionRequest.class),
            Map.entry("SupportReview", SupportReview.class),
            Map.entry("SupportTickets", SupportTickets.class),
            Map.entry("SupportTicketSummary", SupportTicketSummary.class),
            Map.entry("SupportTicket", SupportTicket.class),
            Map.entry("SupportMessage", SupportMessage.class),
            Map.entry("SupportGrant", SupportGrant.class),
            Map.entry("SupportGrantRead", SupportGrantRead.class),
            Map.entry("SupportGlucose", SupportGlucose.class),
            Map.entry("SupportReading", SupportReading.class));

    private ApiSchemas() {
    }

    /** A new ticket: subject (at most 200 characters) and first message (at most 5,000). */
    record SupportTicketRequest(String subject, String message) {
    }

    /** A reply (at most 5,000 characters). */
    record SupportMessageRequest(String message) {
    }

    /** An agent sets a ticket's status: open, waiting-for-user or closed. */
    record SupportStatusRequest(String status) {
    }

    /** An agent asks for a grant: 1–72 hours, scopes from readings, reports, logbook. */
    record SupportGrantRequest(Integer hours, List<String> scopes) {
    }

    /** An agent's decision on a review ticket: upheld or overturned, and the reason (1–2,000 characters). */
    record SupportDecisionRequest(String outcome, String reason) {
    }

    record SupportTickets(List<SupportTicketSummary> tickets) {
    }

    /**
     * A ticket without its thread.
     *
     * @param person   the account it belongs to (agents ask for grants on this person's data)
     * @param number   the ticket number shown to people (#123)
     * @param category question, compromise or review
     * @param priority P1 (first in the queue), P2 or P3
     * @param status   open, waiting-for-user or closed
     */
    record SupportTicketSummary(UUID id, long number, UUID person, String category, String priority, String status,
                                String subject, Instant openedAt, Instant dueAt, Instant updatedAt,
                                Instant closedAt) {
        static SupportTicketSummary of(TicketStore.Summary s) {
            return new SupportTicketSummary(s.id(), s.number(), s.owner(), s.category(), s.priority(), s.status(),
                    s.subject(), s.openedAt(), s.dueAt(), s.updatedAt(), s.closedAt());
        }
    }

    /**
     * A ticket with its thread, the grants asked for on it and every read under them; a review ticket also has its
     * {@code review} (null for other tickets).
     */
    record SupportTicket(SupportTicketSummary ticket, List<SupportMessage> messages, List<SupportGrant> grants,
                         List<SupportGrantRead> reads, SupportReview review) {
    }

    /**
     * The human review of an automated decision (PR-72): the decision reviewed (null fields when the ticket was
     * opened without a reference) and, once a support agent decided, the outcome.
     *
     * @param decisionKind what was decided automatically, e.g. login-lockout
     * @param decisionAt   when it was decided
     * @param ruleVersion  the version of the rule that decided
     * @param summary      the rule and its inputs, as shown to the person
     * @param outcome      upheld or overturned; null until decided
     * @param reason       the agent's reason; null until decided
     */
    record SupportReview(String decisionKind, Instant decisionAt, String ruleVersion, String summary,
                         String outcome, String reason, Instant decidedAt) {
        static SupportReview of(org.mqcgm.server.platform.support.HumanReview r) {
            var d = r.decision();
            return new SupportReview(d == null ? null : d.kind(), d == null ? null : d.at(),
                    d == null ? null : d.ruleVersion(), d == null ? null : d.summary(), r.outcome(), r.reason(),
                    r.decidedAt());
        }
    }

    /** A message; {@code author}: user or agent; {@code attachments}: ids of its images (kept 30 days). */
    record SupportMessage(UUID id, Instant at, String author, String body, List<UUID> attachments) {
        static SupportMessage of(TicketStore.Message m) {
            return new SupportMessage(m.id(), m.at(), m.author(), m.body(), m.attachments());
        }
    }

    /**
     * A grant asked for on a ticket.
     *
     * @param state     requested, approved, refused or ended
     * @param expiresAt when an approved grant ends (null until approved)
     */
    record SupportGrant(UUID id, UUID ticket, List<String> scopes, int hours, String state, Instant requestedAt,
                        Instant expiresAt) {
        static SupportGrant of(GrantStore.Grant g) {
            return new SupportGrant(g.id(), g.ticket(), g.scopes(), g.hours(), g.state(), g.requestedAt(),
                    g.expiresAt());
        }
    }

    /** A read of the person's data under a grant: when, and the route read. */
    record SupportGrantRead(Instant at, String what) {
    }

    /** The readings an agent reads under a live grant ({@code /admin/users/{id}/glucose}). */
    record SupportGlucose(UUID person, Instant from, Instant to, List<SupportReading> readings) {
    }

    record SupportReading(Instant time, int mgdl) {
    }
}
