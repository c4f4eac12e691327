package org.mqcgm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
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
import java.util.function.Supplier;

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

        // Readings at unique times, so every upload stores new readings (no dedup shortcut):
        //  recent:  one second apart from 47 hours ago — the live path (a sensor's reading of now, one row each);
        //  history: five minutes apart somewhere in 1900-1960 — the backfill path (merged into day blocks).
        String times = arg(args, "--times", "recent");
        boolean recent = switch (times) {
            case "recent" -> true;
            case "history" -> false;
            default -> throw new IllegalArgumentException("--times recent|history");
        };
        long window = 60L * 365 * 24 * 60;
        AtomicLong slot = new AtomicLong(recent ? Instant.now().minus(Duration.ofHours(47)).getEpochSecond()
                : (Instant.parse("1900-01-01T00:00:00Z").getEpochSecond() / 60
                        + (System.currentTimeMillis() / 1000 * 7919 % window) / 5 * 5) * 60);
        long step = recent ? 1 : 300;
        System.out.printf(Locale.ROOT, "load: %d clients, %d readings per request, %s times, %d s (+%d s warm-up)"
                + " against %s%n", clients, batch, times, seconds, warmup, target);
        run(target, auth, clients, batch, warmup, slot, step); // warm-up, discarded
        Result r = run(target, auth, clients, batch, seconds, slot, step);
        long[] lat = r.latenciesNanos();
        Arrays.sort(lat);
        System.out.printf(Locale.ROOT, "requests: %d ok, %d failed in %.1f s%n", lat.length, r.failures(), r.seconds());
        System.out.printf(Locale.ROOT, "throughput: %.0f requests/s, %.0f readings/s%n",
                lat.length / r.seconds(), (double) lat.length * batch / r.seconds());
        System.out.printf(Locale.ROOT, "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n",
                pct(lat, 50), pct(lat, 90), pct(lat, 99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6);
    }

    /** The latencies of the successful requests of one run (unsorted), the failed ones, and the run's length. */
    record Result(long[] latenciesNanos, long failures, double seconds) {
    }

    private static Result run(URI target, String auth, int clients, int batch, int seconds,
                              AtomicLong slot, long step) throws Exception {
        return clients(target, "POST", "Authorization: " + auth, clients, seconds, () -> {
            StringBuilder body = new StringBuilder(batch * 48).append('[');
            for (int i = 0; i < batch; i++) {
                long second = slot.getAndAdd(step);
                body.append(i == 0 ? "" : ",").append("{\"time\":\"")
                        .append(Instant.ofEpochSecond(second)).append("\",\"mgdl\":")
                        .append(70 + Math.floorMod(second / step, 200)).append('}');
            }
            return body.append(']').toString();
        });
    }

    /**
     * {@code clients} concurrent clients (virtual threads), each on its own {@link KeepAliveConnection} to
     * {@code target} sending {@code method} with {@code headerLine}, request after request until {@code seconds}
     * have passed; a POST sends {@code bodies.get()} (taken before the request is timed), and a client stops early
     * when that is null. Only 200 answers count as successes; a failed connection is reopened for the next request.
     */
    static Result clients(URI target, String method, String headerLine, int clients, int seconds,
                          Supplier<String> bodies) throws Exception {
        boolean post = method.equals("POST");
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        List<Future<long[]>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    long[] lat = new long[1024];
                    int n = 0;
                    KeepAliveConnection conn = null;
                    while (System.nanoTime() < deadline) {
                        String body = null;
                        if (post) {
                            body = bodies.get();
                            if (body == null) {
                                break;
                            }
                        }
                        long t0 = System.nanoTime();
                        int status;
                        try {
                            if (conn == null) {
                                conn = new KeepAliveConnection(target, method, headerLine);
                            }
                            status = post ? conn.post(body) : conn.get();
                        } catch (java.io.IOException e) {
                            failures.incrementAndGet();
                            if (conn != null) {
                                conn.close();
                            }
                            conn = null;
                            continue;
                        }
                        long t1 = System.nanoTime();
                        if (status != 200) {
                            failures.incrementAndGet();
                            continue;
                        }
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = t1 - t0;
                    }
                    if (conn != null) {
                        conn.close();
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

    /**
     * One persistent HTTP/1.1 connection doing POSTs, written by hand: the JDK's HttpClient cost the load generator
     * about half a core at 2,000 requests/s on this 2-core machine, CPU taken from the server being measured.
     * Understands Content-Length and chunked responses; anything else closes the connection.
     */
    static final class KeepAliveConnection implements AutoCloseable {
        private final java.net.Socket socket;
        private final java.io.OutputStream out;
        private final java.io.BufferedInputStream in;
        private final byte[] head;

        KeepAliveConnection(URI target, String auth) throws java.io.IOException {
            this(target, "POST", "Authorization: " + auth);
        }

        /**
         * A connection sending {@code method} to {@code target} (path and query) with one extra header line (e.g.
         * {@code "api-secret: …"}); a POST's head ends with {@code Content-Length: }, a GET's with the blank line.
         */
        KeepAliveConnection(URI target, String method, String headerLine) throws java.io.IOException {
            socket = new java.net.Socket(target.getHost(), target.getPort());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
            String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            head = (method + " " + path + " HTTP/1.1\r\nHost: " + target.getHost() + ":" + target.getPort()
                    + "\r\n" + headerLine + (method.equals("GET") ? "\r\n\r\n"
                    : "\r\nContent-Type: application/json\r\nContent-Length: "))
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }

        /** Sends one POST and reads the whole response; returns its status. */
        int post(String body) throws java.io.IOException {
            byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(head);
            out.write((b.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            return response();
        }

        /** Sends one GET (a connection made with method GET) and reads the whole response; returns its status. */
        int get() throws java.io.IOException {
            out.write(head);
            out.flush();
            return response();
        }

        private int response() throws java.io.IOException {
            String status = line();
            if (!status.startsWith("HTTP/1.1 ")) {
                throw new java.io.IOException("not an HTTP response: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                     size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                line();
            } else if (length >= 0) {
                skip(length);
            } else {
                throw new java.io.IOException("response without length");
            }
            if (close) {
                throw new java.io.IOException("server closed the connection");
            }
            return code;
        }

        private String line() throws java.io.IOException {
            StringBuilder sb = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException();
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        private void skip(long n) throws java.io.IOException {
            while (n > 0) {
                long k = in.skip(n);
                if (k <= 0) {
                    if (in.read() < 0) {
                        throw new java.io.EOFException();
                    }
                    k = 1;
                }
                n -= k;
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (java.io.IOException ignored) {
                // closing anyway
            }
        }
    }

    static boolean isLoopback(URI uri) {
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
