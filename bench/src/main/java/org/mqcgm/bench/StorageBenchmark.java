package org.mqcgm.bench;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.postgresql.PGConnection;

/**
 * Glucose storage against the plain alternative, in one run on one PostgreSQL:
 * <ol>
 *   <li><b>bulk import</b> of one year of 5-minute readings (105,120) through {@code POST /api/v1/readings} in
 *       batches of 10,000 — validation, encryption, day blocks, one transaction per batch, over loopback HTTP —
 *       against PostgreSQL {@code COPY} of the same rows into a plain table
 *       {@code (owner_id uuid, time timestamptz, utc_offset int, mgdl smallint, primary key (owner_id, time))};
 *       alternating, several rounds, each with a fresh user; the ratio of the medians is the figure;</li>
 *   <li><b>bytes per reading at rest</b>, tables + indexes + TOAST, for both, after the import and after
 *       {@code VACUUM FULL}; then the same for one year of 1-minute readings (525,600).</li>
 * </ol>
 * Bounded: a fixed amount of data; starts and stops its own temporary PostgreSQL and server on loopback.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' org.mqcgm.bench.StorageBenchmark [--rounds 3]
 * </pre>
 */
public final class StorageBenchmark {

    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final int BATCH = 10_000;

    private StorageBenchmark() {
    }

    /** The {@code --rounds} argument (1–20), as every storage-side benchmark takes it. */
    static int rounds(String[] args, String byDefault) {
        int rounds = Integer.parseInt(LoadDriver.arg(args, "--rounds", byDefault));
        if (rounds < 1 || rounds > 20) {
            throw new IllegalArgumentException("--rounds 1..20");
        }
        return rounds;
    }

    /** The plain table the benchmarks compare our storage with: one row per reading, no encryption. */
    static void createPlainReadingTable(Connection sql) throws java.sql.SQLException {
        try (Statement st = sql.createStatement()) {
            st.execute("""
                    create table plain_reading (owner_id uuid not null, time timestamptz not null,
                        utc_offset int not null, mgdl smallint not null, primary key (owner_id, time))""");
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = rounds(args, "3");
        try (BenchServer server = BenchServer.start(8);
             Connection sql = DriverManager.getConnection(server.jdbcUrl, server.postgres.user(),
                     server.postgres.password())) {
            createPlainReadingTable(sql);
            String base = server.baseUrl();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 300 * 300);

            // Warm-up (not counted): the JIT compiles the ingest path as a long-running server would have.
            {
                List<Instant> times = times(end, Duration.ofMinutes(5), 365 * 288);
                timeApi(http, base, server.wearer("warmup@example.org", ZONE).bearer(), jsonBatches(times), times.size());
                timeCopy(sql, csv(UUID.randomUUID(), times));
                try (Statement st = sql.createStatement()) {
                    st.execute("truncate plain_reading");
                    st.execute("truncate glucose_day, glucose_recent");
                }
            }
            System.out.printf(Locale.ROOT, "Bulk import of one year of 5-minute readings (%,d), %d rounds%n",
                    365 * 288, rounds);
            long[] api = new long[rounds];
            long[] copy = new long[rounds];
            for (int round = 0; round < rounds; round++) {
                List<Instant> times = times(end, Duration.ofMinutes(5), 365 * 288);
                String auth = server.wearer("import" + round + "@example.org", ZONE).bearer();
                List<String> bodies = jsonBatches(times);
                String csv = csv(UUID.randomUUID(), times);
                // Alternate which goes first, so that neither always meets a warmer cache.
                if (round % 2 == 0) {
                    api[round] = timeApi(http, base, auth, bodies, times.size());
                    copy[round] = timeCopy(sql, csv);
                } else {
                    copy[round] = timeCopy(sql, csv);
                    api[round] = timeApi(http, base, auth, bodies, times.size());
                }
                System.out.printf(Locale.ROOT, "  round %d: API %,.0f readings/s, COPY %,.0f readings/s%n", round + 1,
                        rate(times.size(), api[round]), rate(times.size(), copy[round]));
            }
            double apiRate = rate(365 * 288, median(api));
            double copyRate = rate(365 * 288, median(copy));
            System.out.printf(Locale.ROOT, "  median: API %,.0f readings/s (%.2f s), COPY %,.0f readings/s (%.2f s),"
                            + " API/COPY = %.0f %%%n", apiRate, median(api) / 1e9, copyRate, median(copy) / 1e9,
                    100 * apiRate / copyRate);
            long stored = (long) rounds * 365 * 288;
            sizes(sql, "5-minute readings", stored, stored);

            // One year of 1-minute readings, once, for the bytes per reading of dense data.
            try (Statement st = sql.createStatement()) {
                st.execute("truncate plain_reading");
                st.execute("truncate glucose_day, glucose_recent");
            }
            List<Instant> minutes = times(end, Duration.ofMinutes(1), 365 * 1440);
            String auth = server.wearer("dense@example.org", ZONE).bearer();
            long apiNanos = timeApi(http, base, auth, jsonBatches(minutes), minutes.size());
            long copyNanos = timeCopy(sql, csv(UUID.randomUUID(), minutes));
            System.out.printf(Locale.ROOT, "%nOne year of 1-minute readings (%,d): API %,.0f readings/s, COPY %,.0f"
                    + " readings/s%n", minutes.size(), rate(minutes.size(), apiNanos), rate(minutes.size(), copyNanos));
            sizes(sql, "1-minute readings", minutes.size(), minutes.size());
        }
    }

