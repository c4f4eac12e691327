package org.mqcgm.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.db.Distribution;

/**
 * A local Citus cluster for the Citus test profile ({@code ./mqcgm test --citus}, {@code -Pcitus}; never in the
 * default run): a coordinator and {@code workers} workers, each a PostgreSQL 15 server of the operating system's
 * packages ({@code /usr/lib/postgresql/15}) with the Citus extension preloaded, on free loopback ports, with their
 * data in one temporary directory deleted when the JVM ends.
 *
 * <p>Each database is made on every node with {@code CREATE EXTENSION citus}; the coordinator registers itself and the
 * workers. The template database is migrated on the coordinator and distributed by {@link Distribution}'s statements;
 * a test's database is then copied from the template on every node (the coordinator's catalogue of shards and each
 * worker's shards are copied alike, so the copy is a distributed database of its own in a few hundred milliseconds).
 */
public final class CitusCluster implements AutoCloseable {

    /** Where Debian's PostgreSQL 15 (and the Citus extension built by the vendor script) lives. */
    public static final Path BIN = Path.of(System.getProperty("mqcgm.citus.pgbin", "/usr/lib/postgresql/15/bin"));
    public static final String USER = "postgres";
    private static final String HOST = "127.0.0.1";

    private final Path root;
    private final int coordinator;
    private final List<Integer> workerPorts;
    private final boolean asPostgres;

    private CitusCluster(Path root, int coordinator, List<Integer> workerPorts, boolean asPostgres) {
        this.root = root;
        this.coordinator = coordinator;
        this.workerPorts = workerPorts;
        this.asPostgres = asPostgres;
    }

    /** Whether the Citus extension is installed next to the PostgreSQL 15 binaries. */
    public static boolean installed() {
        return Files.exists(BIN.resolve("../lib/citus.so").normalize());
    }

    /** Starts a coordinator and {@code workers} workers; each node gets {@code shared_preload_libraries=citus}. */
    public static CitusCluster start(int workers) {
        if (!installed()) {
            throw new IllegalStateException("the Citus extension is not installed in " + BIN.getParent()
                    + ": run ../shared/vendor/citus/build.sh as root, or ./mqcgm test --citus, which runs it");
        }
        try {
            boolean root = "root".equals(System.getProperty("user.name"));
            Path dir = Files.createTempDirectory("mqcgm-citus-");
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i <= workers; i++) {
                ports.add(freePort());
            }
            CitusCluster cluster = new CitusCluster(dir, ports.get(0), List.copyOf(ports.subList(1, ports.size())), root);
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "citus-stop"));
            if (root) {
                cluster.run(List.of("chown", "postgres:postgres", dir.toString()), false);
            }
            for (int i = 0; i < ports.size(); i++) {
                cluster.startNode("node" + i, ports.get(i));
            }
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startNode(String name, int port) throws IOException {
        Path data = root.resolve(name);
        run(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8"), true);
        String conf = """
                listen_addresses = '%s'
                port = %d
                unix_socket_directories = '%s'
                shared_preload_libraries = 'citus'
                citus.node_conninfo = 'sslmode=disable'
                citus.enable_unsafe_triggers = on
                citus.propagate_set_commands = 'local'
                citus.allow_nested_distributed_execution = on
                max_connections = 200
                max_prepared_transactions = 200
                shared_buffers = 64MB
                fsync = on
                synchronous_commit = off
                """.formatted(HOST, port, root);
        Path confFile = data.resolve("postgresql.conf");
        run(List.of("sh", "-c", "cat >> '" + confFile + "' <<'EOF'\n" + conf + "EOF"), true);
        run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", root.resolve(name + ".log").toString(),
                "-w", "-t", "60", "start"), true);
    }

    /** The coordinator's port (what the application connects to). */
    public int coordinatorPort() {
        return coordinator;
    }

    public List<Integer> workerPorts() {
        return workerPorts;
    }

    public String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database + "?user=" + USER;
    }

    public String jdbcUrl(String database) {
        return jdbcUrl(coordinator, database);
    }

    /** Creates {@code database} on every node with the Citus extension and registers the workers in it. */
    public void createDistributedDatabase(String database) {
        createDistributedDatabase(database, workerPorts.size());
    }

    /** As {@link #createDistributedDatabase(String)} with only the first {@code workers} workers registered. */
    public void createDistributedDatabase(String database, int workers) {
        List<Integer> used = workerPorts.subList(0, workers);
        for (int port : used) {
            execute(port, "postgres", "create database \"" + database + "\"");
            execute(port, database, "create extension citus");
        }
        execute(coordinator, "postgres", "create database \"" + database + "\"");
        execute(coordinator, database, "create extension citus");
        execute(coordinator, database, "select citus_set_coordinator_host('" + HOST + "', " + coordinator + ")");
        for (int port : used) {
            execute(coordinator, database, "select citus_add_node('" + HOST + "', " + port + ")");
        }
    }

    /**
     * Migrates {@code database} on the coordinator and distributes it as {@link Distribution} plans it, with
     * {@code shards} shards per distributed table; fails when the plan names a problem.
     */
    public Distribution.Plan migrateAndDistribute(String database, int shards) {
        try (Database db = Database.open(jdbcUrl(database), USER, "", 2)) {
            db.migrate();
            Distribution.Plan plan = Distribution.of(db.jdbi());
            if (!plan.problems().isEmpty()) {
                throw new IllegalStateException("the schema cannot be distributed: " + plan.problems());
            }
            db.jdbi().useHandle(h -> {
                h.execute("set citus.shard_count = " + shards);
                for (String statement : plan.statements()) {
                    h.execute(statement);
                }
            });
            return plan;
        }
    }

    /**
     * Copies {@code template} (a distributed database, no session open on it) to {@code database} on every node:
     * connections to the template are closed first (Citus' maintenance daemon holds one) and refused meanwhile.
     */
    public synchronized void copy(String template, String database) {
        List<Integer> all = new ArrayList<>(workerPorts);
        all.add(coordinator);
        for (int port : all) {
            execute(port, "postgres", "alter database \"" + template + "\" with allow_connections false");
            execute(port, "postgres", "select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
                    + template + "' and pid <> pg_backend_pid()");
            SQLException last = null;
            for (int attempt = 0; attempt < 50; attempt++) {
                try (Connection c = DriverManager.getConnection(jdbcUrl(port, "postgres"));
                     Statement st = c.createStatement()) {
                    st.execute("create database \"" + database + "\" template \"" + template + "\"");
                    last = null;
                    break;
                } catch (SQLException e) {
                    last = e; // "being accessed by other users" until the terminated backend has gone
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(ie);
                    }
                }
            }
            if (last != null) {
                throw new IllegalStateException("cannot copy " + template + " on port " + port, last);
            }
        }
    }

    /** Runs one statement on one node's database. */
    public void execute(int port, String database, String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(port, database));
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed on port " + port + ": " + sql, e);
        }
    }

    /** Stops every node (immediately: test data only) and deletes the directory. */
    @Override
    public void close() {
        List<Integer> all = new ArrayList<>(workerPorts);
        all.add(0, coordinator);
        for (int i = 0; i < all.size(); i++) {
            Path data = root.resolve("node" + i);
            if (Files.exists(data.resolve("postmaster.pid"))) {
                try {
                    run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w",
                            "stop"), true);
                } catch (RuntimeException | IOException e) {
                    // best effort at JVM exit
                }
            }
        }
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    private void run(List<String> command, boolean asServerUser) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (asServerUser && asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("failed: " + String.join(" ", cmd) + "\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
