package org.mqcgm.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mqcgm.server.platform.consent.Consents;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code GET /api/v1/search} over loopback, client included, on a database of {@code posts} public posts (half
 * English, half Chinese, generated from small vocabularies so that common words match thousands of posts and rare
 * ones a few) by 100 authors (seeded through {@code CommunityFeature.seed}: encrypted, indexed as the API does): a Chinese word, an English word, a Chinese phrase and two
 * words together, anonymous (public posts only). Run: see docs/benchmarks.md.
 */
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--sun-misc-unsafe-memory-access=allow"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class CommunitySearchBenchmark {

    static final String[] HAN = ("今天 早餐 米饭 血糖 升得 很快 午饭 面条 运动 散步 胰岛素 晚餐 水果 苹果 牛奶 鸡蛋 "
            + "蔬菜 低碳 睡觉 头晕 低血糖 高血糖 医生 复查 传感器 数据 感觉 不错 有点 累").split(" ");
    static final String[] LATIN = ("breakfast lunch dinner glucose insulin walk run porridge rice noodles apple "
            + "sensor doctor low high spike flat steady tired great coffee bread salad yoga swim bike morning "
            + "evening night").split(" ");

    @Param("100000")
    int posts;

    BenchServer server;
    HttpClient http;
    List<HttpRequest> queries;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = BenchServer.start(8);
        http = HttpClient.newHttpClient();
        List<java.util.UUID> ids = new ArrayList<>();
        for (int a = 0; a < 100; a++) {
            BenchServer.Wearer w = server.wearer("author" + a + "@example.org", ZoneId.of("Asia/Shanghai"));
            server.app.consents().record(w.id(), Consents.Purpose.COMMUNITY, true, "bench");
            ids.add(w.id());
        }
        // Seeded through the feature (encrypted content and search terms as the API stores them), two threads.
        org.mqcgm.server.community.CommunityFeature community =
                server.app.feature(org.mqcgm.server.community.CommunityFeature.class);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                Random random = new Random(12 + thread);
                for (int i = thread; i < posts; i += 2) {
                    String text = i % 2 == 0 ? sentence(random, HAN, "") : sentence(random, LATIN, " ");
                    community.seed(ids.get(i % ids.size()), text, "public", List.of());
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        try (var c = java.sql.DriverManager.getConnection(server.jdbcUrl, server.postgres.user(),
                server.postgres.password()); var s = c.createStatement()) {
            s.execute("vacuum analyze community_post");
        }
        queries = new ArrayList<>();
        for (String q : List.of("米饭", "glucose", "早餐米饭", "insulin walk", "胰岛素")) {
            queries.add(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/v1/search?q="
                    + URLEncoder.encode(q, StandardCharsets.UTF_8))).GET().build());
        }
    }

    static String sentence(Random random, String[] words, String separator) {
        StringBuilder s = new StringBuilder();
        int n = 8 + random.nextInt(12);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(separator);
            }
            s.append(words[random.nextInt(words.length)]);
        }
        return s.toString();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    @Benchmark
    public int search() throws Exception {
        HttpRequest q = queries.get(next++ % queries.size());
        HttpResponse<String> r = http.send(q, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("search answered " + r.statusCode());
        }
        return r.body().length();
    }
}
