package org.mqcgm.server.handover;

/** What the controller-change page shows, as records the template can read (public for the template only). */
public final class ControllerChangeViews {

    private ControllerChangeViews() {
    }

    /**
     * A person's view of the newest change they were told about.
     *
     * @param state      open, cancelled or completed; none when they were told of no change
     * @param choice     accept, decline, or null when they have not chosen
     * @param canChoose  the change is open and the successor changes the terms
     * @param saved      their choice was just recorded
     */
    public record Page(String state, String successor, String successorContact, String transferDate, String reason,
                       boolean termsChanged, int policyVersion, String choice, boolean canChoose, boolean saved) {

        static Page none() {
            return new Page("none", null, null, null, null, false, 0, null, false, false);
        }

        static Page of(ControllerChanges.Change c, String choice, boolean saved) {
            String state = c.cancelledAt() != null ? "cancelled" : c.completedAt() != null ? "completed" : "open";
            return new Page(state, c.successor(), c.successorContact(), c.transferDate().toString(), c.reason(),
                    c.termsChanged(), c.policyVersion(), choice, c.open() && c.termsChanged(), saved);
        }
    }
}
