package org.mqcgm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load driver of the soak ({@code ./mqcgm bench soak}), in its own JVM against a {@link SoakServer}: reads the
 * run directory's {@code ready} (base URL, server pid) and {@code accounts.tsv}, then
 * <ul>
 *   <li>every follower holds the live stream of the wearer it follows
 *       ({@code GET /api/v1/people/{person}/readings/stream}) on its own connection, reconnecting when it drops
 *       (after {@code Retry-After} on 503);</li>
 *   <li>every wearer uploads one reading (of now) every {@code --period} seconds, the uploads spread evenly with a
 *       random jitter within their slot, through one pooled, keep-alive {@link HttpClient};</li>
 *   <li>{@code --reports-per-minute} reports are opened, alternately the report JSON and the AGP PDF of 14 days of
 *       a wearer with history.</li>
 * </ul>
 * Measured: upload, report and stream-open latency, upload-to-follower delivery latency, deliveries missed, errors;
 * from the server's GC log: heap after GC over the run (thirds and 5-minute rows), the largest heap used, GC
 * pauses; and the live set after a full GC ({@code jcmd GC.run}) when the load starts and when it ends. Exits 1 when
 * the server died (an OOM: the script runs it with {@code -XX:+ExitOnOutOfMemoryError}) or errors exceed
 * {@code --max-error-percent} of the requests.
 */
public final class SoakDriver {

    private SoakDriver() {
    }

    /** Latencies in nanoseconds, appended from many threads. */
    static final class Latencies {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        synchronized long[] sorted() {
            long[] s = Arrays.copyOf(values, size);
            Arrays.sort(s);
            return s;
        }

        /** "n 123, p50 1.2 ms, p95 …, p99 …, max …". */
        String summary() {
            long[] s = sorted();
            return String.format(Locale.ROOT, "n %d, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms", s.length,
                    LoadDriver.pct(s, 50), LoadDriver.pct(s, 95), LoadDriver.pct(s, 99),
                    s.length == 0 ? 0 : s[s.length - 1] / 1e6);
        }
    }

    /** One garbage collection of the server's GC log: when, the heap before and after (MB), the pause (ms). */
    record Gc(Instant at, String kind, double beforeMb, double afterMb, double pauseMs) {
    }

