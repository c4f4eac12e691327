package org.mqcgm.server.platform.support;

import java.time.Instant;
import java.util.UUID;

/**
 * A person's request for a human review of an automated decision (PR-72), and its outcome once an agent decided.
 *
 * @param decision    the automated decision under review (null for a review ticket opened without a reference)
 * @param ticket      the review ticket
 * @param number      the ticket's number shown to people (#123)
 * @param requestedAt when the person asked
 * @param dueAt       by when support answers (30 days)
 * @param outcome     {@code upheld} or {@code overturned}; null until a person at support decided
 * @param reason      the agent's reason, in words; null until decided
 * @param decidedAt   when it was decided; null until then
 */
public record HumanReview(AutomatedDecision decision, UUID ticket, long number, Instant requestedAt, Instant dueAt,
                          String outcome, String reason, Instant decidedAt) {

    public static final String UPHELD = "upheld";
    public static final String OVERTURNED = "overturned";

    public boolean decided() {
        return outcome != null;
    }
}
