package org.mqcgm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.UUID;
import org.mqcgm.localdb.LocalPostgres;
import org.mqcgm.server.App;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;

/**
 * The server the benchmarks measure: its own temporary PostgreSQL, a fresh master key, the real {@link App} on a
 * free loopback port (cheap Argon2 so that creating accounts is not what is timed). Closing stops both.
 */
final class BenchServer implements AutoCloseable {

    static final String PASSWORD = "granite willow harbor seven";

    final LocalPostgres postgres;
    final App app;
    final String jdbcUrl;

    /** An account that consents to glucose processing, with a token holding every scope. */
    record Wearer(UUID id, String token) {
        String bearer() {
            return "Bearer " + token;
        }
    }

    private BenchServer(LocalPostgres postgres, App app, String jdbcUrl) {
        this.postgres = postgres;
        this.app = app;
        this.jdbcUrl = jdbcUrl;
    }

    static BenchServer start(int poolSize) {
        return start(poolSize, true);
    }

    /**
     * @param durableCommits false for benchmarks that only read what they seeded: commits do not wait for their
     *                       WAL to reach the disk (seeding is then bounded by the CPU, not by one flush per post)
     */
    static BenchServer start(int poolSize, boolean durableCommits) {
        return start(poolSize, durableCommits, java.util.function.UnaryOperator.identity());
    }

    /**
     * As {@link #start(int, boolean)}, with the benchmark's own settings on top (e.g. loopback push endpoints, or
     * {@link ServerConfig#withAlertsOnIngest} false for the alerts-off arm of a paired run).
     */
    static BenchServer start(int poolSize, boolean durableCommits,
                             java.util.function.UnaryOperator<ServerConfig> settings) {
        LocalPostgres pg = durableCommits ? LocalPostgres.startTemporary() : LocalPostgres.startForTests();
        try {
            pg.createDatabaseIfAbsent("bench");
            Path dir = Files.createTempDirectory("mqcgm-bench-");
            Path key = dir.resolve("master-key.json");
            MasterKey.generate(key);
            String url = pg.jdbcUrl("bench");
            App app = App.start(settings.apply(new ServerConfig(url, pg.user(), pg.password(), poolSize, key,
                    "127.0.0.1", 0, 8_000_000, new ServerConfig.Argon2Cost(1024, 1, 1), Duration.ofHours(1),
                    Duration.ofDays(1), null, dir.resolve("outbox"), "http://localhost")), Clock.systemUTC());
            return new BenchServer(pg, app, url);
        } catch (IOException e) {
            pg.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /**
     * As {@link #start(int)} (durable commits), but keeping PostgreSQL's data ({@code dir/pg}), the master key and the
     * outbox in {@code dir}, so that a later run reuses what an earlier one set up (the soak's accounts).
     */
    static BenchServer startIn(Path dir, int poolSize) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"));
        try {
            pg.createDatabaseIfAbsent("bench");
            Path key = dir.resolve("master-key.json");
            if (!Files.exists(key)) {
                MasterKey.generate(key);
            }
            String url = pg.jdbcUrl("bench");
            App app = App.start(new ServerConfig(url, pg.user(), pg.password(), poolSize, key, "127.0.0.1", 0,
                    8_000_000, new ServerConfig.Argon2Cost(1024, 1, 1), Duration.ofHours(1), Duration.ofDays(1), null,
                    dir.resolve("outbox"), "http://localhost"), Clock.systemUTC());
            return new BenchServer(pg, app, url);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + app.port();
    }

    Wearer wearer(String email, ZoneId zone) {
        UUID id = app.accounts().createVerified(email, PASSWORD, zone.getId(), Language.EN);
        app.consents().record(id, Consents.Purpose.HEALTH_DATA, true, "bench");
        return new Wearer(id, app.apiTokens().create(id, "bench", EnumSet.allOf(Scope.class)));
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            postgres.close();
        }
    }
}
