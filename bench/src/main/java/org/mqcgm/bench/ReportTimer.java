package org.mqcgm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;
import org.mqcgm.core.simulation.GlucoseTrace;

/**
 * Times the report endpoints over real HTTP: starts its own PostgreSQL (temporary) and server on a free loopback
 * port, uploads 90 days of 5-minute readings (25,920) for one wearer, then requests the 90-day report JSON
 * ({@code GET /api/v1/reports}) and the one-page PDF ({@code GET /api/v1/reports/agp.pdf}) one after another and
 * prints latency percentiles. Bounded: a fixed number of requests; stops everything it started.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' org.mqcgm.bench.ReportTimer [--json 200] [--pdf 30]
 * </pre>
 */
public final class ReportTimer {

    private ReportTimer() {
    }

    public static void main(String[] args) throws Exception {
        int jsonRuns = Integer.parseInt(LoadDriver.arg(args, "--json", "200"));
        int pdfRuns = Integer.parseInt(LoadDriver.arg(args, "--pdf", "30"));
        if (jsonRuns < 1 || jsonRuns > 10_000 || pdfRuns < 1 || pdfRuns > 1_000) {
            throw new IllegalArgumentException("--json 1..10000, --pdf 1..1000");
        }
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        try (BenchServer server = BenchServer.start(8)) {
            String base = server.baseUrl();
            String auth = server.wearer("bench@example.org", zone).bearer();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            int stored = upload(http, base, auth, zone);
            // The 90 local days ending today.
            String today = Instant.now().atZone(zone).toLocalDate().toString();
            String from = Instant.now().atZone(zone).toLocalDate().minusDays(89).toString();
            String query = "?from=" + from + "&to=" + today;
            System.out.printf(Locale.ROOT, "report timer: %d readings stored, period %s .. %s (90 days), %s%n",
                    stored, from, today, base);
            time(http, URI.create(base + "/api/v1/reports" + query), auth, "report JSON, 90 days", jsonRuns);
            time(http, URI.create(base + "/api/v1/reports/agp.pdf" + query), auth, "AGP PDF, 90 days", pdfRuns);
            time(http, URI.create(base + "/api/v1/reports/agp.pdf"), auth, "AGP PDF, 14 days", pdfRuns);
        }
    }

    private static int upload(HttpClient http, String base, String auth, ZoneId zone) throws Exception {
        GlucoseTrace trace = new GlucoseTrace(7, zone);
        Instant end = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 300 * 300);
        int stored = 0;
        int total = 25_920;
        for (int batchStart = total - 1; batchStart >= 0; batchStart -= 8_640) {
            StringBuilder body = new StringBuilder("[");
            for (int i = batchStart; i > batchStart - 8_640 && i >= 0; i--) {
                Instant t = end.minusSeconds(300L * i);
                body.append(body.length() > 1 ? "," : "").append("{\"time\":\"")
                        .append(t.atZone(zone).toOffsetDateTime()).append("\",\"mgdl\":").append(trace.mgdlAt(t))
                        .append('}');
            }
            body.append(']');
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/readings"))
                    .header("Authorization", auth).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("upload failed: " + r.statusCode() + " " + r.body());
            }
            stored += new ObjectMapper().readTree(r.body()).path("accepted").asInt();
        }
        return stored;
    }

    /** Sequential requests: a warm-up of the same count (discarded), then the measured ones. */
    private static void time(HttpClient http, URI uri, String auth, String label, int runs) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri).header("Authorization", auth).timeout(Duration.ofSeconds(60))
                .build();
        long bytes = 0;
        for (int i = 0; i < runs; i++) {
            check(http.send(req, HttpResponse.BodyHandlers.ofByteArray()));
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            nanos[i] = System.nanoTime() - t0;
            check(r);
            bytes = r.body().length;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%-22s %4d requests, %7d bytes: p50 %.1f ms  p90 %.1f ms  max %.1f ms%n",
                label, runs, bytes, LoadDriver.pct(nanos, 50), LoadDriver.pct(nanos, 90), nanos[runs - 1] / 1e6);
    }

    private static void check(HttpResponse<byte[]> r) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + new String(r.body()));
        }
    }
}
