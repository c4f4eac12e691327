package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * Health data at rest: after a full scenario through the API (readings, a calibration, an annotation with a note,
 * a sensor with its session), no glucose value and no free text the user wrote is in any column of any table in
 * clear — everything is under the owner's key, so destroying the key shreds it.
 */
class HealthDataAtRestTest {

    static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    /** Distinctive glucose values of the scenario. */
    static final List<Integer> VALUES = List.of(123, 137);
    /** Distinctive free texts of the scenario. */
    static final List<String> TEXTS = List.of("Pizza-at-Gianni", "FingerPrick-QX7", "Sensor-Model-ZK4", "SERIAL-QQ1",
            "TRANSMITTER-QQ2", "Uploader-Phone-QZ9");
    /**
     * Values of a closed list that are health facts of the scenario (the annotation's kind, why the session ended):
     * no column of these tables may hold one as its whole value (issue 16, V6.1.2).
     */
    static final Map<String, List<String>> CLOSED = Map.of("glucose_annotation", List.of("meal"),
            "sensor_session", List.of("failed"));

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static UUID owner;
    static String token;
    static Http http;

    @BeforeAll
    static void start() {
        owner = app.newUser("at-rest@example.org");
        token = app.app().apiTokens().create(owner, "all",
                java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class));
        http = new Http(app.url());
    }

    static String at(Duration ago) {
        return NOW.minus(ago).atOffset(ZoneOffset.UTC).toString();
    }

    static void post(String path, String body, int status) {
        HttpResponse<String> r = http.postJson(path, body, "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
    }

    static String id(String path, String body) throws Exception {
        HttpResponse<String> r = http.postJson(path, body, "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(201);
        return new ObjectMapper().readTree(r.body()).path("id").asText();
    }

    @Test
    @Tag("PR-19")
    void noGlucoseValueOrNoteIsStoredInClearAndTheKeyShredsThem() throws Exception {
        // Recent readings (rows) and older ones (day blocks).
        post("/api/v1/readings", "[{\"time\":\"" + at(Duration.ofMinutes(10)) + "\",\"mgdl\":123,\"device\":\""
                + TEXTS.get(5) + "\"},{\"time\":\"" + at(Duration.ofDays(3)) + "\",\"mgdl\":137}]", 200);
        post("/api/v1/calibrations", "{\"time\":\"" + at(Duration.ofMinutes(20)) + "\",\"mgdl\":137,\"device\":\""
                + TEXTS.get(1) + "\"}", 201);
        id("/api/v1/annotations", "{\"start\":\"" + at(Duration.ofHours(2)) + "\",\"end\":\""
                + at(Duration.ofHours(1)) + "\",\"kind\":\"meal\",\"note\":\"" + TEXTS.get(0) + "\"}");
        String sensor = id("/api/v1/sensors", "{\"model\":\"" + TEXTS.get(2) + "\",\"serial\":\"" + TEXTS.get(3)
                + "\",\"transmitterId\":\"" + TEXTS.get(4) + "\"}");
        String session = id("/api/v1/sensors/" + sensor + "/sessions", "{\"start\":\"" + at(Duration.ofDays(2)) + "\"}");
        post("/api/v1/sessions/" + session + "/end", "{\"end\":\"" + at(Duration.ofHours(3))
                + "\",\"reason\":\"failed\"}", 204);
        // What was stored reads back.
        String calibrations = http.get("/api/v1/calibrations", "Authorization", "Bearer " + token).body();
        assertThat(calibrations).contains("\"mgdl\":137").contains(TEXTS.get(1));
        assertThat(http.get("/api/v1/sensors", "Authorization", "Bearer " + token).body())
                .contains(TEXTS.get(2)).contains(TEXTS.get(3)).contains(TEXTS.get(4));
        assertThat(http.get("/api/v1/sessions", "Authorization", "Bearer " + token).body())
                .contains("\"failed\"");
        assertThat(http.get("/api/v1/annotations", "Authorization", "Bearer " + token).body()).contains("\"meal\"").contains(TEXTS.get(0));

        List<String> found = new ArrayList<>();
        app.sql().useHandle(h -> {
            List<Map<String, Object>> columns = h.createQuery("""
                            select table_name, column_name, data_type from information_schema.columns
                            where table_schema = current_schema()
                              and table_name <> 'flyway_schema_history' -- migration timings, no user data
                            order by table_name, column_name""")
                    .mapToMap().list();
            assertThat(columns).extracting(c -> c.get("table_name")).contains("calibration", "glucose_annotation",
                    "sensor", "sensor_session", "glucose_recent", "glucose_day");
            for (Map<String, Object> c : columns) {
                String table = "\"" + c.get("table_name") + "\"";
                String column = "\"" + c.get("column_name") + "\"";
                String type = (String) c.get("data_type");
                String asText = switch (type) {
                    case "bytea" -> "encode(" + column + ", 'escape')";
                    case "ARRAY" -> "array_to_string(" + column + ", ',')";
                    default -> column + "::text";
                };
                boolean number = type.equals("smallint") || type.equals("integer") || type.equals("bigint")
                        || type.equals("numeric") || type.equals("real") || type.equals("double precision")
                        || type.equals("text") || type.equals("character varying");
                // One query per column: any of the texts inside it, or (numbers and text) any value as the whole.
                String[] patterns = TEXTS.stream().map(t -> "%" + t + "%").toArray(String[]::new);
                String[] values = VALUES.stream().map(String::valueOf).toArray(String[]::new);
                var query = h.createQuery("select " + asText + " from " + table + " where " + asText
                        + " like any(:patterns)" + (number ? " or " + column + "::text = any(:values)" : ""))
                        .bind("patterns", patterns);
                List<String> hits = (number ? query.bind("values", values) : query).mapTo(String.class).list();
                List<String> closed = CLOSED.get((String) c.get("table_name"));
                if (closed != null) {
                    hits = new ArrayList<>(hits);
                    hits.addAll(h.createQuery("select " + asText + " from " + table + " where " + asText
                            + " = any(:closed)").bind("closed", closed.toArray(String[]::new))
                            .mapTo(String.class).list());
                }
                for (String hit : hits) {
                    found.add(c.get("table_name") + "." + c.get("column_name") + " holds " + hit);
                }
            }
        });
        assertThat(found).as("health data in clear").isEmpty();

        // Destroyed by another node: the calibration cannot be read any more.
        UserKeys keys = new UserKeys(app.sql(), MasterKey.load(app.masterKeyFile()));
        app.sql().useTransaction(h -> keys.destroy(h, owner));
        Sensors elsewhere = new Sensors(app.sql(), keys, Clock.systemUTC());
        assertThatThrownBy(() -> elsewhere.calibrations(owner, NOW.minus(Duration.ofDays(1)), NOW))
                .isInstanceOf(UserKeys.KeyDestroyedException.class);
        assertThatThrownBy(() -> elsewhere.sensors(owner)).isInstanceOf(UserKeys.KeyDestroyedException.class);
    }

    @Test
    void calibrationsAndSensorModelsStoredInClearBeforeV8AreReStoredEncrypted() {
        UUID other = app.newUser("before-v8@example.org");
        UUID calibration = UUID.randomUUID();
        UUID sensor = UUID.randomUUID();
        // As migration V8 leaves a database that earlier versions filled: the plain values set aside.
        app.sql().useHandle(h -> {
            h.execute("create table calibration_plain_v7 (owner_id uuid, id uuid, mgdl smallint, source text)");
            h.execute("create table sensor_plain_v7 (owner_id uuid, id uuid, model text)");
            h.execute("insert into calibration (owner_id, id, time) values (?, ?, ?)", other, calibration,
                    NOW.minus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC));
            h.execute("insert into calibration_plain_v7 values (?, ?, 142, 'meter-before-v8')", other, calibration);
            h.execute("insert into sensor (owner_id, id, created_at) values (?, ?, now())", other, sensor);
            h.execute("insert into sensor_plain_v7 values (?, ?, 'model-before-v8')", other, sensor);
        });
        Sensors sensors = new Sensors(app.sql(), new UserKeys(app.sql(), MasterKey.load(app.masterKeyFile())),
                Clock.systemUTC());
        assertThat(sensors.encryptPlainRows()).isEqualTo(2);
        assertThat(sensors.calibrations(other, NOW.minus(Duration.ofDays(1)), NOW)).singleElement().satisfies(c -> {
            assertThat(c.mgdl()).isEqualTo(142);
            assertThat(c.source()).isEqualTo("meter-before-v8");
        });
        assertThat(sensors.sensors(other)).singleElement().satisfies(c ->
                assertThat(c.model()).isEqualTo("model-before-v8"));
        boolean dropped = app.sql().withHandle(h -> h.createQuery("select to_regclass('calibration_plain_v7') is null"
                + " and to_regclass('sensor_plain_v7') is null").mapTo(Boolean.class).one());
        assertThat(dropped).isTrue();
        assertThat(sensors.encryptPlainRows()).isZero();
    }

    @Test
    void annotationKindsAndSessionEndReasonsStoredInClearBeforeV73AreReStoredEncrypted() {
        UUID other = app.newUser("before-v73@example.org");
        UUID annotation = UUID.randomUUID();
        UUID sensor = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        Instant start = NOW.minus(Duration.ofHours(2));
        // As migration V73 leaves a database that earlier versions filled: the plain values set aside.
        app.sql().useHandle(h -> {
            h.execute("create table glucose_annotation_plain_v73 (owner_id uuid, id uuid, kind text,"
                    + " primary key (owner_id, id))");
            h.execute("create table sensor_session_plain_v73 (owner_id uuid, id uuid, end_reason text,"
                    + " primary key (owner_id, id))");
            h.execute("insert into glucose_annotation (owner_id, id, start_time, end_time, exclude, created_at,"
                    + " updated_at) values (?, ?, ?, ?, false, now(), now())", other, annotation,
                    start.atOffset(ZoneOffset.UTC), NOW.atOffset(ZoneOffset.UTC));
            h.execute("insert into glucose_annotation_plain_v73 values (?, ?, 'illness')", other, annotation);
            h.execute("insert into sensor (owner_id, id, created_at) values (?, ?, now())", other, sensor);
            h.execute("insert into sensor_session (owner_id, id, sensor_id, started_at, warmup_ends_at, ended_at)"
                    + " values (?, ?, ?, ?, ?, ?)", other, session, sensor, start.atOffset(ZoneOffset.UTC),
                    start.atOffset(ZoneOffset.UTC), NOW.atOffset(ZoneOffset.UTC));
            h.execute("insert into sensor_session_plain_v73 values (?, ?, 'removed')", other, session);
        });
        UserKeys keys = new UserKeys(app.sql(), MasterKey.load(app.masterKeyFile()));
        Annotations annotations = new Annotations(app.sql(), keys, Clock.systemUTC());
        Sensors sensors = new Sensors(app.sql(), keys, Clock.systemUTC());
        assertThat(annotations.encryptPlainKinds()).isEqualTo(1);
        assertThat(sensors.encryptPlainEndReasons()).isEqualTo(1);
        assertThat(annotations.overlapping(other, start, NOW)).singleElement()
                .satisfies(a -> assertThat(a.kind()).isEqualTo("illness"));
        assertThat(sensors.sessions(other)).singleElement()
                .satisfies(s -> assertThat(s.endReason()).isEqualTo("removed"));
        boolean dropped = app.sql().withHandle(h -> h.createQuery(
                "select to_regclass('glucose_annotation_plain_v73') is null"
                + " and to_regclass('sensor_session_plain_v73') is null").mapTo(Boolean.class).one());
        assertThat(dropped).isTrue();
        assertThat(annotations.encryptPlainKinds()).isZero();
        assertThat(sensors.encryptPlainEndReasons()).isZero();
    }
}
