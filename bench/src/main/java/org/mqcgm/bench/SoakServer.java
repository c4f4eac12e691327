package org.mqcgm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;

/**
 * The server side of the soak ({@code ./mqcgm bench soak}, {@code bench/run-soak}): in its own JVM (the script gives
 * it {@code -Xmx256m} and GC logging), its own durable PostgreSQL and the real {@link org.mqcgm.server.App} on a
 * loopback port with the production pool size (10). Setup, before any load:
 * <ul>
 *   <li>W wearers: an account ({@code Accounts.createVerified}, the registration code without the e-mail round trip;
 *       Argon2 made cheap as in every benchmark), the health-data consent and an API token with every scope;</li>
 *   <li>F followers: an account and a token ({@code readings:read}, {@code sharing}); follower f follows wearer
 *       {@code f % W}, who gave the sharing consent, through the API ({@code POST /api/v1/shares},
 *       {@code POST /api/v1/following});</li>
 *   <li>R report wearers (the first R) get 14 days of 5-minute readings through {@code POST /api/v1/readings}.</li>
 * </ul>
 * Then it writes {@code accounts.tsv} (the credentials the load driver uses) and {@code ready} (the base URL and its
 * pid) into the run directory, and serves until {@code stop} appears there (or it is killed).
 */
public final class SoakServer {

    private SoakServer() {
    }

