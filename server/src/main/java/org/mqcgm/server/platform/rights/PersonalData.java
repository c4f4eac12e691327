package org.mqcgm.server.platform.rights;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * What one feature holds about a person, for the rights of access and copy (PR-60, PR-70): each feature that keeps
 * personal data describes its categories (the "My data" page and {@code GET /api/v1/me/data}) and writes its part of
 * the person's export archive. The rights feature gathers every feature's {@code PersonalData} through
 * {@link org.mqcgm.server.platform.Feature#personalData()}; no feature reads another's tables for this.
 */
public interface PersonalData {

    /**
     * One category of data held about a person.
     *
     * @param id       stable name, e.g. {@code readings}, {@code devices}, {@code consents}
     * @param count    how many items are held now
     * @param purpose  why it is held (a purpose of the registry, in words)
     * @param source   where it came from (you, your sensor via the collector, the server…)
     * @param location where it is kept (e.g. "this deployment's PostgreSQL database, encrypted with your key")
     */
    record Category(String id, long count, String purpose, String source, String location) {
    }

    /**
     * How many rows of {@code table} (a feature's own table, a constant name, never input) belong to {@code owner}:
     * the count of a category kept one item per row.
     */
    static long rows(org.jdbi.v3.core.Jdbi jdbi, String table, UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from " + table + " where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
    }

    /** The categories this feature holds about {@code owner}, with their counts now. */
    List<Category> categories(UUID owner);

    /**
     * Writes this feature's files of {@code owner}'s export. Reads everything (all readings since the first, not a
     * window) and streams it: a year of data must not be held in memory at once.
     */
    void export(UUID owner, ExportArchive archive) throws IOException;
}
