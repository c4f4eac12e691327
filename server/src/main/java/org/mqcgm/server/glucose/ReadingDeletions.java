package org.mqcgm.server.glucose;

import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Deletion of a range of readings at the owner's request (PR-63): the readings, and the annotations lying wholly
 * inside the range, go in one transaction; the day blocks the range cuts are written again without them.
 */
final class ReadingDeletions {

    /** What went. */
    record Result(int readings, int annotations) {
    }

    private final Jdbi jdbi;
    private final ReadingStore store;
    private final Annotations annotations;

    ReadingDeletions(Jdbi jdbi, ReadingStore store, Annotations annotations) {
        this.jdbi = jdbi;
        this.store = store;
        this.annotations = annotations;
    }

    /** Deletes the readings of {@code [from, to)}; visible to every reader once this returns. */
    Result delete(UUID owner, Instant from, Instant to) {
        // Nothing keeps readings in memory between requests (the live stream sends only readings newer than the last
        // it sent), so every page, report and export reads the store as it is after this commit.
        return jdbi.inTransaction(h -> new Result(store.deleteRange(h, owner, from, to).readings(),
                annotations.deleteWithin(h, owner, from, to)));
    }

    /** How many readings {@link #delete} would remove now (shown before the user confirms). */
    int count(UUID owner, Instant from, Instant to) {
        return from.isBefore(to) ? store.range(owner, from, to).size() : 0;
    }
}
