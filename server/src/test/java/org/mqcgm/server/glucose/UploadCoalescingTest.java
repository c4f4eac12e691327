package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.readings.IngestListener;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * Commit coalescing of live uploads (issue 17): concurrent uploads of different wearers are committed in one
 * transaction, each caller answered after it; one upload failing inside a shared transaction is refused alone
 * while the others are stored; every acknowledged reading is stored once, duplicates and Idempotency-Key retries
 * behave as without coalescing, and what runs after an upload's commit runs once per upload.
 *
 * <p>One committer thread: a listener holds the committer inside its transaction (the "gate" upload) while the
 * test queues the uploads that must then be committed together — no timing is assumed.
 */
class UploadCoalescingTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(c -> c.withGovernanceSetting("MQCGM_UPLOAD_COALESCE_COMMITTERS", "1"));

    /** The transaction each upload's listener call ran in, by owner (every attempt, kept or undone). */
    static final Map<UUID, List<String>> transactions = new ConcurrentHashMap<>();
    /** How often the after-commit work of each owner's uploads ran. */
    static final Map<UUID, AtomicInteger> afterCommit = new ConcurrentHashMap<>();
    static final AtomicReference<UUID> gateOwner = new AtomicReference<>();
    static volatile CountDownLatch gateEntered;
    static volatile CountDownLatch gateOpen;

    final Http http = new Http(app.url());
    final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    static void listen() {
        var jdbi = app.app().database().orElseThrow().jdbi();
        app.app().readings().afterStored(new IngestListener() {
            @Override
            public void stored(UUID owner, Instant newest) {
            }

            @Override
            public Runnable storing(UUID owner, Instant newest) {
                // On the committer's thread, inside the shared transaction: which one is it?
                transactions.computeIfAbsent(owner, o -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(jdbi.withHandle(h -> h.createQuery("select pg_current_xact_id()::text")
                                .mapTo(String.class).one()));
                if (owner.equals(gateOwner.get())) {
                    gateEntered.countDown();
                    try {
                        gateOpen.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return () -> afterCommit.computeIfAbsent(owner, o -> new AtomicInteger()).incrementAndGet();
            }
        });
    }

    record Wearer(UUID id, String[] auth) {
    }

    private static Wearer wearer(String name) {
        UUID id = app.newUser(name + "-" + UUID.randomUUID() + "@example.org");
        return new Wearer(id, new String[] {"Authorization", "Bearer " + app.app().apiTokens().create(id, "phone",
                EnumSet.of(Scope.READINGS_WRITE, Scope.READINGS_READ))});
    }

    private String reading(Instant t, int mgdl) {
        return "[{\"time\":\"" + t + "\",\"mgdl\":" + mgdl + "}]";
    }

    private List<Integer> stored(UUID owner) {
        return app.app().readings().store().range(owner, now.minus(Duration.ofHours(2)), now.plusSeconds(60))
                .stream().map(Reading::mgdl).toList();
    }

    /**
     * Holds the single committer inside the transaction of a gate upload, starts {@code uploads} (each posting
     * over HTTP), waits until all of them are queued, opens the gate and returns their answers.
     */
    private List<HttpResponse<String>> queuedBehindGate(List<java.util.concurrent.Callable<HttpResponse<String>>> uploads)
            throws Exception {
        Wearer gate = wearer("gate");
        gateOwner.set(gate.id());
        gateEntered = new CountDownLatch(1);
        gateOpen = new CountDownLatch(1);
        UploadCommitter committer = app.app().readings().committer();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse<String>> gated = pool.submit(() -> http.postJson("/api/v1/readings",
                    reading(now.minusSeconds(30), 99), gate.auth()));
            assertThat(gateEntered.await(60, TimeUnit.SECONDS)).as("the gate upload reached the committer").isTrue();
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (var u : uploads) {
                answers.add(pool.submit(u));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> committer.queued() == uploads.size());
            gateOpen.countDown();
            assertThat(gated.get().statusCode()).isEqualTo(200);
            List<HttpResponse<String>> out = new ArrayList<>();
            for (var f : answers) {
                out.add(f.get());
            }
            return out;
        } finally {
            gateOwner.set(null);
        }
    }

    @Test
    void concurrentUploadsOfDifferentWearersAreCommittedInOneTransactionEachStoredOnce() throws Exception {
        List<Wearer> wearers = new ArrayList<>();
        List<java.util.concurrent.Callable<HttpResponse<String>>> uploads = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Wearer w = wearer("together");
            wearers.add(w);
            int mgdl = 100 + i;
            uploads.add(() -> http.postJson("/api/v1/readings", reading(now.minusSeconds(120), mgdl), w.auth()));
        }
        List<HttpResponse<String>> answers = queuedBehindGate(uploads);

        Set<String> txids = new HashSet<>();
        for (int i = 0; i < wearers.size(); i++) {
            assertThat(answers.get(i).statusCode()).as(answers.get(i).body()).isEqualTo(200);
            assertThat(answers.get(i).body()).contains("\"accepted\":1").contains("\"duplicates\":0");
            UUID id = wearers.get(i).id();
            assertThat(stored(id)).containsExactly(100 + i);
            assertThat(transactions.get(id)).hasSize(1);
            txids.add(transactions.get(id).get(0));
            assertThat(afterCommit.get(id)).as("after-commit work once per upload").hasValue(1);
        }
        assertThat(txids).as("the twelve uploads shared one transaction").hasSize(1);

        // The same readings again, concurrently: duplicates, not stored twice, nothing announced again.
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> again = new ArrayList<>();
            for (int i = 0; i < wearers.size(); i++) {
                Wearer w = wearers.get(i);
                int mgdl = 100 + i;
                again.add(pool.submit(() -> http.postJson("/api/v1/readings", reading(now.minusSeconds(120), mgdl),
                        w.auth())));
            }
            for (int i = 0; i < wearers.size(); i++) {
                HttpResponse<String> r = again.get(i).get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).contains("\"accepted\":0").contains("\"duplicates\":1");
                assertThat(stored(wearers.get(i).id())).containsExactly(100 + i);
                assertThat(afterCommit.get(wearers.get(i).id())).hasValue(1);
            }
        }
    }

    @Test
    void anUploadFailingInsideASharedCommitIsRefusedAloneWhileTheOthersAreStored() throws Exception {
        // A key used once: sent again with another body, it fails inside the transaction (the replay check).
        Wearer reuser = wearer("reuser");
        HttpResponse<String> first = http.postJson("/api/v1/readings", reading(now.minusSeconds(600), 150),
                withKey(reuser.auth(), "key-1"));
        assertThat(first.statusCode()).isEqualTo(200);
        Wearer partial = wearer("partial");
        List<Wearer> good = new ArrayList<>();
        List<java.util.concurrent.Callable<HttpResponse<String>>> uploads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Wearer w = wearer("good");
            good.add(w);
            int mgdl = 120 + i;
            uploads.add(() -> http.postJson("/api/v1/readings", reading(now.minusSeconds(60), mgdl), w.auth()));
        }
        uploads.add(() -> http.postJson("/api/v1/readings", reading(now.minusSeconds(300), 151),
                withKey(reuser.auth(), "key-1")));
        uploads.add(() -> http.postJson("/api/v1/readings", "[{\"time\":\"" + now.minusSeconds(60)
                + "\",\"mgdl\":130},{\"time\":\"" + now.minusSeconds(30) + "\",\"mgdl\":999}]", partial.auth()));
        List<HttpResponse<String>> answers = queuedBehindGate(uploads);

        for (int i = 0; i < good.size(); i++) {
            assertThat(answers.get(i).statusCode()).as(answers.get(i).body()).isEqualTo(200);
            assertThat(stored(good.get(i).id())).containsExactly(120 + i);
            assertThat(afterCommit.get(good.get(i).id())).as("once, though the shared attempt was undone")
                    .hasValue(1);
        }
        HttpResponse<String> refused = answers.get(5);
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(refused.body()).contains("idempotency-key-reused").contains("\"field\":\"Idempotency-Key\"");
        assertThat(stored(reuser.id())).containsExactly(150);

        HttpResponse<String> half = answers.get(6);
        assertThat(half.statusCode()).isEqualTo(422);
        assertThat(half.body()).contains("\"accepted\":1").contains("\"rejected\":1").contains("$[1].mgdl");
        assertThat(stored(partial.id())).containsExactly(130);
        assertThat(afterCommit.get(partial.id())).hasValue(1);
    }

    @Test
    void manyWearersPostingAtOnceStoreEveryAcknowledgedReadingOnce() throws Exception {
        int wearers = 16;
        int readings = 8;
        List<Wearer> all = new ArrayList<>();
        for (int i = 0; i < wearers; i++) {
            all.add(wearer("crowd"));
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> runs = new ArrayList<>();
            for (Wearer w : all) {
                runs.add(pool.submit(() -> {
                    List<String> problems = new ArrayList<>();
                    for (int k = 0; k < readings; k++) {
                        String body = reading(now.minus(Duration.ofMinutes(5L * (readings - k))), 80 + k);
                        String[] headers = withKey(w.auth(), "reading-" + k);
                        HttpResponse<String> up = http.postJson("/api/v1/readings", body, headers);
                        // a retry of the same request (the answer was lost): replayed, not stored again
                        HttpResponse<String> retry = http.postJson("/api/v1/readings", body, headers);
                        if (up.statusCode() != 200 || !up.body().contains("\"accepted\":1")
                                || retry.statusCode() != 200 || !retry.body().equals(up.body())
                                || !"true".equals(retry.headers().firstValue("Idempotent-Replayed").orElse(""))) {
                            problems.add(up.statusCode() + " " + up.body() + " / " + retry.statusCode() + " "
                                    + retry.body());
                        }
                    }
                    return problems;
                }));
            }
            for (Future<List<String>> run : runs) {
                assertThat(run.get()).isEmpty();
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int k = 0; k < readings; k++) {
            expected.add(80 + k);
        }
        for (Wearer w : all) {
            assertThat(stored(w.id())).containsExactlyElementsOf(expected);
            assertThat(afterCommit.get(w.id())).hasValue(readings);
        }
    }

    private static String[] withKey(String[] auth, String key) {
        return new String[] {auth[0], auth[1], "Idempotency-Key", key};
    }
}
