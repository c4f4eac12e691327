package org.mqcgm.server.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** Operators' metrics: off unless configured; by route template, uploads, jobs, pool, JVM; no paths or persons. */
class MetricsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(config -> config.withMetrics(new Metrics.Settings("127.0.0.1", 0)));

    private static HttpResponse<String> scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.app().metrics().port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void offByDefault() {
        try (TestApp plain = TestApp.start()) {
            assertThat(plain.app().metrics().port()).isEqualTo(-1);
            // Nothing listens: the application port has no /metrics, and the exporter has no port.
            assertThat(new Http(plain.url()).get("/metrics").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void requestsAreCountedByRouteTemplateNeverByRawPath() throws Exception {
        String token = app.newUserToken("metrics-routes@example.org");
        Http http = new Http(app.url());
        http.get("/healthz");
        http.get("/no/such/page-4711");
        http.get("/api/v1/readings/latest", "Authorization", "Bearer " + token);

        HttpResponse<String> r = scrape();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body())
                .containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"/healthz\"[^}]*status=\"200\"")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"/api/v1/readings/latest\"")
                .containsPattern("route=\"" + Metrics.UNMATCHED + "\"")
                .doesNotContain("page-4711")
                .doesNotContain(token);
    }

    @Test
    void uploadsJobsPoolAndJvmAreMeasured() throws Exception {
        String token = app.newUserToken("metrics-uploads@example.org");
        String now = java.time.Instant.now().minusSeconds(600).toString();
        String later = java.time.Instant.now().minusSeconds(300).toString();
        var upload = new Http(app.url()).postJson("/api/v1/readings",
                "[{\"time\":\"" + now + "\",\"mgdl\":117},{\"time\":\"" + later + "\",\"mgdl\":999}]",
                "Authorization", "Bearer " + token);
        // one accepted, one refused (999 mg/dL is out of range): a partial outcome is a 422 with the counts
        assertThat(upload.statusCode()).isEqualTo(422);
        assertThat(upload.body()).contains("\"accepted\":1").contains("\"rejected\":1");
        app.app().jobs().runNow(org.mqcgm.server.retention.RetentionFeature.JOB);

        String body = scrape().body();
        assertThat(body)
                .containsPattern("mqcgm_readings_total\\{[^}]*outcome=\"accepted\"[^}]*\\} [1-9]")
                .containsPattern("mqcgm_readings_total\\{[^}]*outcome=\"rejected\"[^}]*\\} [1-9]")
                .containsPattern("mqcgm_job_seconds_count\\{[^}]*job=\"retention\"")
                .contains("hikaricp_connections_active")
                .contains("jvm_memory_used_bytes")
                // counts only: no glucose value of the upload appears as a label
                .doesNotContain("117\"").doesNotContain("metrics-uploads");
    }

    @Test
    void theExporterAnswersOnlyGet() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.app().metrics().port() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
    }
}
