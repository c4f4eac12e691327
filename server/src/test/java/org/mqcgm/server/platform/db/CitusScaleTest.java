package org.mqcgm.server.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.mqcgm.server.testing.CitusCluster;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestDatabase;

/**
 * The figures of docs/scale-out.md, only in the Citus profile: the same server on a database distributed over one
 * worker and on one distributed over two (the same three PostgreSQL servers; each database registers its workers),
 * measured in alternating rounds in one run: the upload rate of readings through {@code POST /api/v1/readings}
 * (several wearers uploading a day of readings per request, in parallel) and the latency of
 * {@code GET /api/v1/reports} (14 days). Prints the figures and the ratios (two workers / one worker) and writes them
 * to {@code target/citus-scale.txt}; asserts only that both placements answer every request.
 */
@EnabledIfSystemProperty(named = "mqcgm.test.database", matches = "citus")
class CitusScaleTest {

    static final int WEARERS = Integer.getInteger("mqcgm.citus.scale.wearers", 4);
    static final int DAYS = Integer.getInteger("mqcgm.citus.scale.days", 3);
    static final int ROUNDS = Integer.getInteger("mqcgm.citus.scale.rounds", 3);
    static final int REPORTS = 5;

    @Test
    void uploadRateAndReportLatencyWithOneAndTwoWorkers() throws Exception {
        CitusCluster cluster = TestDatabase.citus();
        int shards = Integer.getInteger("mqcgm.test.citus.shards", 4);
        List<TestApp> apps = new ArrayList<>();
        List<List<String>> tokens = new ArrayList<>();
        for (int workers = 1; workers <= 2; workers++) {
            String db = "scale_" + workers + "w";
            cluster.createDistributedDatabase(db, workers);
            cluster.migrateAndDistribute(db, shards);
            TestApp app = TestApp.startOn(cluster.jdbcUrl(db), CitusCluster.USER, "", c -> c);
            apps.add(app);
            List<String> t = new ArrayList<>();
            for (int i = 0; i < WEARERS; i++) {
                t.add(app.newUserToken("wearer" + i + "@scale.example"));
            }
            tokens.add(t);
        }
        StringBuilder out = new StringBuilder("Citus: " + WEARERS + " wearers, " + DAYS + " days of 5-minute readings"
                + " each per round, " + shards + " shards per table, " + Runtime.getRuntime().availableProcessors()
                + " cores shared by the three PostgreSQL servers, the server and this driver\n"
                + "round  workers  readings/s  report p50 ms\n");
        List<Double> uploadRatios = new ArrayList<>();
        List<Double> reportRatios = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                double[] rate = new double[2];
                double[] p50 = new double[2];
                // Alternate which placement goes first, so a slow moment of the shared machine hits both.
                for (int k = 0; k < 2; k++) {
                    int w = (round % 2 == 0) ? k : 1 - k;
                    TestApp app = apps.get(w);
                    Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(round * DAYS
                            + 1L));
                    long start = System.nanoTime();
                    List<Future<?>> done = new ArrayList<>();
                    for (String token : tokens.get(w)) {
                        done.add(pool.submit(() -> {
                            for (int d = 0; d < DAYS; d++) {
                                upload(app, token, end.minus(Duration.ofDays(d + 1L)));
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : done) {
                        f.get();
                    }
                    rate[w] = WEARERS * DAYS * 288 / ((System.nanoTime() - start) / 1e9);
                    List<Double> ms = new ArrayList<>();
                    for (int r = 0; r < REPORTS; r++) {
                        for (String token : tokens.get(w)) {
                            long t0 = System.nanoTime();
                            HttpResponse<String> res = new Http(app.url()).get("/api/v1/reports",
                                    "Authorization", "Bearer " + token);
                            ms.add((System.nanoTime() - t0) / 1e6);
                            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                        }
                    }
                    Collections.sort(ms);
                    p50[w] = ms.get(ms.size() / 2);
                }
                for (int w = 0; w < 2; w++) {
                    out.append(String.format("%5d  %7d  %10.0f  %13.1f%n", round + 1, w + 1, rate[w], p50[w]));
                }
                uploadRatios.add(rate[1] / rate[0]);
                reportRatios.add(p50[1] / p50[0]);
            }
        } finally {
            pool.shutdownNow();
            apps.forEach(TestApp::close);
        }
        Collections.sort(uploadRatios);
        Collections.sort(reportRatios);
        out.append(String.format("median ratio, two workers / one worker: upload rate %.2f, report p50 %.2f%n",
                uploadRatios.get(uploadRatios.size() / 2), reportRatios.get(reportRatios.size() / 2)));
        System.out.print(out);
        Path file = Path.of("target", "citus-scale.txt");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, out);
        } catch (IOException e) {
            // the figures are printed above
        }
    }

    private static void upload(TestApp app, String token, Instant dayEnd) {
        StringBuilder body = new StringBuilder(288 * 48).append('[');
        for (int i = 0; i < 288; i++) {
            body.append(i > 0 ? "," : "").append("{\"time\":\"").append(dayEnd.minus(Duration.ofMinutes(5L * i)))
                    .append("\",\"mgdl\":").append(90 + (i * 7) % 120).append('}');
        }
        body.append(']');
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/readings", body.toString(),
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
