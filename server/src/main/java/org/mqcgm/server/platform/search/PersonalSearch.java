package org.mqcgm.server.platform.search;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Search in one person's own private content (their logbook): the logbook provides it, the community's search
 * (which covers posts the caller may see plus the caller's own logbook) takes it. Private content is encrypted per
 * person, so it is searched for that person only, never through a shared index; queries are not stored.
 */
public interface PersonalSearch {

    /**
     * One match.
     *
     * @param type    what matched, e.g. {@code checkin}
     * @param id      its id
     * @param time    its time
     * @param snippet the matching text with the matched terms between {@code [[} and {@code ]]} (plain text, the
     *                caller escapes it), at most ~200 characters
     * @param rank    higher is better, comparable to the community search's ranks (0..1)
     */
    record Hit(String type, UUID id, Instant time, String snippet, double rank) {
    }

    /** The person's own entries matching {@code query} between {@code from} and {@code to} (either may be null). */
    List<Hit> search(UUID owner, String query, Instant from, Instant to, int limit);

    /** Nothing to search (before the logbook exists). */
    PersonalSearch NONE = (owner, query, from, to, limit) -> List.of();
}