    public static void main(String[] args) throws Exception {
        int wearers = Integer.parseInt(LoadDriver.arg(args, "--wearers", "10000"));
        int followers = Integer.parseInt(LoadDriver.arg(args, "--followers", "2000"));
        int reportWearers = Integer.parseInt(LoadDriver.arg(args, "--report-wearers", "20"));
        int pool = Integer.parseInt(LoadDriver.arg(args, "--pool", "10"));
        Path dir = Path.of(LoadDriver.arg(args, "--dir", "target/soak"));
        String data = LoadDriver.arg(args, "--data", "");
        boolean setupOnly = LoadDriver.arg(args, "--setup-only", "no").equals("yes");
        if (wearers < 1 || wearers > 50_000 || followers < 0 || followers > 20_000 || reportWearers < 0
                || reportWearers > wearers || pool < 1 || pool > 200) {
            throw new IllegalArgumentException("wearers 1..50000, followers 0..20000, report-wearers 0..wearers, "
                    + "pool 1..200");
        }
        Files.createDirectories(dir);
        Path kept = data.isEmpty() ? null : Path.of(data).toAbsolutePath();
        try (BenchServer server = kept == null ? BenchServer.start(pool, true) : BenchServer.startIn(kept, pool)) {
            // Where PostgreSQL keeps its data (and its postmaster.pid): the script stops an orphan after an OOM.
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(server.jdbcUrl, server.postgres.user(),
                    server.postgres.password()); java.sql.Statement s = c.createStatement();
                 java.sql.ResultSet r = s.executeQuery("show data_directory")) {
                r.next();
                Files.writeString(dir.resolve("pgdata"), r.getString(1) + "\n");
            }
            long t0 = System.nanoTime();
            Path keptAccounts = kept == null ? null : kept.resolve("accounts.tsv");
            List<String> lines;
            if (keptAccounts != null && Files.exists(keptAccounts)) {
                lines = Files.readAllLines(keptAccounts);
                System.out.printf(Locale.ROOT, "soak server: setup reused from %s (%d accounts)%n", kept,
                        lines.size());
            } else {
                // Setup is not measured: its commits need not wait for the disk (the load's do, as in production).
                durableCommits(server, false);
                lines = setup(server, wearers, followers, reportWearers);
                durableCommits(server, true);
                if (keptAccounts != null) {
                    Files.write(keptAccounts, lines, StandardCharsets.UTF_8);
                }
                System.out.printf(Locale.ROOT, "soak server: setup of %d wearers, %d followers, %d report wearers "
                        + "in %.1f s%n", wearers, followers, reportWearers, (System.nanoTime() - t0) / 1e9);
            }
            if (!setupOnly) {
                serve(server, dir, lines);
            }
        }
        System.exit(0);
    }

    /** Hands the driver its accounts and the address, then serves until {@code stop} appears. */
    private static void serve(BenchServer server, Path dir, List<String> lines) throws Exception {
        Path tmp = dir.resolve("accounts.tsv.tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("accounts.tsv"), StandardCopyOption.ATOMIC_MOVE);
        System.out.printf(Locale.ROOT, "soak server: serving %s%n", server.baseUrl());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dir.resolve("ready.tmp")))) {
            w.println(server.baseUrl());
            w.println(ProcessHandle.current().pid());
        }
        Files.move(dir.resolve("ready.tmp"), dir.resolve("ready"), StandardCopyOption.ATOMIC_MOVE);
        while (!Files.exists(dir.resolve("stop"))) {
            TimeUnit.SECONDS.sleep(1);
        }
        System.out.println("soak server: stopping");
    }

    /**
     * Switches {@code synchronous_commit} of the bench database (a database setting outranks the server's command
     * line) and renews the pool's connections so that every one has it; prints what a pooled connection now has.
     */
    static void durableCommits(BenchServer server, boolean on) {
        server.postgres.execute(on ? "ALTER DATABASE bench RESET synchronous_commit"
                : "ALTER DATABASE bench SET synchronous_commit = off");
        org.mqcgm.server.platform.db.Database db = server.app.database().orElseThrow();
        String now = "?";
        for (int attempt = 0; attempt < 40; attempt++) {
            try {
                db.dataSource().unwrap(com.zaxxer.hikari.HikariDataSource.class).getHikariPoolMXBean()
                        .softEvictConnections();
                TimeUnit.MILLISECONDS.sleep(250);
            } catch (java.sql.SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
            now = db.jdbi().withHandle(h -> h.createQuery("show synchronous_commit").mapTo(String.class).one());
            if (now.equals("on") == on) {
                break;
            }
        }
        System.out.println("soak server: synchronous_commit " + now + (on ? " (the load)" : " (setup)"));
        if (now.equals("on") != on && on) {
            throw new IllegalStateException("synchronous_commit is " + now + " for the load");
        }
    }

    /** Creates the accounts; returns the lines of accounts.tsv. */
    static List<String> setup(BenchServer server, int wearerCount, int followerCount, int reportWearers)
            throws Exception {
        UUID[] ids = new UUID[wearerCount];
        String[] bearers = new String[wearerCount];
        String[] followerBearers = new String[followerCount];
        String base = server.baseUrl();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        ObjectMapper json = new ObjectMapper();
        int threads = 16;
        AtomicInteger next = new AtomicInteger();
        parallel(threads, () -> {
            for (int w = next.getAndIncrement(); w < wearerCount; w = next.getAndIncrement()) {
                BenchServer.Wearer wearer = server.wearer("wearer" + w + "@soak.example", ZoneId.of("UTC"));
                if (w < followerCount) {
                    server.app.consents().record(wearer.id(), Consents.Purpose.SHARING, true, "bench");
                }
                ids[w] = wearer.id();
                bearers[w] = wearer.bearer();
            }
        });
        AtomicInteger nextFollower = new AtomicInteger();
        parallel(threads, () -> {
            for (int f = nextFollower.getAndIncrement(); f < followerCount; f = nextFollower.getAndIncrement()) {
                String email = "follower" + f + "@soak.example";
                UUID follower = server.app.accounts().createVerified(email, BenchServer.PASSWORD, "UTC",
                        Language.EN);
                String bearer = "Bearer " + server.app.apiTokens().create(follower, "bench",
                        EnumSet.of(Scope.READINGS_READ, Scope.SHARING));
                JsonNode share = post(http, json, base + "/api/v1/shares", bearers[f % wearerCount],
                        "{\"with\":\"" + email + "\",\"scopes\":[\"glucose\"]}");
                post(http, json, base + "/api/v1/following", bearer,
                        "{\"invitation\":\"" + share.path("invitation").asText() + "\"}");
                followerBearers[f] = bearer;
            }
        });
        AtomicInteger nextReport = new AtomicInteger();
        parallel(threads, () -> {
            for (int w = nextReport.getAndIncrement(); w < reportWearers; w = nextReport.getAndIncrement()) {
                history(http, json, base, bearers[w], w);
            }
        });
        List<String> lines = new ArrayList<>(wearerCount + followerCount);
        for (int w = 0; w < wearerCount; w++) {
            lines.add("wearer\t" + w + "\t" + ids[w] + "\t" + bearers[w] + "\t" + (w < reportWearers ? "report" : "-"));
        }
        for (int f = 0; f < followerCount; f++) {
            int w = f % wearerCount;
            lines.add("follower\t" + f + "\t" + ids[w] + "\t" + followerBearers[f] + "\t" + w);
        }
        return lines;
    }

    /** 14 days of 5-minute readings ending 10 minutes ago, in two uploads. */
    private static void history(HttpClient http, ObjectMapper json, String base, String bearer, int seed)
            throws IOException, InterruptedException {
        GlucoseTrace trace = new GlucoseTrace(seed, ZoneId.of("UTC"));
        Instant end = Instant.ofEpochSecond(Instant.now().minusSeconds(600).getEpochSecond() / 300 * 300);
        int total = 14 * 288;
        for (int from = total - 1; from >= 0; from -= total / 2) {
            StringBuilder body = new StringBuilder("[");
            for (int i = from; i > from - total / 2 && i >= 0; i--) {
                Instant t = end.minusSeconds(300L * i);
                body.append(body.length() > 1 ? "," : "").append("{\"time\":\"").append(t).append("\",\"mgdl\":")
                        .append(trace.mgdlAt(t)).append('}');
            }
            body.append(']');
            post(http, json, base + "/api/v1/readings", bearer, body.toString());
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static void parallel(int threads, Work work) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    work.run();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    private static JsonNode post(HttpClient http, ObjectMapper json, String url, String bearer, String body)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", bearer)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + url + " -> " + r.statusCode() + ": " + r.body());
        }
        return json.readTree(r.body());
    }
}
