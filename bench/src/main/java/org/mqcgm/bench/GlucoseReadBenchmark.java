package org.mqcgm.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.server.App;
import org.mqcgm.server.glucose.ReadingStore;
import org.mqcgm.server.platform.security.Scope;
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

    BenchServer server;
    ReadingStore store;
    UUID owner;
    Instant now;
    HttpClient http;
    HttpRequest ninetyDaysRequest;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = BenchServer.start(8);
        App app = server.app;
        store = app.readings().store();
        now = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 300 * 300);
        String token = null;
        for (int u = 0; u <= 20; u++) {
            BenchServer.Wearer wearer = server.wearer("wearer" + u + "@example.org", ZONE);
            GlucoseTrace trace = new GlucoseTrace(u, ZONE);
            List<Reading> readings = new ArrayList<>();
            for (int i = 90 * 288 - 1; i >= 0; i--) {
                Instant t = now.minus(Duration.ofMinutes(5L * i));
                readings.add(new Reading(t, ZoneOffset.ofHours(8), trace.mgdlAt(t)));
            }
            store.insert(wearer.id(), readings);
            if (u == 10) {
                owner = wearer.id();
                token = wearer.token();
            }
        }
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ninetyDaysRequest = HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/api/v1/readings?from=" + now.minus(Duration.ofDays(90)).plusSeconds(1) + "&to=" + now.plusSeconds(1)))
                .header("Authorization", "Bearer " + token).build();
        if (ninetyDays().size() != 90 * 288) {
            throw new IllegalStateException("expected " + 90 * 288 + " readings");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
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
