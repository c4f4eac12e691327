package org.mqcgm.server.platform.readings;

import java.time.Instant;
import java.util.UUID;

/**
 * Told, on the node that took an upload, that new readings of a person were stored (the glucose feature calls it;
 * alerts evaluate their rules). Two moments:
 * <ul>
 *   <li>{@link #storing}: inside the upload's transaction, on the thread that runs it (the uploading thread, or for
 *       a live upload the glucose feature's committer, whose one transaction may hold other wearers' uploads too),
 *       after its readings were written and before the commit. It may be called again for the same upload when a
 *       shared transaction is rolled back and the upload is committed alone; only the runnable of the attempt that
 *       committed is run. Database work done there through the shared {@code Jdbi} on this thread joins that
 *       transaction (it sees the new readings and commits with them), so it must be quick. An exception (a failed
 *       statement included) undoes what the listener did, to a savepoint the glucose feature sets before calling it,
 *       and the upload commits without it: a listener never costs the person their readings. It returns what is left
 *       to do after the commit (or null);</li>
 *   <li>{@link #stored}: after the commit (the default {@code storing} leaves everything to it). It must not throw,
 *       and decides from {@code newest} whether there is anything to do (backfilled history is not).</li>
 * </ul>
 */
@FunctionalInterface
public interface IngestListener {

    /**
     * @param owner  whose readings
     * @param newest the time of the newest reading of the upload that was stored
     */
    void stored(UUID owner, Instant newest);

    /**
     * Inside the upload's transaction (see above).
     *
     * @return what to run once the upload committed, or null for nothing
     */
    default Runnable storing(UUID owner, Instant newest) {
        return () -> stored(owner, newest);
    }

    /** Nobody listens. */
    IngestListener NONE = (owner, newest) -> { };
}
