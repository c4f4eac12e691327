package org.mqcgm.server.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.http.HttpServer;
import org.mqcgm.server.platform.http.Json;

/** AccessControl watches open event streams; streams that have ended are not kept forever. */
class StreamWatchTest {

    static final UUID OWNER = UUID.randomUUID();

    @Test
    void streamsThatEndedAreForgottenWhenTheOwnerOpensAnother() throws Exception {
        Authenticator token = new Authenticator() {
            @Override
            public Optional<Principal> session(String cookieValue) {
                return Optional.empty();
            }

            @Override
            public Optional<Principal> apiToken(String t) {
                return Optional.of(new Principal(OWNER, Principal.Method.API_TOKEN, EnumSet.allOf(Scope.class),
                        Set.of(), false, null, "t"));
            }
        };
        Consents all = new Consents() {
            @Override
            public boolean granted(UUID owner, Purpose purpose) {
                return true;
            }

            @Override
            public void record(UUID owner, Purpose purpose, boolean granted, String channel) {
            }
        };
        AccessControl accessControl = new AccessControl(token, all, Clock.systemUTC());
        try (HttpServer server = HttpServer.start(new HttpServer.Settings("127.0.0.1", 0, 100_000),
                Json.newMapper(), accessControl, null,
                routes -> routes.sse("/stream", Access.ANY_API, client -> client.close()))) {
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.port() + "/stream")).header("Authorization", "Bearer t").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
            }
            // No credential of the owner changed: before, all five ended streams were still held.
            assertThat(accessControl.watched(OWNER)).isLessThanOrEqualTo(1);
        }
    }
}
