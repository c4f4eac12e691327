package org.mqcgm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.localdb.LocalPostgres;
import org.mqcgm.server.testing.EventStream;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * Graceful drain (issue 17): {@code mqcgm serve} receiving SIGTERM, as a service manager or an orchestrator sends it,
 * while an upload is half sent and a follower's live stream is open. {@code /readyz} fails first (the balancer moves
 * away), the stream ends with an SSE {@code retry:} hint (its client reconnects, through the balancer, to another
 * node), new connections are refused, and the upload in flight still completes and is stored before the process
 * exits.
 */
class GracefulDrainTest {

    @TempDir
    static Path dir;

    @Test
    void sigtermFailsReadinessEndsStreamsWithARetryHintRefusesNewConnectionsAndFinishesTheRequestInFlight()
            throws Exception {
        LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"));
        try {
            Path key = dir.resolve("master-key.json");
            String token;
            Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
            // The account and its first reading, made by a node in this JVM that then stops.
            try (TestApp setup = TestApp.startOn(pg.jdbcUrl(), pg.user(), pg.password(), c -> c)) {
                token = setup.newUserToken("drain@example.org");
                assertThat(upload(new Http(setup.url()), token, t, 101).statusCode()).isEqualTo(200);
                Files.copy(setup.masterKeyFile(), key);
            }
            Map<String, String> env = new HashMap<>();
            env.put("MQCGM_DB_URL", pg.jdbcUrl());
            env.put("MQCGM_DB_USER", pg.user());
            env.put("MQCGM_DB_PASSWORD", pg.password());
            env.put("MQCGM_MASTER_KEY_FILE", key.toString());
            env.put("MQCGM_CONTROLLER_EMAIL", "privacy@operator.example");
            env.put("MQCGM_HOST", "127.0.0.1");
            env.put("MQCGM_DRAIN_NOTICE_SECONDS", "1");
            env.put("MQCGM_DRAIN_SECONDS", "20");
            env.put("MQCGM_DRAIN_IDLE_SECONDS", "10"); // the upload below waits, mid-body, for the drain to begin
            try (Processes.Running node = Processes.start(env, true, "serve", "--port", "0")) {
                String listening = node.awaitLine("mqcgm listening on", 60);
                int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1).trim());
                String url = "http://127.0.0.1:" + port;
                Http http = new Http(url);
                assertThat(http.get("/readyz").statusCode()).isEqualTo(200);
                EventStream stream = EventStream.open(url + "/api/v1/readings/stream", "Authorization",
                        "Bearer " + token);

                // An upload whose body is half sent when the signal comes.
                String body = "[{\"time\":\"" + t.plusSeconds(300) + "\",\"mgdl\":123}]";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                int half = bytes.length / 2;
                try (Socket slow = new Socket("127.0.0.1", port)) {
                    slow.setSoTimeout(30_000);
                    OutputStream out = slow.getOutputStream();
                    out.write(("POST /api/v1/readings HTTP/1.1\r\nHost: 127.0.0.1:" + port
                            + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes, 0, half);
                    out.flush();

                    node.terminate();

                    // Readiness fails first, while connections are still accepted (the notice period).
                    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                            .until(() -> status(url + "/readyz") == 503);
                    // The stream ends with a reconnection hint.
                    stream.awaitEnd();
                    assertThat(stream.lines()).anySatisfy(l -> assertThat(l).matches("retry: \\d+"));
                    // New connections are refused while the upload in flight is still open.
                    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                            .until(() -> status(url + "/readyz") == -1);
                    assertThat(node.process.isAlive()).isTrue();

                    out.write(bytes, half, bytes.length - half);
                    out.flush();
                    String answer = new String(readAll(slow.getInputStream()), StandardCharsets.UTF_8);
                    assertThat(answer).startsWith("HTTP/1.1 200").contains("\"accepted\":1");
                }
                assertThat(node.awaitExit(30)).as(node.output()).isTrue();
                assertThat(node.output()).contains("event streams ended with a retry hint").contains("mqcgm stopped");
            }
            // What the draining node acknowledged is stored.
            assertThat(count(pg, "select count(*) from glucose_recent where time = '" + t.plusSeconds(300) + "'"))
                    .isEqualTo(1);
        } finally {
            pg.close();
        }
    }

    /** The status of a GET on a new connection, or -1 when the connection is refused. */
    private static int status(String url) {
        try {
            return new Http(url.substring(0, url.indexOf('/', 8))).get(url.substring(url.indexOf('/', 8)))
                    .statusCode();
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof ConnectException) {
                    return -1;
                }
            }
            throw e;
        }
    }

    static long count(LocalPostgres pg, String sql) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
             java.sql.ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static HttpResponse<String> upload(Http http, String token, Instant time, int mgdl) {
        return http.postJson("/api/v1/readings", "[{\"time\":\"" + time + "\",\"mgdl\":" + mgdl + "}]",
                "Authorization", "Bearer " + token);
    }
}
