package org.mqcgm.server.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import org.junit.jupiter.api.Test;
import org.mqcgm.localdb.LocalPostgres;
import org.mqcgm.server.platform.metrics.Metrics;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * PostgreSQL restarted under a running server (issue 17): while it is away {@code /readyz} says so, and requests are
 * answered 503 problem+json with {@code Retry-After} — nothing half-written, no stack trace — instead of hanging;
 * when it is back, the server recovers by itself: ready again, uploads accepted, and what was acknowledged before
 * the restart is still there.
 */
class DatabaseRestartTest {

    @Test
    void theServerAnswers503WhileTheDatabaseIsAwayAndRecoversByItself() throws IOException {
        Path dir = Files.createTempDirectory("mqcgm-restart-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LocalPostgres pg = LocalPostgres.start(dir, port);
        boolean running = true;
        try (TestApp app = TestApp.startOn(pg.jdbcUrl(), pg.user(), pg.password(),
                c -> c.withMetrics(new Metrics.Settings("127.0.0.1", 0)))) {
            Http http = new Http(app.url());
            String token = app.newUserToken("restart@example.org");
            Instant t = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
            assertThat(upload(http, token, t, 111).statusCode()).isEqualTo(200);
            assertThat(http.get("/readyz").statusCode()).isEqualTo(200);

            pg.close();
            running = false;

            HttpResponse<String> ready = http.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            HttpResponse<String> refused = upload(http, token, t.plusSeconds(300), 122);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.body()).contains("\"status\":503").doesNotContain("Exception").doesNotContain("\tat ");
            // Later requests while it is still away are refused the same way. Each pooled connection that was used
            // within the pool's validation bypass window fails once by itself (at once, with its broken socket); from
            // the first failed attempt to connect, requests are refused without going to the pool at all.
            for (int i = 0; i < 16 && !metrics(app).matches("(?s).*mqcgm_database_refused_total\\{[^}]*} [1-9].*"); i++) {
                assertThat(upload(http, token, t.plusSeconds(300), 122).statusCode()).isEqualTo(503);
            }
            assertThat(metrics(app)).containsPattern("mqcgm_database_reachable\\{[^}]*} 0\\.0")
                    .containsPattern("mqcgm_database_refused_total\\{[^}]*} [1-9]");

            pg = LocalPostgres.start(dir, port);
            running = true;

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> http.get("/readyz").statusCode() == 200);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> upload(http, token, t.plusSeconds(300), 122).statusCode() == 200);
            HttpResponse<String> readings = http.get("/api/v1/readings?from=" + t.minusSeconds(60) + "&to="
                    + t.plusSeconds(600), "Authorization", "Bearer " + token);
            assertThat(readings.statusCode()).isEqualTo(200);
            assertThat(readings.body()).contains("\"mgdl\":111").contains("\"mgdl\":122");
            assertThat(metrics(app)).containsPattern("mqcgm_database_reachable\\{[^}]*} 1\\.0");
        } finally {
            if (running) {
                pg.close();
            }
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String metrics(TestApp app) {
        return new Http("http://127.0.0.1:" + app.app().metrics().port()).get("/metrics").body();
    }

    private static HttpResponse<String> upload(Http http, String token, Instant time, int mgdl) {
        return http.postJson("/api/v1/readings", "[{\"time\":\"" + time + "\",\"mgdl\":" + mgdl + "}]",
                "Authorization", "Bearer " + token);
    }
}
