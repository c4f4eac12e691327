package org.mqcgm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.localdb.LocalPostgres;
import org.mqcgm.server.App;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.testing.TestApp;

/**
 * The reliability promise of uploads (PR-18, "kill … mid-upload → resumes without duplicates"): {@code mqcgm serve}
 * is killed with SIGKILL in the middle of a large upload, started again on the same database, and the client
 * retries what was not acknowledged. Every reading acknowledged before the kill is there, nothing is stored twice,
 * and the total is exactly the number of distinct readings sent.
 */
class UploadCrashRecoveryTest {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final int BATCHES = 100;
    static final int BATCH_SIZE = 1_000;
    /** Batches acknowledged before the server is killed. */
    static final int ACKED_BEFORE_KILL = 10;

    static LocalPostgres postgres;
    static String token;
    static UUID owner;

    @TempDir
    static Path dir;

    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void prepareDatabaseAndAccount() {
        postgres = LocalPostgres.start(dir.resolve("pg"));
        postgres.createDatabaseIfAbsent("crash");
        MasterKey.generate(dir.resolve("master.json"));
        // The server itself, in-process once, creates the schema, the account and its token; then it stops, and
        // from here on only the mqcgm process touches the database.
        ServerConfig config = ServerConfig.fromSettings(env()).withListen("127.0.0.1", 0)
                .withArgon2(TestApp.TEST_ARGON2);
        try (App app = App.start(config, Clock.systemUTC())) {
            owner = app.accounts().createVerified("uploader@example.org", TestApp.PASSWORD, ZONE.getId(), Language.EN, TestApp.ADULT_BIRTH_DATE);
            app.consents().record(owner, Consents.Purpose.HEALTH_DATA, true, "test");
            token = app.apiTokens().create(owner, "collector", EnumSet.allOf(Scope.class));
        }
    }

    @AfterAll
    static void stopDatabase() {
        postgres.close();
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("MQCGM_DB_URL", postgres.jdbcUrl("crash"));
        env.put("MQCGM_DB_USER", postgres.user());
        env.put("MQCGM_DB_PASSWORD", postgres.password());
        env.put("MQCGM_MASTER_KEY_FILE", dir.resolve("master.json").toString());
        env.put("MQCGM_CONTROLLER_EMAIL", "privacy@operator.example");
        env.put("MQCGM_HOST", "127.0.0.1");
        env.put("MQCGM_OUTBOX_DIR", dir.resolve("outbox").toString());
        return env;
    }

    /** Starts {@code mqcgm serve} (the JVM itself, no wrapper shell) and waits until it listens. */
    private static Processes.Running serve(int port) throws InterruptedException {
        Processes.Running serve = Processes.start(env(), true, "serve", "--port", Integer.toString(port));
        serve.awaitLine("mqcgm listening on", 60);
        return serve;
    }

    private static int portOf(Processes.Running serve) {
        String line = serve.all.stream().filter(l -> l.contains("mqcgm listening on")).findFirst().orElseThrow();
        return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
    }

    /** One upload request: its readings (epoch second → mg/dL), its JSON body and its Idempotency-Key. */
    record Batch(int index, Map<Long, Integer> readings, String body, String key) {
    }

