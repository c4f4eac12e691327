package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.collector.Collector;
import org.mqcgm.collector.CollectorMetrics;
import org.mqcgm.collector.PairingFile;
import org.mqcgm.collector.queue.ReadingJournal;
import org.mqcgm.collector.transport.SensorHost;
import org.mqcgm.collector.transport.SimulatorServer;
import org.mqcgm.collector.transport.SocketTransport;
import org.mqcgm.collector.upload.Backoff;
import org.mqcgm.collector.upload.MqcgmApiTarget;
import org.mqcgm.collector.upload.Uploader;
import org.mqcgm.core.ble.sensor.GlucoseSource;
import org.mqcgm.core.ble.sensor.SensorConfig;
import org.mqcgm.core.ble.sensor.VirtualCgmSensor;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.server.App;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestDatabase;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * The Bluetooth path end to end: virtual sensor → socket → collector → encrypted queue → API → the Today page in
 * Chromium, including a backfill after a forced disconnect; and a reliability run with the sensor and the collector
 * as processes, the server stopped and restarted and the collector killed with SIGKILL mid-stream.
 */
class CollectorEndToEndTest {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    @TempDir
    Path dir;

    /** Waits (at most {@code seconds}) until {@code condition} holds. */
    static void await(String what, int seconds, BooleanSupplier condition) {
        Wait.until(what, Duration.ofSeconds(seconds), condition);
    }

