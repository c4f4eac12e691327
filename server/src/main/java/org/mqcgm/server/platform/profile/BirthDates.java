package org.mqcgm.server.platform.profile;

import java.time.LocalDate;
import java.util.UUID;

/**
 * Where the accounts feature hands a person's date of birth (sign-up, the command line, the page asking existing
 * accounts): the guardians feature keeps it encrypted and applies the age rules (PR-77). Never an age: the server
 * computes the age itself.
 */
public interface BirthDates {

    /** Where a date of birth came from. */
    enum Source { SIGNUP, LOGIN, SETTINGS, OPERATOR }

    /**
     * Records the date of birth of {@code person} and applies the rules: under the age of majority the account waits
     * for a guardian's consent.
     */
    void record(UUID person, LocalDate birthDate, Source source);

    /** Whether the person's date of birth is known (accounts made before it was asked are asked at next login). */
    boolean known(UUID person);

    /** No rules (tests of other features): dates are dropped, every date counts as known. */
    BirthDates NONE = new BirthDates() {
        @Override
        public void record(UUID person, LocalDate birthDate, Source source) {
        }

        @Override
        public boolean known(UUID person) {
            return true;
        }
    };
}
