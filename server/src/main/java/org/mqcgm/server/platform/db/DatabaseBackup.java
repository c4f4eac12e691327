package org.mqcgm.server.platform.db;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * A consistent snapshot of the whole database through JDBC alone (no {@code pg_dump} needed), and its restore into
 * an empty database.
 *
 * <p>The backup reads every table of the {@code public} schema in one {@code REPEATABLE READ READ ONLY}
 * transaction — one snapshot, taken while the server keeps running — with {@code COPY … TO STDOUT (FORMAT binary)}
 * into a ZIP: {@code tables/<table>.copy} per table and {@code manifest.properties} with the Flyway schema version,
 * the time of the snapshot, and each table's columns and row count. The migration history and the scheduler's job
 * state are not copied: a restore migrates the empty database to the backup's schema version (Flyway {@code
 * target}), then loads the tables with {@code COPY … FROM STDIN} in foreign-key order (parents first) in one
 * transaction, checking each table's columns and row count against the manifest.
 *
 * <p>Personal data in the snapshot stays encrypted with each person's key (which is in {@code user_key}, wrapped by
 * the master key, which is not in the backup). After the restore the cancellation feature erases every account the
 * deletion ledger lists (cancellations made since the snapshot) and every cancellation still queued in the backup.
 */
public final class DatabaseBackup {

    static final String MANIFEST = "manifest.properties";
    static final String FORMAT = "mqcgm-backup-1";
    /** Not copied: the migration history (a restore migrates) and db-scheduler's state of running jobs. */
    static final Set<String> SKIPPED = Set.of("flyway_schema_history", "scheduled_tasks");

    private DatabaseBackup() {
    }

