package org.mqcgm.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.TestApp;

/**
 * Live updates: a reading uploaded through the API appears on an open Today page in real Chromium without a
 * reload (the page listens to the Server-Sent Events stream), and the stream itself, read with a plain HTTP client,
 * delivers a new reading to its owner and to nobody else.
 */
class LiveTodayInBrowserTest {

    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    /** How long the page and the streams may take to show a new reading (the requirement is one second). */
    static final double WAIT_MS = 5_000;

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final Browser browser = Browser.perClass();

    private static String tokenOf(UUID id) {
        return app.app().apiTokens().create(id, "uploader", EnumSet.allOf(Scope.class));
    }

    private static void upload(String token, Instant time, int mgdl) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(app.url() + "/api/v1/readings"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"time\":\"" + time.atZone(ZONE).toOffsetDateTime()
                        + "\",\"mgdl\":" + mgdl + "}]")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"accepted\":1");
    }

    private static Instant minutesAgo(int minutes) {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(minutes));
    }

    private static Page logIn(BrowserContext context, String email) {
        Page page = context.newPage();
        Browser.logIn(page, app.url(), email);
        return page;
    }

    /** Remembers the page as it is, to prove later that it was not navigated or reloaded. */
    private static String mark(Page page) {
        String marker = UUID.randomUUID().toString();
        page.evaluate("m => { window.__marker = m; }", marker);
        return marker;
    }

    private static void assertSamePage(Page page, String url, String marker) {
        assertThat(page.url()).isEqualTo(url);
        assertThat(page.evaluate("() => window.__marker")).isEqualTo(marker);
        // The content was swapped in place by the page's script.
        assertThat(page.locator("html")).hasAttribute("data-updated", java.util.regex.Pattern.compile("^\\d+$"));
    }

    @Test
    void aNewReadingAppearsOnTheOpenTodayPageWithoutReload() throws Exception {
        UUID id = app.newUser("live@example.org");
        String token = tokenOf(id);
        upload(token, minutesAgo(10), 123);
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = logIn(context, "live@example.org");
            assertThat(page.locator("[data-testid=current-value]")).hasText("123");
            assertThat(page.locator("[data-testid=minutes-ago]")).hasText("10 min ago");
            String url = page.url();
            String marker = mark(page);

            upload(token, minutesAgo(1), 287);

            assertThat(page.locator("[data-testid=current-value]")).hasText("287",
                    new LocatorAssertions.HasTextOptions().setTimeout(WAIT_MS));
            assertThat(page.locator("[data-testid=minutes-ago]")).hasText("1 min ago");
            assertThat(page.locator("svg.chart circle:not(.current)")).hasCount(2);
            assertSamePage(page, url, marker);
        }
    }

    @Test
    void theFirstReadingEverAppearsOnAnEmptyTodayPageWithoutReload() throws Exception {
        UUID id = app.newUser("first@example.org");
        String token = tokenOf(id);
        try (BrowserContext context = browser.phone("en-US")) {
            Page page = logIn(context, "first@example.org");
            assertThat(page.locator(".nodata")).isVisible();
            String url = page.url();
            String marker = mark(page);

            upload(token, minutesAgo(0), 142);

            assertThat(page.locator("[data-testid=current-value]")).hasText("142",
                    new LocatorAssertions.HasTextOptions().setTimeout(WAIT_MS));
            assertThat(page.locator(".nodata")).hasCount(0);
            assertSamePage(page, url, marker);
        }
    }

    /** One Server-Sent Event. */
    record Event(String name, String data, String id) {
        /** The glucose of a {@code reading} event, -1 for other events. */
        int mgdl() {
            try {
                return name.equals("reading") ? JSON.readTree(data).path("mgdl").asInt(-1) : -1;
            } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** An open {@code /api/v1/readings/stream}, its events queued as they arrive. */
    static final class EventStream implements AutoCloseable {
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final HttpResponse<java.util.stream.Stream<String>> response;
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final List<Event> seen = Collections.synchronizedList(new ArrayList<>());

        EventStream(String token) throws Exception {
            response = http.send(HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/readings/stream"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofLines());
            Thread.ofPlatform().daemon().name("sse-reader").start(() -> {
                String name = "message";
                StringBuilder data = new StringBuilder();
                String id = null;
                try {
                    for (String line : (Iterable<String>) response.body()::iterator) {
                        if (line.isEmpty()) {
                            if (!data.isEmpty()) {
                                events.add(new Event(name, data.toString(), id));
                            }
                            name = "message";
                            data.setLength(0);
                            id = null;
                        } else if (line.startsWith("event:")) {
                            name = line.substring(6).strip();
                        } else if (line.startsWith("data:")) {
                            data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).strip());
                        } else if (line.startsWith("id:")) {
                            id = line.substring(3).strip();
                        }
                    }
                } catch (UncheckedIOException | IllegalStateException e) {
                    // the stream was closed
                }
            });
        }

        /** Waits (at most {@code seconds}) for an event matching {@code wanted}; every event read is in {@link #seen}. */
        Event await(Predicate<Event> wanted, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                long left = deadline - System.nanoTime();
                Event e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new AssertionError("no such event within " + seconds + " s; received: " + seen);
                }
                seen.add(e);
                if (wanted.test(e)) {
                    return e;
                }
            }
        }

        @Override
        public void close() {
            response.body().close();
            http.shutdownNow();
        }
    }

    private static Predicate<Event> reading(int mgdl) {
        return e -> e.mgdl() == mgdl;
    }

    @Test
    void theStreamDeliversANewReadingToItsOwnerOnly() throws Exception {
        String tokenA = tokenOf(app.newUser("stream-a@example.org"));
        String tokenB = tokenOf(app.newUser("stream-b@example.org"));
        upload(tokenA, minutesAgo(10), 111);
        upload(tokenB, minutesAgo(10), 99);
        try (EventStream a = new EventStream(tokenA); EventStream b = new EventStream(tokenB)) {
            assertThat(a.response.statusCode()).isEqualTo(200);
            assertThat(a.response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/event-stream"));
            // Each stream opens with its owner's newest reading: from then on it is watching.
            a.await(reading(111), 10);
            b.await(reading(99), 10);

            Instant time = minutesAgo(1);
            upload(tokenA, time, 287);
            Event arrived = a.await(reading(287), 10);
            assertThat(arrived.data()).contains("\"time\":\"" + java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX").format(time.atZone(ZONE)) + "\"");
            assertThat(arrived.id()).isEqualTo(Long.toString(time.getEpochSecond()));

            // B's next reading comes through B's stream; nothing of A's came before it.
            upload(tokenB, minutesAgo(1), 188);
            b.await(reading(188), 10);
            assertThat(b.seen).extracting(Event::mgdl).containsExactly(99, 188);
            assertThat(a.seen).extracting(Event::mgdl).containsExactly(111, 287);
        }
    }
}