    static JsonNode readings(String base, String token, Instant from, Instant to) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                            + "/api/v1/readings?from=" + from + "&to=" + to))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return new ObjectMapper().readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int count(String base, String token, Instant from, Instant to) {
        try {
            return readings(base, token, from, to).size();
        } catch (IllegalStateException e) {
            return -1; // server down
        }
    }

    @Test
    void sensorToCollectorToServerToTheTodayPageWithABackfillAfterADisconnect() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(3));
        MutableClock clock = new MutableClock(start);
        GlucoseTrace trace = new GlucoseTrace(99, ZONE);
        String email = "collector@example.org";
        try (TestApp app = TestApp.start();
             SensorHost host = new SensorHost(new VirtualCgmSensor(SensorConfig.defaults("C0:11:22:33:44:55",
                     GlucoseSource.trace(trace))), clock, List.of());
             SimulatorServer sim = SimulatorServer.tcp(host, 0);
             ReadingJournal journal = ReadingJournal.open(dir.resolve("queue"), List.of("mqcgm"))) {
            String token = app.newUserToken(email);
            CollectorMetrics metrics = new CollectorMetrics();
            try (Collector collector = new Collector(SocketTransport.tcp(sim.port()), journal,
                    new PairingFile(dir.resolve("queue")), metrics, clock, ZONE,
                    Collector.Options.defaults().withReconnect(Duration.ofMillis(20), Duration.ofMillis(200))).start();
                 Uploader uploader = new Uploader(journal, new MqcgmApiTarget(URI.create(app.url()), token), metrics,
                         new Backoff(Duration.ofMillis(10), Duration.ofMillis(200), new SplittableRandom(1)), 100)
                         .start()) {
                await("collector set up", 30, collector::receiving);
                advance(clock, host, Duration.ofMinutes(60));
                int before = host.inspect(VirtualCgmSensor::storedRecordCount);
                await("the first hour uploaded", 30,
                        () -> count(app.url(), token, start.minusSeconds(60), Instant.now()) == before);

                host.setInRange(false); // the wearer walks away from the collector
                await("link lost", 30, () -> !collector.receiving());
                advance(clock, host, Duration.ofMinutes(60));
                host.setInRange(true);
                await("reconnected", 30, collector::receiving);
                Instant end = Instant.now().minus(Duration.ofMinutes(2));
                advance(clock, host, Duration.between(clock.instant(), end).truncatedTo(ChronoUnit.MINUTES));
                int records = host.inspect(VirtualCgmSensor::storedRecordCount);
                await("every sensor record in the API", 60,
                        () -> count(app.url(), token, start.minusSeconds(60), Instant.now()) == records);
                JsonNode all = readings(app.url(), token, start.minusSeconds(60), Instant.now());
                Set<String> times = new HashSet<>();
                all.forEach(r -> times.add(r.path("time").asText()));
                assertThat(times).hasSize(records);
                assertThat(records).isGreaterThanOrEqualTo(34);
                assertThat(metrics.value(CollectorMetrics.BACKFILLS)).isGreaterThanOrEqualTo(2);
                assertThat(all.get(0).path("time").asText()).endsWith("+08:00");

                try (Browser browser = new Browser(); BrowserContext context = browser.phone("en-US")) {
                    Page page = context.newPage();
                    Browser.logIn(page, app.url(), email);
                    int last = all.get(all.size() - 1).path("mgdl").asInt();
                    assertThat(page.locator("[data-testid=current-value]")).hasText(Integer.toString(last));
                    // one dot per reading, plus the marker on the current one
                    assertThat(page.locator("svg.chart circle:not(.current)")).hasCount(records);
                    Files.createDirectories(Path.of("target", "screenshots"));
                    page.screenshot(new Page.ScreenshotOptions()
                            .setPath(Path.of("target", "screenshots", "today-via-collector.png")).setFullPage(true));
                }
            }
        }
    }

    private static void advance(MutableClock clock, SensorHost host, Duration d) {
        for (long m = 0; m < d.toMinutes(); m++) {
            clock.advance(Duration.ofMinutes(1));
            host.tick();
        }
    }

    /** The real server on a fixed database, so it can be stopped and started again on the same port. */
    static final class RestartableServer implements AutoCloseable {
        final String jdbcUrl = TestDatabase.fresh();
        final Path key;
        App app;
        int port;

        RestartableServer(Path dir) {
            key = dir.resolve("master-key.json");
            MasterKey.generate(key);
            start();
            port = app.port();
        }

        void start() {
            app = App.start(new ServerConfig(jdbcUrl, TestDatabase.user(), TestDatabase.password(), 4, key,
                    "127.0.0.1", port, 1_000_000, TestApp.TEST_ARGON2, Duration.ofHours(12), Duration.ofDays(7), null,
                    key.resolveSibling("outbox"), "http://localhost"),
                    Clock.systemUTC());
        }

        void stop() {
            app.close();
            app = null;
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public void close() {
            if (app != null) {
                stop();
            }
        }
    }

    @Test
    void everyReadingArrivesExactlyOnceThroughAServerRestartAndAKilledCollector() throws Exception {
        // 60 replayed values, 5 minutes apart, from a sensor whose clock starts 12 h back and runs 1200x until it
        // reaches the present: the whole session (5 h of sensor time) streams in about 15 s, then it ends.
        StringBuilder csv = new StringBuilder("mgdl\n");
        for (int i = 0; i < 60; i++) {
            csv.append(100 + i).append('\n');
        }
        Path replay = dir.resolve("replay.csv");
        Files.writeString(replay, csv);
        Path queue = dir.resolve("queue");
        try (RestartableServer server = new RestartableServer(dir)) {
            UUID owner = server.app.accounts().createVerified("reliable@example.org", TestApp.PASSWORD,
                    ZONE.getId(), Language.EN, TestApp.ADULT_BIRTH_DATE);
            server.app.consents().record(owner, org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA, true, "test");
            String token = server.app.apiTokens().create(owner, "collector",
                    EnumSet.of(Scope.READINGS_READ, Scope.READINGS_WRITE));
            try (Processes.Running sensor = Processes.start(Map.of(), true, "sensor", "simulate", "--port", "0",
                    "--replay", replay.toString(), "--backdate", "720", "--speed", "1200", "--tz", ZONE.getId())) {
                String listening = sensor.awaitLine("listening on port", 60);
                String port = listening.substring(listening.lastIndexOf(' ') + 1);
                String[] collect = {"collect", "--sensor-port", port, "--server", server.url(), "--token", token,
                    "--queue", queue.toString(), "--tz", ZONE.getId()};
                Instant from = Instant.now().minus(Duration.ofHours(13));
                try (Processes.Running first = Processes.start(Map.of(), true, collect)) {
                    first.awaitLine("uploaded", 60);
                    server.stop();
                    first.awaitLine("upload to mqcgm failed", 60);
                    first.process.destroyForcibly(); // kill -9 while readings wait in the queue
                    assertThat(first.awaitExit(20)).isTrue();
                }
                server.start();
                try (Processes.Running second = Processes.start(Map.of(), true, collect)) {
                    sensor.awaitLine("session ended: 60 records", 120);
                    try {
                        await("all 60 readings in the API", 120,
                                () -> count(server.url(), token, from, Instant.now().plusSeconds(60)) == 60);
                    } catch (AssertionError e) {
                        throw new AssertionError(e.getMessage() + "\nsensor:\n" + sensor.output()
                                + "\ncollector:\n" + second.output(), e);
                    }
                    JsonNode all = readings(server.url(), token, from, Instant.now().plusSeconds(60));
                    Set<String> times = new HashSet<>();
                    Set<Integer> values = new HashSet<>();
                    all.forEach(r -> {
                        times.add(r.path("time").asText());
                        values.add(r.path("mgdl").asInt());
                    });
                    assertThat(times).hasSize(60);
                    assertThat(values).hasSize(60).allMatch(v -> v >= 100 && v < 160);
                    second.terminate();
                    assertThat(second.awaitExit(20)).isTrue();
                    assertThat(second.output()).doesNotContain("Exception");
                }
                sensor.terminate();
                assertThat(sensor.awaitExit(20)).isTrue();
            }
        }
    }
}
