package org.mqcgm.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.mqcgm.server.ServerConfig;

/**
 * Alerts on ingest (issue 13): N wearers, each with an API token, the health-data consent and one Web Push
 * subscription (made through {@code POST /api/v1/push/subscriptions}) whose endpoint is this JVM's loopback receiver
 * ({@code http://127.0.0.1:PORT/push/<wearer>}, answering 201; it notes arrival times and does not decrypt). Every
 * wearer uploads one reading, at the wall-clock now, every {@code --period} seconds, spread evenly (N / period
 * uploads per second), for a warm-up and then {@code --seconds} measured; 1 % of the measured uploads are an urgent
 * low (45 mg/dL) of a wearer who has not had one; the others are the wearer's own constant 100–160 mg/dL (no trend,
 * so no predicted low; no high). Reported: upload-to-push latency (the triggering upload sent → the push request's
 * arrival at the receiver) p50/p99/max and alerts that never arrived; uploads/s; upload latency p50/p99; and CPU
 * per upload over the measured window: the whole machine's busy time (/proc/stat), this JVM's (server, load driver
 * and receiver together) and PostgreSQL's (its postmaster, found by the data directory on its command line, and the
 * postmaster's children). {@code --alerts off} starts the app with {@link ServerConfig#withAlertsOnIngest} false,
 * the other arm of a paired comparison; {@code bench/run-alerts} runs the arms interleaved, each in its own JVM.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' org.mqcgm.bench.AlertPathBenchmark \
 *      --wearers 10000 --period 300 --seconds 60 --warmup 15 --alerts on [--previous-round on|off]
 * </pre>
 */
public final class AlertPathBenchmark {

    private AlertPathBenchmark() {
    }

    static final int URGENT_MGDL = 45;
    /** Readings of the previous round: an hour, one every 5 minutes. */
    static final int PREVIOUS_READINGS = 12;

    public static void main(String[] args) throws Exception {
        int wearers = Integer.parseInt(LoadDriver.arg(args, "--wearers", "10000"));
        int period = Integer.parseInt(LoadDriver.arg(args, "--period", "300"));
        int seconds = Integer.parseInt(LoadDriver.arg(args, "--seconds", "60"));
        int warmup = Integer.parseInt(LoadDriver.arg(args, "--warmup", "15"));
        double urgentPercent = Double.parseDouble(LoadDriver.arg(args, "--urgent-percent", "1"));
        String alerts = LoadDriver.arg(args, "--alerts", "on");
        String previous = LoadDriver.arg(args, "--previous-round", "on");
        if (!(previous.equals("on") || previous.equals("off"))) {
            throw new IllegalArgumentException("previous-round on|off");
        }
        if (wearers < 1 || wearers > 20_000 || period < 1 || period > 3600 || seconds < 1 || seconds > 90
                || warmup < 0 || warmup > 60 || urgentPercent < 0 || urgentPercent > 100
                || !(alerts.equals("on") || alerts.equals("off"))) {
            throw new IllegalArgumentException("wearers 1..20000, period 1..3600 s, seconds 1..90, warmup 0..60, "
                    + "urgent-percent 0..100, alerts on|off");
        }
        boolean on = alerts.equals("on");
        try (BenchServer server = BenchServer.start(16, true, c -> c.withPush(c.push().withLoopbackHttp(true))
                .withAlertsOnIngest(on))) {
            run(server, on, wearers, period, seconds, warmup, urgentPercent, previous.equals("on"));
        }
        System.exit(0);
    }

    /** The loopback push service: notes when each wearer's first push arrived, answers 201. */
    static final class Receiver implements AutoCloseable {
        final HttpServer http;
        final AtomicLongArray firstArrival;
        final AtomicInteger received = new AtomicInteger();
        private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

        Receiver(int wearers) throws IOException {
            firstArrival = new AtomicLongArray(wearers);
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
            http.createContext("/push/", this::handle);
            http.setExecutor(executor);
            http.start();
        }

        String endpoint(int wearer) {
            return "http://127.0.0.1:" + http.getAddress().getPort() + "/push/" + wearer;
        }

        private void handle(HttpExchange ex) throws IOException {
            long now = System.nanoTime();
            try (ex) {
                ex.getRequestBody().readAllBytes();
                int w;
                try {
                    w = Integer.parseInt(ex.getRequestURI().getPath().substring("/push/".length()));
                } catch (NumberFormatException e) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                if (w < 0 || w >= firstArrival.length() || !ex.getRequestMethod().equals("POST")) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                received.incrementAndGet();
                firstArrival.compareAndSet(w, 0, now);
                ex.sendResponseHeaders(201, -1);
            }
        }

