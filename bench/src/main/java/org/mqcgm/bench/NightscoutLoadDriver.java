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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Nightscout API against our own readings API, in one run against a running demo (issue 14, "Measured"): N
 * concurrent keep-alive clients, alternating native and Nightscout runs (A/B, {@code --pairs} times), first for
 * reads, then for single-reading uploads; prints each run's rate and latency, the ratio Nightscout / native per
 * pair and the median ratio. Loopback only; bounded in time; stops by itself.
 * <ul>
 *   <li>native read: {@code GET /api/v1/readings?from=<now-24h>} (Bearer API token) — the last 24 hours;</li>
 *   <li>Nightscout read: {@code GET /api/v1/entries.json?count=288} ({@code api-secret} header);</li>
 *   <li>native upload: {@code POST /api/v1/readings}, one reading per request;</li>
 *   <li>Nightscout upload: {@code POST /api/v1/entries}, one {@code sgv} entry per request.</li>
 * </ul>
 * Phase {@code reads24h} (not run by default) compares the native read with {@code entries.json?count=288} plus
 * {@code find[date][$gte]=<now-24h>}: the same answer, with the server reading one day instead of four.
 * Reads run first, on the demo's history (one reading per 5 minutes up to now, so both reads answer about 288
 * readings; checked before the runs). Uploads come after them, since they fill the last hours densely: every
 * upload of either kind takes the next free second from 47 hours ago on (the live, recent-row path; never a
 * duplicate). A client stops when the next second would be less than a minute before now, and the run says so.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' org.mqcgm.bench.NightscoutLoadDriver \
 *      --demo-json .mqcgm-data/demo.json --api-secret-sha1 HEX --clients 16 --seconds 15 --pairs 3
 * </pre>
 */
public final class NightscoutLoadDriver {

    private NightscoutLoadDriver() {
    }

    enum Mode {
        NATIVE_READ("native read"), NS_READ("Nightscout read"), NS_READ_24H("NS read, 24 h find"),
        NATIVE_UPLOAD("native upload"), NS_UPLOAD("Nightscout upload");

        final String label;

        Mode(String label) {
            this.label = label;
        }

        boolean upload() {
            return this == NATIVE_UPLOAD || this == NS_UPLOAD;
        }
    }

    /** One run; {@code cpuTicks} the server's and PostgreSQL's CPU in it (clock ticks), -1 when not measured. */
    record Result(Mode mode, long[] sortedNanos, long failures, double seconds, boolean ranOut, long cpuTicks) {
        double rate() {
            return sortedNanos.length / seconds;
        }

        /** Server + PostgreSQL CPU per successful request, ms; NaN when not measured. */
        double cpuMsPerRequest() {
            return cpuTicks < 0 || sortedNanos.length == 0 ? Double.NaN
                    : cpuTicks * 1000.0 / TICKS_PER_SECOND / sortedNanos.length;
        }
    }

    /** USER_HZ of /proc/<pid>/stat: 100 on Linux x86-64. */
    static final int TICKS_PER_SECOND = 100;

    public static void main(String[] args) throws Exception {
        Path demoJson = Path.of(LoadDriver.arg(args, "--demo-json", ".mqcgm-data/demo.json"));
        String secret = LoadDriver.arg(args, "--api-secret-sha1", "");
        int clients = Integer.parseInt(LoadDriver.arg(args, "--clients", "16"));
        int seconds = Integer.parseInt(LoadDriver.arg(args, "--seconds", "15"));
        int warmup = Integer.parseInt(LoadDriver.arg(args, "--warmup", "5"));
        int pairs = Integer.parseInt(LoadDriver.arg(args, "--pairs", "3"));
        String phases = LoadDriver.arg(args, "--phases", "reads,uploads");
        long serverPid = Long.parseLong(LoadDriver.arg(args, "--server-pid", "0"));
        String pgData = LoadDriver.arg(args, "--pg-data", "");
        if (clients < 1 || clients > 1024 || seconds < 1 || seconds > 600 || warmup < 0 || warmup > 60
                || pairs < 1 || pairs > 10 || !secret.matches("[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException(
                    "clients 1..1024, seconds 1..600, warmup 0..60, pairs 1..10, --api-secret-sha1 40 hex digits");
        }
        JsonNode demo = new ObjectMapper().readTree(demoJson.toFile());
        String base = demo.path("url").asText();
        if (!LoadDriver.isLoopback(URI.create(base))) {
            throw new IllegalArgumentException("the load driver only targets loopback: " + base);
        }
        String bearer = "Authorization: Bearer " + demo.path("token").asText();
        String apiSecret = "api-secret: " + secret.toLowerCase(Locale.ROOT);
        System.out.printf(Locale.ROOT, "nightscout load: %d clients, %d s per run (+%d s warm-up per mode), %d pairs,"
                + " against %s%n", clients, seconds, warmup, pairs, base);

        AtomicLong slot = new AtomicLong(Instant.now().minus(Duration.ofHours(47)).getEpochSecond());
        for (String phase : phases.split(",")) {
            boolean reads = switch (phase.strip()) {
                case "reads", "reads24h" -> true;
                case "uploads" -> false;
                default -> throw new IllegalArgumentException("--phases reads,reads24h,uploads");
            };
            Mode a = reads ? Mode.NATIVE_READ : Mode.NATIVE_UPLOAD;
            Mode b = !reads ? Mode.NS_UPLOAD : phase.strip().equals("reads") ? Mode.NS_READ : Mode.NS_READ_24H;
            if (reads) {
                check(base, bearer, apiSecret, b);
            }
            Runner runner = new Runner(base, bearer, apiSecret, clients, slot, new ServerCpu(serverPid, pgData));
            if (warmup > 0) {
                runner.run(a, warmup);
                runner.run(b, warmup);
            }
            List<Result[]> results = new ArrayList<>();
            for (int p = 1; p <= pairs; p++) {
                Result ra = runner.run(a, seconds);
                print(p, ra);
                Result rb = runner.run(b, seconds);
                print(p, rb);
                results.add(new Result[] {ra, rb});
            }
            summary(a, b, results);
        }
    }

