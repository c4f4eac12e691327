package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

class ReadingsApiTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static Http http;

    @BeforeAll
    static void start() {
        http = new Http(app.url());
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    @Test
    void uploadedReadingsReadBackWithTheirOffset() {
        String token = app.newUserToken("roundtrip@example.org");
        HttpResponse<String> up = http.postJson("/api/v1/readings",
                "[{\"time\":\"2026-05-01T08:00:00+08:00\",\"mgdl\":104},"
                        + "{\"time\":\"2026-05-01T00:05:00Z\",\"mgdl\":111},"
                        + "{\"time\":\"2026-05-01T08:10:00+08:00\",\"mmol\":6.5}]",
                "Authorization", bearer(token));
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("{\"accepted\":3,\"duplicates\":0,\"rejected\":0}");
        HttpResponse<String> back = http.get("/api/v1/readings?from=2026-04-30T23:00:00Z&to=2026-05-01T01:00:00Z",
                "Authorization", bearer(token));
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).isEqualTo("[{\"time\":\"2026-05-01T08:00:00+08:00\",\"mgdl\":104},"
                + "{\"time\":\"2026-05-01T00:05:00Z\",\"mgdl\":111},"
                + "{\"time\":\"2026-05-01T08:10:00+08:00\",\"mgdl\":117}]");
        HttpResponse<String> csv = http.get("/api/v1/readings?from=2026-04-30T23:00:00%2B00:00&to=2026-05-01T01:00:00Z",
                "Authorization", bearer(token), "Accept", "text/csv");
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body()).isEqualTo("""
                time,mgdl,marker,trend,quality,device,excluded
                2026-05-01T08:00:00+08:00,104,,,,,false
                2026-05-01T00:05:00Z,111,,,,,false
                2026-05-01T08:10:00+08:00,117,,,,,false
                """);
    }

    @Test
    void repeatedAndOverlappingUploadsStoreEachReadingOnce() {
        String token = app.newUserToken("idempotent@example.org");
        String batch = "[{\"time\":\"2026-05-02T00:00:00Z\",\"mgdl\":100},{\"time\":\"2026-05-02T00:05:00Z\",\"mgdl\":105}]";
        assertThat(http.postJson("/api/v1/readings", batch, "Authorization", bearer(token)).body())
                .contains("\"accepted\":2");
        assertThat(http.postJson("/api/v1/readings", batch, "Authorization", bearer(token)).body())
                .isEqualTo("{\"accepted\":0,\"duplicates\":2,\"rejected\":0}");
        String overlap = "[{\"time\":\"2026-05-02T00:05:00Z\",\"mgdl\":105},{\"time\":\"2026-05-02T00:10:00Z\",\"mgdl\":110},"
                + "{\"time\":\"2026-05-02T00:10:00Z\",\"mgdl\":110}]";
        assertThat(http.postJson("/api/v1/readings", overlap, "Authorization", bearer(token)).body())
                .isEqualTo("{\"accepted\":1,\"duplicates\":2,\"rejected\":0}");
        HttpResponse<String> back = http.get("/api/v1/readings?from=2026-05-01T00:00:00Z&to=2026-05-03T00:00:00Z",
                "Authorization", bearer(token));
        assertThat(back.body().split("\"time\"")).hasSize(4);
    }

    @Test
    void latestIsTheNewestReading() {
        String token = app.newUserToken("latest@example.org");
        assertThat(http.get("/api/v1/readings/latest", "Authorization", bearer(token)).statusCode()).isEqualTo(404);
        http.postJson("/api/v1/readings", "[{\"time\":\"2026-05-03T00:05:00Z\",\"mgdl\":140},"
                + "{\"time\":\"2026-05-03T00:00:00Z\",\"mgdl\":130}]", "Authorization", bearer(token));
        assertThat(http.get("/api/v1/readings/latest", "Authorization", bearer(token)).body())
                .isEqualTo("{\"time\":\"2026-05-03T00:05:00Z\",\"mgdl\":140}");
    }

    @Test
    void everyUserSeesOnlyTheirOwnReadings() {
        String alice = app.newUserToken("alice@example.org");
        String bob = app.newUserToken("bob@example.org");
        http.postJson("/api/v1/readings", "[{\"time\":\"2026-05-04T00:00:00Z\",\"mgdl\":222}]",
                "Authorization", bearer(alice));
        String range = "/api/v1/readings?from=2026-05-03T00:00:00Z&to=2026-05-05T00:00:00Z";
        assertThat(http.get(range, "Authorization", bearer(alice)).body()).contains("222");
        assertThat(http.get(range, "Authorization", bearer(bob)).body()).isEqualTo("[]");
    }

    @Test
    void tokensAreCheckedForExistenceRevocationAndScope() {
        assertThat(http.get("/api/v1/readings").statusCode()).isEqualTo(401);
        assertThat(http.get("/api/v1/readings").headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(http.get("/api/v1/readings", "Authorization", bearer("mqcgm_nonsense")).statusCode())
                .isEqualTo(401);
        assertThat(http.get("/api/v1/readings", "Authorization", "Basic dXNlcjpwYXNz").statusCode()).isEqualTo(401);

        UUID id = app.newUser("scopes@example.org", TestApp.PASSWORD);
        String readOnly = app.app().apiTokens().create(id, "reader", java.util.EnumSet.of(Scope.READINGS_READ));
        assertThat(http.get("/api/v1/readings", "Authorization", bearer(readOnly)).statusCode()).isEqualTo(200);
        HttpResponse<String> write = http.postJson("/api/v1/readings",
                "[{\"time\":\"2026-05-05T00:00:00Z\",\"mgdl\":100}]", "Authorization", bearer(readOnly));
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(write.body()).contains("readings:write");

        UUID tokenId = app.app().apiTokens().list(id).get(0).id();
        assertThat(app.app().apiTokens().revoke(id, tokenId)).isTrue();
        assertThat(http.get("/api/v1/readings", "Authorization", bearer(readOnly)).statusCode()).isEqualTo(401);
    }

    @Test
    void tokensAreStoredOnlyAsHashes() {
        String token = app.newUserToken("hashes@example.org");
        Integer clear = app.sql().withHandle(h -> h.createQuery(
                        "select count(*) from api_token where position(:t in encode(token_hash, 'escape')) > 0")
                .bind("t", token.substring(6, 20)).mapTo(Integer.class).one());
        assertThat(clear).isZero();
        assertThat(token).startsWith("mqcgm_").hasSize(6 + 64);
    }
}
