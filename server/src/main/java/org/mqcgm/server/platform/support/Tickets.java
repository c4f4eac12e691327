package org.mqcgm.server.platform.support;

import java.util.List;
import java.util.UUID;

/**
 * Opening a support ticket on a person's behalf, for features that need a human to look at something: the support
 * feature answers (the composition root passes it to the features built before it). The ticket appears in the
 * person's "My support requests" and in the agents' queue.
 *
 * <ul>
 *   <li>{@link #openPriority}: "My account may be compromised" (PR-59) — priority P1, first in the queue, due in a
 *       day.</li>
 *   <li>{@link #openReview}: "Request human review" of an automated decision (PR-72: an account lockout today; the
 *       alerts feature may call it for an alert) — category {@code review}, due in 30 days. An agent then
 *       upholds or overturns the decision; {@link #reviews} tells the person's decision log.</li>
 * </ul>
 */
public interface Tickets {

    /** Opens a P1 ticket for {@code owner}; returns its id. */
    UUID openPriority(UUID owner, String subject, String message);

    /**
     * Opens a review ticket for {@code owner} about an automated decision; {@code decision} says which decision and
     * why it was taken (its rule and inputs, as shown to the person). Returns the ticket's id.
     */
    UUID openReview(UUID owner, String subject, String decision);

    /**
     * As {@link #openReview(UUID, String, String)}, keeping a reference to the automated decision reviewed
     * ({@code reviewed}: its kind, time and rule version), so an agent's decision can be tied to it, shown in the
     * person's decision log, and an overturned decision undone.
     */
    default UUID openReview(UUID owner, String subject, String decision, AutomatedDecision reviewed) {
        return openReview(owner, subject, decision);
    }

    /** The person's requests for a human review and their outcomes, newest first. */
    default List<HumanReview> reviews(UUID owner) {
        return List.of();
    }

    /** No support feature: nothing is opened (tests of other features). */
    Tickets NONE = new Tickets() {
        @Override
        public UUID openPriority(UUID owner, String subject, String message) {
            return null;
        }

        @Override
        public UUID openReview(UUID owner, String subject, String decision) {
            return null;
        }
    };
}
