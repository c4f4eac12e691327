package org.mqcgm.server.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** The CSRF token is bound to the session; over HTTPS the cookies are {@code __Host-} cookies. */
class CsrfTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @BeforeAll
    static void start() {
        app.newUser("csrf-a@example.org");
        app.newUser("csrf-b@example.org");
    }

    private static Http signedIn(String identifier) {
        Http http = new Http(app.url());
        HttpResponse<String> r = http.postForm("/login", Map.of("identifier", identifier, "password",
                TestApp.PASSWORD));
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(http.get("/settings").statusCode()).isEqualTo(200);
        return http;
    }

    /** Replaces the CSRF cookie (as a cookie planted by a sibling domain or a man in the middle would). */
    private static void plantCsrfCookie(Http http, String token) {
        String session = http.cookie("SESSION").orElseThrow();
        http.clearCookies();
        http.setCookie("SESSION", session);
        http.setCookie("XSRF-TOKEN", token);
    }

    private static HttpResponse<String> postWithToken(Http http, String token) {
        return http.post("/logout", "application/x-www-form-urlencoded", Http.form(Map.of("_csrf", token)));
    }

    @Test
    void aTokenOfAnotherSessionIsRefusedEvenWhenPlantedAsTheCookie() {
        Http a = signedIn("csrf-a@example.org");
        Http b = signedIn("csrf-b@example.org");
        String tokenOfA = a.csrfToken();
        plantCsrfCookie(b, tokenOfA);
        HttpResponse<String> r = postWithToken(b, tokenOfA);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(b.get("/settings").statusCode()).as("b is still signed in").isEqualTo(200);
        // Its own token works.
        Http b2 = signedIn("csrf-b@example.org");
        assertThat(postWithToken(b2, b2.csrfToken()).statusCode()).isEqualTo(303);
    }

    @Test
    void aTokenFromBeforeLoginIsRefusedAfterIt() {
        Http http = new Http(app.url());
        String before = http.csrfToken();
        assertThat(http.postForm("/login", Map.of("identifier", "csrf-a@example.org", "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        plantCsrfCookie(http, before);
        assertThat(postWithToken(http, before).statusCode()).isEqualTo(403);
    }

    @Test
    void overHttpsTheCookiesAreHostCookies() {
        try (TestApp https = TestApp.startWithPublicUrl("https://mqcgm.example")) {
            https.newUser("host-cookies@example.org");
            Http http = new Http(https.url());
            HttpResponse<String> page = http.get("/login");
            String csrfCookie = setCookie(page, "__Host-XSRF-TOKEN");
            assertHostCookie(csrfCookie);
            Matcher field = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
            assertThat(field.find()).isTrue();
            String cookieValue = csrfCookie.substring(csrfCookie.indexOf('=') + 1, csrfCookie.indexOf(';'));
            HttpResponse<String> login = http.post("/login", "application/x-www-form-urlencoded",
                    Http.form(Map.of("identifier", "host-cookies@example.org", "password", TestApp.PASSWORD,
                            "_csrf", field.group(1))), "Cookie", "__Host-XSRF-TOKEN=" + cookieValue);
            assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
            String session = setCookie(login, "__Host-SESSION");
            assertHostCookie(session);
            assertThat(login.headers().allValues("Set-Cookie")).noneSatisfy(c -> assertThat(c)
                    .startsWith("SESSION="));
            String sessionValue = session.substring(session.indexOf('=') + 1, session.indexOf(';'));
            assertThat(http.get("/settings", "Cookie", "__Host-SESSION=" + sessionValue).statusCode())
                    .isEqualTo(200);
            assertThat(http.get("/settings", "Cookie", "SESSION=" + sessionValue).statusCode())
                    .as("the plain name is not read over https").isEqualTo(303);
        }
    }

    private static String setCookie(HttpResponse<String> r, String name) {
        List<String> all = r.headers().allValues("Set-Cookie");
        return all.stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + all));
    }

    private static void assertHostCookie(String setCookie) {
        String lower = setCookie.toLowerCase(java.util.Locale.ROOT);
        assertThat(lower).contains("; secure").contains("path=/").doesNotContain("domain=");
    }
}
