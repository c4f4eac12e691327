package org.mqcgm.server.platform.security;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a wearer shares with one person (a follower, a carer, a clinician link): the {@code scopes} of
 * {@code POST /api/v1/shares}. Private by default: nothing is shared that is not named here.
 */
public enum ShareScope {
    /** The live glucose: the latest reading, the Today page and its stream. */
    GLUCOSE("glucose"),
    /** Past readings, History and the reports (AGP, metrics). */
    HISTORY("history"),
    /** The logbook's entries (meals, insulin, exercise, medication, fingersticks, notes), without photos. */
    LOGBOOK("logbook"),
    /** The photos of the logbook's entries. */
    PHOTOS("photos"),
    /** The wearer's alerts (escalation of unacknowledged urgent lows to this person, issue 13). */
    ALERTS("alerts");

    private final String id;

    ShareScope(String id) {
        this.id = id;
    }

    /** The scope's name in the API, e.g. {@code glucose}. */
    public String id() {
        return id;
    }

    public static Optional<ShareScope> parse(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }
}
