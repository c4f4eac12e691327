package org.mqcgm.server.platform.profile;

import java.util.UUID;

/**
 * Whether a person is a minor: younger than the deployment's age of majority, computed by the server from the date
 * of birth in the person's home time zone (PR-77, PR-78). The guardians feature answers; features that must keep
 * something off for minors (public posts, research, third-party transfers) ask it.
 */
public interface Minors {

    /** Whether {@code person} is under the age of majority today (false when no date of birth is known). */
    boolean isMinor(UUID person);

    /** Nobody is a minor (tests of other features). */
    Minors NONE = person -> false;
}
