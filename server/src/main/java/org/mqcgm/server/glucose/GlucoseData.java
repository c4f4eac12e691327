package org.mqcgm.server.glucose;

import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/**
 * What the glucose feature holds about a person, for "My data" and the export (PR-60, PR-70): every reading since
 * the first (streamed from the day blocks, never a window), sensors, sensor sessions, calibrations, annotations and
 * the stored answers of uploads made with an Idempotency-Key.
 */
final class GlucoseData implements PersonalData {

    /** The widest times the API accepts: everything of a person lies between. */
    static final Instant FIRST = Instant.parse("1900-01-01T00:00:00Z");
    static final Instant LAST = Instant.parse("3000-01-01T00:00:00Z");
    static final String[] CSV_HEADER = {"time", "mgdl", "marker", "trend", "quality", "status", "device",
        "excluded"};
    private static final String DB = "this server's PostgreSQL database";

    private final Jdbi jdbi;
    private final ReadingStore store;
    private final Sensors sensors;
    private final Annotations annotations;
    private final ObjectMapper mapper;

    GlucoseData(Jdbi jdbi, ReadingStore store, Sensors sensors, Annotations annotations, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.store = store;
        this.sensors = sensors;
        this.annotations = annotations;
        this.mapper = mapper;
    }

    private long count(String table, UUID owner) {
        return PersonalData.rows(jdbi, table, owner);
    }

    @Override
    public List<Category> categories(UUID owner) {
        String encrypted = DB + ", encrypted with your key";
        return List.of(
                new Category("readings", store.count(owner), "storing and showing your glucose (health data)",
                        "your sensor, through the collector or an app that uploads", encrypted),
                new Category("sensors", count("sensor", owner), "knowing which sensor measured what",
                        "you or your app", encrypted + " (model, serial and transmitter id)"),
                new Category("sensor-sessions", count("sensor_session", owner),
                        "knowing when each sensor was worn and warming up", "you or your app", DB),
                new Category("calibrations", count("calibration", owner), "your finger-stick calibrations",
                        "you or your app", encrypted),
                new Category("annotations", count("glucose_annotation", owner),
                        "your notes on your data; excluding stretches from statistics", "you",
                        DB + " (notes encrypted with your key)"),
                new Category("upload-receipts", count("idempotency_key", owner),
                        "answering a repeated upload the same way (kept one day)", "your uploads", DB));
    }

    @Override
    public void export(UUID owner, ExportArchive archive) throws IOException {
        List<Annotations.Annotation> notes = annotations.overlapping(owner, FIRST, LAST);
        List<Annotations.Annotation> excluding = notes.stream().filter(Annotations.Annotation::exclude).toList();
        try (Writer text = new BufferedWriter(new OutputStreamWriter(archive.file("readings.csv",
                "Every glucose reading since your first, oldest first, one per line after the header row: time "
                        + "(ISO-8601 with the UTC offset where it was measured), mgdl (mg/dL; for a Low or High "
                        + "marker the sensor's limit), marker (low/high, empty for a value), trend (mg/dL per "
                        + "minute), quality (0-100), status (sensor status bits), device, excluded (true when an "
                        + "annotation excludes it from statistics). CSV, UTF-8."),
                StandardCharsets.UTF_8), 1 << 16);
             CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(text)) {
            csv.writeRecord(CSV_HEADER);
            String[] row = new String[CSV_HEADER.length];
            try {
                store.forEachReading(owner, r -> {
                    row[0] = ReadingRoutes.ISO.format(r.localTime());
                    row[1] = Integer.toString(r.mgdl());
                    row[2] = r.marker() == Reading.Marker.VALUE ? "" : r.marker().name().toLowerCase(Locale.ROOT);
                    row[3] = r.hasTrend() ? Double.toString(r.trend()) : "";
                    row[4] = r.quality() >= 0 ? Integer.toString(r.quality()) : "";
                    row[5] = r.status() != 0 ? Integer.toString(r.status()) : "";
                    row[6] = CsvExport.text(r.source());
                    row[7] = Boolean.toString(excluded(r, excluding));
                    csv.writeRecord(row);
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        archive.json(mapper, "sensors.json", "Your sensors: id, model, serial number, transmitter id, when added. JSON "
                + "array.", sensors.sensors(owner));
        archive.json(mapper, "sensor-sessions.json",
                "Your sensor sessions (each wear of a sensor): sensor, start, end of "
                + "warm-up, expected and actual end, why it ended. JSON array.", sensors.sessions(owner));
        archive.json(mapper, "calibrations.json", "Your finger-stick calibrations: time, mg/dL, device. JSON array.",
                sensors.calibrations(owner, FIRST, LAST));
        archive.json(mapper, "annotations.json", "Your notes on stretches of your data: start, end, kind, note, and "
                + "whether the stretch is excluded from statistics. JSON array.",
                notes.stream().map(a -> new ApiSchemas.Annotation(a.id().toString(), a.start().toString(),
                        a.end().toString(), a.kind(), a.note(), a.exclude())).toList());
        archive.json(mapper, "upload-receipts.json",
                "Answers to uploads sent with an Idempotency-Key (kept one day so a "
                + "repeated upload gets the same answer): key, status, time, answer. JSON array.",
                jdbi.withHandle(h -> h.createQuery("""
                        select key, status, body, created_at from idempotency_key where owner_id = :o
                        order by created_at""")
                .bind("o", owner).map((rs, ctx) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("key", rs.getString("key"));
                    m.put("status", rs.getInt("status"));
                    m.put("created", rs.getObject("created_at", OffsetDateTime.class).toInstant().toString());
                    m.put("answer", rs.getString("body"));
                    return m;
                }).list()));
    }

    private static boolean excluded(Reading r, List<Annotations.Annotation> excluding) {
        for (Annotations.Annotation a : excluding) {
            if (a.covers(r.time())) {
                return true;
            }
        }
        return false;
    }
}
