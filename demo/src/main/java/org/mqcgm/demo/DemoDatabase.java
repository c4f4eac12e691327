package org.mqcgm.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.mqcgm.localdb.LocalPostgres;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.ServerConfig;

/**
 * The database of a demo's data directory, for a command run beside the demo ({@code mqcgm admin … --data-dir DIR}):
 * while the demo runs, its PostgreSQL (the JDBC URL in {@code demo.json}); otherwise PostgreSQL started on the
 * directory's data for as long as this object is open.
 */
public final class DemoDatabase implements AutoCloseable {

    private final ServerConfig config;
    private final LocalPostgres started;

    private DemoDatabase(ServerConfig config, LocalPostgres started) {
        this.config = config;
        this.started = started;
    }

    /**
     * Opens the database of the demo in {@code dataDirectory}.
     *
     * @throws ConfigException naming {@code --data-dir} when the directory holds no demo
     */
    public static DemoDatabase open(Path dataDirectory) {
        Path dir = dataDirectory.toAbsolutePath();
        Path pg = dir.resolve(Demo.POSTGRES_DATA);
        if (!Files.isRegularFile(dir.resolve(Demo.MASTER_KEY)) || !Files.isDirectory(pg)) {
            throw new ConfigException("--data-dir", "no demo in " + dir + " (start one with 'mqcgm demo --data-dir "
                    + dataDirectory + "')");
        }
        if (postmasterRunning(pg)) {
            return new DemoDatabase(Demo.serverConfig(dir, runningJdbcUrl(dir), "127.0.0.1", 0), null);
        }
        LocalPostgres postgres = LocalPostgres.start(pg);
        return new DemoDatabase(Demo.serverConfig(dir, postgres.jdbcUrl(), "127.0.0.1", 0), postgres);
    }

    /** The demo's server settings (its database, master key and outbox). */
    public ServerConfig config() {
        return config;
    }

    /** True when PostgreSQL was started for this command (the demo was not running). */
    public boolean startedHere() {
        return started != null;
    }

    /** Stops PostgreSQL if this object started it; a running demo's is left alone. */
    @Override
    public void close() {
        if (started != null) {
            started.close();
        }
    }

    private static String runningJdbcUrl(Path dir) {
        Path info = dir.resolve(Demo.INFO);
        try {
            String url = new ObjectMapper().readTree(info.toFile()).path("jdbcUrl").asText("");
            if (url.startsWith("jdbc:postgresql://")) {
                return url;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new ConfigException("--data-dir", "the demo's PostgreSQL is running but " + info
                + " has no JDBC URL; stop the demo and try again");
    }

    /** Whether {@code postmaster.pid} names a live PostgreSQL process (the demo, or one it left running). */
    private static boolean postmasterRunning(Path pgData) {
        Path pidFile = pgData.resolve("postmaster.pid");
        try {
            List<String> lines = Files.isRegularFile(pidFile) ? Files.readAllLines(pidFile, StandardCharsets.UTF_8)
                    : List.of();
            Optional<ProcessHandle> process = lines.isEmpty() ? Optional.empty()
                    : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
            return process.filter(ProcessHandle::isAlive)
                    .flatMap(p -> p.info().command()).map(c -> c.endsWith("postgres")).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }
}
