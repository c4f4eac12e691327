package org.mqcgm.bench;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.postgresql.PGConnection;

/**
 * The export of one year of 5-minute readings (105,120) against a plain {@code COPY … TO STDOUT} of the same rows,
 * in one run on one PostgreSQL:
 * <ul>
 *   <li><b>export</b>: {@code POST /api/v1/me/exports} with the password, then polling its status until it is ready —
 *       the whole job: claiming it, every feature's files (all readings decrypted from the day blocks and written as
 *       CSV), ZIP, encryption and storage of the archive in chunks — and the archive's size once downloaded;</li>
 *   <li><b>COPY</b>: the same readings as CSV out of a plain table
 *       {@code (owner_id uuid, time timestamptz, utc_offset int, mgdl smallint)}, counted but not kept, and what
 *       deflate makes of them.</li>
 * </ul>
 * Alternating which goes first, several rounds; the ratio of the medians is the figure. Bounded: a fixed amount of
 * data; starts and stops its own temporary PostgreSQL and server on loopback. The archive holds no FHIR bundle on
 * this branch (that file comes with the FHIR feature).
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' org.mqcgm.bench.ExportBenchmark [--rounds 3]
 * </pre>
 */
public final class ExportBenchmark {

    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final int READINGS = 365 * 288;
    private static final int BATCH = 10_000;

    private ExportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = StorageBenchmark.rounds(args, "3");
        try (BenchServer server = BenchServer.start(8);
             Connection sql = DriverManager.getConnection(server.jdbcUrl, server.postgres.user(),
                     server.postgres.password())) {
            String base = server.baseUrl();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 300 * 300);
            BenchServer.Wearer wearer = server.wearer("export@example.org", ZONE);
            UUID plainOwner = UUID.randomUUID();
            upload(http, base, wearer.bearer(), end);
            StorageBenchmark.createPlainReadingTable(sql);
            copyIn(sql, plainOwner, end);
            // The hourly compaction moves what is older than 48 hours into day blocks, as on a running server.
            server.app.jobs().runNow("compact-glucose");

            // Warm-up (not counted).
            export(http, base, wearer.bearer());
            copyOut(sql, plainOwner);

