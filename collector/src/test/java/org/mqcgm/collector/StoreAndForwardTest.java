package org.mqcgm.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.collector.queue.JournalEntry;
import org.mqcgm.collector.queue.ReadingJournal;
import org.mqcgm.collector.upload.Backoff;
import org.mqcgm.collector.upload.MqcgmApiTarget;
import org.mqcgm.collector.upload.UploadTarget;
import org.mqcgm.collector.upload.Uploader;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.Wait;

/** The encrypted queue and the uploader against the real server. */
class StoreAndForwardTest {

    static TestApp app;
    static final Instant START = Instant.now().minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        app = TestApp.start();
    }

    @AfterAll
    static void stopServer() {
        app.close();
    }

    static List<JournalEntry> readings(int n, int firstOffset) {
        List<JournalEntry> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int offset = firstOffset + 5 * i;
            // distinctive values: 301..399, easy to look for in the file
            list.add(new JournalEntry(0, START, offset, START.plus(Duration.ofMinutes(offset)), ZoneOffset.ofHours(8),
                    301 + (offset / 5) % 99, -1, -1, -1, true));
        }
        return list;
    }

    static int count(String token) {
        var r = new org.mqcgm.server.testing.Http(app.url()).get("/api/v1/readings?from="
                + START.minusSeconds(60) + "&to=" + START.plus(Duration.ofDays(1)), "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("\"time\"").matcher(r.body());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static Backoff fastBackoff() {
        return new Backoff(Duration.ofMillis(5), Duration.ofMillis(50), new SplittableRandom(1));
    }

    /** A target whose first {@code failures} calls fail like a network that is down. */
    static final class Flaky implements UploadTarget {
        final UploadTarget real;
        final AtomicInteger failuresLeft;
        final AtomicInteger calls = new AtomicInteger();

        Flaky(UploadTarget real, int failures) {
            this.real = real;
            this.failuresLeft = new AtomicInteger(failures);
        }

        @Override
        public String id() {
            return real.id();
        }

        @Override
        public Outcome upload(List<JournalEntry> batch) throws IOException, InterruptedException {
            calls.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IOException("connection refused");
            }
            return real.upload(batch);
        }
    }

    @Test
    @Tag("PR-18")
    void everyReadingArrivesOnceThroughOutagesAndACrashBeforeTheAcknowledgement() throws Exception {
        String token = app.newUserToken("forward@example.org");
        MqcgmApiTarget api = new MqcgmApiTarget(URI.create(app.url()), token);
        Path queue = dir.resolve("q");
        try (ReadingJournal journal = ReadingJournal.open(queue, List.of(api.id()))) {
            journal.append(readings(250, 0));
            // A crash right after the server stored a batch but before the queue recorded it: simulate by sending
            // the first 100 without acknowledging, then closing.
            UploadTarget.Outcome first = api.upload(journal.pending(api.id(), 100));
            assertThat(first.accepted()).isEqualTo(100);
        }
        CollectorMetrics metrics = new CollectorMetrics();
        try (ReadingJournal journal = ReadingJournal.open(queue, List.of(api.id()))) {
            assertThat(journal.pendingCount(api.id())).isEqualTo(250);
            Flaky flaky = new Flaky(api, 3);
            try (Uploader uploader = new Uploader(journal, flaky, metrics, fastBackoff(), 60).start()) {
                Wait.untilShowing("queue drained", () -> journal.pendingCount(api.id()) == 0, metrics::prometheusText);
                journal.append(readings(10, 250 * 5));
                Wait.until("queue drained again", () -> journal.pendingCount(api.id()) == 0);
            }
            assertThat(flaky.calls.get()).isGreaterThan(3);
        }
        assertThat(count(token)).isEqualTo(260);
        assertThat(metrics.value(CollectorMetrics.UPLOADED, "target", "mqcgm")).isEqualTo(160);
        assertThat(metrics.value(CollectorMetrics.UPLOAD_DUPLICATES, "target", "mqcgm")).isEqualTo(100);
        assertThat(metrics.value(CollectorMetrics.UPLOAD_FAILURES, "target", "mqcgm")).isEqualTo(3);
    }

    @Test
    @Tag("PR-17")
    void sensorFlagsAndResultsBeyondTheSensorsRangeArriveAsStatusAndMarkers() throws Exception {
        String token = app.newUserToken("flags@example.org");
        MqcgmApiTarget api = new MqcgmApiTarget(URI.create(app.url()), token);
        ZoneOffset plus8 = ZoneOffset.ofHours(8);
        // Battery low (0x20 octet bit 1) and calibration required (Cal/Temp bit 3); then below and above the
        // range the sensor can measure (result octet bits 6 and 7), reported at its limits.
        List<JournalEntry> entries = List.of(
                new JournalEntry(0, START, 0, START, plus8, 150, 0x02, 0x08, 0, true),
                new JournalEntry(0, START, 5, START.plus(Duration.ofMinutes(5)), plus8, 39, 0, 0, 0x40, true),
                new JournalEntry(0, START, 10, START.plus(Duration.ofMinutes(10)), plus8, 401, 0, 0, 0x80, true));
        UploadTarget.Outcome outcome = api.upload(entries);
        assertThat(outcome.accepted()).isEqualTo(3);
        var r = new org.mqcgm.server.testing.Http(app.url()).get("/api/v1/readings?from=" + START.minusSeconds(60)
                + "&to=" + START.plus(Duration.ofHours(1)), "Authorization", "Bearer " + token);
        assertThat(r.body()).contains("\"mgdl\":150,\"status\":2050}")
                .contains("\"mgdl\":39,\"marker\":\"low\",\"status\":4194304}")
                .contains("\"mgdl\":401,\"marker\":\"high\",\"status\":8388608}");
    }

    @Test
    void aWrongTokenIsRetriedNotDroppedAndAServerOutageLosesNothing() throws Exception {
        String token = app.newUserToken("outage@example.org");
        CollectorMetrics metrics = new CollectorMetrics();
        try (ReadingJournal journal = ReadingJournal.open(dir.resolve("q"), List.of("mqcgm"))) {
            journal.append(readings(20, 0));
            try (Uploader bad = new Uploader(journal, new MqcgmApiTarget(URI.create(app.url()), "mqcgm_wrong"),
                    metrics, fastBackoff(), 50).start()) {
                Wait.until("failures counted", () -> metrics.value(CollectorMetrics.UPLOAD_FAILURES, "target",
                        "mqcgm") >= 2);
            }
            assertThat(journal.pendingCount("mqcgm")).isEqualTo(20);
            // nothing listens on this port: connection refused until the "server" is back
            try (Uploader down = new Uploader(journal, new MqcgmApiTarget(URI.create("http://127.0.0.1:9"), token),
                    metrics, fastBackoff(), 50).start()) {
                Wait.until("more failures", () -> metrics.value(CollectorMetrics.UPLOAD_FAILURES, "target",
                        "mqcgm") >= 4);
            }
            assertThat(journal.pendingCount("mqcgm")).isEqualTo(20);
            try (Uploader up = new Uploader(journal, new MqcgmApiTarget(URI.create(app.url()), token), metrics,
                    fastBackoff(), 50).start()) {
                Wait.until("drained", () -> journal.pendingCount("mqcgm") == 0);
            }
        }
        assertThat(count(token)).isEqualTo(20);
    }

    @Test
    @Tag("PR-18")
    void theQueueIsEncryptedPrivateAndRefusesAnotherKey() throws Exception {
        Path queue = dir.resolve("private");
        try (ReadingJournal journal = ReadingJournal.open(queue, List.of("mqcgm"))) {
            journal.append(readings(99, 0));
        }
        assertThat(Files.getPosixFilePermissions(queue)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (String f : List.of(ReadingJournal.JOURNAL_FILE, ReadingJournal.KEY_FILE)) {
            assertThat(Files.getPosixFilePermissions(queue.resolve(f)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        byte[] bytes = Files.readAllBytes(queue.resolve(ReadingJournal.JOURNAL_FILE));
        // like strings(1): printable runs of 4 or more characters (a 3-digit value is too short to look for in
        // ciphertext: random bytes hold one of 99 such runs in a few percent of files)
        String printable = strings(bytes);
        assertThat(printable).doesNotContain("mgdl").doesNotContain("2026");
        // nor in binary: a record in the clear holds its time offset and time as big-endian fields side by side
        for (JournalEntry e : readings(99, 0)) {
            byte[] clear = java.nio.ByteBuffer.allocate(10).putShort((short) e.timeOffset())
                    .putLong(e.time().getEpochSecond()).array();
            assertThat(indexOf(bytes, clear)).as("offset %d in the clear", e.timeOffset()).isEqualTo(-1);
        }
        // decrypting with another key must fail
        Path stolen = dir.resolve("stolen");
        Files.createDirectories(stolen);
        Files.copy(queue.resolve(ReadingJournal.JOURNAL_FILE), stolen.resolve(ReadingJournal.JOURNAL_FILE));
        assertThatThrownBy(() -> ReadingJournal.open(stolen, List.of("mqcgm")))
                .hasMessageContaining("does not open this journal");
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String strings(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        StringBuilder run = new StringBuilder();
        for (byte b : bytes) {
            if (b >= 0x20 && b < 0x7F) {
                run.append((char) b);
            } else {
                if (run.length() >= 4) {
                    out.append(run).append('\n');
                }
                run.setLength(0);
            }
        }
        if (run.length() >= 4) {
            out.append(run);
        }
        return out.toString();
    }

    @Test
    void aRecordTornByACrashIsDroppedAndTheRestSurvivesCompaction() throws Exception {
        Path queue = dir.resolve("torn");
        try (ReadingJournal journal = ReadingJournal.open(queue, List.of("a", "b"))) {
            journal.append(readings(10, 0));
        }
        Path file = queue.resolve(ReadingJournal.JOURNAL_FILE);
        long size = Files.size(file);
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size - 7); // the last record was being written when the power went
        }
        try (ReadingJournal journal = ReadingJournal.open(queue, List.of("a", "b"))) {
            assertThat(journal.pendingCount("a")).isEqualTo(9);
            List<JournalEntry> more = journal.append(readings(3, 100));
            assertThat(more.get(0).seq()).isEqualTo(10);
            journal.ack("a", 12);
            assertThat(journal.pendingCount("a")).isZero();
            assertThat(journal.pendingCount("b")).isEqualTo(12);
            journal.compact();
            journal.ack("b", 5);
        }
        try (ReadingJournal journal = ReadingJournal.open(queue, List.of("a", "b"))) {
            assertThat(journal.pendingCount("a")).isZero();
            assertThat(journal.pending("b", 100)).extracting(JournalEntry::seq).containsExactly(6L, 7L, 8L, 9L, 10L,
                    11L, 12L);
            assertThat(journal.cursor(START, false).last()).isEqualTo(110);
            assertThat(journal.append(readings(1, 200)).get(0).seq()).isEqualTo(13);
        }
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).startsWith("MQCGMQ01");
    }

    @Test
    void backoffGrowsExponentiallyWithJitterUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new SplittableRandom(3));
        long[] ceilings = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
        for (long c : ceilings) {
            long ms = b.next().toMillis();
            assertThat(ms).isBetween(c / 2, c);
        }
        b.reset();
        assertThat(b.next().toMillis()).isBetween(50L, 100L);
    }
}
