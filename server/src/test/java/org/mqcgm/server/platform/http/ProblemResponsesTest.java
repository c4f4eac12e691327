package org.mqcgm.server.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** Bad input of every kind gets a 4xx problem+json naming the field and rule; never a 5xx, never a half write. */
class ProblemResponsesTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static Http http;
    static String token;

    @BeforeAll
    static void start() {
        http = new Http(app.url());
        token = app.newUserToken("problems@example.org");
    }

    private static void assertProblem(HttpResponse<String> r, int status, String field, String rule) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(r.body()).contains("\"status\":" + status);
        if (field != null) {
            assertThat(r.body()).contains("\"field\":\"" + field.replace("\"", "\\\"") + "\"");
        }
        if (rule != null) {
            assertThat(r.body()).contains("\"rule\":\"" + rule + "\"");
        }
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static HttpResponse<String> upload(String body) {
        return http.postJson("/api/v1/readings", body, "Authorization", "Bearer " + token);
    }

    private static int stored() {
        return app.sql().withHandle(h -> h.createQuery("""
                select (select count(*) from glucose_recent)
                     + coalesce((select sum(readings) from glucose_day), 0)""").mapTo(Integer.class)
                .one());
    }

    @Test
    void unknownRouteIsANotFoundProblem() {
        assertProblem(http.get("/api/v1/nothing-here"), 404, null, null);
        assertProblem(http.get("/no/such/page"), 404, null, null);
    }

    @Test
    void wrongMethodIsAMethodNotAllowedProblem() {
        assertProblem(http.send("DELETE", "/api/v1/readings", null, "Authorization", "Bearer " + token), 405,
                null, null);
        assertProblem(http.send("PUT", "/healthz", "", "Content-Type", "application/json"), 405, null, null);
    }

    @Test
    void malformedJsonNamesTheSyntaxRule() {
        assertProblem(upload("[{\"time\": "), 400, "$", "json-syntax");
        assertProblem(upload("[1, 2,]"), 400, "$", "json-syntax");
        assertProblem(upload("[] trailing"), 400, "$", "json-syntax");
    }

    @Test
    void wrongTypesAndMissingFieldsNameTheField() {
        assertProblem(upload("{\"time\":\"2026-01-01T00:00:00Z\",\"mgdl\":100}"), 400, "$", "type");
        assertProblem(upload("[{\"time\":12345,\"mgdl\":100}]"), 422, "$[0].time", "type");
        assertProblem(upload("[{\"time\":\"2026-01-01T00:00:00Z\",\"mgdl\":\"high\"}]"), 422, "$[0].mgdl", "type");
        assertProblem(upload("[{\"time\":\"2026-01-01T00:00:00Z\",\"mgdl\":100.5}]"), 422, "$[0].mgdl", "type");
        assertProblem(upload("[{\"mgdl\":100}]"), 422, "$[0].time", "required");
        assertProblem(upload("[{\"time\":\"2026-01-01T00:00:00Z\"}]"), 422, "$[0].mgdl", "required");
        assertProblem(upload("[{\"time\":\"yesterday\",\"mgdl\":100}]"), 422, "$[0].time", "format");
        assertProblem(upload("[{\"time\":\"2026-01-01T00:00:00Z\",\"mgdl\":19}]"), 422, "$[0].mgdl", "range");
        assertProblem(upload("[{\"time\":\"2999-01-01T00:00:00Z\",\"mgdl\":100}]"), 422, "$[0].time", "not-future");
        assertProblem(upload("[{\"time\":\"2026-01-01T00:00:00Z\",\"mgdl\":100,\"imei\":\"35\"}]"), 422,
                "$[0].imei", "unknown-field");
        assertProblem(upload("[\"reading\"]"), 422, "$[0]", "type");
    }

    @Test
    void missingBodyAndWrongContentTypeAreNamed() {
        assertProblem(http.post("/api/v1/readings", "application/json", "", "Authorization", "Bearer " + token),
                400, "$", "required");
        assertProblem(http.post("/api/v1/readings", "text/csv", "time,mgdl\n", "Authorization", "Bearer " + token),
                415, "Content-Type", "content-type");
    }

    @Test
    void oversizeBodyIsRefusedWithoutStoringAnything() {
        int before = stored();
        StringBuilder big = new StringBuilder("[");
        while (big.length() < 1_200_000) {
            big.append("{\"time\":\"2026-01-01T00:00:00Z\",\"mgdl\":100},");
        }
        big.append("{\"time\":\"2026-01-01T00:05:00Z\",\"mgdl\":100}]");
        assertProblem(upload(big.toString()), 413, null, null);
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void atomicBatchWithOneBadItemStoresNothing() {
        int before = stored();
        HttpResponse<String> r = http.postJson("/api/v1/readings?atomic=true",
                "[{\"time\":\"2026-02-01T00:00:00Z\",\"mgdl\":100},{\"time\":\"2026-02-01T00:05:00Z\",\"mgdl\":9999}]",
                "Authorization", "Bearer " + token);
        assertProblem(r, 422, "$[1].mgdl", "range");
        assertThat(r.body()).contains("\"accepted\":0").contains("\"rejected\":1");
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void nonAtomicBatchStoresTheGoodItemsAndListsTheBadOnes() {
        int before = stored();
        HttpResponse<String> r = upload("[{\"time\":\"2026-03-01T00:00:00Z\",\"mgdl\":100},"
                + "{\"time\":\"2026-03-01T00:05:00Z\",\"mgdl\":0},{\"time\":\"2026-03-01T00:10:00Z\",\"mgdl\":110}]");
        assertProblem(r, 422, "$[1].mgdl", "range");
        assertThat(r.body()).contains("\"accepted\":2").contains("\"rejected\":1").contains("\"duplicates\":0");
        assertThat(stored()).isEqualTo(before + 2);
    }

    @Test
    void badQueryParametersAreNamed() {
        String auth = "Bearer " + token;
        assertProblem(http.get("/api/v1/readings?from=last-week", "Authorization", auth), 400, "from", "format");
        assertProblem(http.get("/api/v1/readings?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
                "Authorization", auth), 400, "from", "before-to");
        assertProblem(http.get("/api/v1/readings?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                "Authorization", auth), 400, "to", "max-range");
    }

    @Test
    void browsersGetAnErrorPageInsteadOfJson() {
        HttpResponse<String> r = http.get("/no/such/page", "Accept", "text/html");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(r.body()).contains("404").doesNotContain("Exception");
    }
}
