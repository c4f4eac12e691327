package org.mqcgm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP load against a running mqcgm (the demo): N concurrent clients upload readings with the demo's API token
 * for a fixed time, each request a batch of B readings at unique times, then print readings/s, requests/s and
 * latency percentiles. Loopback only; bounded in time; stops by itself.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' org.mqcgm.bench.LoadDriver \
 *      --demo-json .mqcgm-data/demo.json --clients 16 --batch 1 --seconds 20
 * </pre>
 */
public final class LoadDriver {

    private LoadDriver() {
    }

    public static void main(String[] args) throws Exception {
        Path demoJson = Path.of(arg(args, "--demo-json", ".mqcgm-data/demo.json"));
        int clients = Integer.parseInt(arg(args, "--clients", "16"));
        int batch = Integer.parseInt(arg(args, "--batch", "1"));
        int seconds = Integer.parseInt(arg(args, "--seconds", "20"));
        int warmup = Integer.parseInt(arg(args, "--warmup", "5"));
        if (clients < 1 || clients > 1024 || batch < 1 || batch > 10_000 || seconds < 1 || seconds > 600) {
            throw new IllegalArgumentException("clients 1..1024, batch 1..10000, seconds 1..600");
        }
        JsonNode demo = new ObjectMapper().readTree(demoJson.toFile());
        URI target = URI.create(demo.path("url").asText() + "/api/v1/readings");
        if (!isLoopback(target)) {
            throw new IllegalArgumentException("the load driver only targets loopback: " + target);
        }
        String auth = "Bearer " + demo.path("token").asText();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        // Readings at unique times far in the past, so every upload stores new rows (no dedup shortcut).
        // Each run starts at another point of a 60-year window (1900-1960) chosen by the wall clock.
        long window = 60L * 365 * 24 * 60;
        AtomicLong slot = new AtomicLong(Instant.parse("1900-01-01T00:00:00Z").getEpochSecond() / 60
                + (System.currentTimeMillis() / 1000 * 7919 % window) / 5 * 5);
        System.out.printf(Locale.ROOT, "load: %d clients, %d readings per request, %d s (+%d s warm-up) against %s%n",
                clients, batch, seconds, warmup, target);
        run(http, target, auth, clients, batch, warmup, slot); // warm-up, discarded
        Result r = run(http, target, auth, clients, batch, seconds, slot);
        long[] lat = r.latenciesNanos();
        Arrays.sort(lat);
        System.out.printf(Locale.ROOT, "requests: %d ok, %d failed in %.1f s%n", lat.length, r.failures(), r.seconds());
        System.out.printf(Locale.ROOT, "throughput: %.0f requests/s, %.0f readings/s%n",
                lat.length / r.seconds(), (double) lat.length * batch / r.seconds());
        System.out.printf(Locale.ROOT, "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n",
                pct(lat, 50), pct(lat, 90), pct(lat, 99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6);
    }

    private record Result(long[] latenciesNanos, long failures, double seconds) {
    }

    private static Result run(HttpClient http, URI target, String auth, int clients, int batch, int seconds,
                              AtomicLong slot) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        List<Future<long[]>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    long[] lat = new long[1024];
                    int n = 0;
                    while (System.nanoTime() < deadline) {
                        StringBuilder body = new StringBuilder(batch * 48).append('[');
                        for (int i = 0; i < batch; i++) {
                            long minute = slot.getAndAdd(5);
                            body.append(i == 0 ? "" : ",").append("{\"time\":\"")
                                    .append(Instant.ofEpochSecond(minute * 60)).append("\",\"mgdl\":")
                                    .append(70 + Math.floorMod(minute, 200)).append('}');
                        }
                        body.append(']');
                        HttpRequest req = HttpRequest.newBuilder(target)
                                .header("Authorization", auth)
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
                        long t0 = System.nanoTime();
                        HttpResponse<Void> resp = http.send(req, HttpResponse.BodyHandlers.discarding());
                        long t1 = System.nanoTime();
                        if (resp.statusCode() != 200) {
                            failures.incrementAndGet();
                            continue;
                        }
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = t1 - t0;
                    }
                    return Arrays.copyOf(lat, n);
                }));
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] all = futures.stream().map(f -> {
            try {
                return f.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).flatMapToLong(Arrays::stream).toArray();
        return new Result(all, failures.get(), elapsed);
    }

    private static boolean isLoopback(URI uri) {
        String h = uri.getHost();
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }

    /** The p-th percentile (nearest rank) of sorted nanoseconds, in milliseconds. */
    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /** The value after {@code name} in {@code args}, or {@code fallback}. */
    static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
