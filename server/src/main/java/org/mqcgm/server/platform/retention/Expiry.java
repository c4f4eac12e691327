package org.mqcgm.server.platform.retention;

import java.time.Instant;
import java.util.Optional;

/**
 * What a feature does with its rows of one retention category once they are older than the category's period: it
 * deletes them (or anonymises them) in its own SQL. The retention job calls every registered expiry once a day with
 * the cutoff ({@code now - period}) and the legal holds in force, and reports the counts.
 */
public interface Expiry {

    /** The category of {@link RetentionSchedule} this expiry enforces. */
    String category();

    /**
     * Deletes or anonymises the category's rows older than {@code cutoff} (by the category's own clock: created,
     * ended, closed, unlinked…), except rows {@code holds} keeps.
     *
     * @return how many rows (or files) were deleted or anonymised
     */
    int purge(Instant cutoff, Holds holds);

    /**
     * The time of the oldest row of the category still kept that no hold covers (for the report's "max age"), empty
     * when there is none.
     */
    Optional<Instant> oldest(Holds holds);
}
