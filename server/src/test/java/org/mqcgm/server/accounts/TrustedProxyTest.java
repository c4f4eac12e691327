package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** Behind a trusted reverse proxy, guessing limits count each client, not the proxy. */
class TrustedProxyTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClassBehindProxy("127.0.0.1/32", Clock.systemUTC());

    private static HttpResponse<String> login(Http http, String client, String identifier, String password) {
        return http.postJson("/api/v1/auth/token", "{\"identifier\":\"" + identifier + "\",\"password\":\""
                + password + "\"}", "X-Forwarded-For", client);
    }

    @Test
    void oneClientsFailedLoginsDoNotThrottleAnotherClientBehindTheSameProxy() {
        app.newUser("proxied.b@example.org");
        Http http = new Http(app.url());
        HttpResponse<String> last = null;
        for (int i = 0; i <= LoginThrottle.PER_IP_ATTEMPTS; i++) {
            last = login(http, "198.51.100.7", "nobody" + i + "@example.org", "wrong password");
        }
        assertThat(last.statusCode()).as("client A is throttled").isEqualTo(429);

        HttpResponse<String> b = login(http, "198.51.100.8", "proxied.b@example.org", TestApp.PASSWORD);
        assertThat(b.statusCode()).as(b.body()).isEqualTo(201);
        // A spoofed address placed before the real one by client A does not help it either.
        assertThat(login(http, "198.51.100.99, 198.51.100.7", "nobody@example.org", "x").statusCode())
                .isEqualTo(429);
    }

    @Test
    void theSecurityActivityShowsTheClientsNetworkNotTheProxys() {
        java.util.UUID id = app.newUser("proxied.c@example.org");
        Http http = new Http(app.url());
        assertThat(login(http, "203.0.113.77", "proxied.c@example.org", TestApp.PASSWORD).statusCode()).isEqualTo(201);
        assertThat(app.app().accounts().events().recent(id, 10))
                .anySatisfy(e -> assertThat(e.ipPrefix()).isEqualTo("203.0.113.0/24"));
    }

    /** Issue 16: a trusted proxy's X-Forwarded-Proto makes cookies Secure and turns HSTS on. */
    @Test
    void aTrustedProxySayingHttpsMakesCookiesSecure() {
        HttpResponse<String> r = new Http(app.url()).get("/login", "X-Forwarded-Proto", "https");
        assertThat(r.headers().allValues("Set-Cookie")).isNotEmpty()
                .allSatisfy(c -> assertThat(c).containsIgnoringCase("; Secure"));
        assertThat(r.headers().firstValue("Strict-Transport-Security")).isPresent();
        HttpResponse<String> plain = new Http(app.url()).get("/login", "X-Forwarded-Proto", "http");
        assertThat(plain.headers().allValues("Set-Cookie")).isNotEmpty()
                .noneSatisfy(c -> assertThat(c).containsIgnoringCase("; Secure"));
    }
}