        @Override
        public void close() {
            http.stop(0);
            executor.shutdownNow();
        }
    }

    /** CPU counters at one moment: machine busy jiffies, this JVM's CPU nanoseconds, PostgreSQL's jiffies. */
    record Cpu(long machineBusyTicks, long jvmNanos, long postgresTicks) {
    }

    static void run(BenchServer server, boolean on, int wearerCount, int period, int seconds, int warmup,
                    double urgentPercent, boolean previousRound) throws Exception {
        double rate = (double) wearerCount / period;
        System.out.printf(Locale.ROOT, "alert path: alerts %s, %d wearers uploading every %d s (%.1f uploads/s), "
                + "%d s warm-up + %d s measured, %.1f %% urgent lows%n", on ? "ON" : "OFF", wearerCount, period, rate,
                warmup, seconds, urgentPercent);
        long ticksPerSecond = clockTicks();
        Path dataDirectory = dataDirectory(server);
        System.out.printf(Locale.ROOT, "postgresql: %d processes under the postmaster of %s%n",
                postgresProcesses(dataDirectory.toString()), dataDirectory);

        try (Receiver receiver = new Receiver(wearerCount)) {
            // Setup: accounts, consent and tokens through the app's Java API; subscriptions over HTTP.
            long setupStart = System.nanoTime();
            String[] bearers = new String[wearerCount];
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String base = server.baseUrl();
            AtomicInteger next = new AtomicInteger();
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            List<Future<?>> workers = new ArrayList<>();
            try (ExecutorService setup = Executors.newFixedThreadPool(4)) {
                for (int t = 0; t < 4; t++) {
                    workers.add(setup.submit(() -> {
                        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                        g.initialize(new ECGenParameterSpec("secp256r1"));
                        SecureRandom random = new SecureRandom();
                        for (int w = next.getAndIncrement(); w < wearerCount; w = next.getAndIncrement()) {
                            BenchServer.Wearer wearer = server.wearer("wearer" + w + "@bench.example",
                                    ZoneId.of("UTC"));
                            bearers[w] = wearer.bearer();
                            byte[] auth = new byte[16];
                            random.nextBytes(auth);
                            String body = "{\"endpoint\":\"" + receiver.endpoint(w) + "\",\"keys\":{\"p256dh\":\""
                                    + b64.encodeToString(uncompressed((ECPublicKey) g.generateKeyPair().getPublic()))
                                    + "\",\"auth\":\"" + b64.encodeToString(auth) + "\"}}";
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base
                                            + "/api/v1/push/subscriptions")).header("Authorization", wearer.bearer())
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 201) {
                                throw new IllegalStateException("subscribing -> " + r.statusCode() + ": " + r.body());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : workers) {
                    f.get();
                }
            }
            System.out.printf(Locale.ROOT, "setup: %d wearers with a push subscription in %.1f s%n", wearerCount,
                    (System.nanoTime() - setupStart) / 1e9);

            int warmupUploads = (int) Math.round(rate * warmup);
            int measuredUploads = (int) Math.round(rate * seconds);
            int total = warmupUploads + measuredUploads;
            URI readings = URI.create(base + "/api/v1/readings");
            if (previousRound) {
                // The steady state: every wearer who uploads below uploaded one period earlier too (the hour up to
                // PERIOD s ago, a reading every 5 minutes, in the wearer's normal range), so the server has seen them
                // since it started (as it has every wearer but in the first PERIOD after a restart), and the rules
                // read an hour of readings. Not timed, not in the CPU window.
                long roundStart = System.nanoTime();
                AtomicInteger nextWearer = new AtomicInteger();
                AtomicLong roundFailures = new AtomicLong();
                int uploaders = Math.min(total, wearerCount);
                try (ExecutorService round = Executors.newFixedThreadPool(8)) {
                    List<Future<?>> rounders = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        rounders.add(round.submit(() -> {
                            for (int w = nextWearer.getAndIncrement(); w < uploaders;
                                 w = nextWearer.getAndIncrement()) {
                                Instant newest = Instant.now().minusSeconds(period).truncatedTo(ChronoUnit.SECONDS);
                                StringBuilder body = new StringBuilder("[");
                                for (int k = PREVIOUS_READINGS - 1; k >= 0; k--) {
                                    body.append(k < PREVIOUS_READINGS - 1 ? "," : "").append("{\"time\":\"")
                                            .append(newest.minus(Duration.ofMinutes(5L * k)))
                                            .append("\",\"mgdl\":").append(100 + w % 61).append('}');
                                }
                                body.append(']');
                                try (LoadDriver.KeepAliveConnection c = new LoadDriver.KeepAliveConnection(readings,
                                        bearers[w])) {
                                    if (c.post(body.toString()) != 200) {
                                        roundFailures.incrementAndGet();
                                    }
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : rounders) {
                        f.get();
                    }
                }
                System.out.printf(Locale.ROOT, "setup: previous round: %d wearers uploaded %d readings up to %d s "
                        + "old in %.1f s (%d failed)%n", uploaders, PREVIOUS_READINGS, period, (System.nanoTime() - roundStart) / 1e9,
                        roundFailures.get());
            }
            int urgentEvery = urgentPercent <= 0 ? Integer.MAX_VALUE : (int) Math.round(100 / urgentPercent);
            long[] uploadNanos = new long[measuredUploads];
            long[] urgentSent = new long[wearerCount]; // measured urgent lows: when the upload was sent, else 0
            Set<Integer> hadUrgent = new HashSet<>();
            AtomicLong failures = new AtomicLong();
            AtomicInteger urgentMeasured = new AtomicInteger();
            Cpu before = null;
            long startNanos = System.nanoTime();
            long measuredFrom = 0;
            int owed = 0;
            try (ExecutorService uploads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> measured = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    long due = startNanos + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    if (i == warmupUploads) {
                        before = cpu(dataDirectory);
                        measuredFrom = System.nanoTime();
                    }
                    int w = i % wearerCount;
                    if (i % urgentEvery == urgentEvery / 2) {
                        owed++; // an urgent low is due: the next upload of a wearer who has not had one carries it
                    }
                    boolean urgent = owed > 0 && hadUrgent.add(w);
                    if (urgent) {
                        owed--;
                    }
                    int mgdl = urgent ? URGENT_MGDL : 100 + w % 61;
                    int k = i - warmupUploads;
                    if (urgent && k >= 0) {
                        urgentMeasured.incrementAndGet();
                    }
                    Future<?> f = uploads.submit(() -> {
                        String body = "[{\"time\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                                + "\",\"mgdl\":" + mgdl + "}]";
                        long t0 = System.nanoTime();
                        if (urgent && k >= 0) {
                            urgentSent[w] = t0;
                        }
                        try (LoadDriver.KeepAliveConnection c = new LoadDriver.KeepAliveConnection(readings,
                                bearers[w])) {
                            int status = c.post(body);
                            if (status != 200) {
                                failures.incrementAndGet();
                            } else if (k >= 0) {
                                uploadNanos[k] = System.nanoTime() - t0;
                            }
                        } catch (IOException e) {
                            failures.incrementAndGet();
                        }
                        return null;
                    });
                    if (k >= 0) {
                        measured.add(f);
                    }
                }
                for (Future<?> f : measured) {
                    f.get();
                }
            }
            Cpu after = cpu(dataDirectory);
            double window = (System.nanoTime() - measuredFrom) / 1e9;

            // Bounded drain for the last alerts' pushes (a benchmark's wait, not a test's synchronisation).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && arrived(receiver, urgentSent) < urgentMeasured.get()) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            List<Long> pushLatencies = new ArrayList<>();
            int unexpected = 0;
            for (int w = 0; w < wearerCount; w++) {
                long a = receiver.firstArrival.get(w);
                if (urgentSent[w] != 0 && a != 0) {
                    pushLatencies.add(a - urgentSent[w]);
                } else if (a != 0 && !hadUrgent.contains(w)) {
                    unexpected++;
                }
            }
            long[] push = pushLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] upl = Arrays.stream(uploadNanos).filter(n -> n > 0).sorted().toArray();
            int done = upl.length;
            double machineMs = (after.machineBusyTicks() - before.machineBusyTicks()) * 1000.0 / ticksPerSecond;
            double jvmMs = (after.jvmNanos() - before.jvmNanos()) / 1e6;
            double pgMs = (after.postgresTicks() - before.postgresTicks()) * 1000.0 / ticksPerSecond;
            System.out.printf(Locale.ROOT, "uploads: %d of %d done (%d failed) in %.1f s = %.1f uploads/s; "
                            + "upload ms p50 %.1f p99 %.1f max %.1f%n", done, measuredUploads, failures.get(), window,
                    done / window, LoadDriver.pct(upl, 50), LoadDriver.pct(upl, 99),
                    done == 0 ? 0 : upl[done - 1] / 1e6);
            System.out.printf(Locale.ROOT, "alerts: %d urgent lows sent, %d pushes arrived, %d never arrived, "
                            + "%d pushes to wearers without an urgent low; upload-to-push ms p50 %.1f p99 %.1f max %.1f%n",
                    urgentMeasured.get(), push.length, urgentMeasured.get() - push.length, unexpected,
                    LoadDriver.pct(push, 50), LoadDriver.pct(push, 99), push.length == 0 ? 0 : push[push.length - 1] / 1e6);
            System.out.printf(Locale.ROOT, "cpu ms per upload: machine %.2f, jvm %.2f, postgresql %.2f "
                    + "(window %.1f s: machine busy %.1f of %d core-s)%n", machineMs / done, jvmMs / done, pgMs / done,
                    window, machineMs / 1000, Math.round(window * Runtime.getRuntime().availableProcessors()));
            System.out.printf(Locale.ROOT, "RESULT alerts=%s wearers=%d uploads=%d rate=%.1f upl_p50=%.1f "
                            + "upl_p99=%.1f urgent=%d arrived=%d push_p50=%.1f push_p99=%.1f push_max=%.1f "
                            + "cpu_machine=%.3f cpu_jvm=%.3f cpu_pg=%.3f%n", on ? "on" : "off", wearerCount, done,
                    done / window, LoadDriver.pct(upl, 50), LoadDriver.pct(upl, 99), urgentMeasured.get(),
                    push.length, LoadDriver.pct(push, 50), LoadDriver.pct(push, 99),
                    push.length == 0 ? 0 : push[push.length - 1] / 1e6, machineMs / done, jvmMs / done, pgMs / done);
        }
    }

    private static int arrived(Receiver receiver, long[] urgentSent) {
        int n = 0;
        for (int w = 0; w < urgentSent.length; w++) {
            if (urgentSent[w] != 0 && receiver.firstArrival.get(w) != 0) {
                n++;
            }
        }
        return n;
    }

    static byte[] uncompressed(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 4;
        copy(key.getW().getAffineX(), out, 1);
        copy(key.getW().getAffineY(), out, 33);
        return out;
    }

    private static void copy(BigInteger n, byte[] out, int at) {
        byte[] b = n.toByteArray();
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, at + 32 - len, len);
    }

    /** The benchmark's PostgreSQL data directory, as the server itself reports it. */
    private static Path dataDirectory(BenchServer server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl, server.postgres.user(),
                server.postgres.password()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("show data_directory")) {
            r.next();
            return Path.of(r.getString(1));
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100;
        }
    }

    static Cpu cpu(Path pgData) throws IOException {
        long busy = 0;
        String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        // cpu user nice system idle iowait irq softirq steal ...
        busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]);
        long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        return new Cpu(busy, jvm, postgresTicks(pgData.toString()));
    }