            System.out.printf(Locale.ROOT, "Export of one year of 5-minute readings (%,d), %d rounds%n", READINGS,
                    rounds);
            long[] exports = new long[rounds];
            long[] copies = new long[rounds];
            long archive = 0;
            long[] copied = new long[2];
            for (int round = 0; round < rounds; round++) {
                Result e;
                if (round % 2 == 0) {
                    e = export(http, base, wearer.bearer());
                    copied = copyOut(sql, plainOwner);
                } else {
                    copied = copyOut(sql, plainOwner);
                    e = export(http, base, wearer.bearer());
                }
                exports[round] = e.nanos();
                copies[round] = copied[2];
                archive = e.bytes();
                System.out.printf(Locale.ROOT, "  round %d: export %.2f s (archive %,d B, download %.2f s), "
                                + "COPY %.3f s (%,d B CSV, %,d B deflated)%n", round + 1, e.nanos() / 1e9, e.bytes(),
                        e.downloadNanos() / 1e9, copied[2] / 1e9, copied[0], copied[1]);
            }
            System.out.printf(Locale.ROOT, "  median: export %.2f s, COPY %.3f s, export/COPY = %.1f×; archive %,d B "
                            + "(%.2f B per reading)%n", median(exports) / 1e9, median(copies) / 1e9,
                    (double) median(exports) / median(copies), archive, (double) archive / READINGS);
        }
    }

    private static void upload(HttpClient http, String base, String auth, Instant end) throws Exception {
        GlucoseTrace trace = new GlucoseTrace(11, ZONE);
        URI uri = URI.create(base + "/api/v1/readings");
        for (int i = 0; i < READINGS; i += BATCH) {
            StringBuilder b = new StringBuilder(BATCH * 48).append('[');
            for (int j = i; j < Math.min(READINGS, i + BATCH); j++) {
                Instant t = end.minus(Duration.ofMinutes(5L * (READINGS - 1 - j)));
                b.append(j > i ? "," : "").append("{\"time\":\"").append(t.atOffset(ZoneOffset.ofHours(8)))
                        .append("\",\"mgdl\":").append(trace.mgdlAt(t)).append('}');
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", auth)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(b.append(']').toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 || !r.body().contains("\"rejected\":0")) {
                throw new IllegalStateException("upload failed: " + r.statusCode() + " " + r.body());
            }
        }
    }

    private static void copyIn(Connection sql, UUID owner, Instant end) throws Exception {
        GlucoseTrace trace = new GlucoseTrace(11, ZONE);
        StringBuilder b = new StringBuilder(READINGS * 72);
        for (int j = 0; j < READINGS; j++) {
            Instant t = end.minus(Duration.ofMinutes(5L * (READINGS - 1 - j)));
            b.append(owner).append(',').append(t.atOffset(ZoneOffset.ofHours(8))).append(",28800,")
                    .append(trace.mgdlAt(t)).append('\n');
        }
        sql.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "copy plain_reading (owner_id, time, utc_offset, mgdl) from stdin (format csv)",
                new java.io.StringReader(b.toString()));
    }

    /** Bytes of CSV, bytes deflated, nanoseconds of the COPY alone. */
    private static long[] copyOut(Connection sql, UUID owner) throws Exception {
        CountingStream raw = new CountingStream(null);
        CountingStream packed = new CountingStream(null);
        long start = System.nanoTime();
        long rows = sql.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (select time, utc_offset, mgdl from "
                + "plain_reading where owner_id = '" + owner + "' order by time) to stdout (format csv, header)", raw);
        long nanos = System.nanoTime() - start;
        if (rows != READINGS) {
            throw new IllegalStateException("COPY gave " + rows + " rows");
        }
        // Deflate separately (not timed) for the size a compressed copy would have.
        copyOutTo(sql, owner, packed);
        return new long[] {raw.count, packed.count, nanos};
    }

    private static void copyOutTo(Connection sql, UUID owner, CountingStream packed) throws Exception {
        try (DeflaterOutputStream out = new DeflaterOutputStream(packed)) {
            sql.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (select time, utc_offset, mgdl from "
                    + "plain_reading where owner_id = '" + owner + "' order by time) to stdout (format csv, header)", out);
        }
    }

    record Result(long nanos, long bytes, long downloadNanos) {
    }

    private static Result export(HttpClient http, String base, String auth) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/me/exports"))
                .header("Authorization", auth).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + BenchServer.PASSWORD + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 202) {
            throw new IllegalStateException("export refused: " + created.statusCode() + " " + created.body());
        }
        URI status = URI.create(base + created.headers().firstValue("Location").orElseThrow());
        String archive = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (archive == null) {
            String body = http.send(HttpRequest.newBuilder(status).header("Authorization", auth).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (body.contains("\"status\":\"ready\"")) {
                int at = body.indexOf("\"archive\":\"") + 11;
                archive = body.substring(at, body.indexOf('"', at));
            } else if (body.contains("\"status\":\"failed\"") || System.nanoTime() > deadline) {
                throw new IllegalStateException("export did not finish: " + body);
            } else {
                Thread.sleep(5); // a bounded poll of the status, as a client would (not a test)
            }
        }
        long nanos = System.nanoTime() - start;
        long downloadStart = System.nanoTime();
        HttpResponse<byte[]> zip = http.send(HttpRequest.newBuilder(URI.create(base + archive))
                .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofByteArray());
        long download = System.nanoTime() - downloadStart;
        if (zip.statusCode() != 200) {
            throw new IllegalStateException("download failed: " + zip.statusCode());
        }
        check(zip.body());
        return new Result(nanos, zip.body().length, download);
    }

    /** The archive holds every reading: a header and one line per reading in readings.csv. */
    private static void check(byte[] zip) throws Exception {
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals("readings.csv")) {
                    byte[] csv = in.readAllBytes();
                    long lines = 0;
                    for (byte b : csv) {
                        lines += b == '\n' ? 1 : 0;
                    }
                    if (lines != READINGS + 1) {
                        throw new IllegalStateException("readings.csv has " + lines + " lines");
                    }
                    return;
                }
            }
        }
        throw new IllegalStateException("no readings.csv");
    }

    private static long median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Counts what is written; passes it on when given a target. */
    private static final class CountingStream extends OutputStream {
        private final OutputStream target;
        long count;

        CountingStream(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            count++;
            if (target != null) {
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            count += len;
            if (target != null) {
                target.write(b, off, len);
            }
        }
    }
}
