package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The live stream lasts only as long as the credential it was opened with: a revoked token, a logged-out session
 * or a revocation made by another node (a NOTIFY straight from SQL) ends it at once, while the owner's other
 * streams keep delivering.
 */
class StreamCredentialsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final HttpClient client = HttpClient.newHttpClient();

    /** An open stream: its lines as they come, and a future that completes when the server ends it. */
    record Open(BlockingQueue<String> lines, CompletableFuture<Void> ended) {

        /** Waits (at most ten seconds) for the next reading event and returns its data line. */
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

        void awaitEnd() throws Exception {
            ended.get(10, TimeUnit.SECONDS);
        }
    }

    static Open open(String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/readings/stream"))
                .header("Accept", "text/event-stream");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<Stream<String>> r = client.send(b.build(), HttpResponse.BodyHandlers.ofLines());
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
        open.nextReading(); // the latest reading comes at once: the stream is open
        return open;
    }

    static void upload(String token, int mgdl) {
        String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60 - mgdl % 50).toString();
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/readings",
                "[{\"time\":\"" + time + "\",\"mgdl\":" + mgdl + "}]", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static String token(UUID owner) {
        return app.app().apiTokens().create(owner, "stream", EnumSet.allOf(Scope.class));
    }

    @Test
    void revokingTheTokenEndsItsStreamAndOnlyIts() throws Exception {
        UUID owner = app.newUser("stream-token@example.org");
        String revoked = token(owner);
        String kept = token(owner);
        upload(kept, 100);
        Open a = open("Authorization", "Bearer " + revoked);
        Open b = open("Authorization", "Bearer " + kept);

        HttpResponse<String> delete = new Http(app.url()).send("DELETE", "/api/v1/auth/token", null,
                "Authorization", "Bearer " + revoked);
        assertThat(delete.statusCode()).isLessThan(300);

        a.awaitEnd();
        upload(kept, 111);
        assertThat(b.nextReading()).contains("\"mgdl\":111");
        assertThat(b.ended()).isNotDone();
    }

    @Test
    void loggingOutEndsTheSessionsStream() throws Exception {
        UUID owner = app.newUser("stream-session@example.org");
        upload(token(owner), 120);
        Http browser = new Http(app.url());
        assertThat(browser.postForm("/login", Map.of("identifier", "stream-session@example.org", "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        Open stream = open("Cookie", "SESSION=" + browser.cookie("SESSION").orElseThrow());

        assertThat(browser.postForm("/logout", Map.of()).statusCode()).isEqualTo(303);

        stream.awaitEnd();
    }

    @Test
    void aRevocationAnnouncedByAnotherNodeEndsTheStream() throws Exception {
        UUID owner = app.newUser("stream-node@example.org");
        String token = token(owner);
        upload(token, 130);
        Open stream = open("Authorization", "Bearer " + token);

        // Another node revokes the token and announces it: only the database connects the two.
        app.sql().useTransaction(h -> {
            h.execute("update api_token set revoked_at = now() where owner_id = ?", owner);
            h.createQuery("select pg_notify('mqcgm_credentials_revoked', :owner)").bind("owner", owner.toString())
                    .mapTo(String.class).one();
        });

        stream.awaitEnd();
    }
}