    /**
     * 100,000 readings one minute apart, ending an hour ago (so about 69 days: the newest two days land in the
     * recent table, the rest in day blocks), cut into batches of 1,000.
     */
    private static List<Batch> batches() {
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1));
        Instant start = end.minus(Duration.ofMinutes((long) BATCHES * BATCH_SIZE - 1));
        List<Batch> out = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            Map<Long, Integer> readings = new LinkedHashMap<>();
            StringBuilder body = new StringBuilder(BATCH_SIZE * 64).append('[');
            for (int i = 0; i < BATCH_SIZE; i++) {
                int n = b * BATCH_SIZE + i;
                Instant t = start.plus(Duration.ofMinutes(n));
                int mgdl = 60 + (n * 37) % 240;
                readings.put(t.getEpochSecond(), mgdl);
                body.append(i > 0 ? "," : "").append("{\"time\":\"").append(t.atZone(ZONE).toOffsetDateTime())
                        .append("\",\"mgdl\":").append(mgdl).append(",\"device\":\"sim-1\"}");
            }
            out.add(new Batch(b, readings, body.append(']').toString(), "upload-" + UUID.randomUUID()));
        }
        return out;
    }

    private HttpResponse<String> post(String base, Batch batch, String key) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/readings"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(batch.body())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Tag("PR-18")
    @Test
    void killMinus9MidUploadThenRetryLosesNothingAndDuplicatesNothing() throws Exception {
        List<Batch> batches = batches();
        Map<Integer, JsonNode> acknowledged = new ConcurrentHashMap<>();
        CountDownLatch enoughAcknowledged = new CountDownLatch(ACKED_BEFORE_KILL);
        AtomicReference<String> unexpected = new AtomicReference<>();

        Processes.Running first = serve(0);
        int port = portOf(first);
        String base = "http://127.0.0.1:" + port;
        Thread uploader;
        try {
            // The client uploads batch after batch, as fast as the server answers, until the connection fails.
            uploader = Thread.ofPlatform().name("uploader").start(() -> {
                for (Batch batch : batches) {
                    try {
                        HttpResponse<String> r = post(base, batch, batch.key());
                        if (r.statusCode() != 200) {
                            unexpected.set("batch " + batch.index() + ": " + r.statusCode() + " " + r.body());
                            return;
                        }
                        acknowledged.put(batch.index(), json.readTree(r.body()));
                        enoughAcknowledged.countDown();
                    } catch (IOException e) {
                        return; // the server went away: this batch and the following ones are not acknowledged
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            assertThat(enoughAcknowledged.await(120, TimeUnit.SECONDS)).as("batches acknowledged before the kill")
                    .isTrue();
            // SIGKILL to the server's JVM: no shutdown hook, no graceful stop, transactions cut wherever they are.
            first.process.destroyForcibly();
            assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            first.close();
        }
        assertThat(first.process.exitValue()).as("killed by signal 9").isEqualTo(128 + 9);
        assertThat(first.output()).doesNotContain("mqcgm stopped");
        uploader.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(uploader.isAlive()).isFalse();
        assertThat(unexpected.get()).isNull();
        Set<Integer> acknowledgedBeforeKill = Set.copyOf(acknowledged.keySet());
        assertThat(acknowledgedBeforeKill).hasSizeGreaterThanOrEqualTo(ACKED_BEFORE_KILL);
        // The kill came in the middle of the upload, not after it.
        assertThat(acknowledgedBeforeKill).hasSizeLessThan(BATCHES);
        for (JsonNode answer : acknowledged.values()) {
            assertThat(answer.path("accepted").asInt()).isEqualTo(BATCH_SIZE);
        }

        try (Processes.Running second = serve(port)) {
            // The client retries every batch it has no answer for, with the same Idempotency-Key.
            int acceptedOnRetry = 0;
            int duplicatesOnRetry = 0;
            int replayedOnRetry = 0;
            for (Batch batch : batches) {
                if (acknowledgedBeforeKill.contains(batch.index())) {
                    continue;
                }
                HttpResponse<String> r = post(base, batch, batch.key());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonNode answer = json.readTree(r.body());
                assertThat(answer.path("accepted").asInt() + answer.path("duplicates").asInt()).isEqualTo(BATCH_SIZE);
                assertThat(answer.path("rejected").asInt()).isZero();
                acceptedOnRetry += answer.path("accepted").asInt();
                duplicatesOnRetry += answer.path("duplicates").asInt();
                replayedOnRetry += r.headers().firstValue("Idempotent-Replayed").isPresent() ? 1 : 0;
            }
            System.out.printf("acknowledged before the kill: %d batches; retried %d: %d readings accepted, %d"
                            + " duplicates, %d answers replayed%n", acknowledgedBeforeKill.size(),
                    BATCHES - acknowledgedBeforeKill.size(), acceptedOnRetry, duplicatesOnRetry, replayedOnRetry);
            // Whatever the server committed of the batch in flight is not counted twice.
            assertThat(acceptedOnRetry + duplicatesOnRetry)
                    .isEqualTo((BATCHES - acknowledgedBeforeKill.size()) * BATCH_SIZE);

            // An acknowledged batch sent again with its key: the stored answer is replayed, nothing is stored.
            Batch again = batches.get(acknowledgedBeforeKill.iterator().next());
            HttpResponse<String> replay = post(base, again, again.key());
            assertThat(replay.statusCode()).isEqualTo(200);
            assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(json.readTree(replay.body())).isEqualTo(acknowledged.get(again.index()));
            // The same batch under a new key (a client that lost its key): every reading is a duplicate.
            HttpResponse<String> resent = post(base, again, "upload-" + UUID.randomUUID());
            assertThat(resent.statusCode()).isEqualTo(200);
            assertThat(resent.headers().firstValue("Idempotent-Replayed")).isEmpty();
            JsonNode resentAnswer = json.readTree(resent.body());
            assertThat(resentAnswer.path("accepted").asInt()).isZero();
            assertThat(resentAnswer.path("duplicates").asInt()).isEqualTo(BATCH_SIZE);

            // Read everything back through the API.
            Map<Long, Integer> sent = new TreeMap<>();
            batches.forEach(b -> sent.putAll(b.readings()));
            List<Long> times = new ArrayList<>();
            Map<Long, Integer> stored = new TreeMap<>();
            Instant from = Instant.ofEpochSecond(((TreeMap<Long, Integer>) sent).firstKey());
            Instant until = Instant.ofEpochSecond(((TreeMap<Long, Integer>) sent).lastKey() + 1);
            for (Instant f = from; f.isBefore(until); f = f.plus(Duration.ofDays(30))) {
                Instant t = f.plus(Duration.ofDays(30)).isBefore(until) ? f.plus(Duration.ofDays(30)) : until;
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/readings?from="
                                + f + "&to=" + t)).header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                for (JsonNode reading : json.readTree(r.body())) {
                    long time = OffsetDateTime.parse(reading.path("time").asText()).toEpochSecond();
                    times.add(time);
                    stored.put(time, reading.path("mgdl").asInt());
                }
            }
            // Every reading acknowledged before the kill is there, with its value.
            for (int index : acknowledgedBeforeKill) {
                assertThat(stored).containsAllEntriesOf(batches.get(index).readings());
            }
            // No reading twice, none missing, none invented.
            assertThat(times).doesNotHaveDuplicates().hasSize(BATCHES * BATCH_SIZE);
            assertThat(stored).isEqualTo(sent);

            // The API merges the two tables; count the stored rows too, so a reading kept both as a recent row and
            // in a day block cannot hide behind that merge.
            Jdbi sql = Jdbi.create(postgres.jdbcUrl("crash"), postgres.user(), postgres.password());
            long rows = sql.withHandle(h -> h.createQuery("""
                            select (select count(*) from glucose_recent where owner_id = :o)
                                 + (select coalesce(sum(readings), 0) from glucose_day where owner_id = :o)""")
                    .bind("o", owner).mapTo(Long.class).one());
            assertThat(rows).isEqualTo((long) BATCHES * BATCH_SIZE);

            second.terminate();
            assertThat(second.awaitExit(30)).isTrue();
        }
    }
}
