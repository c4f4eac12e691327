package org.mqcgm.server.platform.security;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Reads of a person's data by someone other than them, as a feature that serves such reads recorded them (a
 * follower through a share, a clinician through a report link): "who saw my data" lists every feature's entries
 * to the person, newest first.
 */
public interface ReadLog {

    /**
     * One read.
     *
     * @param at   when
     * @param who  who read, as the person knows them (a follower's name, a link's label)
     * @param kind how they read: {@code follower} or {@code clinician-link}
     * @param what what was read (the share scope, e.g. {@code glucose}, or {@code report})
     */
    record Entry(Instant at, String who, String kind, String what) {
    }

    /** The person's entries since {@code since}, newest first, at most {@code limit}. */
    List<Entry> reads(UUID person, Instant since, int limit);
}
