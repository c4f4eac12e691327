package org.mqcgm.bench;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.mqcgm.core.imports.Conversion;
import org.mqcgm.core.imports.Importers;
import org.mqcgm.core.imports.ParsedFile;
import org.mqcgm.core.simulation.GlucoseTrace;

/**
 * Imports of one year of 5-minute readings (105,120 rows) per format — Dexcom Clarity CSV, LibreView CSV (US 12-hour
 * dates), Nightscout entries JSON and Tidepool JSON (mmol/L) — through the real API on loopback, each into a fresh
 * account: {@code POST /api/v1/imports} (upload, detection, parsing, conversion, duplicate check, the encrypted
 * preview) then {@code POST …/commit} (decrypting, parsing again, storing every reading in one transaction). Also the
 * parse + convert time alone (in this JVM). The goal is at most 5 s per format for preview + commit. Bounded: a
 * fixed amount of data; starts and stops its own temporary PostgreSQL and server.
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' org.mqcgm.bench.ImportBenchmark [--parse-only]
 * </pre>
 */
public final class ImportBenchmark {

    static final int ROWS = 365 * 288;
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    private ImportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Instant end = Instant.ofEpochSecond(Instant.now().minus(Duration.ofDays(3)).getEpochSecond() / 300 * 300);
        String[] names = {"clarity", "libreview", "nightscout", "tidepool", "treatments"};
        byte[][] files = {clarity(end), libreView(end), nightscout(end), tidepool(end), treatments(end)};
        if (args.length > 0 && args[0].equals("--parse-only")) {
            // The parsers alone, warmed: three rounds per format, the last printed.
            for (int f = 0; f < names.length; f++) {
                long best = Long.MAX_VALUE;
                for (int round = 0; round < 3; round++) {
                    long p0 = System.nanoTime();
                    Conversion.convert(Importers.parse(files[f]), ZONE, Instant.now());
                    best = Math.min(best, System.nanoTime() - p0);
                }
                System.out.printf(Locale.ROOT, "  %-10s parse+convert best of 3: %.2f s%n", names[f], best / 1e9);
            }
            return;
        }
        try (BenchServer server = BenchServer.start(8)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // Warm-up (not counted): the Clarity year into an account of its own.
            run(server, http, "warmup", files[0], ROWS, -1);
            System.out.printf(Locale.ROOT, "Import of one year of 5-minute readings (%,d rows) per format%n", ROWS);
            for (int f = 0; f < names.length; f++) {
                long p0 = System.nanoTime();
                ParsedFile parsed = Importers.parse(files[f]);
                Conversion.Converted c = Conversion.convert(parsed, ZONE, Instant.now());
                long parse = System.nanoTime() - p0;
                long[] t = run(server, http, names[f], files[f], c.readings().size(), c.checkins().size());
                System.out.printf(Locale.ROOT, "  %-10s %,11d B  parse+convert %.2f s (%,d readings, %,d check-ins)"
                                + "  preview %.2f s  commit %.2f s  total %.2f s%n", names[f], files[f].length,
                        parse / 1e9, c.readings().size(), c.checkins().size(), t[0] / 1e9, t[1] / 1e9,
                        (t[0] + t[1]) / 1e9);
            }
        }
    }

    /**
     * Preview and commit of {@code file} into a fresh account: nanoseconds of each; the commit must store
     * {@code readings} readings and {@code checkins} logbook check-ins (-1: not checked).
     */
    private static long[] run(BenchServer server, HttpClient http, String name, byte[] file, int readings,
                              int checkins) throws Exception {
        BenchServer.Wearer wearer = server.wearer(name + "-" + System.nanoTime() + "@bench.example", ZONE);
        String boundary = "----mqcgmbench";
        ByteArrayOutputStream body = new ByteArrayOutputStream(file.length + 512);
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"zone\"\r\n\r\n"
                + ZONE.getId() + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] bytes = body.toByteArray();
        long t0 = System.nanoTime();
        HttpResponse<String> preview = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/api/v1/imports")).header("Authorization", wearer.bearer())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        long t1 = System.nanoTime();
        if (preview.statusCode() != 201) {
            throw new IllegalStateException("preview failed: " + preview.statusCode() + " " + preview.body());
        }
        String id = preview.body().replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
        HttpResponse<String> commit = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/api/v1/imports/" + id + "/commit")).header("Authorization", wearer.bearer())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        long t2 = System.nanoTime();
        if (commit.statusCode() != 200 || !commit.body().contains("\"stored\":" + readings)
                || (checkins >= 0 && !commit.body().contains("\"checkinsStored\":" + checkins))) {
            throw new IllegalStateException("commit failed: " + commit.statusCode() + " " + commit.body());
        }
        return new long[] {t1 - t0, t2 - t1};
    }

    private static Instant at(Instant end, int i) {
        return end.minus(Duration.ofMinutes(5L * (ROWS - 1 - i)));
    }

    static byte[] clarity(Instant end) {
        GlucoseTrace trace = new GlucoseTrace(3, ZONE);
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
        StringBuilder b = new StringBuilder(ROWS * 80).append('\uFEFF').append("Index,Timestamp (YYYY-MM-DDThh:mm:ss),"
                + "Event Type,Event Subtype,Patient Info,Device Info,Source Device ID,Glucose Value (mg/dL),"
                + "Insulin Value (u),Carb Value (grams),Duration (hh:mm:ss),Glucose Rate of Change (mg/dL/min),"
                + "Transmitter Time (Long Integer),Transmitter ID\r\n1,,FirstName,,Bench,,,,,,,,\r\n");
        for (int i = 0; i < ROWS; i++) {
            Instant t = at(end, i);
            // Local wall-clock times in Europe/Berlin with its DST changes (the repeated hour is placed by order).
            LocalDateTime local = LocalDateTime.ofInstant(t, ZONE);
            b.append(i + 2).append(',').append(f.format(local)).append(",EGV,,,,iOS G7,").append(trace.mgdlAt(t))
                    .append(",,,,,").append(i * 300L).append(",8ABCDEF\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] libreView(Instant end) {
        GlucoseTrace trace = new GlucoseTrace(3, ZONE);
        DateTimeFormatter f = DateTimeFormatter.ofPattern("MM-dd-yyyy hh:mm a", Locale.US);
        StringBuilder b = new StringBuilder(ROWS * 90).append("Glucose Data,Generated on,01-01-2026 08:00 AM UTC,"
                + "Generated by,Bench\r\nDevice,Serial Number,Device Timestamp,Record Type,Historic Glucose mg/dL,"
                + "Scan Glucose mg/dL,Non-numeric Rapid-Acting Insulin,Rapid-Acting Insulin (units),Non-numeric Food,"
                + "Carbohydrates (grams),Carbohydrates (servings),Non-numeric Long-Acting Insulin,Long-Acting Insulin "
                + "(units),Notes,Strip Glucose mg/dL,Ketone mmol/L,Meal Insulin (units),Correction Insulin (units),"
                + "User Change Insulin (units)\r\n");
        for (int i = 0; i < ROWS; i++) {
            Instant t = at(end, i);
            b.append("FreeStyle Libre 3,BENCH-0001,").append(f.format(LocalDateTime.ofInstant(t, ZONE))).append(",0,")
                    .append(trace.mgdlAt(t)).append(",,,,,,,,,,,,,,\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] nightscout(Instant end) {
        GlucoseTrace trace = new GlucoseTrace(3, ZONE);
        StringBuilder b = new StringBuilder(ROWS * 200).append('[');
        for (int i = ROWS - 1; i >= 0; i--) {
            Instant t = at(end, i);
            b.append(i < ROWS - 1 ? ",\n" : "").append("{\"_id\":\"65f3a0c0e4b0a1b2c3d4").append(String.format("%04x",
                    i & 0xFFFF)).append("\",\"type\":\"sgv\",\"sgv\":").append(trace.mgdlAt(t)).append(",\"date\":")
                    .append(t.toEpochMilli()).append(",\"dateString\":\"").append(t).append("\",\"utcOffset\":60,"
                    + "\"direction\":\"Flat\",\"trend\":4,\"device\":\"xDrip-DexcomG6\",\"noise\":1}");
        }
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] tidepool(Instant end) {
        GlucoseTrace trace = new GlucoseTrace(3, ZONE);
        StringBuilder b = new StringBuilder(ROWS * 300).append('[');
        for (int i = 0; i < ROWS; i++) {
            Instant t = at(end, i);
            b.append(i > 0 ? ",\n" : "").append("{\"id\":\"").append(Integer.toHexString(i)).append("\",\"type\":"
                    + "\"cbg\",\"units\":\"mmol/L\",\"value\":").append(trace.mgdlAt(t) / 18.01559).append(",\"time\":\"")
                    .append(t).append("\",\"timezoneOffset\":60,\"deviceId\":\"DexG7_BENCH\",\"uploadId\":\"up1\"}");
        }
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A year of Nightscout treatments as AndroidAPS with SMB writes them: per day three Meal Boluses (carbs and
     * insulin: two check-ins each), a Carb Correction, 72 SMBs (Correction Bolus, 0.1–0.6 U), a BG Check, a Temp Basal
     * every hour (no logbook kind: skipped) and a Note; the newest day first.
     */
    static byte[] treatments(Instant end) {
        StringBuilder b = new StringBuilder(365 * 100 * 200).append('[');
        java.util.Random random = new java.util.Random(14);
        boolean first = true;
        for (int day = 0; day < 365; day++) {
            Instant midnight = end.minus(Duration.ofDays(day + 1));
            java.util.List<String> items = new java.util.ArrayList<>();
            for (int meal : new int[] {7, 12, 19}) {
                items.add(treatment(midnight.plus(Duration.ofHours(meal)), "\"eventType\":\"Meal Bolus\",\"carbs\":"
                        + (30 + random.nextInt(50)) + ",\"insulin\":" + (2 + random.nextInt(60) / 10.0)));
            }
            items.add(treatment(midnight.plus(Duration.ofMinutes(15 * 60 + 30)), "\"eventType\":\"Carb Correction\","
                    + "\"carbs\":15"));
            for (int k = 0; k < 72; k++) {
                items.add(treatment(midnight.plus(Duration.ofMinutes(20L * k + 2)), "\"eventType\":\"Correction Bolus\","
                        + "\"insulin\":" + (1 + random.nextInt(6)) / 10.0 + ",\"type\":\"SMB\",\"isSMB\":true"));
            }
            items.add(treatment(midnight.plus(Duration.ofHours(8)), "\"eventType\":\"BG Check\",\"glucose\":"
                    + (80 + random.nextInt(100)) + ",\"glucoseType\":\"Finger\",\"units\":\"mg/dl\""));
            for (int h = 0; h < 24; h++) {
                items.add(treatment(midnight.plus(Duration.ofMinutes(60L * h + 5)), "\"eventType\":\"Temp Basal\","
                        + "\"duration\":30,\"absolute\":0.4,\"rate\":0.4"));
            }
            items.add(treatment(midnight.plus(Duration.ofHours(21)), "\"eventType\":\"Note\",\"notes\":\"day "
                    + day + "\""));
            for (String item : items.reversed()) {
                b.append(first ? "" : ",\n").append(item);
                first = false;
            }
        }
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String treatment(Instant at, String fields) {
        return "{\"created_at\":\"" + at + "\"," + fields + ",\"enteredBy\":\"openaps://AndroidAPS\",\"utcOffset\":60}";
    }
}
