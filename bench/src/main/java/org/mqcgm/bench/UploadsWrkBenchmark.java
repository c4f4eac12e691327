package org.mqcgm.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Live uploads driven by {@code wrk} (issue 17): one reading per request, as a phone posts, against the real server
 * on its own embedded PostgreSQL with durable commits ({@code fsync} and {@code synchronous_commit} on). Arms are
 * commit coalescing on and off ({@code MQCGM_UPLOAD_COALESCE}), alternating, each with a fresh server and database:
 * per arm, {@code --wearers} accounts with tokens are made through the app's Java API, {@code wrk} runs the warm-up
 * (readings from two hours ago backwards) and then the measured run (from now backwards) with
 * {@code bench/uploads-wrk.lua}, and afterwards the readings stored are counted against the 200 answers.
 *
 * <pre>
 *   UploadsWrkBenchmark [--wearers 1000] [--seconds 20] [--warmup 5] [--connections 64] [--threads 2]
 *                       [--pairs 1] [--arms on,off] [--pool 16]      (an arm: off, on, or on:N committers)
 * </pre>
 */
public final class UploadsWrkBenchmark {

    private UploadsWrkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("wearers", "1000", "seconds", "20", "warmup", "5",
                "connections", "64", "threads", "2", "pairs", "1", "arms", "on,off", "pool", "16"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path lua = Path.of("bench/uploads-wrk.lua").toAbsolutePath();
        if (!Files.exists(lua)) {
            throw new IllegalStateException("run from the repository root (bench/uploads-wrk.lua not found)");
        }
        int pairs = Integer.parseInt(o.get("pairs"));
        String[] arms = o.get("arms").split(",");
        List<Map<String, String>> results = new ArrayList<>();
        for (int p = 1; p <= pairs; p++) {
            for (String arm : arms) {
                Map<String, String> r = arm(arm.trim(), o, lua);
                r.put("pair", Integer.toString(p));
                results.add(r);
                System.out.println("RESULT pair=" + p + " " + r);
            }
        }
        System.out.println();
        System.out.printf("%-5s %-4s %12s %9s %9s %9s %9s %10s%n", "pair", "arm", "requests/s", "p50 ms", "p90 ms",
                "p99 ms", "p99.9 ms", "stored ok");
        for (Map<String, String> r : results) {
            System.out.printf("%-5s %-4s %12.0f %9s %9s %9s %9s %10s%n", r.get("pair"), r.get("arm"),
                    Double.parseDouble(r.get("rate")), r.get("p50_ms"), r.get("p90_ms"), r.get("p99_ms"),
                    r.get("p999_ms"), r.get("stored_matches"));
        }
        if (arms.length == 2) {
            for (int p = 1; p <= pairs; p++) {
                Map<String, String> a = results.get(2 * (p - 1));
                Map<String, String> b = results.get(2 * (p - 1) + 1);
                System.out.printf("pair %d: requests/s %s/%s = %.2f, p99 %s/%s = %.2f%n", p, a.get("arm"),
                        b.get("arm"), Double.parseDouble(a.get("rate")) / Double.parseDouble(b.get("rate")),
                        a.get("arm"), b.get("arm"),
                        Double.parseDouble(a.get("p99_ms")) / Double.parseDouble(b.get("p99_ms")));
            }
        }
    }

    private static Map<String, String> arm(String arm, Map<String, String> o, Path lua) throws Exception {
        int wearers = Integer.parseInt(o.get("wearers"));
        System.out.println("== coalescing " + arm + ": starting the server, making " + wearers + " wearers");
        // An arm is "off", "on", or "on:N" (N committer threads, MQCGM_UPLOAD_COALESCE_COMMITTERS).
        String[] parts = arm.split(":");
        try (BenchServer server = BenchServer.start(Integer.parseInt(o.get("pool")), true,
                c -> parts.length > 1 ? c.withGovernanceSetting("MQCGM_UPLOAD_COALESCE", parts[0])
                        .withGovernanceSetting("MQCGM_UPLOAD_COALESCE_COMMITTERS", parts[1])
                        : c.withGovernanceSetting("MQCGM_UPLOAD_COALESCE", parts[0]))) {
            Path dir = Files.createTempDirectory("mqcgm-wrk-");
            List<String> tokens = new ArrayList<>();
            for (int w = 0; w < wearers; w++) {
                tokens.add(server.wearer("wearer" + w + "@bench.example", ZoneId.of("Asia/Shanghai")).token());
            }
            Files.write(dir.resolve("tokens.txt"), tokens);
            String url = server.baseUrl() + "/api/v1/readings";
            // The warm-up posts for the same wearers, its readings going back from two hours ago, the measured
            // run's from now: never the same second of a wearer twice (each run goes back under an hour).
            long now = System.currentTimeMillis() / 1000;
            Map<String, String> warmup = wrk(o, lua, url, dir.resolve("tokens.txt"), o.get("warmup"), false,
                    now - 7200);
            Map<String, String> r = wrk(o, lua, url, dir.resolve("tokens.txt"), o.get("seconds"), true, now);
            long stored = server.app.database().orElseThrow().jdbi().withHandle(h -> h.createQuery(
                    "select count(*) from glucose_recent").mapTo(Long.class).one());
            long acknowledged = Long.parseLong(warmup.get("ok")) + Long.parseLong(r.get("ok"));
            r.put("arm", arm);
            r.put("rate", Double.toString(Long.parseLong(r.get("requests")) / Double.parseDouble(r.get("seconds"))));
            r.put("stored", Long.toString(stored));
            r.put("acknowledged", Long.toString(acknowledged));
            // Every answered 200 is a reading stored; requests cut off when wrk stops may be stored unanswered.
            r.put("stored_matches", stored >= acknowledged && stored - acknowledged <= 2L * Integer.parseInt(
                    o.get("connections")) ? "yes" : "NO");
            return r;
        }
    }

    /** Runs wrk and returns the RESULT line of the Lua script's {@code done}, printing wrk's own output. */
    private static Map<String, String> wrk(Map<String, String> o, Path lua, String url, Path tokens, String seconds,
                                           boolean latency, long base) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t", o.get("threads"), "-c", o.get("connections"),
                "-d", seconds + "s", "--timeout", "10s", "-s", lua.toString()));
        if (latency) {
            cmd.add("--latency");
        }
        cmd.addAll(List.of(url, "--", tokens.toString(), o.get("threads"), Long.toString(base)));
        System.out.println("$ " + String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Map<String, String> result = new LinkedHashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("  " + line);
                if (line.startsWith("RESULT ")) {
                    for (String kv : line.substring(7).trim().split(" ")) {
                        String[] parts = kv.split("=", 2);
                        result.put(parts[0], parts[1]);
                    }
                }
            }
        }
        if (p.waitFor() != 0 || result.isEmpty()) {
            throw new IllegalStateException("wrk failed (exit " + p.exitValue() + ")");
        }
        return result;
    }
}
