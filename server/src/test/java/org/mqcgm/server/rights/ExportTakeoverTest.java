package org.mqcgm.server.rights;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * Exports across nodes: the test plays the nodes (this app's own worker is stopped). A node that is taken over
 * (its claim went stale) writes nothing any more — the new node's archive is complete; an export whose node stopped
 * on it three times is failed; an Error thrown while writing fails that export only, not the worker.
 */
class ExportTakeoverTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), clock);

    static Exports exports;

    @BeforeAll
    static void stopThisNodesWorker() {
        RightsFeature rights = app.app().feature(RightsFeature.class);
        rights.worker().close();
        exports = rights.exports();
    }

    static final byte[] BIG = new byte[5 * Exports.CHUNK / 2];

    static {
        new Random(11).nextBytes(BIG);
    }

    /** A feature whose file spans several chunks; the first time it is asked, it waits mid-file until released. */
    static final class Slow implements PersonalData {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public List<Category> categories(UUID owner) {
            return List.of();
        }

        @Override
        public void export(UUID owner, ExportArchive archive) throws IOException {
            boolean first = calls.incrementAndGet() == 1;
            OutputStream out = archive.file("big.bin", "Test data.");
            int block = 64 * 1024;
            for (int off = 0; off < BIG.length; off += block) {
                out.write(BIG, off, Math.min(block, BIG.length - off));
                if (first && off == 24 * block) {
                    inside.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                }
            }
        }
    }

    static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        return files;
    }

    @Test
    void aStaleNodesWritesChangeNothingAndTheNewNodesArchiveIsComplete() throws Exception {
        UUID owner = app.newUser("takeover@example.org");
        UUID id = exports.queue(owner).orElseThrow();
        Exports.Job a = exports.claim().orElseThrow();
        assertThat(a.id()).isEqualTo(id);
        assertThat(a.attempt()).isEqualTo(1);

        Slow slow = new Slow();
        ExportWorker nodeA = new ExportWorker(exports, () -> List.of(slow));
        Thread runA = Thread.ofPlatform().start(() -> nodeA.run(a));
        assertThat(slow.inside.await(30, TimeUnit.SECONDS)).isTrue();
        int chunksOfA = app.sql().withHandle(h -> h.createQuery(
                "select count(*) from export_chunk where export_id = :id").bind("id", id).mapTo(Integer.class).one());
        assertThat(chunksOfA).as("node A has stored chunks").isPositive();

        // Node A seems dead (it is only slow): node B takes the export up and finishes it.
        clock.advance(Exports.STALE.plusMinutes(1));
        Exports.Job b = exports.claim().orElseThrow();
        assertThat(b.id()).isEqualTo(id);
        assertThat(b.attempt()).isEqualTo(2);
        ExportWorker nodeB = new ExportWorker(exports, () -> List.of(slow));
        nodeB.run(b);
        Exports.Job done = exports.find(owner, id).orElseThrow();
        assertThat(done.stored()).isEqualTo(Exports.Status.READY);

        // Node A wakes up and goes on writing: nothing of it lands, and it stops.
        slow.release.countDown();
        runA.join(Wait.LIMIT.toMillis());
        assertThat(runA.isAlive()).isFalse();
        assertThat(exports.progress(a, 0.5)).isFalse();
        assertThat(exports.ready(a, 1)).isFalse();
        assertThat(exports.failed(a)).isFalse();
        Exports.Job after = exports.find(owner, id).orElseThrow();
        assertThat(after.stored()).isEqualTo(Exports.Status.READY);
        assertThat(after.attempt()).isEqualTo(2);
        assertThat(after.archiveBytes()).isEqualTo(done.archiveBytes());

        // The archive is complete and downloadable.
        String token = app.app().apiTokens().create(owner, "t", java.util.EnumSet.of(Scope.ACCOUNT_MANAGE));
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(app.url() + "/api/v1/me/exports/" + id + "/archive"))
                .header("Authorization", "Bearer " + token).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(done.archiveBytes().intValue());
        Map<String, byte[]> files = unzip(r.body());
        assertThat(files).containsKeys("big.bin", "README.txt");
        assertThat(files.get("big.bin")).isEqualTo(BIG);
        nodeA.close();
        nodeB.close();
    }

    @Test
    void anExportWhoseNodeStoppedThreeTimesIsFailed() {
        UUID owner = app.newUser("crashes@example.org");
        UUID id = exports.queue(owner).orElseThrow();
        for (int attempt = 1; attempt <= Exports.MAX_ATTEMPTS; attempt++) {
            Exports.Job job = exports.claim().orElseThrow();
            assertThat(job.id()).isEqualTo(id);
            assertThat(job.attempt()).isEqualTo(attempt);
            // The node crashes: no heartbeat any more.
            clock.advance(Exports.STALE.plus(Duration.ofSeconds(1)));
        }
        assertThat(exports.claim()).isEmpty();
        Exports.Job job = exports.find(owner, id).orElseThrow();
        assertThat(job.stored()).isEqualTo(Exports.Status.FAILED);
        assertThat(job.attempt()).isEqualTo(Exports.MAX_ATTEMPTS);
        assertThat(job.finishedAt()).isNotNull();
    }

    @Test
    void anErrorFailsOneExportAndTheWorkerGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        PersonalData fragile = new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of();
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                if (calls.incrementAndGet() == 1) {
                    throw new StackOverflowError();
                }
                archive.file("ok.txt", "Test.").write('x');
            }
        };
        try (ExportWorker worker = new ExportWorker(exports, () -> List.of(fragile))) {
            UUID first = app.newUser("error1@example.org");
            UUID firstId = exports.queue(first).orElseThrow();
            worker.start();
            worker.wake();
            Wait.until("the first export failed", () ->
                    exports.find(first, firstId).orElseThrow().stored() == Exports.Status.FAILED);
            UUID second = app.newUser("error2@example.org");
            UUID secondId = exports.queue(second).orElseThrow();
            worker.wake();
            Wait.until("the second export is ready", () ->
                    exports.find(second, secondId).orElseThrow().stored() == Exports.Status.READY);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            exports.read(second, secondId, out);
            assertThat(unzip(out.toByteArray())).containsKey("ok.txt");
        }
    }
}
