package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/** The glucose API over real HTTP: validation, idempotency, consent, markers, exports, sensors and annotations. */
class GlucoseApiTest {

    static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(new MutableClock(NOW));

    static Http http;

    @BeforeAll
    static void start() {
        http = new Http(app.url());
    }

    static HttpResponse<String> upload(String token, String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + token;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return http.postJson("/api/v1/readings", body, all);
    }

    static HttpResponse<String> get(String token, String path, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + token;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return http.get(path, all);
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A JSON batch of {@code n} readings every 5 minutes ending at {@code end}. */
    static String batch(int n, Instant end) {
        StringBuilder b = new StringBuilder("[");
        for (int i = n - 1; i >= 0; i--) {
            Instant t = end.minus(Duration.ofMinutes(5L * i));
            b.append(b.length() > 1 ? "," : "").append("{\"time\":\"").append(t.atOffset(ZoneOffset.ofHours(8)))
                    .append("\",\"mgdl\":").append(80 + i % 150).append('}');
        }
        return b.append(']').toString();
    }

    static int count(String token) {
        return json(get(token, "/api/v1/readings?from=2026-08-13T00:00:00Z&to=2026-11-11T00:00:00Z")).size();
    }

    @Test
    @Tag("PR-18")
    void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswerAndStoresNothingAgain() {
        String token = app.newUserToken("retry@example.org");
        String body = batch(50, NOW.minus(Duration.ofHours(1)));
        HttpResponse<String> first = upload(token, body, "Idempotency-Key", "batch-0001");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("{\"accepted\":50,\"duplicates\":0,\"rejected\":0}");
        HttpResponse<String> again = upload(token, body, "Idempotency-Key", "batch-0001");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.body()).isEqualTo(first.body());
        // The same key with another body is a client bug, refused; without a key the natural key still dedupes.
        HttpResponse<String> misuse = upload(token, batch(51, NOW.minus(Duration.ofHours(1))), "Idempotency-Key",
                "batch-0001");
        assertThat(misuse.statusCode()).isEqualTo(422);
        assertThat(misuse.body()).contains("idempotency-key-reused");
        assertThat(upload(token, body).body()).isEqualTo("{\"accepted\":0,\"duplicates\":50,\"rejected\":0}");
        assertThat(count(token)).isEqualTo(50);
    }