    /** One GET of each read, to show what the reads answer (about 288 readings each, else the figures mean little). */
    private static void check(String base, String bearer, String apiSecret, Mode ns) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper mapper = new ObjectMapper();
        for (Mode m : List.of(Mode.NATIVE_READ, ns)) {
            String[] h = (m == Mode.NATIVE_READ ? bearer : apiSecret).split(": ", 2);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(target(base, m)).header(h[0], h[1]).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = mapper.readTree(r.body());
            System.out.printf(Locale.ROOT, "check %s: HTTP %d, %d items, %d bytes, newest %s, oldest %s%n", m.label,
                    r.statusCode(), body.size(), r.body().length(), newest(m, body), oldest(m, body));
            if (r.statusCode() != 200 || body.size() < 250) {
                throw new IllegalStateException(m.label + " answered " + r.statusCode() + " with " + body.size()
                        + " items; the demo should have about 288 readings in the last 24 hours");
            }
        }
    }

    private static String newest(Mode m, JsonNode body) {
        return m == Mode.NATIVE_READ ? body.get(body.size() - 1).path("time").asText()
                : body.get(0).path("dateString").asText();
    }

    private static String oldest(Mode m, JsonNode body) {
        return m == Mode.NATIVE_READ ? body.get(0).path("time").asText()
                : body.get(body.size() - 1).path("dateString").asText();
    }

    static URI target(String base, Mode m) {
        return URI.create(base + switch (m) {
            case NATIVE_READ -> "/api/v1/readings?from="
                    + Instant.now().minus(Duration.ofHours(24)).truncatedTo(ChronoUnit.SECONDS);
            case NS_READ -> "/api/v1/entries.json?count=288";
            // the same entries with an explicit lower time bound (find[date][$gte] = now − 24 h): what the read
            // costs when the server looks at the last day only instead of Nightscout's implicit four days
            case NS_READ_24H -> "/api/v1/entries.json?count=288&find%5Bdate%5D%5B%24gte%5D="
                    + Instant.now().minus(Duration.ofHours(24)).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
            case NATIVE_UPLOAD -> "/api/v1/readings";
            case NS_UPLOAD -> "/api/v1/entries";
        });
    }

    private static final class Runner {
        private final String base;
        private final String bearer;
        private final String apiSecret;
        private final int clients;
        private final AtomicLong slot;
        private final ServerCpu cpu;

        Runner(String base, String bearer, String apiSecret, int clients, AtomicLong slot, ServerCpu cpu) {
            this.cpu = cpu;
            this.base = base;
            this.bearer = bearer;
            this.apiSecret = apiSecret;
            this.clients = clients;
            this.slot = slot;
        }

        Result run(Mode mode, int seconds) throws Exception {
            URI target = target(base, mode);
            String header = mode == Mode.NATIVE_READ || mode == Mode.NATIVE_UPLOAD ? bearer : apiSecret;
            String method = mode.upload() ? "POST" : "GET";
            AtomicBoolean ranOut = new AtomicBoolean();
            long cpu0 = cpu.ticks();
            LoadDriver.Result r = LoadDriver.clients(target, method, header, clients, seconds, () -> {
                long second = slot.getAndIncrement();
                if (second > Instant.now().getEpochSecond() - 60) {
                    ranOut.set(true);
                    return null;
                }
                return body(mode, second);
            });
            long cpu1 = cpu.ticks();
            long[] all = r.latenciesNanos();
            Arrays.sort(all);
            return new Result(mode, all, r.failures(), r.seconds(), ranOut.get(),
                    cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0);
        }
    }

    /** One reading at {@code second}, as the native API and as a Nightscout client (xDrip+'s fields) send it. */
    static String body(Mode mode, long second) {
        Instant t = Instant.ofEpochSecond(second);
        int mgdl = 70 + (int) Math.floorMod(second, 200L);
        if (mode == Mode.NATIVE_UPLOAD) {
            return "[{\"time\":\"" + t + "\",\"mgdl\":" + mgdl + "}]";
        }
        return "[{\"type\":\"sgv\",\"sgv\":" + mgdl + ",\"date\":" + t.toEpochMilli() + ",\"dateString\":\""
                + t + "\",\"direction\":\"Flat\",\"device\":\"bench\"}]";
    }

    private static void print(int pair, Result r) {
        long[] l = r.sortedNanos();
        System.out.printf(Locale.ROOT, "pair %d %-17s %8.0f requests/s  p50 %6.2f ms  p99 %7.2f ms  server+pg CPU %.2f"
                        + " ms/request  (%d ok, %d failed, %.1f s)%s%n", pair, r.mode().label, r.rate(),
                LoadDriver.pct(l, 50), LoadDriver.pct(l, 99), r.cpuMsPerRequest(), l.length, r.failures(), r.seconds(),
                r.ranOut() ? "  RAN OUT of fresh recent seconds" : "");
    }

    private static void summary(Mode a, Mode b, List<Result[]> results) {
        System.out.printf(Locale.ROOT, "%n| Pair | %s /s | p50 | p99 | CPU ms/req | %s /s | p50 | p99 | CPU ms/req"
                + " | NS / native rate | NS / native CPU per request |%n", a.label, b.label);
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        double[] ratios = new double[results.size()];
        double[] cpuRatios = new double[results.size()];
        for (int i = 0; i < results.size(); i++) {
            Result ra = results.get(i)[0];
            Result rb = results.get(i)[1];
            ratios[i] = rb.rate() / ra.rate();
            cpuRatios[i] = rb.cpuMsPerRequest() / ra.cpuMsPerRequest();
            System.out.printf(Locale.ROOT, "| %d | %,.0f | %.2f ms | %.2f ms | %.2f | %,.0f | %.2f ms | %.2f ms | %.2f |"
                            + " %.2f | %.2f |%n", i + 1, ra.rate(), LoadDriver.pct(ra.sortedNanos(), 50),
                    LoadDriver.pct(ra.sortedNanos(), 99), ra.cpuMsPerRequest(), rb.rate(),
                    LoadDriver.pct(rb.sortedNanos(), 50), LoadDriver.pct(rb.sortedNanos(), 99), rb.cpuMsPerRequest(),
                    ratios[i], cpuRatios[i]);
        }
        double median = median(ratios);
        System.out.printf(Locale.ROOT, "median ratio %s / %s: %.2f (goal >= 0.80: %s); CPU per request: %.2f%n%n",
                b.label, a.label, median, median >= 0.80 ? "met" : "MISSED", median(cpuRatios));
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * CPU of the server JVM and its PostgreSQL (the postmaster started with {@code -D <pgData>} and its children,
     * reaped ones included), from /proc; -1 when no pid was given or /proc cannot be read.
     */
    record ServerCpu(long serverPid, String pgData) {
        long ticks() {
            if (serverPid <= 0) {
                return -1;
            }
            try {
                java.util.Map<Long, long[]> stats = new java.util.HashMap<>(); // pid -> {ppid, utime+stime, cutime+cstime}
                long postmaster = -1;
                try (var dirs = java.nio.file.Files.list(Path.of("/proc"))) {
                    for (Path d : (Iterable<Path>) dirs::iterator) {
                        String name = d.getFileName().toString();
                        if (!name.chars().allMatch(Character::isDigit)) {
                            continue;
                        }
                        try {
                            String st = java.nio.file.Files.readString(d.resolve("stat"));
                            String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                            // f[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17
                            stats.put(Long.parseLong(name), new long[] {Long.parseLong(f[1]),
                                    Long.parseLong(f[11]) + Long.parseLong(f[12]),
                                    Long.parseLong(f[13]) + Long.parseLong(f[14])});
                            if (!pgData.isEmpty() && postmaster < 0) {
                                String cmd = java.nio.file.Files.readString(d.resolve("cmdline")).replace('\0', ' ');
                                if (cmd.contains("postgres") && cmd.contains("-D " + pgData + " ")) {
                                    postmaster = Long.parseLong(name);
                                }
                            }
                        } catch (java.io.IOException | RuntimeException gone) {
                            // the process ended meanwhile
                        }
                    }
                }
                long[] server = stats.get(serverPid);
                if (server == null) {
                    return -1;
                }
                long sum = server[1];
                if (postmaster > 0) {
                    sum += stats.get(postmaster)[1] + stats.get(postmaster)[2];
                    for (long[] s : stats.values()) {
                        if (s[0] == postmaster) {
                            sum += s[1] + s[2];
                        }
                    }
                }
                return sum;
            } catch (java.io.IOException e) {
                return -1;
            }
        }
    }
}
