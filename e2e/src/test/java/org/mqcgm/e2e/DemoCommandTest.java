package org.mqcgm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.testkit.Wait;

/**
 * {@code mqcgm demo} as a user runs it: a separate process, its own data directory, demo.json to drive it, live
 * readings, and SIGTERM stopping the server and PostgreSQL with no process left behind.
 */
class DemoCommandTest {

    @TempDir
    Path dataDir;

    private static JsonNode get(String url, String token) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    private static Instant latest(String base, String token) throws Exception {
        return java.time.OffsetDateTime.parse(get(base + "/api/v1/readings/latest", token).path("time").asText())
                .toInstant();
    }

    @Test
    void demoRunsFeedsLiveReadingsAndStopsCleanlyOnSigterm() throws Exception {
        JsonNode info;
        Instant firstLatest;
        try (Processes.Running demo = Processes.start(Map.of(), true, "demo", "--data-dir", dataDir.toString(),
                "--port", "0", "--speed", "600", "--tz", "Asia/Shanghai")) {
            String running = demo.awaitLine("mqcgm demo is running:", 120);
            info = new ObjectMapper().readTree(dataDir.resolve("demo.json").toFile());
            assertThat(running).contains(info.path("url").asText());
            assertThat(demo.awaitLine("log in as", 10)).endsWith("demo@mqcgm.example / " + info.path("password").asText());

            String base = info.path("url").asText();
            String token = info.path("token").asText();
            firstLatest = latest(base, token);
            assertThat(get(base + "/api/v1/readings/latest", token).path("time").asText()).endsWith("+08:00");
            // At 600x, five simulated minutes pass every half second: the live feed adds readings. Poll the API
            // (bounded) until a newer reading is there.
            Wait.until("a newer reading in the API", () -> latest(base, token), later -> later.isAfter(firstLatest));

            demo.terminate(); // SIGTERM
            assertThat(demo.awaitExit(20)).as("stopped within 20 s").isTrue();
            assertThat(demo.output()).doesNotContain("Exception");
        }
        assertThat(Processes.mentioning(dataDir)).as("no process left using the data directory").isEmpty();

        // A second run reuses the data: same login, history kept.
        try (Processes.Running again = Processes.start(Map.of(), true, "demo", "--data-dir", dataDir.toString(),
                "--port", "0")) {
            again.awaitLine("mqcgm demo is running:", 120);
            JsonNode second = new ObjectMapper().readTree(dataDir.resolve("demo.json").toFile());
            assertThat(second.path("password").asText()).isEqualTo(info.path("password").asText());
            JsonNode oldest = get(second.path("url").asText() + "/api/v1/readings?from="
                    + firstLatest.minusSeconds(3600) + "&to=" + firstLatest.plusSeconds(1),
                    second.path("token").asText());
            assertThat(oldest.size()).isGreaterThanOrEqualTo(12);
            again.terminate();
            assertThat(again.awaitExit(20)).isTrue();
        }
        assertThat(Processes.mentioning(dataDir)).isEmpty();
    }
}
