package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.accounts.ClientFacts;
import org.mqcgm.server.accounts.Sessions;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * Over HTTPS the session cookie is {@code __Host-SESSION}: a stream opened with it is watched under that name, so
 * a credential change of the owner that leaves the session valid (another token revoked) does not end it.
 */
class StreamOverHttpsTest {

    static final HttpClient client = HttpClient.newHttpClient();

    record Open(BlockingQueue<String> lines, CompletableFuture<Void> ended) {
        String nextReading() throws InterruptedException {
            boolean event = false;
            while (true) {
                String line = lines.poll(10, TimeUnit.SECONDS);
                assertThat(line).as("a reading event within ten seconds").isNotNull();
                if (line.equals("event: reading")) {
                    event = true;
                } else if (event && line.startsWith("data:")) {
                    return line;
                }
            }
        }
    }

    static Open open(TestApp app, String header, String value) throws Exception {
        HttpResponse<Stream<String>> r = client.send(HttpRequest.newBuilder(URI.create(app.url()
                        + "/api/v1/readings/stream")).header("Accept", "text/event-stream").header(header, value).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
            try (Stream<String> body = r.body()) {
                body.forEach(lines::add);
            } catch (RuntimeException e) {
                // a connection closed by the server ends the stream too
            }
        });
        Open open = new Open(lines, ended);
        open.nextReading();
        return open;
    }

    static void upload(TestApp app, String token, int mgdl) {
        String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60 - mgdl % 50).toString();
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/readings",
                "[{\"time\":\"" + time + "\",\"mgdl\":" + mgdl + "}]", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aHostSessionStreamOutlivesTheRevocationOfAnotherCredential() throws Exception {
        try (TestApp app = TestApp.startWithPublicUrl("https://mqcgm.example")) {
            UUID owner = app.newUser("stream-https@example.org");
            String kept = app.app().apiTokens().create(owner, "kept", EnumSet.allOf(Scope.class));
            String revoked = app.app().apiTokens().create(owner, "revoked", EnumSet.allOf(Scope.class));
            upload(app, kept, 100);
            String session = new Sessions(app.sql(), Clock.systemUTC(), Duration.ofHours(12), Duration.ofDays(7))
                    .start(owner, ClientFacts.NONE);
            Open byToken = open(app, "Authorization", "Bearer " + revoked);
            Open bySession = open(app, "Cookie", "__Host-SESSION=" + session);

            assertThat(new Http(app.url()).send("DELETE", "/api/v1/auth/token", null, "Authorization",
                    "Bearer " + revoked).statusCode()).isLessThan(300);
            // The owner's streams were checked again: the revoked token's ended, the session's must not have.
            byToken.ended().get(10, TimeUnit.SECONDS);

            upload(app, kept, 111);
            assertThat(bySession.nextReading()).contains("\"mgdl\":111");
            assertThat(bySession.ended()).isNotDone();
        }
    }
}
