package org.mqcgm.server.nightscout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.mqcgm.server.testing.Http;

/** What the Nightscout tests share: making a credential through the API and calling as a Nightscout client does. */
final class NsClients {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private NsClients() {
    }

    /** A new credential ({@code POST /api/v1/nightscout/credentials}, 201) of the wearer of {@code bearer}. */
    static JsonNode create(String baseUrl, String bearer, String name, String access) throws Exception {
        HttpResponse<String> r = new Http(baseUrl).postJson("/api/v1/nightscout/credentials",
                "{\"name\":\"" + name + "\",\"access\":\"" + access + "\"}", "Authorization", "Bearer " + bearer);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    /** What xDrip+, Loop and Trio send in {@code api-secret}: the SHA-1 hex of the credential's secret. */
    static String sha1(JsonNode credential) {
        return NsCredentials.hex("SHA-1", credential.path("secret").asText());
    }

    /** A request with a JSON body (or none) and header pairs; never a server error. */
    static HttpResponse<String> call(String baseUrl, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isLessThan(500);
        return r;
    }
}
