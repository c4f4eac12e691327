package org.mqcgm.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.core.simulation.SimulatedClock;
import org.mqcgm.localdb.LocalPostgres;
import org.mqcgm.server.App;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo: starts PostgreSQL in {@code <data-dir>/pg}, the server, a demo account with 14 days of history from
 * the physiological simulator, and a live feed adding one reading per simulated five minutes. Writes
 * {@code <data-dir>/demo.json} with the URL, login, an API token and the JDBC URL. A second run reuses the data
 * and fills the time it was not running.
 */
public final class Demo implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Demo.class);
    public static final String EMAIL = "demo@mqcgm.example";
    static final Duration HISTORY = Duration.ofDays(14);
    static final Duration INTERVAL = Duration.ofMinutes(5);
    static final String TOKEN_NAME = "demo";
    static final String MASTER_KEY = "master-key.json";
    static final String INFO = "demo.json";
    static final String POSTGRES_DATA = "pg";
    /** The demo wearer's trace seed (a simulated sensor feeding the demo through the collector uses it too). */
    public static final long SEED = 20261126L;

    /**
     * @param dataDirectory where PostgreSQL data, the master key and demo.json live
     * @param host          interface to listen on
     * @param port          TCP port (0 = any free port)
     * @param speed         simulated seconds per real second
     * @param zone          the demo wearer's time zone
     * @param liveFeed      add each new reading directly; false when a simulated sensor and the collector feed
     *                      the demo through the API instead ({@code mqcgm demo --via-collector})
     */
    public record Options(Path dataDirectory, String host, int port, double speed, ZoneId zone, boolean liveFeed) {
        public Options(Path dataDirectory, String host, int port, double speed, ZoneId zone) {
            this(dataDirectory, host, port, speed, zone, true);
        }
    }

    /**
     * What demo.json holds.
     *
     * @param url      base URL of the web app
     * @param email    demo login
     * @param password demo password
     * @param token    API token with readings:read and readings:write
     * @param jdbcUrl  JDBC URL of the embedded database
     */
    public record Info(String url, String email, String password, String token, String jdbcUrl) {
    }

    private final LocalPostgres postgres;
    private final App app;
    private final ScheduledExecutorService feed;
    private final Info info;
    private final SimulatedClock clock;

    private Demo(LocalPostgres postgres, App app, ScheduledExecutorService feed, Info info, SimulatedClock clock) {
        this.postgres = postgres;
        this.app = app;
        this.feed = feed;
        this.info = info;
        this.clock = clock;
    }

    public static Demo start(Options options) {
        Path dir = options.dataDirectory().toAbsolutePath();
        LocalPostgres postgres = LocalPostgres.start(dir.resolve(POSTGRES_DATA));
        try {
            MasterKey.loadOrGenerate(dir.resolve(MASTER_KEY));
            ServerConfig config = serverConfig(dir, postgres.jdbcUrl(), options.host(), options.port());
            SimulatedClock clock = new SimulatedClock(Instant::now, options.speed());
            // The page reads the app's own (encrypted) outbox, known once the app has started.
            java.util.concurrent.atomic.AtomicReference<App> started = new java.util.concurrent.atomic.AtomicReference<>();
            App app = App.start(config, clock, java.time.Clock.systemUTC(),
                    routes -> new DemoOutboxPage(() -> started.get().outbox()).register(routes));
            started.set(app);
            try {
                Path infoFile = dir.resolve(INFO);
                String password = previousPassword(infoFile).orElseGet(Demo::newPassword);
                UUID owner = demoAccount(app, password, options.zone());
                Instant newest = app.readings().store().newestTime(owner).orElse(Instant.EPOCH);
                clock.startAt(newest.isAfter(Instant.now()) ? newest : Instant.now());

                GlucoseTrace trace = new GlucoseTrace(SEED, options.zone());
                int added = fill(app, owner, trace, options.zone(), clock.instant());
                log.info("demo history ready ({} readings added)", added);

                app.apiTokens().revokeNamed(owner, TOKEN_NAME);
                String token = app.apiTokens().create(owner, TOKEN_NAME,
                        EnumSet.of(Scope.READINGS_READ, Scope.READINGS_WRITE));
                String host = options.host().equals("0.0.0.0") ? "localhost" : options.host();
                Info info = new Info("http://" + host + ":" + app.port(), EMAIL, password, token, postgres.jdbcUrl());
                writeInfo(infoFile, info);

                ScheduledExecutorService feed = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "demo-sensor");
                    t.setDaemon(true);
                    return t;
                });
                long periodMillis = Math.max(50, (long) (INTERVAL.toMillis() / options.speed()));
                if (options.liveFeed()) {
                    feed.scheduleAtFixedRate(() -> {
                        try {
                            fill(app, owner, trace, options.zone(), clock.instant());
                        } catch (RuntimeException e) {
                            log.warn("demo sensor could not store a reading: {}", org.mqcgm.server.platform.db.SafeErrors.describe(e));
                        }
                    }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
                }
                return new Demo(postgres, app, feed, info, clock);
            } catch (RuntimeException e) {
                app.close();
                throw e;
            }
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    /**
     * The server settings of a demo in {@code dir} (absolute) whose database is at {@code jdbcUrl}: the master key,
     * outbox and database of the data directory, every other setting at its default.
     */
    /** The controller contact a deployment must configure (PR-89): the demo's own, clearly not a real operator. */
    public static final Map<String, String> CONTROLLER_SETTINGS = Map.of(
            "MQCGM_CONTROLLER_NAME", "mqcgm demo on this computer",
            "MQCGM_CONTROLLER_EMAIL", "privacy@demo.example.org",
            "MQCGM_CONTROLLER_PHONE", "+1 555 0199",
            "MQCGM_CONTROLLER_ADDRESS", "Your own computer (a demo keeps its data in its data directory)",
            "MQCGM_CONTROLLER_DPO", "Demo data protection team",
            "MQCGM_CONTROLLER_DPO_EMAIL", "dpo@demo.example.org");

    static ServerConfig serverConfig(Path dir, String jdbcUrl, String host, int port) {
        String publicHost = host.equals("0.0.0.0") ? "localhost" : host;
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "MQCGM_DB_URL", jdbcUrl,
                "MQCGM_DB_USER", LocalPostgres.USER,
                "MQCGM_DB_PASSWORD", "",
                "MQCGM_MASTER_KEY_FILE", dir.resolve(MASTER_KEY).toString(),
                "MQCGM_HOST", host,
                "MQCGM_PORT", Integer.toString(port),
                "MQCGM_OUTBOX_DIR", dir.resolve("outbox").toString(),
                "MQCGM_PUBLIC_URL", "http://" + publicHost + ":" + port,
                // A push service on this machine can be tried (http://127.0.0.1:PORT/…); production refuses it.
                "MQCGM_PUSH_ALLOW_LOOPBACK_HTTP", "true"));
        settings.putAll(CONTROLLER_SETTINGS);
        return ServerConfig.fromSettings(settings);
    }

    private static UUID demoAccount(App app, String password, ZoneId zone) {
        Optional<UUID> existing = app.accounts().authenticate(EMAIL, password);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            UUID id = app.accounts().createVerified(EMAIL, password, zone.getId(), Language.EN, "1990-01-01");
            // The demo person agreed to glucose processing at sign-up, as every real user must (PR-19).
            app.consents().record(id, org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA, true, "demo");
            return id;
        } catch (ProblemException e) {
            Problem p = e.problem();
            throw new IllegalStateException(p.status() == 409
                    ? "the demo account exists but demo.json does not match it; delete the data directory to start over"
                    : "cannot create the demo account: " + p.detail() + " " + p.errors());
        }
    }

    /**
     * Adds the simulated readings due between the newest stored reading (or 14 days ago) and {@code now}, on
     * the five-minute grid. Returns how many were added.
     */
    static int fill(App app, UUID owner, GlucoseTrace trace, ZoneId zone, Instant now) {
        Instant start = app.readings().store().newestTime(owner).map(t -> t.plus(INTERVAL))
                .filter(t -> t.isAfter(now.minus(HISTORY)))
                .orElse(now.minus(HISTORY));
        long step = INTERVAL.getSeconds();
        Instant t = Instant.ofEpochSecond(Math.ceilDiv(start.getEpochSecond(), step) * step);
        int added = 0;
        List<Reading> batch = new ArrayList<>();
        while (!t.isAfter(now)) {
            batch.add(new Reading(t, zone.getRules().getOffset(t), trace.mgdlAt(t)));
            if (batch.size() == 2000) {
                added += app.readings().store(owner, batch);
                batch.clear();
            }
            t = t.plusSeconds(step);
        }
        return added + app.readings().store(owner, batch);
    }

    private static Optional<String> previousPassword(Path infoFile) {
        if (!Files.exists(infoFile)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(new ObjectMapper().readTree(infoFile.toFile()).path("password").asText(null));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String newPassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder("sensor-");
        for (int i = 0; i < 12; i++) {
            if (i == 4 || i == 8) {
                sb.append('-');
            }
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static void writeInfo(Path file, Info info) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = mapper.createObjectNode()
                .put("url", info.url())
                .put("email", info.email())
                .put("password", info.password())
                .put("token", info.token())
                .put("jdbcUrl", info.jdbcUrl());
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            mapper.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), node);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Info info() {
        return info;
    }

    public App app() {
        return app;
    }

    /** The demo's data clock (simulated, possibly faster than real time). */
    public java.time.Clock clock() {
        return clock;
    }

    /** Stops the sensor, the server and PostgreSQL, in that order. */
    @Override
    public void close() {
        feed.shutdownNow();
        try {
            feed.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            app.close();
        } finally {
            postgres.close();
        }
    }

}
