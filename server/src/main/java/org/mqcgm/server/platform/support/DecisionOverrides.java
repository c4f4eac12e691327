package org.mqcgm.server.platform.support;

import java.util.UUID;

/**
 * Undoing an automated decision a person at support overturned on review (PR-72). The feature that took the
 * decision answers (accounts, for a login lockout: the failed logins that caused it are forgotten, so the person
 * can log in again); support never touches that feature's data itself.
 */
@FunctionalInterface
public interface DecisionOverrides {

    /**
     * {@code decision} about {@code owner} was overturned by a human; {@code ticketNumber} is the review's ticket.
     * Returns whether anything was undone (false for a kind this port does not know).
     */
    boolean overturn(UUID owner, AutomatedDecision decision, long ticketNumber);

    /** Nothing to undo (tests of other features). */
    DecisionOverrides NONE = (owner, decision, ticketNumber) -> false;
}