    static List<Instant> times(Instant end, Duration step, int n) {
        List<Instant> out = new ArrayList<>(n);
        for (int i = n - 1; i >= 0; i--) {
            out.add(end.minus(step.multipliedBy(i)));
        }
        return out;
    }

    static List<String> jsonBatches(List<Instant> times) {
        GlucoseTrace trace = new GlucoseTrace(11, ZONE);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < times.size(); i += BATCH) {
            StringBuilder b = new StringBuilder(BATCH * 48).append('[');
            for (int j = i; j < Math.min(times.size(), i + BATCH); j++) {
                Instant t = times.get(j);
                b.append(j > i ? "," : "").append("{\"time\":\"").append(t.atOffset(ZoneOffset.ofHours(8)))
                        .append("\",\"mgdl\":").append(trace.mgdlAt(t)).append('}');
            }
            bodies.add(b.append(']').toString());
        }
        return bodies;
    }

    static String csv(UUID owner, List<Instant> times) {
        GlucoseTrace trace = new GlucoseTrace(11, ZONE);
        StringBuilder b = new StringBuilder(times.size() * 72);
        for (Instant t : times) {
            b.append(owner).append(',').append(t.atOffset(ZoneOffset.ofHours(8))).append(",28800,")
                    .append(trace.mgdlAt(t)).append('\n');
        }
        return b.toString();
    }

    static long timeApi(HttpClient http, String base, String auth, List<String> bodies, int expected)
            throws Exception {
        URI uri = URI.create(base + "/api/v1/readings");
        long start = System.nanoTime();
        int accepted = 0;
        for (String body : bodies) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", auth)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("upload failed: " + r.statusCode() + " " + r.body());
            }
            int at = r.body().indexOf("\"accepted\":") + 11;
            accepted += Integer.parseInt(r.body().substring(at, r.body().indexOf(',', at)));
        }
        long nanos = System.nanoTime() - start;
        if (accepted != expected) {
            throw new IllegalStateException("accepted " + accepted + " of " + expected);
        }
        return nanos;
    }

    private static long timeCopy(Connection sql, String csv) throws Exception {
        long start = System.nanoTime();
        long rows = sql.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "copy plain_reading (owner_id, time, utc_offset, mgdl) from stdin (format csv)", new StringReader(csv));
        long nanos = System.nanoTime() - start;
        if (rows == 0) {
            throw new IllegalStateException("COPY stored nothing");
        }
        return nanos;
    }

    private static void sizes(Connection sql, String what, long ours, long plain) throws Exception {
        System.out.printf(Locale.ROOT, "%nBytes per reading at rest (%s; table + indexes + TOAST):%n", what);
        report(sql, "  after import      ", ours, plain);
        try (Statement st = sql.createStatement()) {
            st.execute("vacuum full glucose_day");
            st.execute("vacuum full glucose_recent");
            st.execute("vacuum full plain_reading");
        }
        report(sql, "  after VACUUM FULL ", ours, plain);
    }

    private static void report(Connection sql, String label, long ours, long plain) throws Exception {
        try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery("""
                select pg_total_relation_size('glucose_day'), pg_total_relation_size('glucose_recent'),
                       pg_total_relation_size('plain_reading'),
                       (select count(*) from glucose_day), (select count(*) from glucose_recent)""")) {
            rs.next();
            long day = rs.getLong(1);
            long recent = rs.getLong(2);
            long plainBytes = rs.getLong(3);
            System.out.printf(Locale.ROOT, "%s mqcgm %.2f B (day blocks %,d B in %,d rows + recent rows %,d B in %,d rows),"
                            + " plain table %.2f B (%,d B)%n", label, (double) (day + recent) / ours, day, rs.getLong(4),
                    recent, rs.getLong(5), (double) plainBytes / plain, plainBytes);
        }
    }

    private static double rate(int readings, long nanos) {
        return readings / (nanos / 1e9);
    }

    private static long median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
