package org.mqcgm.server.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.testkit.LogCapture;
import org.mqcgm.server.testing.TestApp;

/** Logs carry the request id and never the glucose values (PR-19, PR-33). */
class RequestLoggingTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static Http http;
    @RegisterExtension
    static final LogCapture log = new LogCapture();

    @BeforeAll
    static void start() {
        http = new Http(app.url());
    }

    private static List<ILoggingEvent> events() {
        return log.events();
    }

    @Test
    void theAccessLogLineCarriesTheRequestIdOfItsResponse() {
        HttpResponse<String> r = http.get("/healthz");
        String id = r.headers().firstValue(RequestIds.HEADER).orElseThrow();
        assertThat(events()).anySatisfy(e -> {
            assertThat(e.getLoggerName()).isEqualTo("mqcgm.access");
            assertThat(e.getMDCPropertyMap()).containsEntry(RequestIds.MDC_KEY, id);
            assertThat(e.getFormattedMessage()).contains("GET /healthz 200");
        });
    }

    @Test
    @Tag("PR-19")
    @Tag("PR-33")
    void uploadedGlucoseValuesNeverReachTheLogs() {
        String token = app.newUserToken("logs@example.org");
        int[] distinctive = {541, 577, 593, 523};
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < distinctive.length; i++) {
            body.append(i == 0 ? "" : ",").append("{\"time\":\"2026-04-01T0").append(i)
                    .append(":00:00+08:00\",\"mgdl\":").append(distinctive[i]).append('}');
        }
        body.append(",{\"time\":\"2026-04-01T09:00:00+08:00\",\"mgdl\":599,\"note\":\"x\"}]");
        HttpResponse<String> r = http.postJson("/api/v1/readings", body.toString(), "Authorization",
                "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(422);
        HttpResponse<String> back = http.get("/api/v1/readings?from=2026-03-31T00:00:00Z&to=2026-04-02T00:00:00Z",
                "Authorization", "Bearer " + token);
        assertThat(back.body()).contains("541");
        for (ILoggingEvent e : events()) {
            String line = e.getFormattedMessage() + " " + e.getMDCPropertyMap()
                    + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
            for (int v : new int[] {541, 577, 593, 523, 599}) {
                assertThat(Pattern.compile("\\b" + v + "\\b").matcher(line).find())
                        .as("log line leaks %d: %s", v, line).isFalse();
            }
            assertThat(line).doesNotContain(token);
        }
    }
}
