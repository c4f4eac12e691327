package org.mqcgm.server.platform.readings;

import java.time.Instant;
import java.util.UUID;

/**
 * Told, on the node that took an upload, that new readings of a person were stored and committed (the glucose
 * feature calls it; alerts evaluate their rules). Called on the uploading thread after the commit: it must be quick,
 * must not throw, and decides from {@code newest} whether there is anything to do (backfilled history is not).
 */
@FunctionalInterface
public interface IngestListener {

    /**
     * @param owner  whose readings
     * @param newest the time of the newest reading of the upload that was stored
     */
    void stored(UUID owner, Instant newest);

    /** Nobody listens. */
    IngestListener NONE = (owner, newest) -> { };
}
