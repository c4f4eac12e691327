package org.mqcgm.server.platform.retention;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * An {@link Expiry} that is one statement over one of the feature's own tables: rows whose time column is before the
 * cutoff are deleted, except the held persons' ({@code owner_id}) rows. The feature passes its table and column
 * names (constants, never input) and an optional extra condition.
 *
 * @param category  the retention category
 * @param jdbi      the database
 * @param table     the feature's table
 * @param timeColumn the column the period counts from
 * @param ownerColumn the column naming the person ({@code owner_id}), null when rows name nobody
 * @param where     an extra condition ({@code revoked_at is not null}), or {@code true}
 */
public record SqlExpiry(String category, Jdbi jdbi, String table, String timeColumn, String ownerColumn,
                        String where) implements Expiry {

    @Override
    public int purge(Instant cutoff, Holds holds) {
        if (holds.wholeCategory()) {
            return 0;
        }
        return jdbi.withHandle(h -> h.createUpdate("delete from " + table + " where " + timeColumn + " < :cutoff and ("
                        + where + ")" + heldClause())
                .bind("cutoff", OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC))
                .bindArray("held", java.util.UUID.class, (Object[]) holds.personArray()).execute());
    }

    @Override
    public Optional<Instant> oldest(Holds holds) {
        if (holds.wholeCategory()) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery("select min(" + timeColumn + ") from " + table + " where (" + where
                        + ")" + heldClause())
                .bindArray("held", java.util.UUID.class, (Object[]) holds.personArray()).mapTo(OffsetDateTime.class)
                .list().stream().filter(java.util.Objects::nonNull).findFirst().map(OffsetDateTime::toInstant));
    }

    private String heldClause() {
        return ownerColumn == null ? " and cardinality(:held) >= 0" : " and not (" + ownerColumn + " = any(:held))";
    }
}
