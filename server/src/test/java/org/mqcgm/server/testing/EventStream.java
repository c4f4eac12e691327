package org.mqcgm.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An open {@code GET /api/v1/readings/stream} of a test: its lines as they come, and a future that completes when
 * the server ends it. Tests read events with a bounded wait, never a sleep.
 *
 * @param lines the stream's lines, in order
 * @param ended completes when the server closes the stream
 */
public record EventStream(BlockingQueue<String> lines, CompletableFuture<Void> ended) {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /**
     * Opens the readings stream of {@code app} with the given headers (name, value, …) and waits for its first
     * reading event (the latest reading comes at once: the owner must have one).
     */
    public static EventStream open(TestApp app, String... headers) throws Exception {
        return open(app.url() + "/api/v1/readings/stream", headers);
    }

    /** As {@link #open(TestApp, String...)}, for the stream at {@code url} (a person's stream, another node). */
    public static EventStream open(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "text/event-stream");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<Stream<String>> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
            try (Stream<String> body = r.body()) {
                body.forEach(lines::add);
            } catch (RuntimeException e) {
                // a connection closed by the server ends the stream too
            }
        });
        EventStream open = new EventStream(lines, ended);
        open.nextReading();
        return open;
    }

    /** Waits (at most ten seconds) for the next reading event and returns its data line. */
    public String nextReading() throws InterruptedException {
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

    /** Waits (at most ten seconds) for the server to end the stream. */
    public void awaitEnd() throws Exception {
        ended.get(10, TimeUnit.SECONDS);
    }

    /** Uploads one reading of {@code mgdl} a little before now with {@code token}; expects 200. */
    public static void upload(TestApp app, String token, int mgdl, int secondsAgo) {
        String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(secondsAgo).toString();
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/readings",
                "[{\"time\":\"" + time + "\",\"mgdl\":" + mgdl + "}]", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
