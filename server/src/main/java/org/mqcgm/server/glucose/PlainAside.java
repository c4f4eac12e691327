package org.mqcgm.server.glucose;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.Database;

/**
 * Columns a migration set aside in clear (a table {@code <name>_plain_vN} of {@code owner_id, id} and the clear
 * values) when it moved them into encrypted columns: re-stored at start, encrypted with each owner's key, then the
 * aside table is dropped (once; later starts find nothing to do). Rows of owners whose key was destroyed are deleted:
 * nobody could read them.
 */
final class PlainAside {

    /** A clear column of the aside table, the encrypted column it goes to, and the encryption context's prefix. */
    record Column(String plain, String encrypted, String context) {
    }

    private PlainAside() {
    }

    /** Re-stores {@code aside}'s rows into {@code table}; returns how many were re-stored (0 once it is gone). */
    static int reStore(Handle h, UserKeys keys, String aside, String table, List<Column> columns) {
        if (!h.createQuery("select to_regclass(cast(:t as text)) is not null").bind("t", aside).mapTo(Boolean.class)
                .one()) {
            return 0;
        }
        String select = "select owner_id, id, " + columns.stream().map(Column::plain)
                .collect(Collectors.joining(", ")) + " from " + aside;
        String update = "update " + table + " set " + columns.stream().map(c -> c.encrypted() + " = :"
                + c.encrypted()).collect(Collectors.joining(", ")) + " where owner_id = :o and id = :id";
        int n = 0;
        for (Map<String, Object> row : h.createQuery(select).mapToMap().list()) {
            UUID owner = (UUID) row.get("owner_id");
            UUID id = (UUID) row.get("id");
            try {
                Update u = h.createUpdate(update).bind("o", owner).bind("id", id);
                for (Column c : columns) {
                    Object clear = row.get(c.plain());
                    byte[] sealed = clear == null ? null : keys.encrypt(owner, c.context() + id, clear.toString());
                    u.bind(c.encrypted(), sealed);
                }
                n += u.execute();
            } catch (UserKeys.KeyDestroyedException e) {
                h.createUpdate("delete from " + table + " where owner_id = :o and id = :id")
                        .bind("o", owner).bind("id", id).execute();
            }
        }
        Database.dropOrEmpty(h, aside);
        return n;
    }
}