    @Test
    @Tag("PR-18")
    void aBatchDamagedOnTheWayIsRefusedByItsContentDigest() throws Exception {
        String token = app.newUserToken("digest@example.org");
        String body = batch(10, NOW.minus(Duration.ofHours(2)));
        String digest = "sha-256=:" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))) + ":";
        String damaged = body.replaceFirst("\"mgdl\":8", "\"mgdl\":9");
        HttpResponse<String> refused = upload(token, damaged, "Content-Digest", digest);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).path("errors").get(0).path("rule").asText()).isEqualTo("digest-mismatch");
        assertThat(count(token)).isZero();
        assertThat(upload(token, body, "Content-Digest", digest).statusCode()).isEqualTo(200);
        assertThat(upload(token, body, "Content-Digest", "md5=:AAAA:").statusCode()).isEqualTo(400);
        assertThat(count(token)).isEqualTo(10);
    }

    @Test
    @Tag("PR-18")
    void batchesHoldAtMostTenThousandReadings() {
        String token = app.newUserToken("large@example.org");
        HttpResponse<String> tooMany = upload(token, batch(10_001, NOW));
        assertThat(tooMany.statusCode()).isEqualTo(413);
        assertThat(json(tooMany).path("errors").get(0).path("rule").asText()).isEqualTo("max-items");
        assertThat(count(token)).isZero();
        HttpResponse<String> full = upload(token, batch(10_000, NOW));
        assertThat(full.statusCode()).as(full.body()).isEqualTo(200);
        assertThat(json(full).path("accepted").asInt()).isEqualTo(10_000);
    }

    @Test
    void eachBadItemIsNamedWithItsRuleAndTheGoodOnesAreStored() {
        String token = app.newUserToken("items@example.org");
        String t = "2026-11-10T10:00:00+01:00";
        HttpResponse<String> r = upload(token, "["
                + "{\"time\":\"" + t + "\",\"mgdl\":19},"                                        // 0 too low
                + "{\"time\":\"2026-11-10T10:05:00+01:00\",\"mgdl\":601},"                       // 1 too high
                + "{\"time\":\"2026-11-10T13:06:00+01:00\",\"mgdl\":100},"                       // 2 6 min in the future
                + "{\"time\":\"2026-11-10T10:10:00+01:00\",\"mgdl\":\"abc\"},"                   // 3 not a number
                + "{\"time\":\"2026-11-10T10:15:00+01:00\",\"mgdl\":100,\"unit\":\"mg/dL\"},"    // 4 unknown field
                + "{\"time\":\"2026-11-10T10:20:00\",\"mgdl\":100},"                             // 5 no offset
                + "{\"time\":\"2026-11-10T10:25:00+01:00\",\"mmol\":5.5},"                       // ok: 99 mg/dL
                + "{\"time\":\"2026-11-10T10:30:00+01:00\",\"marker\":\"low\"},"                 // ok: below 40
                + "{\"time\":\"2026-11-10T10:35:00+01:00\",\"marker\":\"high\",\"limit\":500},"  // ok: above 500
                + "{\"time\":\"2026-11-10T10:40:00+01:00\",\"mgdl\":20,\"trend\":-2.5,\"quality\":90,"
                + "\"device\":\"MQ-1234\"},"                                                     // ok
                + "{\"time\":\"2026-11-10T10:40:00+01:00\",\"mgdl\":20}"                         // duplicate of 9
                + "]");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                c -> assertThat(c).startsWith("application/problem+json"));
        JsonNode p = json(r);
        assertThat(p.path("accepted").asInt()).isEqualTo(4);
        assertThat(p.path("duplicates").asInt()).isEqualTo(1);
        assertThat(p.path("rejected").asInt()).isEqualTo(6);
        Map<String, String> errors = new java.util.TreeMap<>();
        p.path("errors").forEach(e -> errors.put(e.path("field").asText(), e.path("rule").asText()));
        assertThat(errors).containsExactlyInAnyOrderEntriesOf(Map.of("$[0].mgdl", "range", "$[1].mgdl", "range",
                "$[2].time", "not-future", "$[3].mgdl", "type", "$[4].unit", "unknown-field", "$[5].time", "format"));
        JsonNode stored = json(get(token, "/api/v1/readings?from=2026-11-10T09:00:00Z&to=2026-11-10T10:00:00Z"));
        assertThat(stored.toString()).isEqualTo("["
                + "{\"time\":\"2026-11-10T10:25:00+01:00\",\"mgdl\":99},"
                + "{\"time\":\"2026-11-10T10:30:00+01:00\",\"mgdl\":40,\"marker\":\"low\"},"
                + "{\"time\":\"2026-11-10T10:35:00+01:00\",\"mgdl\":500,\"marker\":\"high\"},"
                + "{\"time\":\"2026-11-10T10:40:00+01:00\",\"mgdl\":20,\"trend\":-2.5,\"quality\":90,"
                + "\"device\":\"MQ-1234\"}]");
    }

    @Test
    @Tag("PR-04")
    void fieldsOutsideTheReadingSchemaAreRefusedAndLeaveNoTrace() {
        String token = app.newUserToken("closed-schema@example.org");
        HttpResponse<String> r = upload(token, "[{\"time\":\"2026-11-10T10:00:00Z\",\"mgdl\":100,"
                + "\"imei\":\"356938035643809\",\"contacts\":[\"+8613800138000\"]}]");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("$[0].imei").contains("$[0].contacts").doesNotContain("356938035643809");
        assertThat(count(token)).isZero();
        String everything = app.sql().withHandle(h -> h.createQuery(
                        "select coalesce(string_agg(encode(payload, 'escape'), ''), '') from glucose_recent")
                .mapTo(String.class).one());
        assertThat(everything).doesNotContain("356938035643809");
    }

    @Test
    @Tag("PR-19")
    void nothingIsStoredUntilTheOwnerConsentsToHealthDataProcessing() {
        UUID id = app.newUserWithoutConsent("no-consent@example.org");
        String token = app.app().apiTokens().create(id, "all",
                java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class));
        String body = batch(3, NOW.minus(Duration.ofHours(1)));
        HttpResponse<String> refused = upload(token, body);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused).path("code").asText()).isEqualTo("CONSENT_REQUIRED");
        // Without consent its health data is not processed at all, reading included.
        assertThat(get(token, "/api/v1/readings").statusCode()).isEqualTo(403);
        // Consent through the API, then the same upload is accepted.
        HttpResponse<String> grant = http.postJson("/api/v1/me/consents", "{\"purpose\":\"health-data\",\"granted\":true}",
                "Authorization", "Bearer " + token);
        assertThat(grant.statusCode()).as(grant.body()).isEqualTo(201);
        assertThat(upload(token, body).statusCode()).isEqualTo(200);
        assertThat(count(token)).isEqualTo(3);
        // Withdrawn: no further processing (what is stored is kept until the owner gives consent again or deletes it).
        http.postJson("/api/v1/me/consents", "{\"purpose\":\"health-data\",\"granted\":false}",
                "Authorization", "Bearer " + token);
        assertThat(upload(token, batch(1, NOW)).statusCode()).isEqualTo(403);
        assertThat(get(token, "/api/v1/readings").statusCode()).isEqualTo(403);
        http.postJson("/api/v1/me/consents", "{\"purpose\":\"health-data\",\"granted\":true}",
                "Authorization", "Bearer " + token);
        assertThat(count(token)).isEqualTo(3);
        JsonNode ledger = json(get(token, "/api/v1/me/consents"));
        assertThat(ledger.toString()).contains("\"granted\":true").contains("\"granted\":false");
    }

    @Test
    void csvDownsampledAndLatestViews() {
        String token = app.newUserToken("views@example.org");
        assertThat(get(token, "/api/v1/readings/latest").statusCode()).isEqualTo(404);
        // One hour at 5 minutes: 100, 101, … 111.
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 12; i++) {
            b.append(i == 0 ? "" : ",").append("{\"time\":\"").append(Instant.parse("2026-11-10T08:00:00Z")
                    .plus(Duration.ofMinutes(5L * i))).append("\",\"mgdl\":").append(100 + i).append('}');
        }
        assertThat(upload(token, b.append(']').toString()).statusCode()).isEqualTo(200);
        JsonNode q = json(get(token, "/api/v1/readings?from=2026-11-10T08:00:00Z&to=2026-11-10T09:00:00Z"
                + "&resolution=15m"));
        assertThat(q.toString()).isEqualTo("["
                + "{\"time\":\"2026-11-10T08:00:00Z\",\"mgdl\":101,\"min\":100,\"max\":102,\"n\":3},"
                + "{\"time\":\"2026-11-10T08:15:00Z\",\"mgdl\":104,\"min\":103,\"max\":105,\"n\":3},"
                + "{\"time\":\"2026-11-10T08:30:00Z\",\"mgdl\":107,\"min\":106,\"max\":108,\"n\":3},"
                + "{\"time\":\"2026-11-10T08:45:00Z\",\"mgdl\":110,\"min\":109,\"max\":111,\"n\":3}]");
        assertThat(get(token, "/api/v1/readings?resolution=2m").statusCode()).isEqualTo(400);
        assertThat(get(token, "/api/v1/readings?from=2026-01-01T00:00:00Z&to=2026-11-10T00:00:00Z").statusCode())
                .isEqualTo(400);
        assertThat(json(get(token, "/api/v1/readings/latest")).toString())
                .isEqualTo("{\"time\":\"2026-11-10T08:55:00Z\",\"mgdl\":111}");
        String csv = get(token, "/api/v1/readings?from=2026-11-10T08:00:00Z&to=2026-11-10T08:10:00Z",
                "Accept", "text/csv").body();
        assertThat(csv).isEqualTo("time,mgdl,marker,trend,quality,device,excluded\n"
                + "2026-11-10T08:00:00Z,100,,,,,false\n2026-11-10T08:05:00Z,101,,,,,false\n");
    }

    @Test
    void csvCellsThatASpreadsheetWouldRunAsAFormulaAreNeutralisedButNumbersStayNumbers() {
        String token = app.newUserToken("csv-injection@example.org");
        String body = "[{\"time\":\"2026-11-10T07:00:00Z\",\"mgdl\":100,\"trend\":-1.2,"
                + "\"device\":\"=HYPERLINK(\\\"http://evil.example\\\",\\\"x\\\")\"},"
                + "{\"time\":\"2026-11-10T07:05:00Z\",\"mgdl\":101,\"device\":\"+SUM(A1)\"},"
                + "{\"time\":\"2026-11-10T07:10:00Z\",\"mgdl\":102,\"device\":\"-2+3\"},"
                + "{\"time\":\"2026-11-10T07:15:00Z\",\"mgdl\":103,\"device\":\"@SUM(A1)\"},"
                + "{\"time\":\"2026-11-10T07:20:00Z\",\"mgdl\":104,\"device\":\"Phone, \\\"quoted\\\"\"}]";
        HttpResponse<String> up = upload(token, body);
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        String csv = get(token, "/api/v1/readings?from=2026-11-10T07:00:00Z&to=2026-11-10T07:30:00Z",
                "Accept", "text/csv").body();
        assertThat(csv).isEqualTo("time,mgdl,marker,trend,quality,device,excluded\n"
                + "2026-11-10T07:00:00Z,100,,-1.2,,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",false\n"
                + "2026-11-10T07:05:00Z,101,,,,'+SUM(A1),false\n"
                + "2026-11-10T07:10:00Z,102,,,,'-2+3,false\n"
                + "2026-11-10T07:15:00Z,103,,,,'@SUM(A1),false\n"
                + "2026-11-10T07:20:00Z,104,,,,\"Phone, \"\"quoted\"\"\",false\n");
    }

    @Test
    @Tag("PR-62")
    void aSensorErrorIsExcludedFromStatisticsButKeptShownAndExported() {
        String token = app.newUserToken("flag@example.org");
        // A day at 150 mg/dL with a 2-hour stretch of false lows at 45 (a compression low read as sensor error).
        StringBuilder b = new StringBuilder("[");
        Instant start = Instant.parse("2026-11-07T23:00:00Z"); // 8 November in Berlin
        for (int i = 0; i < 288; i++) {
            Instant t = start.plus(Duration.ofMinutes(5L * i));
            boolean bad = !t.isBefore(Instant.parse("2026-11-08T03:00:00Z")) && t.isBefore(Instant.parse("2026-11-08T05:00:00Z"));
            b.append(i == 0 ? "" : ",").append("{\"time\":\"").append(t).append("\",\"mgdl\":").append(bad ? 45 : 150)
                    .append('}');
        }
        assertThat(upload(token, b.append(']').toString()).statusCode()).isEqualTo(200);
        String report = "/api/v1/reports?from=2026-11-08&to=2026-11-08";
        double lowBefore = json(get(token, report)).path("metrics").path("readings").asDouble();
        assertThat(lowBefore).isEqualTo(288);

        HttpResponse<String> note = http.postJson("/api/v1/annotations", "{\"start\":\"2026-11-08T03:00:00Z\","
                        + "\"end\":\"2026-11-08T04:59:59Z\",\"kind\":\"sensor-error\",\"note\":\"pressure on the arm\"}",
                "Authorization", "Bearer " + token);
        assertThat(note.statusCode()).as(note.body()).isEqualTo(201);
        assertThat(json(note).path("exclude").asBoolean()).isTrue();
        String id = json(note).path("id").asText();

        JsonNode after = json(get(token, report)).path("metrics");
        assertThat(after.path("readings").asInt()).isEqualTo(288 - 24);
        assertThat(after.path("minMgdl").asDouble()).isEqualTo(150);
        // Kept, flagged in the JSON and the CSV export.
        JsonNode raw = json(get(token, "/api/v1/readings?from=2026-11-07T23:00:00Z&to=2026-11-08T23:00:00Z"));
        assertThat(raw.size()).isEqualTo(288);
        int flagged = 0;
        for (JsonNode r : raw) {
            flagged += r.path("excluded").asBoolean() ? 1 : 0;
        }
        assertThat(flagged).isEqualTo(24);
        String csv = get(token, "/api/v1/readings?from=2026-11-08T03:00:00Z&to=2026-11-08T03:05:00Z",
                "Accept", "text/csv").body();
        assertThat(csv).endsWith("2026-11-08T03:00:00Z,45,,,,,true\n");
        // Included again on request; the annotation stays, with its note.
        HttpResponse<String> include = http.postJson("/api/v1/annotations/" + id, "{\"exclude\":false}",
                "Authorization", "Bearer " + token);
        assertThat(include.statusCode()).isEqualTo(200);
        assertThat(json(get(token, report)).path("metrics").path("readings").asInt()).isEqualTo(288);
        assertThat(get(token, "/api/v1/annotations?from=2026-11-08T00:00:00Z&to=2026-11-09T00:00:00Z").body())
                .contains("pressure on the arm");
        String noteAtRest = app.sql().withHandle(h -> h.createQuery(
                        "select encode(note_enc, 'escape') from glucose_annotation where id = :id")
                .bind("id", UUID.fromString(id)).mapTo(String.class).one());
        assertThat(noteAtRest).doesNotContain("pressure");
    }

    @Test
    void sensorsAndTheirSessions() {
        String token = app.newUserToken("sensors@example.org");
        HttpResponse<String> sensor = http.postJson("/api/v1/sensors", "{\"model\":\"MQ CGM 2\",\"serial\":\"MQ2-00042\","
                + "\"transmitterId\":\"TX9\"}", "Authorization", "Bearer " + token);
        assertThat(sensor.statusCode()).as(sensor.body()).isEqualTo(201);
        String sensorId = json(sensor).path("id").asText();
        HttpResponse<String> session = http.postJson("/api/v1/sensors/" + sensorId + "/sessions",
                "{\"start\":\"2026-11-01T08:00:00+08:00\"}", "Authorization", "Bearer " + token);
        assertThat(session.statusCode()).isEqualTo(201);
        String sessionId = json(session).path("id").asText();
        JsonNode listed = json(get(token, "/api/v1/sessions")).get(0);
        assertThat(listed.path("warmUpEnd").asText()).isEqualTo("2026-11-01T01:00:00Z");
        assertThat(listed.path("expectedEnd").asText()).isEqualTo("2026-11-15T00:00:00Z");
        assertThat(listed.path("end").isNull()).isTrue();
        HttpResponse<String> badReason = http.postJson("/api/v1/sessions/" + sessionId + "/end",
                "{\"end\":\"2026-11-09T08:00:00Z\",\"reason\":\"lost\"}", "Authorization", "Bearer " + token);
        assertThat(badReason.statusCode()).isEqualTo(422);
        HttpResponse<String> end = http.postJson("/api/v1/sessions/" + sessionId + "/end",
                "{\"end\":\"2026-11-09T08:00:00Z\",\"reason\":\"failed\"}", "Authorization", "Bearer " + token);
        assertThat(end.statusCode()).isEqualTo(204);
        JsonNode ended = json(get(token, "/api/v1/sessions")).get(0);
        assertThat(ended.path("end").asText()).isEqualTo("2026-11-09T08:00:00Z");
        assertThat(ended.path("endReason").asText()).isEqualTo("failed");
        assertThat(get(token, "/api/v1/sensors").body()).contains("MQ2-00042").contains("MQ CGM 2");
        // Calibrations: a finger-stick value given to the sensor, in range, listed back.
        HttpResponse<String> calibration = http.postJson("/api/v1/calibrations", "{\"time\":\"2026-11-02T07:00:00+08:00\","
                + "\"mgdl\":104,\"device\":\"meter\"}", "Authorization", "Bearer " + token);
        assertThat(calibration.statusCode()).as(calibration.body()).isEqualTo(201);
        assertThat(http.postJson("/api/v1/calibrations", "{\"time\":\"2026-11-02T07:00:00+08:00\",\"mgdl\":19}",
                "Authorization", "Bearer " + token).statusCode()).isEqualTo(422);
        // "Future" is judged by the data clock, as for readings (the demo runs it faster than the wall clock):
        // an hour after the data's now is refused even though that hour is long past in real time.
        assertThat(http.postJson("/api/v1/calibrations", "{\"time\":\"2026-11-10T13:00:00Z\",\"mgdl\":104}",
                "Authorization", "Bearer " + token).body()).contains("\"field\":\"$.time\"").contains("\"rule\":\"not-future\"");
        assertThat(get(token, "/api/v1/calibrations?from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z").body())
                .contains("\"mgdl\":104").contains("2026-11-01T23:00:00Z");
        // Serial numbers identify a device: encrypted at rest.
        String atRest = app.sql().withHandle(h -> h.createQuery("select encode(serial_enc, 'escape') from sensor")
                .mapTo(String.class).list().toString());
        assertThat(atRest).doesNotContain("MQ2-00042");
    }

    @Test
    void everyApiRouteIsDocumentedInOpenApi() {
        HttpResponse<String> r = http.get("/api/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = json(r);
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        Set<String> documented = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> e = paths.next();
            e.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + e.getKey()));
        }
        Set<String> routes = new HashSet<>();
        for (Routes.Route route : app.app().routes()) {
            // The Nightscout API is Nightscout's contract, documented in docs/nightscout.md.
            if (route.path().startsWith("/api/")
                    && !(route.access() instanceof org.mqcgm.server.platform.security.Access.Nightscout)) {
                routes.add(route.method().name() + " " + route.path());
            }
        }
        assertThat(documented).containsAll(routes);
        // Nothing documented that does not exist.
        assertThat(routes).containsAll(documented);
    }
}
