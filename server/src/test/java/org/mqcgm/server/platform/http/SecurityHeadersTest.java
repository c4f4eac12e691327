package org.mqcgm.server.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

class SecurityHeadersTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static Http http;

    @BeforeAll
    static void start() {
        http = new Http(app.url());
    }

    @Test
    void pagesAndErrorsCarryTheSecurityHeaders() {
        for (HttpResponse<String> r : new HttpResponse[] {http.get("/login"), http.get("/nope"),
                http.get("/healthz")}) {
            String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'")
                    .contains("object-src 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).contains("no-referrer");
            assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
        }
    }

    /**
     * HSTS and Secure cookies only over HTTPS: the public URL (https:// is always HTTPS: CookiesAndTrackingTest) or a
     * trusted proxy's word (TrustedProxyTest). Issue 16: any client can send X-Forwarded-Proto, so from a peer that is no trusted proxy
     * it changes nothing.
     */
    @Test
    void hstsOnlyBehindHttps() {
        assertThat(http.get("/healthz").headers().firstValue("Strict-Transport-Security")).isEmpty();
        HttpResponse<String> spoofed = http.get("/login", "X-Forwarded-Proto", "https");
        assertThat(spoofed.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(spoofed.headers().allValues("Set-Cookie")).isNotEmpty()
                .noneSatisfy(c -> assertThat(c).containsIgnoringCase("; Secure"));
    }

    @Test
    void pagesHaveNoInlineScript() {
        String html = http.get("/login").body();
        String script = "<script src=\"" + org.mqcgm.server.platform.web.StaticAssets.url("app.js") + "\" defer></script>";
        assertThat(html).contains(script);
        // Scripts only from our static files (the page's own, e.g. password.js or passkeys.js), never inline.
        assertThat(html.replaceAll("<script src=\"/static/[\\w.-]+\\.js\" defer></script>", ""))
                .doesNotContain("<script");
        assertThat(html).doesNotContain("style=\"").doesNotContain(" onclick=");
    }

    @Test
    void everyResponseHasARequestIdAndASaneInboundOneIsKept() {
        String generated = http.get("/healthz").headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(generated).matches("[0-9a-f]{16}");
        assertThat(http.get("/healthz").headers().firstValue("X-Request-Id")).isNotEqualTo(java.util.Optional.of(generated));
        assertThat(http.get("/healthz", "X-Request-Id", "trace-abc-12345").headers().firstValue("X-Request-Id"))
                .contains("trace-abc-12345");
        assertThat(http.get("/healthz", "X-Request-Id", "bad id\u00e9<script>").headers()
                .firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f]{16}");
    }

    @Test
    void staticFilesAreServedAndPathsCannotEscape() {
        HttpResponse<String> css = http.get("/static/app.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        assertThat(http.get("/static/..%2Flogback.xml").statusCode()).isEqualTo(404);
        assertThat(http.get("/static/logback.xml").statusCode()).isEqualTo(404);
        assertThat(http.get("/static/missing.css").statusCode()).isEqualTo(404);
    }

    @Test
    void apiAnswersAreNeverStoredByCaches() {
        String token = app.newUserToken("cache-control@example.org");
        for (HttpResponse<String> r : new HttpResponse[] {
                http.get("/api/v1/me", "Authorization", "Bearer " + token),
                http.get("/api/v1/readings?from=2026-04-30T23:00:00Z&to=2026-05-01T01:00:00Z",
                        "Authorization", "Bearer " + token),
                http.get("/api/v1/readings/latest", "Authorization", "Bearer " + token),
                http.get("/api/v1/me"),
                http.postJson("/api/v1/auth/token", "{\"identifier\":\"cache-control@example.org\",\"password\":\""
                        + TestApp.PASSWORD + "\",\"name\":\"t\"}")}) {
            assertThat(r.headers().firstValue("Cache-Control")).as("%s %s", r.request().uri(), r.statusCode())
                    .contains("no-store");
        }
        HttpResponse<String> stream = http.getOrOpenStream("/api/v1/readings/stream", "Accept", "text/event-stream",
                "Authorization", "Bearer " + token);
        assertThat(stream.headers().firstValue("Cache-Control")).contains("no-store");
    }

    /** Sends raw bytes and returns the whole answer (the connection is closed by the server or the request). */
    static String raw(String request) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", app.app().port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void jettysOwnErrorAnswersCarryTheSecurityHeadersToo() throws java.io.IOException {
        String[] requests = {
                "GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /healthz HTTP/1.1\r\nHost: x\r\nthis header has no colon\r\nConnection: close\r\n\r\n",
                "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n",
                "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"};
        for (String request : requests) {
            String answer = raw(request);
            String head = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n"))).toLowerCase(java.util.Locale.ROOT);
            assertThat(head).as(head).matches("(?s)http/1.1 4\\d\\d.*");
            assertThat(head).as(head).contains("content-security-policy: default-src 'self'")
                    .contains("x-content-type-options: nosniff").contains("x-frame-options: deny")
                    .contains("referrer-policy: no-referrer");
        }
    }
}