    private static final Pattern GC_LINE = Pattern.compile(
            "^\\[([^\\]]+)\\].*GC\\(\\d+\\) (Pause [A-Za-z]+( \\([^)]*\\))*).* (\\d+(?:\\.\\d+)?)([KMG])->"
                    + "(\\d+(?:\\.\\d+)?)([KMG])\\((\\d+(?:\\.\\d+)?)[KMG]\\) (\\d+(?:\\.\\d+)?)ms");
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    /** The pauses of a GC log written with {@code -Xlog:gc*:file=…:utctime,uptime,level,tags}. */
    static List<Gc> parseGcLog(List<String> lines) {
        List<Gc> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                out.add(new Gc(OffsetDateTime.parse(m.group(1), UTC_TIME).toInstant(), m.group(2),
                        mb(m.group(4), m.group(5)), mb(m.group(6), m.group(7)), Double.parseDouble(m.group(9))));
            }
        }
        return out;
    }

    private static double mb(String n, String unit) {
        double v = Double.parseDouble(n);
        return switch (unit) {
            case "K" -> v / 1024;
            case "G" -> v * 1024;
            default -> v;
        };
    }

    private record Follower(int wearer, String person, String bearer) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(LoadDriver.arg(args, "--dir", "target/soak"));
        double minutes = Double.parseDouble(LoadDriver.arg(args, "--minutes", "30"));
        int period = Integer.parseInt(LoadDriver.arg(args, "--period", "300"));
        double reportsPerMinute = Double.parseDouble(LoadDriver.arg(args, "--reports-per-minute", "4"));
        double maxErrorPercent = Double.parseDouble(LoadDriver.arg(args, "--max-error-percent", "0.1"));
        if (minutes <= 0 || minutes > 24 * 60 || period < 10 || reportsPerMinute < 0 || reportsPerMinute > 600) {
            throw new IllegalArgumentException("minutes 0..1440, period >= 10 s, reports-per-minute 0..600");
        }
        List<String> ready = Files.readAllLines(dir.resolve("ready"));
        String base = ready.get(0).trim();
        long serverPid = Long.parseLong(ready.get(1).trim());
        ProcessHandle serverProcess = ProcessHandle.of(serverPid).orElseThrow();
        URI baseUri = URI.create(base);
        List<String> wearerBearers = new ArrayList<>();
        List<Integer> reportWearers = new ArrayList<>();
        List<Follower> followers = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("accounts.tsv"))) {
            String[] f = line.split("\t");
            if (f[0].equals("wearer")) {
                wearerBearers.add(f[3]);
                if (f[4].equals("report")) {
                    reportWearers.add(Integer.parseInt(f[1]));
                }
            } else {
                followers.add(new Follower(Integer.parseInt(f[4]), f[2], f[3]));
            }
        }
        int wearers = wearerBearers.size();
        int[] followersOf = new int[wearers];
        for (Follower f : followers) {
            followersOf[f.wearer()]++;
        }
        System.out.printf(Locale.ROOT, "soak: %d wearers uploading every %d s (%.1f uploads/s), %d followers "
                + "streaming, %.1f reports/min, %.1f minutes, against %s (server pid %d)%n", wearers, period,
                (double) wearers / period, followers.size(), reportsPerMinute, minutes, base, serverPid);

        Latencies uploadLatency = new Latencies();
        Latencies deliveryLatency = new Latencies();
        Latencies streamOpen = new Latencies();
        Map<String, Latencies> reportLatency = new ConcurrentHashMap<>();
        AtomicLong uploadsOk = new AtomicLong();
        AtomicLong uploadErrors = new AtomicLong();
        AtomicLong reportsOk = new AtomicLong();
        AtomicLong reportErrors = new AtomicLong();
        AtomicLong streamErrors = new AtomicLong(); // refused (not 200, not 503) or failed to connect
        AtomicLong streamDrops = new AtomicLong(); // an open stream ended while the run went on
        AtomicLong streamBusy = new AtomicLong(); // 503 answers (come back after Retry-After)
        AtomicLong expectedDeliveries = new AtomicLong();
        AtomicLong deliveries = new AtomicLong();
        AtomicInteger openStreams = new AtomicInteger();
        Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
        // sent[wearer]: reading epoch second -> nanoTime its upload was sent (wearers with followers only)
        List<Map<Long, Long>> sent = new ArrayList<>();
        for (int w = 0; w < wearers; w++) {
            sent.add(followersOf[w] > 0 ? new ConcurrentHashMap<>() : null);
        }
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Socket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());

        // 1. The followers' live streams.
        ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
        long openStart = System.nanoTime();
        for (Follower follower : followers) {
            readers.submit(() -> {
                long lastSeen = Long.MIN_VALUE;
                boolean everOpened = false;
                while (running.get()) {
                    long t0 = System.nanoTime();
                    boolean opened = false;
                    try (Socket socket = new Socket(baseUri.getHost(), baseUri.getPort())) {
                        sockets.add(socket);
                        socket.setSoTimeout(60_000); // the server comments every 20 s
                        OutputStream out = socket.getOutputStream();
                        out.write(("GET /api/v1/people/" + follower.person() + "/readings/stream HTTP/1.1\r\nHost: "
                                + baseUri.getHost() + ":" + baseUri.getPort() + "\r\nAuthorization: "
                                + follower.bearer() + "\r\nAccept: text/event-stream\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                                StandardCharsets.UTF_8), 2048);
                        String status = in.readLine();
                        if (status != null && status.contains(" 503")) {
                            long retryAfter = 2;
                            for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
                                if (h.regionMatches(true, 0, "Retry-After:", 0, 12)) {
                                    retryAfter = Long.parseLong(h.substring(12).trim());
                                }
                            }
                            streamBusy.incrementAndGet();
                            sockets.remove(socket);
                            TimeUnit.MILLISECONDS.sleep(retryAfter * 1000 + ThreadLocalRandom.current().nextInt(1000));
                            continue;
                        }
                        if (status == null || !status.contains(" 200")) {
                            streamErrors.incrementAndGet();
                            errorKinds.computeIfAbsent("stream " + status, k -> new AtomicLong()).incrementAndGet();
                        } else {
                            opened = true;
                            everOpened = true;
                            streamOpen.add(System.nanoTime() - t0);
                            openStreams.incrementAndGet();
                            Map<Long, Long> mine = sent.get(follower.wearer());
                            for (String line; (line = in.readLine()) != null; ) {
                                if (line.startsWith("id:")) {
                                    long id = Long.parseLong(line.substring(3).trim());
                                    Long at = mine.get(id);
                                    if (id > lastSeen && at != null) {
                                        deliveryLatency.add(System.nanoTime() - at);
                                        deliveries.incrementAndGet();
                                    }
                                    lastSeen = Math.max(lastSeen, id);
                                }
                            }
                        }
                    } catch (SocketTimeoutException e) {
                        errorKinds.computeIfAbsent("stream silent 60 s", k -> new AtomicLong()).incrementAndGet();
                    } catch (IOException e) {
                        if (running.get() && !opened) {
                            streamErrors.incrementAndGet();
                            errorKinds.computeIfAbsent("stream connect " + e.getClass().getSimpleName(),
                                    k -> new AtomicLong()).incrementAndGet();
                        }
                    } finally {
                        if (opened) {
                            openStreams.decrementAndGet();
                        }
                    }
                    if (!running.get()) {
                        break;
                    }
                    if (opened) {
                        streamDrops.incrementAndGet();
                    }
                    // An app comes back after a second or so.
                    TimeUnit.MILLISECONDS.sleep(1000 + ThreadLocalRandom.current().nextInt(1000));
                }
                return everOpened;
            });
        }
        while (openStreams.get() < followers.size() && System.nanoTime() - openStart < TimeUnit.MINUTES.toNanos(3)) {
            TimeUnit.MILLISECONDS.sleep(200);
            if (!serverProcess.isAlive()) {
                break;
            }
        }
        System.out.printf(Locale.ROOT, "streams: %d of %d open in %.1f s (%d answers 503 on the way)%n",
                openStreams.get(), followers.size(), (System.nanoTime() - openStart) / 1e9, streamBusy.get());

        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Path gcLog = dir.resolve("gc.log");
        double liveAtStart = liveSetMb(jcmd, serverPid, gcLog);
        Instant loadStart = Instant.now();
        System.out.printf(Locale.ROOT, "live set at the start (after a full GC by jcmd GC.run): %.1f MB%n",
                liveAtStart);

        // 2. Uploads, paced; 3. reports, paced; 4. a progress line every minute.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        URI readings = URI.create(base + "/api/v1/readings");
        long totalUploads = Math.round(wearers * minutes * 60 / period);
        double slotNanos = period * 1e9 / wearers;
        int[] mgdl = new int[wearers];
        for (int w = 0; w < wearers; w++) {
            mgdl[w] = 90 + w % 90;
        }
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        long start = System.nanoTime();
        long end = start + (long) (minutes * 60e9);
        Thread reports = Thread.ofVirtual().start(() -> {
            if (reportsPerMinute == 0 || reportWearers.isEmpty()) {
                return;
            }
            long every = (long) (60e9 / reportsPerMinute);
            for (int i = 0; ; i++) {
                long due = start + every / 2 + i * every;
                if (due >= end) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                } catch (InterruptedException e) {
                    return;
                }
                boolean pdf = i % 2 == 1;
                String kind = pdf ? "report AGP PDF, 14 days" : "report JSON, 14 days";
                String bearer = wearerBearers.get(reportWearers.get(i / 2 % reportWearers.size()));
                requests.submit(() -> {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base
                                        + (pdf ? "/api/v1/reports/agp.pdf" : "/api/v1/reports")))
                                .header("Authorization", bearer).timeout(Duration.ofSeconds(60)).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() == 200) {
                            reportLatency.computeIfAbsent(kind, k -> new Latencies()).add(System.nanoTime() - t0);
                            reportsOk.incrementAndGet();
                        } else {
                            reportErrors.incrementAndGet();
                            errorKinds.computeIfAbsent("report " + r.statusCode(), k -> new AtomicLong())
                                    .incrementAndGet();
                        }
                    } catch (IOException | InterruptedException e) {
                        reportErrors.incrementAndGet();
                        errorKinds.computeIfAbsent("report " + e.getClass().getSimpleName(), k -> new AtomicLong())
                                .incrementAndGet();
                    }
                    return null;
                });
            }
        });
        long nextProgress = start + TimeUnit.MINUTES.toNanos(1);
        boolean serverDied = false;
        for (long i = 0; i < totalUploads; i++) {
            long due = start + (long) (i * slotNanos + ThreadLocalRandom.current().nextDouble() * slotNanos);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (System.nanoTime() >= nextProgress) {
                nextProgress += TimeUnit.MINUTES.toNanos(1);
                serverDied = !serverProcess.isAlive();
                progress(start, uploadsOk, uploadErrors, deliveries, expectedDeliveries, openStreams, reportsOk,
                        errorKinds, gcLog);
                if (serverDied) {
                    System.out.println("the server died");
                    break;
                }
            }
            int w = (int) (i % wearers);
            int value = mgdl[w] = Math.max(60, Math.min(280, mgdl[w] + ThreadLocalRandom.current().nextInt(-8, 9)));
            String bearer = wearerBearers.get(w);
            Map<Long, Long> mine = sent.get(w);
            requests.submit(() -> {
                long second = Instant.now().truncatedTo(ChronoUnit.SECONDS).getEpochSecond();
                long t0 = System.nanoTime();
                if (mine != null) {
                    mine.put(second, t0);
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(readings)
                            .header("Authorization", bearer).header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString("[{\"time\":\""
                                    + Instant.ofEpochSecond(second) + "\",\"mgdl\":" + value + "}]")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        uploadLatency.add(System.nanoTime() - t0);
                        uploadsOk.incrementAndGet();
                        expectedDeliveries.addAndGet(followersOf[w]);
                    } else {
                        uploadErrors.incrementAndGet();
                        errorKinds.computeIfAbsent("upload " + r.statusCode(), k -> new AtomicLong())
                                .incrementAndGet();
                    }
                } catch (IOException | InterruptedException e) {
                    uploadErrors.incrementAndGet();
                    errorKinds.computeIfAbsent("upload " + e.getClass().getSimpleName(), k -> new AtomicLong())
                            .incrementAndGet();
                }
                return null;
            });
        }
        reports.join();
        requests.shutdown();
        requests.awaitTermination(60, TimeUnit.SECONDS);
        // A bounded drain for the last deliveries (a benchmark's wait, not a test's synchronisation).
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (deliveries.get() < expectedDeliveries.get() && System.nanoTime() < drainUntil) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Instant loadEnd = Instant.now();
        serverDied |= !serverProcess.isAlive();
        double liveAtEnd = serverDied ? Double.NaN : liveSetMb(jcmd, serverPid, gcLog);
        if (!serverDied) {
            histogram(jcmd, serverPid, dir.resolve("class-histogram.txt"));
        }
        running.set(false);
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

        // The report.
        boolean oom = serverDied || Files.readString(dir.resolve("server.log")).contains("OutOfMemoryError");
        System.out.println();
        System.out.printf(Locale.ROOT, "run: %.1f min of load, %s .. %s%n", elapsed / 60, loadStart, loadEnd);
        System.out.printf(Locale.ROOT, "uploads: %d ok, %d errors, %.1f uploads/s; latency %s%n", uploadsOk.get(),
                uploadErrors.get(), uploadsOk.get() / elapsed, uploadLatency.summary());
        System.out.printf(Locale.ROOT, "delivery upload->follower: %d of %d expected (%d missed); latency %s%n",
                deliveries.get(), expectedDeliveries.get(), Math.max(0, expectedDeliveries.get() - deliveries.get()),
                deliveryLatency.summary());
        System.out.printf(Locale.ROOT, "streams: %d opens (%d drops reconnected, %d answers 503, %d refused or "
                + "failed); open latency %s%n", streamOpen.sorted().length, streamDrops.get(), streamBusy.get(),
                streamErrors.get(), streamOpen.summary());
        for (Map.Entry<String, Latencies> e : new java.util.TreeMap<>(reportLatency).entrySet()) {
            System.out.printf(Locale.ROOT, "%s: latency %s%n", e.getKey(), e.getValue().summary());
        }
        System.out.printf(Locale.ROOT, "reports: %d ok, %d errors%n", reportsOk.get(), reportErrors.get());
        errorKinds.forEach((k, v) -> System.out.printf(Locale.ROOT, "  error: %s x %d%n", k, v.get()));

        List<Gc> gcs = Files.exists(gcLog) ? parseGcLog(Files.readAllLines(gcLog)) : List.of();
        List<Gc> window = gcs.stream().filter(g -> !g.at().isBefore(loadStart) && !g.at().isAfter(loadEnd))
                .filter(g -> !g.kind().startsWith("Pause Full (Diagnostic Command)")).toList();
        double maxUsed = gcs.stream().mapToDouble(Gc::beforeMb).max().orElse(0);
        double maxUsedLoad = window.stream().mapToDouble(Gc::beforeMb).max().orElse(0);
        double[] pauses = window.stream().mapToDouble(Gc::pauseMs).sorted().toArray();
        System.out.printf(Locale.ROOT, "heap: -Xmx256m, largest heap used (before a GC) %.0f MB under load, %.0f MB "
                + "in the whole run (setup included); OOM: %s%n", maxUsedLoad, maxUsed, oom ? "YES" : "no");
        System.out.printf(Locale.ROOT, "gc under load: %d pauses, total %.0f ms (%.2f %% of the time), p50 %.1f ms, "
                + "p99 %.1f ms, max %.1f ms; kinds %s%n", pauses.length, Arrays.stream(pauses).sum(),
                Arrays.stream(pauses).sum() / (elapsed * 10), pct(pauses, 50), pct(pauses, 99),
                pauses.length == 0 ? 0 : pauses[pauses.length - 1], kinds(window));
        // Heap after GC over the run: thirds, and 5-minute rows.
        long span = Duration.between(loadStart, loadEnd).toMillis();
        double[][] thirds = new double[3][];
        for (int t = 0; t < 3; t++) {
            Instant from = loadStart.plusMillis(span * t / 3);
            Instant to = loadStart.plusMillis(span * (t + 1) / 3);
            thirds[t] = window.stream().filter(g -> !g.at().isBefore(from) && g.at().isBefore(to))
                    .mapToDouble(Gc::afterMb).sorted().toArray();
            System.out.printf(Locale.ROOT, "heap after GC, third %d: %d GCs, min %.1f MB, median %.1f MB, "
                    + "max %.1f MB%n", t + 1, thirds[t].length, pct(thirds[t], 0), pct(thirds[t], 50),
                    thirds[t].length == 0 ? 0 : thirds[t][thirds[t].length - 1]);
        }
        for (long m = 0; m * 300_000 < span; m++) {
            Instant from = loadStart.plusMillis(m * 300_000);
            Instant to = from.plusSeconds(300);
            double[] row = window.stream().filter(g -> !g.at().isBefore(from) && g.at().isBefore(to))
                    .mapToDouble(Gc::afterMb).sorted().toArray();
            System.out.printf(Locale.ROOT, "  min %3d-%3d: %4d GCs, heap after GC min %.1f MB, max %.1f MB%n",
                    m * 5, m * 5 + 5, row.length, pct(row, 0), row.length == 0 ? 0 : row[row.length - 1]);
        }
        System.out.printf(Locale.ROOT, "growth: heap after GC, min of the last third - min of the first: %+.1f MB; "
                + "live set after a full GC: %.1f MB at the start, %.1f MB at the end (%+.1f MB)%n",
                pct(thirds[2], 0) - pct(thirds[0], 0), liveAtStart, liveAtEnd, liveAtEnd - liveAtStart);

        long requestsMade = uploadsOk.get() + uploadErrors.get() + reportsOk.get() + reportErrors.get()
                + streamOpen.sorted().length + streamErrors.get();
        long errors = uploadErrors.get() + reportErrors.get() + streamErrors.get();
        long missed = Math.max(0, expectedDeliveries.get() - deliveries.get());
        double errorPercent = requestsMade == 0 ? 100 : 100.0 * errors / requestsMade;
        double missedPercent = expectedDeliveries.get() == 0 ? 0 : 100.0 * missed / expectedDeliveries.get();
        boolean pass = !oom && errorPercent <= maxErrorPercent && missedPercent <= maxErrorPercent
                && (followers.isEmpty() || streamOpen.sorted().length >= followers.size());
        System.out.printf(Locale.ROOT, "verdict: %s (OOM %s; errors %d of %d requests = %.3f %%, deliveries missed "
                + "%.3f %%, bound %.3f %%)%n", pass ? "PASS" : "FAIL", oom ? "yes" : "no", errors, requestsMade,
                errorPercent, missedPercent, maxErrorPercent);
        System.exit(pass ? 0 : 1);
    }

    private static String kinds(List<Gc> gcs) {
        Map<String, Integer> n = new HashMap<>();
        for (Gc g : gcs) {
            n.merge(g.kind(), 1, Integer::sum);
        }
        return new java.util.TreeMap<>(n).toString();
    }

    /** The value at percentile {@code p} of sorted milliseconds (0: the smallest). */
    static double pct(double[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static void progress(long start, AtomicLong uploadsOk, AtomicLong uploadErrors, AtomicLong deliveries,
                                 AtomicLong expected, AtomicInteger openStreams, AtomicLong reportsOk,
                                 Map<String, AtomicLong> errorKinds, Path gcLog) {
        String heap = "";
        try {
            List<Gc> gcs = parseGcLog(Files.readAllLines(gcLog));
            if (!gcs.isEmpty()) {
                Gc last = gcs.getLast();
                heap = String.format(Locale.ROOT, ", %d GCs, last after GC %.0f MB", gcs.size(), last.afterMb());
            }
        } catch (IOException e) {
            heap = ", no GC log";
        }
        System.out.printf(Locale.ROOT, "[%4.1f min] uploads %d ok %d errors, deliveries %d/%d, streams open %d, "
                + "reports %d%s %s%n", (System.nanoTime() - start) / 60e9, uploadsOk.get(), uploadErrors.get(),
                deliveries.get(), expected.get(), openStreams.get(), reportsOk.get(), heap,
                errorKinds.isEmpty() ? "" : errorKinds.toString());
    }

    /** Runs a full GC in the server ({@code jcmd PID GC.run}) and reads the heap after it from the GC log. */
    private static double liveSetMb(String jcmd, long pid, Path gcLog) throws Exception {
        int before = parseGcLog(Files.readAllLines(gcLog)).size();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(60, TimeUnit.SECONDS);
        for (int i = 0; i < 50; i++) {
            List<Gc> gcs = parseGcLog(Files.readAllLines(gcLog));
            for (int k = before; k < gcs.size(); k++) {
                if (gcs.get(k).kind().startsWith("Pause Full")) {
                    return gcs.get(k).afterMb();
                }
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return Double.NaN;
    }

    /** The server's live objects by class ({@code jcmd PID GC.class_histogram}), the top kept in a file. */
    private static void histogram(String jcmd, long pid, Path file) throws Exception {
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram").redirectErrorStream(true)
                .redirectOutput(file.toFile()).start();
        p.waitFor(60, TimeUnit.SECONDS);
    }
}
