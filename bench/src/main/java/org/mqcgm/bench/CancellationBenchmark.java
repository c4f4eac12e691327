package org.mqcgm.bench;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.mqcgm.server.cancellation.CancellationFeature;
import org.postgresql.PGConnection;

/**
 * Erasing a cancelled account that holds one year of 5-minute readings (105,120), against the plain alternative in
 * the same run: {@code DELETE} of the same rows loaded by {@code COPY} into a plain table
 * {@code (owner_id, time, utc_offset, mgdl)}. The erasure is one run of the cancellation job — one transaction that
 * destroys the key, deletes the account row with every row referencing it (readings in day blocks and recent rows,
 * consent events, security events, tokens, …), writes the tombstone and forces the ledger line to disk — timed
 * from the caller's side (the job also reads the address for the confirmation before it starts).
 * Bounded: a fixed amount of data; starts and stops its own temporary PostgreSQL and server on loopback.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' org.mqcgm.bench.CancellationBenchmark [--rounds 1]
 * </pre>
 */
public final class CancellationBenchmark {

    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final int READINGS = 365 * 288;

    private CancellationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = StorageBenchmark.rounds(args, "1");
        try (BenchServer server = BenchServer.start(8);
             Connection sql = DriverManager.getConnection(server.jdbcUrl, server.postgres.user(),
                     server.postgres.password())) {
            StorageBenchmark.createPlainReadingTable(sql);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 300 * 300);
            List<Instant> times = StorageBenchmark.times(end, Duration.ofMinutes(5), READINGS);
            List<String> bodies = StorageBenchmark.jsonBatches(times);
            // Another wearer's year stays in the tables throughout, as in a deployment with more than one person.
            StorageBenchmark.timeApi(http, server.baseUrl(), server.wearer("other@example.org", ZONE).bearer(),
                    bodies, READINGS);
            System.out.printf(Locale.ROOT, "Erasing a cancelled account with one year of 5-minute readings (%,d),"
                    + " %d round(s)%n", READINGS, rounds);
            for (int round = 1; round <= rounds; round++) {
                BenchServer.Wearer wearer = server.wearer("leaving" + round + "@example.org", ZONE);
                StorageBenchmark.timeApi(http, server.baseUrl(), wearer.bearer(), bodies, READINGS);
                server.app.jobs().runNow("compact-glucose");
                long blocks = count(sql, "select count(*) from glucose_day where owner_id = ?", wearer.id());
                long recent = count(sql, "select count(*) from glucose_recent where owner_id = ?", wearer.id());
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                                + "/api/v1/me/cancellation")).header("Authorization", wearer.bearer())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"" + BenchServer.PASSWORD + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 202) {
                    throw new IllegalStateException("cancellation refused: " + r.statusCode() + " " + r.body());
                }
                long start = System.nanoTime();
                int erased = server.app.jobs().runNow(CancellationFeature.JOB);
                long erasure = System.nanoTime() - start;
                if (erased != 1) {
                    throw new IllegalStateException("the scheduler took the erasure first; run again");
                }
                if (count(sql, "select count(*) from glucose_day where owner_id = ?", wearer.id())
                        + count(sql, "select count(*) from glucose_recent where owner_id = ?", wearer.id()) != 0) {
                    throw new IllegalStateException("readings left after the erasure");
                }

                UUID plainOwner = UUID.randomUUID();
                sql.unwrap(PGConnection.class).getCopyAPI().copyIn("copy plain_reading (owner_id, time, utc_offset,"
                        + " mgdl) from stdin (format csv)", new StringReader(StorageBenchmark.csv(plainOwner, times)));
                long plainStart = System.nanoTime();
                int deleted;
                try (PreparedStatement st = sql.prepareStatement("delete from plain_reading where owner_id = ?")) {
                    st.setObject(1, plainOwner);
                    deleted = st.executeUpdate();
                }
                long plain = System.nanoTime() - plainStart;
                if (deleted != READINGS) {
                    throw new IllegalStateException("plain delete removed " + deleted);
                }
                System.out.printf(Locale.ROOT, "round %d: erasure %.1f ms (%d day blocks, %d recent rows) ·"
                                + " plain DELETE of %,d rows %.1f ms · ratio %.2f%n", round, erasure / 1e6, blocks,
                        recent, deleted, plain / 1e6, (double) erasure / plain);
            }
        }
    }

    private static long count(Connection sql, String query, UUID owner) throws Exception {
        try (PreparedStatement st = sql.prepareStatement(query)) {
            st.setObject(1, owner);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
