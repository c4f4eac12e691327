package org.mqcgm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.localdb.LocalPostgres;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.metrics.Metrics;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.EventStream;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * Several nodes on one database behind a load balancer (issue 17): node A is a server in this JVM, node B the
 * {@code mqcgm serve} command as its own process (same database, same master key), and a real HAProxy in front of
 * both (round robin, health checks on {@code /readyz}). Credentials, live readings, revocations and jobs work
 * across nodes; killing B mid-traffic loses no acknowledged reading and the clients' retries land on A.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeveralNodesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Daily, hourly and ten-minute jobs: none runs by itself during the test, each is made due by the test. */
    private static final List<String> JOBS = List.of("purge-expired-imports", "purge-expired-exports",
            "purge-expired-account-codes", "compact-glucose", "push-delivery-log-purge");

    @TempDir
    static Path dir;

    static LocalPostgres pg;
    static TestApp nodeA;
    static Processes.Running nodeB;
    static Process haproxy;
    static String urlA;
    static String urlB;
    static String balancer;
    static String stats;
    static int metricsB;
    static int seq;

    @BeforeAll
    static void startTwoNodesBehindHaproxy() throws Exception {
        pg = LocalPostgres.start(dir.resolve("pg"));
        nodeA = TestApp.startOn(pg.jdbcUrl(), pg.user(), pg.password(),
                c -> c.withMetrics(new Metrics.Settings("127.0.0.1", 0))
                        .withGovernanceSetting("MQCGM_JOBS_POLL_SECONDS", "1"));
        urlA = nodeA.url();
        Path key = dir.resolve("master-key.json");
        Files.copy(nodeA.masterKeyFile(), key);
        metricsB = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("MQCGM_DB_URL", pg.jdbcUrl());
        env.put("MQCGM_DB_USER", pg.user());
        env.put("MQCGM_DB_PASSWORD", pg.password());
        env.put("MQCGM_MASTER_KEY_FILE", key.toString());
        env.put("MQCGM_CONTROLLER_EMAIL", "privacy@operator.example");
        env.put("MQCGM_HOST", "127.0.0.1");
        env.put("MQCGM_PUBLIC_URL", "http://mqcgm.test");
        env.put("MQCGM_JOBS_POLL_SECONDS", "1");
        env.put("MQCGM_METRICS_PORT", Integer.toString(metricsB));
        nodeB = Processes.start(env, true, "serve", "--port", "0");
        String line = nodeB.awaitLine("mqcgm listening on", 60);
        urlB = "http://127.0.0.1:" + Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());

        int front = freePort();
        int statsPort = freePort();
        balancer = "http://127.0.0.1:" + front;
        stats = "http://127.0.0.1:" + statsPort;
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, haproxyConfig(front, statsPort, port(urlA), port(urlB)));
        String binary = Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
        haproxy = new ProcessBuilder(binary, "-f", config.toString(), "-db").redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> serverStates().equals(Map.of("a", "UP", "b", "UP")));
    }

    /**
     * The load balancer of the README: round robin over the nodes, each checked on {@code /readyz} (here every
     * 200 ms), a refused connection retried on the other node.
     */
    static String haproxyConfig(int front, int statsPort, int a, int b) {
        return """
                global
                    maxconn 256
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 30s
                    timeout server 30s
                    retries 3
                    option redispatch
                frontend mqcgm
                    bind 127.0.0.1:%d
                    default_backend nodes
                backend nodes
                    balance roundrobin
                    option httpchk GET /readyz
                    http-check expect status 200
                    default-server inter 200ms fall 1 rise 1
                    server a 127.0.0.1:%d check
                    server b 127.0.0.1:%d check
                listen stats
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                """.formatted(front, a, b, statsPort);
    }

    @AfterAll
    static void stopEverything() {
        if (haproxy != null) {
            haproxy.destroyForcibly();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    @Order(1)
    void aLoginOnOneNodeWorksOnTheOther() throws Exception {
        String login = "nodes-login@example.org";
        nodeA.newUser(login);
        // A web session started on A is a session on B; ended on A, it is ended on B.
        Http onA = nodeA.login(login);
        Http onB = new Http(urlB);
        onB.setCookie("SESSION", onA.cookie("SESSION").orElseThrow());
        assertThat(onB.get("/settings").statusCode()).isEqualTo(200);
        // An app's login through B gives a token that A accepts.
        HttpResponse<String> token = new Http(urlB).postJson("/api/v1/auth/token", "{\"identifier\":\"" + login
                + "\",\"password\":\"" + TestApp.PASSWORD + "\",\"name\":\"phone\"}");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        String bearer = "Bearer " + JSON.readTree(token.body()).path("token").asText();
        assertThat(new Http(urlA).get("/api/v1/me", "Authorization", bearer).statusCode()).isEqualTo(200);
        // And through the balancer, whichever node answers.
        for (int i = 0; i < 4; i++) {
            assertThat(new Http(balancer).get("/api/v1/me", "Authorization", bearer).statusCode()).isEqualTo(200);
        }
        assertThat(onA.postForm("/logout", Map.of()).statusCode()).isEqualTo(303);
        assertThat(onB.get("/settings").statusCode()).isEqualTo(303);
    }

    @Test
    @Order(2)
    void aReadingUploadedOnOneNodeReachesAWatcherOnTheOtherWithinASecond() throws Exception {
        UUID owner = nodeA.newUser("nodes-live@example.org");
        String auth = "Bearer " + nodeA.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class));
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);
        assertThat(upload(urlA, auth, t, 100).statusCode()).isEqualTo(200);
        EventStream onB = EventStream.open(urlB + "/api/v1/readings/stream", "Authorization", auth);
        long slowest = 0;
        for (int i = 1; i <= 5; i++) {
            int mgdl = 100 + i;
            long start = System.nanoTime();
            assertThat(upload(urlA, auth, t.plusSeconds(60L * i), mgdl).statusCode()).isEqualTo(200);
            String data = null;
            while (data == null || !data.contains("\"mgdl\":" + mgdl)) {
                long left = TimeUnit.SECONDS.toNanos(1) - (System.nanoTime() - start);
                String line = left > 0 ? onB.lines().poll(left, TimeUnit.NANOSECONDS) : null;
                assertThat(line).as("reading %d on node B within one second of its upload on node A", mgdl)
                        .isNotNull();
                data = line.startsWith("data:") ? line : data;
            }
            slowest = Math.max(slowest, System.nanoTime() - start);
        }
        System.out.printf("SeveralNodesTest: upload on node A to event on node B, slowest of 5: %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(slowest));
    }

    @Test
    @Order(3)
    void aRevokedTokenOrShareStopsOnEveryNode() throws Exception {
        UUID wearer = person("nodes-wearer");
        UUID follower = person("nodes-follower");
        String wearerAuth = "Bearer " + nodeA.app().apiTokens().create(wearer, "all", EnumSet.allOf(Scope.class));
        String followerAuth = "Bearer " + nodeA.app().apiTokens().create(follower, "all",
                EnumSet.allOf(Scope.class));
        HttpResponse<String> invited = new Http(urlA).postJson("/api/v1/shares",
                "{\"with\":\"f@example.org\",\"scopes\":[\"glucose\",\"history\"]}", "Authorization", wearerAuth);
        assertThat(invited.statusCode()).as(invited.body()).isEqualTo(201);
        assertThat(new Http(urlB).postJson("/api/v1/following", "{\"invitation\":\""
                        + JSON.readTree(invited.body()).path("invitation").asText() + "\"}", "Authorization",
                followerAuth).statusCode()).isEqualTo(201);
        // A reading made after the share began (inside any window it shares).
        assertThat(upload(urlA, wearerAuth, Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1), 140)
                .statusCode()).isEqualTo(200);
        String people = "/api/v1/people/" + wearer + "/readings";
        // Both credentials are in use (and cached) on B.
        assertThat(new Http(urlB).get(people, "Authorization", followerAuth).statusCode()).isEqualTo(200);
        EventStream following = EventStream.open(urlB + people + "/stream", "Authorization", followerAuth);
        assertThat(new Http(urlB).get("/api/v1/me", "Authorization", wearerAuth).statusCode()).isEqualTo(200);

        // The wearer ends the share on A: B refuses the follower's next read and ends their live stream.
        String share = JSON.readTree(new Http(urlA).get("/api/v1/shares", "Authorization", wearerAuth).body())
                .get(0).path("id").asText();
        long revoked = System.nanoTime();
        assertThat(new Http(urlA).send("DELETE", "/api/v1/shares/" + share, "", "Authorization", wearerAuth)
                .statusCode()).isEqualTo(204);
        assertThat(new Http(urlB).get(people, "Authorization", followerAuth).statusCode()).isEqualTo(404);
        following.awaitEnd();
        long streamEnded = System.nanoTime() - revoked;

        // The wearer's token is revoked on A: B refuses it at once.
        revoked = System.nanoTime();
        assertThat(new Http(urlA).send("DELETE", "/api/v1/auth/token", "", "Authorization", wearerAuth)
                .statusCode()).isEqualTo(204);
        long answered = System.nanoTime();
        AtomicInteger stillAccepted = new AtomicInteger();
        Http b = new Http(urlB);
        await().atMost(Duration.ofSeconds(1)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    boolean refused = b.get("/api/v1/me", "Authorization", wearerAuth).statusCode() == 401;
                    if (!refused) {
                        stillAccepted.incrementAndGet();
                    }
                    return refused;
                });
        System.out.printf("SeveralNodesTest: share ended on A to B's stream closed %d ms; token revoked on A (%d ms)"
                        + " to refused on B %d ms later, after %d requests B still accepted%n",
                TimeUnit.NANOSECONDS.toMillis(streamEnded), TimeUnit.NANOSECONDS.toMillis(answered - revoked),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered), stillAccepted.get());
    }

    /**
     * A node caches each person's home zone (it cuts stored readings into local days): a change on A reaches B's
     * cache at once, so B files the next upload under the new zone's day.
     */
    @Test
    @Order(4)
    void aChangedHomeZoneIsUsedByEveryNode() {
        UUID owner = nodeA.newUser("nodes-zone@example.org");
        String auth = "Bearer " + nodeA.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class));
        java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(5);
        // B files a reading of 20:00 UTC under that UTC day (and caches the zone, UTC).
        Instant first = day.atTime(20, 0).toInstant(java.time.ZoneOffset.UTC);
        assertThat(upload(urlB, auth, first, 120).statusCode()).isEqualTo(200);
        assertThat(dayOf(owner, first)).isEqualTo(day);
        HttpResponse<String> moved = new Http(urlA).send("PUT", "/api/v1/me/profile",
                "{\"timeZone\":\"Asia/Shanghai\"}", "Authorization", auth, "Content-Type", "application/json");
        assertThat(moved.statusCode()).as(moved.body()).isBetween(200, 204);
        // 20:01 UTC and later are the next day in Shanghai (04:01): B files the next upload there, as soon as the
        // change's notice arrived (within a second; each try is a new reading, uploads being idempotent).
        AtomicInteger tries = new AtomicInteger();
        await().atMost(Duration.ofSeconds(1)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    Instant next = first.plusSeconds(60L * tries.incrementAndGet());
                    assertThat(upload(urlB, auth, next, 121).statusCode()).isEqualTo(200);
                    return dayOf(owner, next).equals(day.plusDays(1));
                });
        System.out.printf("SeveralNodesTest: home zone changed on A, used by B from upload %d on%n", tries.get());
    }

    /** The local day of the stored block holding {@code time}. */
    private static java.time.LocalDate dayOf(UUID owner, Instant time) {
        return nodeA.sql().withHandle(h -> h.createQuery("select day from glucose_day where owner_id = :o"
                        + " and :t between first_time and last_time")
                .bind("o", owner).bind("t", java.time.OffsetDateTime.ofInstant(time, java.time.ZoneOffset.UTC))
                .mapTo(java.time.LocalDate.class).one());
    }

    @Test
    @Order(5)
    void scheduledJobsRunOncePerScheduleNotOncePerNode() {
        Map<String, Integer> before = jobRuns();
        // Every job due now, as when its time comes: both nodes look for due jobs every second.
        nodeA.sql().useHandle(h -> h.createUpdate("update scheduled_tasks set execution_time = now()"
                + " where task_name in (<jobs>)").bindList("jobs", JOBS).execute());
        Map<String, Integer> once = new HashMap<>();
        JOBS.forEach(j -> once.put(j, before.getOrDefault(j, 0) + 1));
        // Each ran once; then each was set to its next time, so neither node can run it again now: still once.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> jobRuns().equals(once));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> nodeA.sql().withHandle(h -> h.createQuery("select count(*) from scheduled_tasks"
                        + " where task_name in (<jobs>) and execution_time > now() + interval '5 minutes'"
                        + " and not picked").bindList("jobs", JOBS).mapTo(Integer.class).one()) == JOBS.size());
        assertThat(jobRuns()).isEqualTo(once);
    }

    @Test
    @Order(6)
    void killingANodeMidTrafficLosesNoAcknowledgedReadingAndRetriesLandOnTheOther() throws Exception {
        UUID owner = person("nodes-kill");
        String auth = "Bearer " + nodeA.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class));
        Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(2, ChronoUnit.DAYS);
        int total = 240;
        int clients = 4;
        Set<Instant> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger failedAttempts = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int first = c;
            threads.add(Thread.ofPlatform().start(() -> {
                Http http = new Http(balancer);
                for (int i = first; i < total; i += clients) {
                    Instant time = base.plusSeconds(60L * i);
                    // A phone's uploader: the same reading again until it is acknowledged (uploads are idempotent).
                    for (int attempt = 0; attempt < 50 && !acknowledged.contains(time); attempt++) {
                        try {
                            if (upload(http, auth, time, 100 + i % 200).statusCode() == 200) {
                                acknowledged.add(time);
                            } else {
                                failedAttempts.incrementAndGet();
                            }
                        } catch (UncheckedIOException e) {
                            failedAttempts.incrementAndGet();
                        }
                    }
                }
            }));
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(() -> acknowledged.size() >= total / 4);
        nodeB.process.destroyForcibly(); // SIGKILL mid-traffic: no drain, connections cut
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> "DOWN".equals(serverStates().get("b")));
        long stored = nodeA.sql().withHandle(h -> h.createQuery("""
                select (select count(*) from glucose_recent where owner_id = :o)
                     + (select coalesce(sum(readings), 0) from glucose_day where owner_id = :o)""")
                .bind("o", owner).mapTo(Long.class).one());
        System.out.printf("SeveralNodesTest: %d readings acknowledged, %d stored, %d failed attempts retried%n",
                acknowledged.size(), stored, failedAttempts.get());
        // Every reading was acknowledged in the end (the retries landed on A), and each is stored once.
        assertThat(acknowledged).hasSize(total);
        assertThat(stored).isEqualTo(total);
        // B took part of the traffic before it was killed.
        assertThat(nodeB.output()).contains("POST /api/v1/readings 200");
    }

    private static UUID person(String name) {
        UUID id = nodeA.newUser(name + (++seq) + "@example.org");
        nodeA.app().consents().record(id, Purpose.SHARING, true, "test");
        return id;
    }

    /** How many times each job ran, summed over both nodes (each node's job metric). */
    private static Map<String, Integer> jobRuns() {
        Map<String, Integer> runs = new HashMap<>();
        for (int port : new int[] {nodeA.app().metrics().port(), metricsB}) {
            String text = new Http("http://127.0.0.1:" + port).get("/metrics").body();
            Matcher m = Pattern.compile("mqcgm_job_seconds_count\\{[^}]*job=\"([^\"]+)\"[^}]*} ([0-9.]+)")
                    .matcher(text);
            while (m.find()) {
                if (JOBS.contains(m.group(1))) {
                    runs.merge(m.group(1), (int) Double.parseDouble(m.group(2)), Integer::sum);
                }
            }
        }
        return runs;
    }

    /** The state HAProxy's health checks give each node ({@code UP}, {@code DOWN}), from its statistics page. */
    private static Map<String, String> serverStates() {
        Map<String, String> states = new HashMap<>();
        try {
            for (String line : new Http(stats).get("/stats;csv").body().split("\n")) {
                String[] f = line.split(",");
                if (f.length > 17 && f[0].equals("nodes") && (f[1].equals("a") || f[1].equals("b"))) {
                    states.put(f[1], f[17].split(" ")[0]);
                }
            }
        } catch (UncheckedIOException e) {
            // HAProxy is not listening yet
        }
        return states;
    }

    private static HttpResponse<String> upload(String url, String auth, Instant time, int mgdl) {
        return upload(new Http(url), auth, time, mgdl);
    }

    private static HttpResponse<String> upload(Http http, String auth, Instant time, int mgdl) {
        return http.postJson("/api/v1/readings", "[{\"time\":\"" + time + "\",\"mgdl\":" + mgdl + "}]",
                "Authorization", auth);
    }

    private static int port(String url) {
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
