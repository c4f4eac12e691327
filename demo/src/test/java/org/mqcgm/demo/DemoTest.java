package org.mqcgm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.server.testing.Http;

/** The demo end to end, in-process: data directory, demo.json, 14 days of history, reuse on a second run. */
class DemoTest {

    @TempDir
    Path dir;

    @Test
    void demoServesFourteenDaysAndReusesItsDataOnTheSecondRun() throws IOException {
        Demo.Options options = new Demo.Options(dir, "127.0.0.1", 0, 1, ZoneId.of("Asia/Shanghai"));
        String password;
        int firstCount;
        int pgPort;
        try (Demo demo = Demo.start(options)) {
            JsonNode info = new ObjectMapper().readTree(dir.resolve("demo.json").toFile());
            for (String field : new String[] {"url", "email", "password", "token", "jdbcUrl"}) {
                assertThat(info.path(field).asText()).as(field).isNotBlank();
            }
            assertThat(Files.getPosixFilePermissions(dir.resolve("demo.json")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
            password = info.path("password").asText();
            Http http = new Http(info.path("url").asText());
            String body = http.get("/api/v1/readings?from=" + java.time.Instant.now().minusSeconds(14 * 86400 + 600)
                    .toString() + "&to=" + java.time.Instant.now().plusSeconds(60), "Authorization",
                    "Bearer " + info.path("token").asText()).body();
            firstCount = body.split("\"time\"").length - 1;
            // 14 days of 5-minute readings: 4032, plus the one at the current slot.
            assertThat(firstCount).isBetween(4030, 4034);
            assertThat(body).contains("+08:00");
            pgPort = java.net.URI.create(info.path("jdbcUrl").asText().substring(5)).getPort();
        }
        assertThat(portOpen(pgPort)).as("PostgreSQL stopped with the demo").isFalse();

        try (Demo again = Demo.start(options)) {
            assertThat(again.info().password()).isEqualTo(password);
            Http http = new Http(again.info().url());
            String body = http.get("/api/v1/readings?from=" + java.time.Instant.now().minusSeconds(14 * 86400 + 600)
                    .toString() + "&to=" + java.time.Instant.now().plusSeconds(60), "Authorization",
                    "Bearer " + again.info().token()).body();
            assertThat(body.split("\"time\"").length - 1).isBetween(firstCount, firstCount + 2);
        }
    }

    private static boolean portOpen(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
