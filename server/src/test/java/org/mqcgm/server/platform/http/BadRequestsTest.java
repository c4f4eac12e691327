package org.mqcgm.server.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.testkit.LogCapture;
import org.mqcgm.server.testing.TestApp;

/** Malformed requests found by a bad-input probe: a 4xx problem and one log line, never a 500 or a stack trace. */
class BadRequestsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static Http http;
    static String token;
    @RegisterExtension
    static final LogCapture log = new LogCapture();

    @BeforeAll
    static void start() {
        http = new Http(app.url());
        token = app.newUserToken("bad-requests@example.org");
    }

    private static void assertNoStackTraceOrError() {
        List<ILoggingEvent> events = log.events();
        assertThat(events).noneSatisfy(e -> assertThat(e.getThrowableProxy()).isNotNull());
        assertThat(events).noneSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.ERROR));
    }

    private static void assertClientError(HttpResponse<String> r) {
        assertThat(r.statusCode()).isIn(400, 415);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith(Problem.MEDIA_TYPE));
    }

    /** Ids of the path that are not UUIDs name nothing: the same 404 problem as an unknown id, never a 400 or 500. */
    @Test
    void aPathIdThatIsNoUuidIsTheSameNotFoundProblemAsAnUnknownOne() {
        String unknown = java.util.UUID.randomUUID().toString();
        List<String> routes = List.of("DELETE /api/v1/nightscout/credentials/", "DELETE /api/v1/push/subscriptions/",
                "DELETE /api/v1/devices/", "POST /api/v1/devices/%s/push-alias", "DELETE /api/v1/annotations/",
                "DELETE /api/v1/sensors/", "DELETE /api/v1/calibrations/", "DELETE /api/v1/shares/",
                "DELETE /api/v1/following/", "DELETE /api/v1/shares/links/", "GET /api/v1/alerts/",
                "POST /api/v1/support/grants/%s/approve", "GET /api/v1/support/tickets/", "GET /api/v1/me/exports/",
                "DELETE /api/v1/photos/", "GET /api/v1/people/%s/photos/" + java.util.UUID.randomUUID());
        for (String route : routes) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            HttpResponse<String> known = http.send(method, at(path, unknown), "", "Authorization", "Bearer " + token);
            HttpResponse<String> malformed = http.send(method, at(path, "not-a-uuid"), "",
                    "Authorization", "Bearer " + token);
            assertThat(known.statusCode()).as(route).isEqualTo(404);
            assertThat(malformed.statusCode()).as(route).isEqualTo(404);
            assertThat(malformed.headers().firstValue("Content-Type")).as(route)
                    .hasValueSatisfying(t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
            assertThat(withoutRequestId(malformed.body())).as(route)
                    .isEqualTo(withoutRequestId(known.body().replace(unknown, "not-a-uuid")));
        }
        assertNoStackTraceOrError();
    }

    private static String withoutRequestId(String problem) {
        return problem.replaceAll("\"requestId\":\"[^\"]*\"", "");
    }

    private static String at(String path, String id) {
        return path.contains("%s") ? path.formatted(id) : path + id;
    }

    @Test
    void anUnknownCharsetOnTheLoginFormIsAClientError() {
        HttpResponse<String> r = http.post("/login", "application/x-www-form-urlencoded; charset=ebcdic",
                "identifier=a%40example.org&password=x&_csrf=" + http.csrfToken());
        assertClientError(r);
        assertNoStackTraceOrError();
    }

    @Test
    void anUnknownCharsetOnTheTokenLoginIsAClientError() {
        HttpResponse<String> r = http.post("/api/v1/auth/token", "application/json; charset=ebcdic",
                "{\"identifier\":\"a@example.org\",\"password\":\"x\"}");
        assertClientError(r);
        assertNoStackTraceOrError();
    }

    @Test
    void anUnknownCharsetOnAnApiPostIsAClientError() {
        HttpResponse<String> r = http.post("/api/v1/readings", "application/json; charset=ebcdic",
                "[{\"time\":\"2026-04-01T00:00:00Z\",\"mgdl\":100}]", "Authorization", "Bearer " + token);
        assertClientError(r);
        assertNoStackTraceOrError();
    }

    @Test
    void anIllegalCharsetNameIsAClientError() {
        HttpResponse<String> r = http.post("/login", "application/x-www-form-urlencoded; charset=\"a b\"",
                "identifier=a&password=x");
        assertClientError(r);
        assertNoStackTraceOrError();
    }

    @Test
    void malformedChunkedFramingIsAClientError() throws IOException {
        String head = "POST /api/v1/readings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "4\r\n[{\"t\r\nzz-not-a-size\r\n\r\n";
        String answer;
        try (Socket s = new Socket("127.0.0.1", app.app().port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertNoStackTraceOrError();
    }

    /**
     * Issue 16: a JSON body's Content-Type is parsed as a media type, not searched for "json": only application/json
     * and application/*+json, in UTF-8 or without a charset; anything else is a 415 problem before the body is read.
     */
    @Test
    void onlyJsonMediaTypesInUtf8AreReadAsJson() {
        String body = "{\"identifier\":\"nobody@example.org\",\"password\":\"wrong password here\"}";
        for (String refused : List.of("text/json", "application/jsonp", "application/x-json-stream",
                "application/json-patch", "application/json; charset=iso-8859-1", "application/json; charset=utf-16",
                "application/json; charset=utf-8; charset=latin1", "application/json; boundary=x", "application/+json",
                "application/vnd.api+jsonx")) {
            HttpResponse<String> r = http.post("/api/v1/auth/token", refused, body);
            assertThat(r.statusCode()).as(refused).isEqualTo(415);
            assertThat(r.headers().firstValue("Content-Type")).as(refused)
                    .hasValueSatisfying(t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
            assertThat(r.body()).as(refused).contains("Content-Type");
        }
        for (String accepted : List.of("application/json", "application/json; charset=utf-8",
                "Application/JSON;charset=\"UTF-8\"", "application/merge-patch+json")) {
            assertThat(http.post("/api/v1/auth/token", accepted, body).statusCode()).as(accepted)
                    .isIn(401, 429);
        }
        assertThat(JsonBodies.isJsonMediaType(null)).isFalse();
    }
}
