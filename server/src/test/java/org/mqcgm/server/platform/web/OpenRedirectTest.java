package org.mqcgm.server.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** After login the browser goes back only to a path of this site, never to another host (open redirect). */
class OpenRedirectTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final String[] ELSEWHERE = {
            "/\t/evil.example", "/%09/evil.example", "//evil.example", "/\\evil.example", "/%2F%2Fevil.example",
            "/%2f/evil.example", "/%5Cevil.example", "https://evil.example/", "https:evil.example",
            "/\r\n/evil.example", "\t//evil.example", "/%0d%0a/evil.example", " //evil.example",
            "/\u00a0/evil.example", "javascript:alert(1)", "evil.example", "/%E0%A4%A"};

    @BeforeAll
    static void start() {
        app.newUser("redirect@example.org");
    }

    private static HttpResponse<String> loginWithNext(String next) {
        Http http = new Http(app.url());
        return http.postForm("/login", Map.of("identifier", "redirect@example.org", "password", TestApp.PASSWORD,
                "next", next));
    }

    @Test
    void afterLoginTheBrowserGoesOnlyToALocalPath() {
        for (String next : ELSEWHERE) {
            HttpResponse<String> r = loginWithNext(next);
            assertThat(r.statusCode()).as(next).isEqualTo(303);
            assertThat(r.headers().firstValue("Location")).as(next).contains("/today");
        }
        HttpResponse<String> local = loginWithNext("/history?day=2026-01-02");
        assertThat(local.headers().firstValue("Location")).contains("/history?day=2026-01-02");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/today", "/history?day=2026-01-02", "/settings/tokens", "/a%20b", "/reports#top"})
    void localPathsAreKept(String path) {
        assertThat(WebRequests.safeLocalPath(path, "/fallback")).isEqualTo(path);
    }

    @Test
    void everythingElseFallsBack() {
        for (String next : ELSEWHERE) {
            assertThat(WebRequests.safeLocalPath(next, "/fallback")).as(next).isEqualTo("/fallback");
        }
        assertThat(WebRequests.safeLocalPath(null, "/fallback")).isEqualTo("/fallback");
        assertThat(WebRequests.safeLocalPath("/" + "a".repeat(300), "/fallback")).isEqualTo("/fallback");
    }
}
