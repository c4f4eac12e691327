package org.mqcgm.collector.upload;

import java.io.IOException;
import java.util.List;
import org.mqcgm.collector.queue.JournalEntry;

/** Where readings go. */
public interface UploadTarget {

    /** Stable id of this target in the queue (its upload position is kept under it). */
    String id();

    /**
     * Sends one batch. Returns the outcome when the target has definitely processed the batch; throws when it is
     * unknown or failed in a way worth retrying (network, 5xx, 429, 401/403 while the token is being fixed).
     */
    Outcome upload(List<JournalEntry> batch) throws IOException, InterruptedException;

    /**
     * The target processed a batch.
     *
     * @param accepted   newly stored
     * @param duplicates already stored before (a resend after a crash)
     * @param rejected   refused for good (e.g. a time the server considers in the future)
     * @param tooLarge   the batch was too large: nothing was stored, send smaller batches
     */
    record Outcome(int accepted, int duplicates, int rejected, boolean tooLarge) {
        public static Outcome stored(int accepted, int duplicates, int rejected) {
            return new Outcome(accepted, duplicates, rejected, false);
        }

        public static Outcome batchTooLarge() {
            return new Outcome(0, 0, 0, true);
        }
    }

    /** A response that should be retried later, with a one-line reason (no body, no values). */
    final class RetryableException extends IOException {
        public RetryableException(String message) {
            super(message);
        }
    }
}
