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
        server = BenchServer.start(8, false);
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

    /** The queries above as the search builds them (tsquery literals of SearchText.query). */
    static final List<String> TSQUERIES = List.of("'米饭'", "'glucose'", "('早餐' <-> '餐米' <-> '米饭')",
            "'insulin' & 'walk'", "('胰岛' <-> '岛素')");

    private static final String COLUMNS = "owner_id, id, created_at, updated_at, visibility, content, photos, hidden_at";

    /** Every match ranked: the statement of Search.indexed until 2026-12-07. */
    static final String RANK_ALL = "select " + COLUMNS + """
            , ts_rank(search, q, 32) as rank
             from community_post, cast(:q as tsquery) q
            where search @@ q
              and ((hidden_at is null and visibility = any(:kinds)) or owner_id = :viewer)
              and (cast(:from as timestamptz) is null or created_at >= :from)
              and (cast(:to as timestamptz) is null or created_at < :to)
              and (cardinality(cast(:tags as text[])) = 0 or search_tags @> cast(:tags as text[]))
            order by rank desc, created_at desc limit :limit""";

    /** Only the newest matches ranked: the search's own statement (Search.CANDIDATES = 1,000), see {@link #newest}. */
    static final String RANK_NEWEST = org.mqcgm.server.community.CommunityFeature.SEARCH_STATEMENT;

    /** The statement bound as the search binds it for an anonymous caller (public posts), no dates, no tags. */
    static org.jdbi.v3.core.statement.Query bound(org.jdbi.v3.core.Handle h, String sql, String tsquery) {
        return h.createQuery(sql).bind("q", tsquery).bind("viewer", (java.util.UUID) null)
                .bindArray("kinds", String.class, List.of("public"))
                .bind("from", (java.time.OffsetDateTime) null).bind("to", (java.time.OffsetDateTime) null)
                .bindArray("tags", String.class, List.of()).bind("candidates", 1000).bind("limit", 60);
    }

    /** The ids a statement answers, best first (the content read too, as the search does). */
    static List<String> ids(org.jdbi.v3.core.Handle h, String sql, String tsquery) {
        return bound(h, sql, tsquery).map((rs, ctx) -> {
            rs.getBytes("content");
            return rs.getString("id");
        }).list();
    }

    /** RANK_NEWEST as the search runs it: planned for this query's words (a custom plan). */
    static List<String> newest(org.jdbi.v3.core.Handle h, String tsquery) {
        return h.inTransaction(tx -> {
            tx.execute("set local plan_cache_mode = force_custom_plan");
            return ids(tx, RANK_NEWEST, tsquery);
        });
    }

    /**
     * One seeded database, then, alternating query by query so that both see the same load: the ranking
     * statement of before and after (the statement alone, on one connection), and {@code GET /api/v1/search} of
     * this build over HTTP. {@code --posts 100000 --rounds 100}; bounded (each round runs each query once).
     */
    public static void main(String[] args) throws Exception {
        CommunitySearchBenchmark b = new CommunitySearchBenchmark();
        b.posts = Integer.parseInt(LoadDriver.arg(args, "--posts", "100000"));
        int rounds = Integer.parseInt(LoadDriver.arg(args, "--rounds", "100"));
        long seedStart = System.nanoTime();
        b.setUp();
        System.out.printf(java.util.Locale.ROOT, "seeded %d posts in %.0f s%n", b.posts,
                (System.nanoTime() - seedStart) / 1e9);
        org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(b.server.jdbcUrl, b.server.postgres.user(),
                b.server.postgres.password()).installPlugin(new org.jdbi.v3.postgres.PostgresPlugin());
        try (org.jdbi.v3.core.Handle h = jdbi.open()) {
            int n = rounds * TSQUERIES.size();
            int kinds = 3;
            long[][] t = new long[kinds][n];
            long[][][] perQuery = new long[kinds][TSQUERIES.size()][rounds];
            int i = 0;
            for (int round = -10; round < rounds; round++) {
                for (int qi = 0; qi < TSQUERIES.size(); qi++) {
                    String q = TSQUERIES.get(qi);
                    long t0 = System.nanoTime();
                    ids(h, RANK_ALL, q);
                    long t1 = System.nanoTime();
                    newest(h, q);
                    long t2 = System.nanoTime();
                    b.search();
                    long t3 = System.nanoTime();
                    if (round >= 0) {
                        long[] took = {t1 - t0, t2 - t1, t3 - t2};
                        for (int k = 0; k < kinds; k++) {
                            t[k][i] = took[k];
                            perQuery[k][qi][round] = took[k];
                        }
                        i++;
                    }
                }
            }
            String[] names = {"statement, every match ranked", "statement, newest 1,000 ranked",
                "GET /api/v1/search (this build)"};
            System.out.printf(java.util.Locale.ROOT, "%d samples each; ms p50 / p90 / p99, then p50 per query%n", n);
            for (int k = 0; k < kinds; k++) {
                java.util.Arrays.sort(t[k]);
                StringBuilder per = new StringBuilder();
                for (long[] pq : perQuery[k]) {
                    java.util.Arrays.sort(pq);
                    per.append(String.format(java.util.Locale.ROOT, " %7.2f", LoadDriver.pct(pq, 50)));
                }
                System.out.printf(java.util.Locale.ROOT, "%-32s %7.2f / %7.2f / %7.2f |%s%n", names[k],
                        LoadDriver.pct(t[k], 50), LoadDriver.pct(t[k], 90), LoadDriver.pct(t[k], 99), per);
            }
            System.out.printf(java.util.Locale.ROOT, "p50 new / old statement: %.2f%n",
                    LoadDriver.pct(t[1], 50) / LoadDriver.pct(t[0], 50));
            for (String q : TSQUERIES) {
                List<String> before = ids(h, RANK_ALL, q);
                List<String> after = newest(h, q);
                List<String> newTop = after.subList(0, Math.min(20, after.size()));
                System.out.printf(java.util.Locale.ROOT, "%s: %d of the first 20 are the same%n", q,
                        before.subList(0, Math.min(20, before.size())).stream().filter(newTop::contains).count());
            }
            for (String q : TSQUERIES) {
                System.out.println(q + ": " + String.join("\n", bound(h, "explain (analyze) " + RANK_NEWEST, q)
                        .mapTo(String.class).list()));
            }
        } finally {
            b.tearDown();
        }
        System.exit(0);
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
