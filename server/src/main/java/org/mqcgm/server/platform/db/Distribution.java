package org.mqcgm.server.platform.db;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * How the schema distributes over Citus, read from the live catalogue (after the migrations), and why a table could
 * not be. Every table with an {@code owner_id} column is distributed by that column, all co-located with
 * {@link #ANCHOR} (the largest one), so that all of one person's rows live on one worker and a person's queries
 * stay on it; the few tables of the service itself ({@link #LOCAL}) stay on the coordinator; every other table is
 * small and shared and becomes a reference table (a copy on each node).
 *
 * <p>Two kinds of user-owned tables are placed otherwise, each by name so that a new table is never moved silently:
 * <ul>
 * <li>{@link #SHARED}: the account and the small per-person tables found by a global lookup (an e-mail, token or
 * secret digest, a passkey credential id or user handle, a push endpoint, a case number) or pointed at by another
 * person's row (a follower, grantee, agent or guardian; a comment on someone's post). They are written rarely, so
 * they are reference tables: the database still enforces each global unique key, and every key to them from a
 * distributed table is a key to a reference table, which Citus accepts.</li>
 * <li>{@link #LOOKUP}: a table written often and found only by its own random key (a login ceremony's challenge),
 * distributed by that key and co-located with nothing.</li>
 * </ul>
 *
 * <p>What Citus refuses, reported as {@link Plan#problems()}: a distributed table whose primary key does not start
 * with its distribution column, or whose unique constraint or index does not include it; a foreign key between two
 * distributed tables that does not pair the two owner columns (a key across owners); a foreign key from a reference
 * or local table to a distributed one; a foreign key between a local table and any other.
 */
public final class Distribution {

    /**
     * Tables of the service itself, kept on the coordinator: the migration history, the job scheduler's table, and
     * the two tables migration V8 set aside in clear, which the server re-encrypts and drops at its first start
     * ({@code Sensors.encryptPlainRows}).
     */
    public static final Set<String> LOCAL = Set.of("flyway_schema_history", "scheduled_tasks",
            "calibration_plain_v7", "sensor_plain_v7");

    /** The account table: a reference table (see {@link #SHARED}), keyed by its id. */
    public static final String ACCOUNT = "account";

    /** The largest user-owned table: every table distributed by {@code owner_id} is co-located with it. */
    public static final String ANCHOR = "glucose_recent";

    /**
     * User-owned tables kept whole on every node (reference tables), with the global key or the other person's key
     * that stops them from being split by owner: the account (unique e-mail and phone digests; the follower,
     * grantee, support agent and guardian of another person's row point at it) and its roles (read with the
     * account in one query, and listed across accounts by the administration), passkeys (credential id, user
     * handle), clinician links (token digest) and their views (counted in the link's own query), community posts and their comments, likes and reports (by other
     * people), devices (push alias), guardian invitations, Nightscout credentials (site, token and secret digests),
     * push subscriptions (endpoint), rights requests (case number; their events point at them), shares
     * (invitation digest), and support tickets with their messages, grants, attachments and reviews (case number,
     * agents).
     */
    public static final Set<String> SHARED = Set.of(ACCOUNT, "account_role", "passkey", "passkey_user", "clinician_link", "clinician_link_view",
            "community_post", "community_comment", "community_like", "community_report", "device",
            "guardian_invitation", "nightscout_credential", "push_subscription", "rights_request", "share",
            "support_ticket", "support_message", "support_grant", "support_attachment", "support_review");

    /**
     * User-owned work queues, claimed across owners by whichever node is free ({@code for update skip locked}, which
     * Citus runs on reference tables but not across the shards of a distributed one): account erasures due, export
     * jobs, push messages to deliver. Reference tables; each row is short-lived (the export's chunks, which hold the
     * data, stay distributed by owner).
     */
    public static final Set<String> QUEUES = Set.of("account_cancellation", "export_job", "push_message");

    /** User-owned tables distributed by their own random lookup key, co-located with nothing. */
    public static final Map<String, String> LOOKUP = Map.of("passkey_challenge", "challenge_hash");

    private Distribution() {
    }

    /** How one table is placed. */
    public enum Kind { DISTRIBUTED, REFERENCE, LOCAL }

    /** One table's placement; {@code column} is the distribution column of a distributed table, else null. */
    public record Table(String name, Kind kind, String column) {
    }

    /** A foreign key of the schema: its table, name and definition ({@code pg_get_constraintdef}). */
    public record ForeignKey(String table, String name, String definition) {
    }

    /**
     * The placement of every table, the problems that stop it, the foreign keys between placed tables, and the
     * Citus statements that apply it.
     */
    public record Plan(List<Table> tables, List<String> problems, List<ForeignKey> keys) {

        /**
         * The statements that distribute the schema on a Citus coordinator, in an order Citus accepts: the foreign
         * keys are dropped (else making the account a reference table would turn every table pointing at it into
         * a coordinator-local one, which can then be neither distributed nor pointed at), the reference tables are
         * made, then {@link #ANCHOR}, then the tables co-located with it and the lookup tables (each after the
         * tables its foreign keys point at: {@link #tables()} is in that order), and the foreign keys are added
         * back, now checked by Citus on every shard.
         */
        public List<String> statements() {
            List<String> out = new ArrayList<>();
            for (ForeignKey k : keys) {
                out.add("alter table " + k.table() + " drop constraint " + k.name() + ";");
            }
            for (Table t : tables) {
                if (t.kind() == Kind.REFERENCE) {
                    out.add("select create_reference_table('" + t.name() + "');");
                }
            }
            for (Table t : tables) {
                if (t.kind() == Kind.DISTRIBUTED && t.name().equals(ANCHOR)) {
                    out.add("select create_distributed_table('" + ANCHOR + "', '" + t.column() + "');");
                }
            }
            for (Table t : tables) {
                if (t.kind() == Kind.DISTRIBUTED && !t.name().equals(ANCHOR)) {
                    out.add("select create_distributed_table('" + t.name() + "', '" + t.column()
                            + "', colocate_with => '" + (LOOKUP.containsKey(t.name()) ? "none" : ANCHOR) + "');");
                }
            }
            for (ForeignKey k : keys) {
                out.add("alter table " + k.table() + " add constraint " + k.name() + " " + k.definition() + ";");
            }
            return out;
        }
    }

    /** Reads the catalogue of the current schema (all tables but partitions) and plans their placement. */
    public static Plan of(Jdbi sql) {
        return sql.withHandle(h -> {
            List<String> names = h.createQuery("""
                    select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
                    order by c.relname""").mapTo(String.class).list();
            Set<String> owned = new LinkedHashSet<>(h.createQuery("""
                    select c.table_name from information_schema.columns c
                    where c.table_schema = current_schema() and c.column_name = 'owner_id'""")
                    .mapTo(String.class).list());
            Map<String, Table> tables = new LinkedHashMap<>();
            for (String name : names) {
                if (LOCAL.contains(name)) {
                    tables.put(name, new Table(name, Kind.LOCAL, null));
                } else if (SHARED.contains(name) || QUEUES.contains(name)) {
                    tables.put(name, new Table(name, Kind.REFERENCE, null));
                } else if (LOOKUP.containsKey(name)) {
                    tables.put(name, new Table(name, Kind.DISTRIBUTED, LOOKUP.get(name)));
                } else if (owned.contains(name)) {
                    tables.put(name, new Table(name, Kind.DISTRIBUTED, "owner_id"));
                } else {
                    tables.put(name, new Table(name, Kind.REFERENCE, null));
                }
            }
            List<String> problems = new ArrayList<>();
            // Keys: primary key first column, and every unique constraint or index, must hold the owner column.
            h.createQuery("""
                    select c.relname as tbl, i.indisprimary as primary_key, i.indexrelid::regclass::text as idx,
                           array(select a.attname from unnest(i.indkey) with ordinality k(attnum, ord)
                                 join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                                 order by k.ord)::text[] as cols
                    from pg_index i join pg_class c on c.oid = i.indrelid
                    join pg_namespace n on n.oid = c.relnamespace
                    where n.nspname = current_schema() and (i.indisunique or i.indisprimary)
                    order by c.relname, idx""").map((rs, ctx) -> {
                        String tbl = rs.getString("tbl");
                        Table t = tables.get(tbl);
                        if (t == null || t.kind() != Kind.DISTRIBUTED) {
                            return null;
                        }
                        List<String> cols = List.of((String[]) rs.getArray("cols").getArray());
                        if (rs.getBoolean("primary_key")) {
                            if (cols.isEmpty() || !cols.get(0).equals(t.column())) {
                                problems.add(tbl + ": the primary key " + cols + " does not start with "
                                        + t.column());
                            }
                        } else if (!cols.contains(t.column())) {
                            problems.add(tbl + ": the unique index " + rs.getString("idx") + " " + cols
                                    + " does not include " + t.column());
                        }
                        return null;
                    }).list();
            for (Table t : tables.values()) {
                if (t.kind() == Kind.DISTRIBUTED && !h.createQuery("""
                        select exists (select 1 from pg_index i where i.indrelid = cast(:t as regclass)
                                       and i.indisprimary)""").bind("t", t.name()).mapTo(Boolean.class).one()) {
                    problems.add(t.name() + ": no primary key (it must start with " + t.column() + ")");
                }
            }
            // Foreign keys: pairs of (column, referenced column) per constraint; which tables each table points at.
            Map<String, Set<String>> references = new LinkedHashMap<>();
            List<ForeignKey> keys = new ArrayList<>();
            h.createQuery("""
                    select con.conname, src.relname as src, dst.relname as dst,
                           pg_get_constraintdef(con.oid) as definition,
                           array(select a.attname from unnest(con.conkey) with ordinality k(attnum, ord)
                                 join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
                                 order by k.ord)::text[] as cols,
                           array(select a.attname from unnest(con.confkey) with ordinality k(attnum, ord)
                                 join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum
                                 order by k.ord)::text[] as refs
                    from pg_constraint con join pg_class src on src.oid = con.conrelid
                    join pg_class dst on dst.oid = con.confrelid
                    join pg_namespace n on n.oid = src.relnamespace
                    where con.contype = 'f' and n.nspname = current_schema()
                    order by src.relname, con.conname""").map((rs, ctx) -> {
                        Table src = tables.get(rs.getString("src"));
                        Table dst = tables.get(rs.getString("dst"));
                        if (src == null || dst == null) {
                            return null;
                        }
                        List<String> cols = List.of((String[]) rs.getArray("cols").getArray());
                        List<String> refs = List.of((String[]) rs.getArray("refs").getArray());
                        keys.add(new ForeignKey(src.name(), rs.getString("conname"), rs.getString("definition")));
                        String fk = src.name() + "." + rs.getString("conname") + " " + cols + " → " + dst.name()
                                + " " + refs;
                        if (dst.kind() == Kind.REFERENCE && !dst.name().equals(src.name())) {
                            references.computeIfAbsent(src.name(), k -> new LinkedHashSet<>()).add(dst.name());
                        }
                        if (src.kind() == Kind.LOCAL || dst.kind() == Kind.LOCAL) {
                            problems.add(fk + ": a coordinator-local table cannot take part in a foreign key");
                        } else if (dst.kind() == Kind.DISTRIBUTED && src.kind() == Kind.REFERENCE) {
                            problems.add(fk + ": a shared (reference) table cannot point at a user's row; give it"
                                    + " an owner_id or drop the key");
                        } else if (dst.kind() == Kind.DISTRIBUTED) {
                            references.computeIfAbsent(src.name(), k -> new LinkedHashSet<>()).add(dst.name());
                            int at = cols.indexOf(src.column());
                            if (at < 0 || !refs.get(at).equals(dst.column())) {
                                problems.add(fk + ": a key across owners (it must pair " + src.column() + " with "
                                        + dst.name() + "." + dst.column() + ")");
                            }
                        }
                        return null;
                    }).list();
            // By name, but each table after the tables it points at (Citus distributes the referenced one first).
            List<Table> byName = new ArrayList<>(tables.values());
            byName.sort(Comparator.comparing(Table::name));
            Map<String, Table> ordered = new LinkedHashMap<>();
            for (Table t : byName) {
                place(t, tables, references, ordered, new LinkedHashSet<>());
            }
            return new Plan(List.copyOf(ordered.values()), List.copyOf(problems), List.copyOf(keys));
        });
    }

    private static void place(Table t, Map<String, Table> tables, Map<String, Set<String>> references,
                              Map<String, Table> ordered, Set<String> visiting) {
        if (ordered.containsKey(t.name()) || !visiting.add(t.name())) {
            return;
        }
        for (String target : references.getOrDefault(t.name(), Set.of())) {
            place(tables.get(target), tables, references, ordered, visiting);
        }
        ordered.put(t.name(), t);
    }
}
