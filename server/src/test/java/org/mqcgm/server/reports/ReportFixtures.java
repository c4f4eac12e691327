package org.mqcgm.server.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** Users with uploaded shared test vectors, for the report tests. */
final class ReportFixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private ReportFixtures() {
    }

    /** A shared test vector: its readings (as CSV rows) and the oracle's expected JSON. */
    record Vector(List<String[]> rows, JsonNode expected) {
    }

    static Vector vector(String name) {
        try (InputStream csv = ReportFixtures.class.getResourceAsStream("/metrics/" + name + ".csv");
             InputStream exp = ReportFixtures.class.getResourceAsStream("/metrics/" + name + ".expected.json")) {
            List<String[]> rows = new ArrayList<>();
            List<String> lines = new String(csv.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            for (String line : lines.subList(1, lines.size())) {
                rows.add(line.split(","));
            }
            return new Vector(rows, JSON.readTree(exp));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A user in {@code timeZone} with a token holding every scope. */
    record User(UUID id, String token) {
    }

    static User user(TestApp app, String email, String timeZone) {
        UUID id = app.newUser(email, org.mqcgm.server.testing.TestApp.PASSWORD, java.time.ZoneId.of(timeZone));
        return new User(id, app.app().apiTokens().create(id, "test", EnumSet.allOf(Scope.class)));
    }

    /** Uploads the vector's readings shifted by {@code shift} through the readings API. */
    static void upload(TestApp app, User user, Vector v, Duration shift) {
        StringBuilder body = new StringBuilder(v.rows().size() * 48).append('[');
        for (String[] row : v.rows()) {
            body.append(body.length() > 1 ? "," : "").append("{\"time\":\"")
                    .append(Instant.parse(row[0]).plus(shift)).append("\",\"mgdl\":").append(row[1]).append('}');
        }
        body.append(']');
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/readings", body.toString(),
                "Authorization", "Bearer " + user.token());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