    /**
     * What a backup holds.
     *
     * @param schemaVersion the Flyway version of the schema it was taken from
     * @param takenAt       the time of its snapshot (the database's transaction time)
     * @param rows          rows per table, in the order they were copied
     */
    public record Summary(String schemaVersion, Instant takenAt, Map<String, Long> rows) {
        public long totalRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Writes a snapshot of the database to {@code out} (written beside it first, then moved into place). */
    public static Summary backup(DataSource dataSource, Path out) {
        Path partial = out.toAbsolutePath().resolveSibling(out.getFileName() + ".partial");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                Instant takenAt = one(c, "select now()").toInstant();
                String version = schemaVersion(c);
                List<String> tables = new ArrayList<>(tables(c));
                tables.removeAll(SKIPPED);
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                Map<String, Long> rows = new LinkedHashMap<>();
                Properties manifest = new Properties();
                manifest.setProperty("format", FORMAT);
                manifest.setProperty("schema-version", version);
                manifest.setProperty("taken-at", takenAt.toString());
                manifest.setProperty("tables", String.join(",", tables));
                try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(partial))) {
                    for (String t : tables) {
                        List<String> columns = columns(c, t);
                        zip.putNextEntry(new ZipEntry("tables/" + t + ".copy"));
                        long n = copy.copyOut("copy public." + quote(t) + " (" + columnList(columns)
                                + ") to stdout (format binary)", new FilterOutputStream(zip) {
                                    @Override
                                    public void write(byte[] b, int off, int len) throws IOException {
                                        out.write(b, off, len);
                                    }

                                    @Override
                                    public void close() {
                                        // the ZIP entry is closed by the caller
                                    }
                                });
                        zip.closeEntry();
                        rows.put(t, n);
                        manifest.setProperty("columns." + t, String.join(",", columns));
                        manifest.setProperty("rows." + t, Long.toString(n));
                    }
                    zip.putNextEntry(new ZipEntry(MANIFEST));
                    manifest.store(zip, "mqcgm backup");
                    zip.closeEntry();
                }
                c.commit();
                Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return new Summary(version, takenAt, rows);
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                Files.deleteIfExists(partial);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("backup failed: " + SafeErrors.describe(e), SafeErrors.scrub(e));
        } catch (IOException e) {
            throw new UncheckedIOException("backup failed: cannot write " + out, e);
        }
    }

    /** Reads a backup's manifest (its schema version, time and row counts) without restoring it. */
    public static Summary describe(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return summary(manifest(zip, file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the backup " + file, e);
        }
    }

    /**
     * Loads a backup into an empty database: migrates it to the backup's schema version, then copies every table in
     * foreign-key order in one transaction. Refuses a database that already has tables.
     */
    public static Summary restore(DataSource dataSource, Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Properties manifest = manifest(zip, file);
            Summary summary = summary(manifest);
            try (Connection c = dataSource.getConnection()) {
                List<String> existing = tables(c);
                if (!existing.isEmpty()) {
                    throw new IllegalArgumentException("restore needs an empty database; this one has "
                            + existing.size() + " tables (" + String.join(", ", existing.subList(0,
                            Math.min(5, existing.size()))) + " …)");
                }
            }
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                    .target(summary.schemaVersion()).load().migrate();
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                    for (String t : foreignKeyOrder(c, summary.rows().keySet())) {
                        List<String> columns = List.of(manifest.getProperty("columns." + t).split(","));
                        if (!columns.equals(columns(c, t))) {
                            throw new IllegalArgumentException("table " + t + " has other columns than in the backup");
                        }
                        ZipEntry entry = zip.getEntry("tables/" + t + ".copy");
                        if (entry == null) {
                            throw new IllegalArgumentException("the backup lacks table " + t);
                        }
                        long n;
                        try (InputStream in = zip.getInputStream(entry)) {
                            n = copy.copyIn("copy public." + quote(t) + " (" + columnList(columns)
                                    + ") from stdin (format binary)", in);
                        }
                        if (n != summary.rows().get(t)) {
                            throw new IllegalArgumentException("table " + t + ": " + n + " rows loaded, the backup"
                                    + " lists " + summary.rows().get(t));
                        }
                    }
                    c.commit();
                } catch (SQLException | IOException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
            return summary;
        } catch (SQLException e) {
            throw new IllegalStateException("restore failed: " + SafeErrors.describe(e), SafeErrors.scrub(e));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the backup " + file, e);
        }
    }

    private static Properties manifest(ZipFile zip, Path file) throws IOException {
        ZipEntry entry = zip.getEntry(MANIFEST);
        if (entry == null) {
            throw new IllegalArgumentException(file + " is not an mqcgm backup (no " + MANIFEST + ")");
        }
        Properties p = new Properties();
        try (InputStream in = zip.getInputStream(entry)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1));
        }
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new IllegalArgumentException(file + " is not an mqcgm backup of format " + FORMAT);
        }
        return p;
    }

    private static Summary summary(Properties p) {
        Map<String, Long> rows = new LinkedHashMap<>();
        String tables = p.getProperty("tables", "");
        for (String t : tables.isEmpty() ? new String[0] : tables.split(",")) {
            rows.put(t, Long.parseLong(p.getProperty("rows." + t, "0")));
        }
        return new Summary(p.getProperty("schema-version"), Instant.parse(p.getProperty("taken-at")), rows);
    }

    private static java.time.OffsetDateTime one(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getObject(1, java.time.OffsetDateTime.class);
        }
    }

    private static String schemaVersion(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                select version from flyway_schema_history where success and version is not null
                order by installed_rank desc limit 1"""); ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("the database has no applied migrations");
            }
            return rs.getString(1);
        }
    }

    /** The ordinary tables of the public schema, by name. */
    static List<String> tables(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
                order by c.relname"""); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<String> columns(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                select a.attname from pg_attribute a
                where a.attrelid = ('public.' || quote_ident(?))::regclass and a.attnum > 0 and not a.attisdropped
                  and a.attgenerated = ''
                order by a.attnum""")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** {@code tables} ordered so that every table comes after the tables it references. */
    private static List<String> foreignKeyOrder(Connection c, Set<String> tables) throws SQLException {
        Map<String, Set<String>> parents = new HashMap<>();
        tables.forEach(t -> parents.put(t, new LinkedHashSet<>()));
        try (PreparedStatement s = c.prepareStatement("""
                select child.relname, parent.relname from pg_constraint k
                join pg_class child on child.oid = k.conrelid join pg_class parent on parent.oid = k.confrelid
                join pg_namespace n on n.oid = child.relnamespace
                where k.contype = 'f' and n.nspname = 'public' and k.conrelid <> k.confrelid""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                if (parents.containsKey(rs.getString(1)) && tables.contains(rs.getString(2))) {
                    parents.get(rs.getString(1)).add(rs.getString(2));
                }
            }
        }
        List<String> order = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(tables);
        int stuck = 0;
        while (!pending.isEmpty()) {
            String t = pending.poll();
            if (placed.containsAll(parents.get(t))) {
                order.add(t);
                placed.add(t);
                stuck = 0;
            } else {
                pending.add(t);
                if (++stuck > pending.size()) {
                    throw new IllegalStateException("foreign keys form a cycle among " + pending);
                }
            }
        }
        return order;
    }

    private static String columnList(List<String> columns) {
        return String.join(", ", columns.stream().map(DatabaseBackup::quote).toList());
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
