package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * Every time parameter and field, on every endpoint, has one bounded rule (core {@code TimeBounds}): extreme years
 * that PostgreSQL or date arithmetic cannot hold, and years before 1900, are a 422 problem naming the field — never
 * a 500 — and nothing is stored. Wrong JSON types are refused, not coerced.
 */
class ExtremeDatesTest {

    static final List<String> DATE_TIMES = List.of("+294277-01-01T00:00:00Z", "294277-01-01T00:00:00Z",
            "+999999999-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "1899-12-31T00:00:00Z");
    static final List<String> DAYS = List.of("+294277-01-01", "294277-01-01", "999999999-01-01", "+999999999-01-01",
            "-999999999-01-01", "1899-12-31");
    static final List<String> LOCAL_TIMES = List.of("+294277-01-01T00:00", "294277-01-01T00:00",
            "+999999999-01-01T00:00", "-999999999-01-01T00:00", "1899-12-31T00:00");

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static UUID owner;
    static String token;
    static Http api;
    static Http browser;
    static String sensor;
    static String session;
    static String annotation;

    @BeforeAll
    static void start() throws Exception {
        owner = app.newUser("extreme@example.org");
        token = app.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class));
        api = new Http(app.url());
        browser = new Http(app.url());
        assertThat(browser.postForm("/login", Map.of("identifier", "extreme@example.org", "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        ObjectMapper json = new ObjectMapper();
        sensor = json.readTree(post("/api/v1/sensors", "{\"model\":\"M\"}").body()).path("id").asText();
        session = json.readTree(post("/api/v1/sensors/" + sensor + "/sessions", "{\"start\":\"2026-01-01T00:00:00Z\"}")
                .body()).path("id").asText();
        annotation = json.readTree(post("/api/v1/annotations", "{\"start\":\"2026-01-01T00:00:00Z\","
                + "\"end\":\"2026-01-01T01:00:00Z\",\"kind\":\"meal\"}").body()).path("id").asText();
        assertThat(List.of(sensor, session, annotation)).doesNotContain("");
    }

    static HttpResponse<String> post(String path, String body) {
        return api.postJson(path, body, "Authorization", "Bearer " + token);
    }

    static HttpResponse<String> get(String path) {
        return api.get(path, "Authorization", "Bearer " + token);
    }

    static String q(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    /**
     * What the owner has stored, row by row: nothing may change. (Read over the app's own pool: asked twice per
     * case, a new Jdbi and database connection each time was much of this class's time.)
     */
    static String stored() {
        return app.app().database().orElseThrow().jdbi().withHandle(h -> h.createQuery("""
                        select (select count(*) from calibration where owner_id = :o) || '/'
                            || (select count(*) from glucose_annotation where owner_id = :o) || '/'
                            || (select string_agg(start_time::text || exclude, ',') from glucose_annotation
                                where owner_id = :o) || '/'
                            || (select count(*) from sensor_session where owner_id = :o) || '/'
                            || (select count(*) from sensor_session where owner_id = :o and ended_at is not null) || '/'
                            || (select count(*) from glucose_recent where owner_id = :o) || '/'
                            || (select count(*) from glucose_day where owner_id = :o)""")
                .bind("o", owner).mapTo(String.class).one());
    }

    record Case(String name, String field, Function<String, HttpResponse<String>> call, List<String> values) {
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("POST /api/v1/readings time", "$[0].time",
                v -> post("/api/v1/readings", "[{\"time\":\"" + v + "\",\"mgdl\":100}]"), DATE_TIMES));
        for (String p : List.of("/api/v1/readings", "/api/v1/calibrations", "/api/v1/annotations")) {
            for (String param : List.of("from", "to")) {
                cases.add(new Case("GET " + p + " " + param, param, v -> get(p + "?" + param + "=" + q(v)),
                        DATE_TIMES));
            }
        }
        cases.add(new Case("POST /api/v1/calibrations time", "$.time",
                v -> post("/api/v1/calibrations", "{\"time\":\"" + v + "\",\"mgdl\":100}"), DATE_TIMES));
        cases.add(new Case("POST /api/v1/annotations start", "$.start", v -> post("/api/v1/annotations",
                "{\"start\":\"" + v + "\",\"end\":\"" + v + "\",\"kind\":\"meal\"}"), DATE_TIMES));
        cases.add(new Case("POST /api/v1/annotations end", "$.end", v -> post("/api/v1/annotations",
                "{\"start\":\"2026-01-01T00:00:00Z\",\"end\":\"" + v + "\",\"kind\":\"meal\"}"), DATE_TIMES));
        cases.add(new Case("POST /api/v1/sensors/{id}/sessions start", "$.start",
                v -> post("/api/v1/sensors/" + sensor + "/sessions", "{\"start\":\"" + v + "\"}"), DATE_TIMES));
        cases.add(new Case("POST /api/v1/sessions/{id}/end end", "$.end",
                v -> post("/api/v1/sessions/" + session + "/end", "{\"end\":\"" + v + "\",\"reason\":\"failed\"}"),
                DATE_TIMES));
        for (String p : List.of("/api/v1/reports", "/api/v1/reports/agp.pdf")) {
            for (String param : List.of("from", "to")) {
                List<String> values = new ArrayList<>(DAYS);
                values.addAll(DATE_TIMES);
                cases.add(new Case("GET " + p + " " + param, param, v -> get(p + "?" + param + "=" + q(v)), values));
            }
        }
        for (String param : List.of("from", "to")) {
            List<String> values = new ArrayList<>(DAYS);
            values.addAll(DATE_TIMES);
            cases.add(new Case("GET /reports " + param, null, v -> browser.get("/reports?" + param + "=" + q(v),
                    "Accept", "text/html"), values));
        }
        cases.add(new Case("GET /history date", "date", v -> browser.get("/history?date=" + q(v)), DAYS));
        cases.add(new Case("GET /history date (week)", "date", v -> browser.get("/history?view=week&date=" + q(v)),
                DAYS));
        cases.add(new Case("POST /history/annotations start", "start", v -> browser.postForm("/history/annotations",
                Map.of("start", v, "end", v, "kind", "meal")), LOCAL_TIMES));
        cases.add(new Case("POST /history/annotations end", "end", v -> browser.postForm("/history/annotations",
                Map.of("start", "2026-01-01T00:00", "end", v, "kind", "meal")), LOCAL_TIMES));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> everyTimeOutsideItsBoundsIs422NamingTheFieldAndStoresNothing() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            for (String value : c.values()) {
                tests.add(DynamicTest.dynamicTest(c.name() + " = " + value, () -> {
                    String before = stored();
                    HttpResponse<String> r = c.call().apply(value);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
                    if (c.field() != null) {
                        JsonNode problem = new ObjectMapper().readTree(r.body());
                        assertThat(problem.path("errors").findValuesAsText("field")).as(r.body()).contains(c.field());
                    }
                    assertThat(stored()).isEqualTo(before);
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void anAnnotationsExcludeMustBeABooleanNotCoerced() {
        String before = stored();
        HttpResponse<String> r = post("/api/v1/annotations", "{\"start\":\"2026-01-01T00:00:00Z\","
                + "\"end\":\"2026-01-01T01:00:00Z\",\"kind\":\"meal\",\"exclude\":\"yes\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("$.exclude");
        HttpResponse<String> update = post("/api/v1/annotations/" + annotation, "{\"exclude\":\"yes\"}");
        assertThat(update.statusCode()).as(update.body()).isEqualTo(422);
        assertThat(update.body()).contains("$.exclude");
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void wrongTypesOfTimesAndValuesAreRefusedNamingTheField() {
        String before = stored();
        for (String body : List.of("{\"time\":20260101,\"mgdl\":100}", "{\"time\":\"2026-01-01T00:00:00Z\","
                + "\"mgdl\":\"100\"}", "{\"time\":\"2026-01-01T00:00:00Z\",\"mgdl\":100.5}")) {
            HttpResponse<String> r = post("/api/v1/calibrations", body);
            assertThat(r.statusCode()).as(body + " → " + r.body()).isEqualTo(422);
            assertThat(r.body()).containsAnyOf("$.time", "$.mgdl");
        }
        assertThat(stored()).isEqualTo(before);
    }
}
