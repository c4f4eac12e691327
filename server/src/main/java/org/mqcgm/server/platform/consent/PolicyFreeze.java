package org.mqcgm.server.platform.consent;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Freezes the privacy policy: while frozen, no new version can be published (PR-51: a controller change keeps the
 * policy people were told about until the change is completed or cancelled). The privacy feature answers; the
 * freeze is kept in the database, so every node and every command refuses a publication.
 */
public interface PolicyFreeze {

    /** A freeze refused: a published version takes effect later, or the policy is frozen already. */
    final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * Inside the caller's transaction: freezes the policy for {@code reason} and returns the number of the version
     * in force now.
     *
     * @throws Refused when a published version is not in effect yet, or the policy is frozen already
     */
    int freeze(Handle h, String reason);

    /** Inside the caller's transaction: lifts the freeze (nothing when there is none). */
    void unfreeze(Handle h);

    /** Why the policy is frozen, if it is. */
    Optional<String> frozen();
}
