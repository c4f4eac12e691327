package org.mqcgm.server.platform.security;

import java.util.Optional;
import java.util.UUID;

/**
 * Accounts on hold (PR-77, PR-79): {@link AccessControl} asks on every route that reads or writes health data
 * (routes {@code requiring(HEALTH_DATA)} and the Nightscout API), so uploads, imports and logbook writes of an
 * account on hold answer 403 with the hold's code and its pages lead to {@code /guardian}, which says why. The
 * guardians feature answers.
 */
public interface Holds {

    /** Why an account may not store or read health data now. */
    enum Hold {
        /** A minor whose guardian has not consented yet: nothing but the sign-up data is stored. */
        GUARDIAN_CONSENT_REQUIRED,
        /** Reported as a child's account without a guardian's consent: suspended until the report is reviewed. */
        ACCOUNT_SUSPENDED
    }

    /** The hold on {@code person}'s account, if any. */
    Optional<Hold> of(UUID person);

    /** No account is ever on hold. */
    Holds NONE = person -> Optional.empty();
}
