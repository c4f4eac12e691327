package org.mqcgm.server.cancellation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Walks the database catalogue for traces of a person: every column of every table in the schema is searched for
 * the account id — uuid columns by equality, text, JSON and array columns for the id's text anywhere in them, bytea
 * columns for the id's 16 bytes or its text. Nothing is left out, so a table added later is searched too.
 */
final class UserTraces {

    private UserTraces() {
    }

    /** "table.column" of every column holding the id, with the number of rows. */
    static List<String> of(Jdbi sql, UUID id) {
        byte[] raw = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array();
        List<String> found = new ArrayList<>();
        sql.useHandle(h -> {
            List<Map<String, Object>> columns = h.createQuery("""
                            select c.table_name, c.column_name, c.data_type from information_schema.columns c
                            join information_schema.tables t on t.table_schema = c.table_schema
                                                            and t.table_name = c.table_name
                            where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
                            order by c.table_name, c.ordinal_position""")
                    .mapToMap().list();
            for (Map<String, Object> c : columns) {
                String table = "\"" + c.get("table_name") + "\"";
                String column = "\"" + c.get("column_name") + "\"";
                String where = switch ((String) c.get("data_type")) {
                    case "uuid" -> column + " = :id";
                    case "text", "character varying", "character", "json", "jsonb", "ARRAY", "USER-DEFINED" ->
                            column + "::text like '%' || :text || '%'";
                    case "bytea" -> "position(:raw in " + column + ") > 0 or position(:textBytes in " + column + ") > 0";
                    default -> null;
                };
                if (where == null) {
                    continue;
                }
                long rows = h.createQuery("select count(*) from " + table + " where " + where)
                        .bind("id", id).bind("text", id.toString()).bind("raw", raw)
                        .bind("textBytes", id.toString().getBytes(StandardCharsets.US_ASCII))
                        .mapTo(Long.class).one();
                if (rows > 0) {
                    found.add(c.get("table_name") + "." + c.get("column_name") + " (" + rows + " rows)");
                }
            }
        });
        return found;
    }

    /**
     * Columns named {@code owner_id} that do not reference {@code account (id) on delete cascade}: rows in them
     * would survive an erasure (which deletes the account row and relies on the cascade).
     */
    static List<String> ownerColumnsWithoutCascade(Jdbi sql) {
        return sql.withHandle(h -> h.createQuery("""
                        select c.table_name || '.' || c.column_name from information_schema.columns c
                        join information_schema.tables t on t.table_schema = c.table_schema
                                                        and t.table_name = c.table_name
                        where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
                          and c.column_name = 'owner_id'
                          and not exists (
                              select 1 from pg_constraint k
                              join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
                              where k.contype = 'f' and k.conrelid = (quote_ident(c.table_name))::regclass
                                and k.confrelid = 'account'::regclass and k.confdeltype = 'c'
                                and cardinality(k.conkey) = 1 and a.attname = c.column_name)
                        order by 1""")
                .mapTo(String.class).list());
    }
}
