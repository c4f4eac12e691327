package org.mqcgm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;

/**
 * Fan-out of live readings to followers (issue 12): W wearers each shared with F followers through the API
 * ({@code POST /api/v1/shares}, {@code POST /api/v1/following}); every follower holds the wearer's live stream
 * ({@code GET /api/v1/people/{person}/readings/stream}) open on its own connection; the wearers upload one reading at
 * a time at a fixed total rate, and each follower notes when the reading arrives. Reported: reading-to-follower
 * delivery (from the moment the upload is sent to the event's arrival at the follower) p50/p99/max, and readings
 * that never arrived. The server runs in this JVM (its own PostgreSQL, loopback only); bounded in time.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' org.mqcgm.bench.FanOutBenchmark \
 *      --wearers 1000 --followers 5 --rate 100 --seconds 30
 * </pre>
 */
public final class FanOutBenchmark {

    private FanOutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int wearers = Integer.parseInt(LoadDriver.arg(args, "--wearers", "1000"));
        int followers = Integer.parseInt(LoadDriver.arg(args, "--followers", "5"));
        int rate = Integer.parseInt(LoadDriver.arg(args, "--rate", "100"));
        int seconds = Integer.parseInt(LoadDriver.arg(args, "--seconds", "30"));
        if (wearers < 1 || wearers > 5000 || followers < 1 || followers > 20 || rate < 1 || rate > 5000
                || seconds < 1 || seconds > 300) {
            throw new IllegalArgumentException("wearers 1..5000, followers 1..20, rate 1..5000, seconds 1..300");
        }
        try (BenchServer server = BenchServer.start(32)) {
            run(server, wearers, followers, rate, seconds);
        }
        System.exit(0);
    }

    private record Wearer(UUID id, String bearer) {
    }

    static void run(BenchServer server, int wearerCount, int followersEach, int rate, int seconds) throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = server.baseUrl();
        System.out.printf(Locale.ROOT, "fan-out: %d wearers x %d followers, %d readings/s for %d s%n", wearerCount,
                followersEach, rate, seconds);
        long setupStart = System.nanoTime();
        List<Wearer> wearers = new ArrayList<>();
        List<String[]> streams = new ArrayList<>(); // {wearer index, person id, follower bearer}
        AtomicInteger seq = new AtomicInteger();
        try (ExecutorService setup = Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<List<String[]>>> done = new ArrayList<>();
            for (int w = 0; w < wearerCount; w++) {
                BenchServer.Wearer wearer = server.wearer("wearer" + w + "@bench.example", ZoneId.of("UTC"));
                server.app.consents().record(wearer.id(), Consents.Purpose.SHARING, true, "bench");
                wearers.add(new Wearer(wearer.id(), wearer.bearer()));
                int index = w;
                done.add(setup.submit(() -> {
                    List<String[]> mine = new ArrayList<>();
                    for (int f = 0; f < followersEach; f++) {
                        String email = "follower" + seq.incrementAndGet() + "@bench.example";
                        UUID follower = server.app.accounts().createVerified(email, BenchServer.PASSWORD, "UTC",
                                Language.EN);
                        String token = server.app.apiTokens().create(follower, "bench",
                                EnumSet.of(Scope.READINGS_READ, Scope.SHARING));
                        JsonNode share = post(http, json, base + "/api/v1/shares", wearer.bearer(),
                                "{\"with\":\"" + email + "\",\"scopes\":[\"glucose\"]}");
                        post(http, json, base + "/api/v1/following", "Bearer " + token,
                                "{\"invitation\":\"" + share.path("invitation").asText() + "\"}");
                        mine.add(new String[] {Integer.toString(index), wearer.id().toString(), "Bearer " + token});
                    }
                    return mine;
                }));
            }
            for (var f : done) {
                streams.addAll(f.get());
            }
        }
        System.out.printf(Locale.ROOT, "setup: %d shares accepted in %.1f s%n", streams.size(),
                (System.nanoTime() - setupStart) / 1e9);

        // sent[wearer] = reading epoch second -> nanoTime the upload was sent
        List<Map<Long, Long>> sent = new ArrayList<>();
        for (int w = 0; w < wearerCount; w++) {
            sent.add(new ConcurrentHashMap<>());
        }
        long[] latencies = new long[streams.size() * Math.max(1, rate * seconds / wearerCount + 2)];
        long[] sentAt = new long[latencies.length];
        AtomicInteger latencyCount = new AtomicInteger();
        AtomicLong delivered = new AtomicLong();
        URI uri = URI.create(base);
        CountDownLatch open = new CountDownLatch(streams.size());
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        long openStart = System.nanoTime();
        List<Socket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
        for (String[] s : streams) {
            int w = Integer.parseInt(s[0]);
            readers.submit(() -> {
                // Like an app: on 503 (the server busy) it comes back after Retry-After, plus up to a second.
                for (int attempt = 0; attempt < 30; attempt++) {
                    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                        sockets.add(socket);
                        OutputStream out = socket.getOutputStream();
                        out.write(("GET /api/v1/people/" + s[1] + "/readings/stream HTTP/1.1\r\nHost: "
                                + uri.getHost() + "\r\nAuthorization: " + s[2]
                                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                                StandardCharsets.UTF_8));
                        String status = in.readLine();
                        if (status != null && status.contains(" 503")) {
                            long retryAfter = 1;
                            for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
                                if (h.regionMatches(true, 0, "Retry-After:", 0, 12)) {
                                    retryAfter = Long.parseLong(h.substring(12).trim());
                                }
                            }
                            busy.incrementAndGet();
                            socket.close();
                            TimeUnit.MILLISECONDS.sleep(retryAfter * 1000
                                    + java.util.concurrent.ThreadLocalRandom.current().nextInt(1000));
                            continue;
                        }
                        if (status == null || !status.contains(" 200")) {
                            if (refused.incrementAndGet() <= 5) {
                                System.err.println("stream refused: " + status);
                            }
                            open.countDown();
                            return null;
                        }
                        open.countDown();
                        String line;
                        while ((line = in.readLine()) != null) {
                            if (line.startsWith("id:")) {
                                long id = Long.parseLong(line.substring(3).trim());
                                Long at = sent.get(w).get(id);
                                if (at != null) {
                                    long now = System.nanoTime();
                                    int i = latencyCount.getAndIncrement();
                                    if (i < latencies.length) {
                                        latencies[i] = now - at;
                                        sentAt[i] = at;
                                    }
                                    delivered.incrementAndGet();
                                }
                            }
                        }
                        return null;
                    } catch (IOException e) {
                        return null; // the stream ended (the run is over)
                    }
                }
                refused.incrementAndGet();
                open.countDown();
                return null;
            });
        }
        for (int waited = 0; !open.await(10, TimeUnit.SECONDS); waited += 10) {
            System.out.printf(Locale.ROOT, "streams: %d answered after %.0f s%n", streams.size() - open.getCount(),
                    (System.nanoTime() - openStart) / 1e9);
            if (waited >= 110) {
                throw new IllegalStateException("streams did not open: " + open.getCount() + " left");
            }
        }
        System.out.printf(Locale.ROOT, "streams: %d open, %d refused, in %.1f s (%d answers 503 on the way)%n",
                streams.size() - refused.get(), refused.get(), (System.nanoTime() - openStart) / 1e9, busy.get());

        // Uploads: one reading per request, round-robin over the wearers, at the given total rate.
        long first = Instant.now().minus(Duration.ofHours(2)).getEpochSecond();
        int total = rate * seconds;
        AtomicLong uploadFailures = new AtomicLong();
        long startNanos = System.nanoTime();
        try (ExecutorService uploads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < total; i++) {
                long due = startNanos + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                int w = i % wearerCount;
                long second = first + i;
                Wearer wearer = wearers.get(w);
                uploads.submit(() -> {
                    sent.get(w).put(second, System.nanoTime());
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base
                                        + "/api/v1/readings")).header("Authorization", wearer.bearer())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("[{\"time\":\"" + Instant.ofEpochSecond(second)
                                        + "\",\"mgdl\":" + (70 + second % 200) + "}]")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            uploadFailures.incrementAndGet();
                        }
                    } catch (IOException | InterruptedException e) {
                        uploadFailures.incrementAndGet();
                    }
                    return null;
                });
            }
        }
        long expected = (long) total * followersEach;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (delivered.get() < expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100); // a benchmark's bounded drain, not a test's synchronisation
        }
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        synchronized (sockets) {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        readers.shutdownNow();
        int n = Math.min(latencyCount.get(), latencies.length);
        long[] lat = Arrays.copyOf(latencies, n);
        Arrays.sort(lat);
        System.out.printf(Locale.ROOT, "uploads: %d sent, %d failed; deliveries: %d of %d expected in %.1f s%n",
                total, uploadFailures.get(), delivered.get(), expected, elapsed);
        // p99 by 10-second window of sending (what slows delivery down at times: the stream recheck every 30 s?)
        for (int from = 0; from < seconds; from += 10) {
            long lo = startNanos + TimeUnit.SECONDS.toNanos(from);
            long hi = lo + TimeUnit.SECONDS.toNanos(10);
            long[] window = java.util.stream.IntStream.range(0, n).filter(k -> sentAt[k] >= lo && sentAt[k] < hi)
                    .mapToLong(k -> latencies[k]).sorted().toArray();
            System.out.printf(Locale.ROOT, "  sent in s %3d-%3d: %6d deliveries, p50 %7.1f ms, p99 %7.1f ms%n", from,
                    from + 10, window.length, LoadDriver.pct(window, 50), LoadDriver.pct(window, 99));
        }
        System.out.printf(Locale.ROOT, "delivery ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n",
                LoadDriver.pct(lat, 50), LoadDriver.pct(lat, 90), LoadDriver.pct(lat, 99),
                n == 0 ? 0 : lat[n - 1] / 1e6);
    }

    private static JsonNode post(HttpClient http, ObjectMapper json, String url, String bearer, String body)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", bearer)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + url + " -> " + r.statusCode() + ": " + r.body());
        }
        return json.readTree(r.body());
    }
}
