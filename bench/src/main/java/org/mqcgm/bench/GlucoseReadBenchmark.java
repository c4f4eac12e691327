package org.mqcgm.bench;

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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.server.App;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.glucose.ReadingStore;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.db.LocalPostgres;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading glucose back, as the pages and the API do, from a database holding 21 wearers with 90 days of 5-minute
 * readings each (the last 48 hours as encrypted rows, older days as encrypted day blocks):
 * <ul>
 *   <li>{@code last24Hours} — the Today page's read: mostly recent rows;</li>
 *   <li>{@code oneOldDay} — a History day from a day block;</li>
 *   <li>{@code ninetyDays} — a 90-day report's read: 88 blocks and 576 rows;</li>
 *   <li>{@code ninetyDaysOverHttp} — {@code GET /api/v1/readings} for 90 days as JSON over loopback, client
 *       included (an upper bound of the server time of that request).</li>
 * </ul>
 * Run: see docs/benchmarks.md.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--sun-misc-unsafe-memory-access=allow"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class GlucoseReadBenchmark {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    LocalPostgres postgres;
    App app;
    ReadingStore store;
    UUID owner;
    Instant now;
    HttpClient http;
    HttpRequest ninetyDaysRequest;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        postgres = LocalPostgres.startTemporary();
        Path dir = Files.createTempDirectory("mqcgm-bench-");
        Path key = dir.resolve("master-key.json");
        MasterKey.generate(key);
        app = App.start(new ServerConfig(postgres.jdbcUrl(), postgres.user(), postgres.password(), 8, key,
                "127.0.0.1", 0, 8_000_000, new ServerConfig.Argon2Cost(1024, 1, 1), Duration.ofHours(1),
                Duration.ofDays(1), null, dir.resolve("outbox"), "http://localhost"), Clock.systemUTC());
        store = app.readings().store();
        now = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 300 * 300);
        String token = null;
        for (int u = 0; u <= 20; u++) {
            UUID id = app.accounts().createVerified("wearer" + u + "@example.org", "granite willow harbor seven",
                    ZONE.getId(), Language.EN);
            app.consents().record(id, Consents.Purpose.HEALTH_DATA, true, "bench");
            GlucoseTrace trace = new GlucoseTrace(u, ZONE);
            List<Reading> readings = new ArrayList<>();
            for (int i = 90 * 288 - 1; i >= 0; i--) {
                Instant t = now.minus(Duration.ofMinutes(5L * i));
                readings.add(new Reading(t, ZoneOffset.ofHours(8), trace.mgdlAt(t)));
            }
            store.insert(id, readings);
            if (u == 10) {
                owner = id;
                token = app.apiTokens().create(id, "bench", EnumSet.allOf(Scope.class));
            }
        }
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ninetyDaysRequest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/api/v1/readings?from=" + now.minus(Duration.ofDays(90)).plusSeconds(1) + "&to=" + now.plusSeconds(1)))
                .header("Authorization", "Bearer " + token).build();
        if (ninetyDays().size() != 90 * 288) {
            throw new IllegalStateException("expected " + 90 * 288 + " readings");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        app.close();
        postgres.close();
    }

    @Benchmark
    public List<Reading> last24Hours() {
        return store.range(owner, now.minus(Duration.ofHours(24)), now.plusSeconds(1));
    }

    @Benchmark
    public List<Reading> oneOldDay() {
        Instant from = now.minus(Duration.ofDays(30));
        return store.range(owner, from, from.plus(Duration.ofDays(1)));
    }

    @Benchmark
    public List<Reading> ninetyDays() {
        return store.range(owner, now.minus(Duration.ofDays(90)), now.plusSeconds(1));
    }

    @Benchmark
    public int ninetyDaysOverHttp() throws Exception {
        HttpResponse<byte[]> r = http.send(ninetyDaysRequest, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode());
        }
        return r.body().length;
    }
}
