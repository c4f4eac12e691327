package org.mqcgm.server.platform.security;

import java.util.Optional;
import java.util.UUID;

/**
 * Who may see whose data: the port {@link AccessControl} asks on {@link Access.Shared} routes (the sharing feature
 * answers). Features never decide sharing themselves.
 */
public interface Grants {

    /**
     * The notification channel on which a change of a share is announced (created, revoked, left, ended), with the
     * payload {@code "<person>/<grantee>"}: open streams of the grantee on that person's data are checked again on
     * every node, so a revocation closes them at once.
     */
    String CHANGED = "mqcgm_grants_changed";

    /** The active grant {@code person} gave {@code grantee}, if any. */
    Optional<Grant> active(UUID person, UUID grantee);

    /**
     * Records that the grantee read the person's data ("who saw my data", listed to the person): {@code what} is
     * the route's path template, e.g. {@code /api/v1/people/{person}/readings}.
     */
    void recordRead(Grant grant, ShareScope scope, String what);

    /** Nobody shares anything (before the sharing feature exists, and in tests of other rules). */
    Grants NONE = new Grants() {
        @Override
        public Optional<Grant> active(UUID person, UUID grantee) {
            return Optional.empty();
        }

        @Override
        public void recordRead(Grant grant, ShareScope scope, String what) {
        }
    };
}
