package org.mqcgm.server.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** The README's {@code curl -N … /readings/stream} works: the stream is served whatever the Accept header says. */
class EventStreamTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static String token;

    @BeforeAll
    static void start() {
        token = app.newUserToken("stream@example.org");
        String time = Instant.now().minus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
        assertThat(new Http(app.url()).postJson("/api/v1/readings", "[{\"time\":\"" + time + "\",\"mgdl\":123}]",
                "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "*/*", "application/json"})
    void theStreamIsServedWhateverTheAcceptHeader(String accept) throws IOException {
        try (Socket s = new Socket("127.0.0.1", app.app().port())) {
            s.setSoTimeout(20_000);
            String request = "GET /api/v1/readings/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " + token
                    + "\r\n" + (accept.isEmpty() ? "" : "Accept: " + accept + "\r\n") + "\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
                if (line.startsWith("data:")) {
                    break;
                }
            }
            assertThat(lines.getFirst()).startsWith("HTTP/1.1 200");
            assertThat(lines).anySatisfy(l -> assertThat(l.toLowerCase(java.util.Locale.ROOT))
                    .startsWith("content-type: text/event-stream"));
            assertThat(lines).anySatisfy(l -> assertThat(l.toLowerCase(java.util.Locale.ROOT))
                    .isEqualTo("cache-control: no-store"));
            assertThat(lines).contains("event: reading");
            assertThat(lines.getLast()).startsWith("data:").contains("\"mgdl\":123");
        }
    }
}