    /**
     * utime+stime of the processes whose command line names the data directory (the postmaster), with their
     * children's already-reaped time (cutime+cstime), plus utime+stime of their live children (the backends, the
     * checkpointer, the WAL writer…, whose command lines do not name the directory).
     */
    static int postgresProcesses(String dataDirectory) throws IOException {
        return (int) scan(dataDirectory)[1];
    }

    static long postgresTicks(String dataDirectory) throws IOException {
        return scan(dataDirectory)[0];
    }

    /** {ticks, processes} of the postmaster(s) naming the data directory and their children. */
    private static long[] scan(String dataDirectory) throws IOException {
        Set<Long> masters = new HashSet<>();
        List<long[]> all = new ArrayList<>(); // pid, ppid, utime+stime, cutime+cstime
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path p : dirs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] s = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // s[0] = state (field 3): ppid = field 4, utime..cstime = fields 14..17
                    long pid = Long.parseLong(name);
                    all.add(new long[] {pid, Long.parseLong(s[1]), Long.parseLong(s[11]) + Long.parseLong(s[12]),
                            Long.parseLong(s[13]) + Long.parseLong(s[14])});
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmd.contains(dataDirectory)) {
                        masters.add(pid);
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            }
        }
        long ticks = 0;
        long processes = 0;
        for (long[] p : all) {
            if (masters.contains(p[0])) {
                ticks += p[2] + p[3];
                processes++;
            } else if (masters.contains(p[1])) {
                ticks += p[2];
                processes++;
            }
        }
        return new long[] {ticks, processes};
    }
}
