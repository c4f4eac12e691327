package org.mqcgm.server.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

class SecurityHeadersTest {

    static TestApp app;
    static Http http;

    @BeforeAll
    static void start() {
        app = TestApp.start();
        http = new Http(app.url());
    }

    @AfterAll
    static void stop() {
        app.close();
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

    @Test
    void hstsOnlyBehindHttps() {
        assertThat(http.get("/healthz").headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(http.get("/healthz", "X-Forwarded-Proto", "https").headers()
                .firstValue("Strict-Transport-Security")).hasValueSatisfying(v -> assertThat(v).contains("max-age="));
    }

    @Test
    void pagesHaveNoInlineScript() {
        String html = http.get("/login").body();
        assertThat(html).contains("<script src=\"/static/app.js\"");
        assertThat(html.replace("<script src=\"/static/app.js\" defer></script>", "")).doesNotContain("<script");
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
}
