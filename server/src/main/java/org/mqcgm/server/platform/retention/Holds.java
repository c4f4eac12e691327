package org.mqcgm.server.platform.retention;

import java.util.Set;
import java.util.UUID;

/**
 * The legal holds in force for one data category at a run of the retention job (PR-54, PR-81): either the whole
 * category is held (nothing of it is deleted), or the rows of some persons are. An {@link Expiry} skips what is held.
 *
 * @param wholeCategory true when a hold covers the whole category
 * @param persons       the persons whose rows of this category are held (empty when none)
 */
public record Holds(boolean wholeCategory, Set<UUID> persons) {

    public static final Holds NONE = new Holds(false, Set.of());

    public Holds {
        persons = Set.copyOf(persons);
    }

    /** Whether {@code person}'s rows are held (always, when the whole category is). */
    public boolean holds(UUID person) {
        return wholeCategory || persons.contains(person);
    }

    /** The held persons as an array, to bind as {@code not (owner_id = any(:held))} in SQL. */
    public UUID[] personArray() {
        return persons.toArray(UUID[]::new);
    }
}
