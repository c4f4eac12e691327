package org.mqcgm.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** {@code GET/PUT /api/v1/alerts/settings}: defaults, a whole replacement, each rule named, the urgent low fixed. */
class AlertSettingsApiTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static int seq;

    private static String token(Scope... scopes) {
        UUID id = app.newUser("alerts" + (++seq) + "@example.org");
        return app.app().apiTokens().create(id, "t", EnumSet.of(scopes[0], scopes));
    }

    private static HttpResponse<String> put(String token, String body) {
        return new Http(app.url()).send("PUT", "/api/v1/alerts/settings", body, "Authorization", "Bearer " + token,
                "Content-Type", "application/json");
    }

    private static JsonNode get(String token) throws Exception {
        HttpResponse<String> r = new Http(app.url()).get("/api/v1/alerts/settings", "Authorization",
                "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void theDefaultsUntilChangedThenTheWearersOwnRules() throws Exception {
        String t = token(Scope.ALERTS);
        JsonNode d = get(t);
        assertThat(d.get("urgentLowMgdl").asInt()).isEqualTo(55);
        assertThat(d.get("lowMgdl").asInt()).isEqualTo(70);
        assertThat(d.get("highMgdl").asInt()).isEqualTo(250);
        assertThat(d.get("enabled").toString())
                .isEqualTo("[\"urgent-low\",\"low\",\"high\",\"predicted-low\",\"signal-loss\"]");

        // Everything off but the rise alert: the urgent low stays on.
        HttpResponse<String> r = put(t, "{\"enabled\":[\"rise\"],\"lowMgdl\":80,\"highMgdl\":200,\"riseRate\":2.5,"
                + "\"quietFrom\":\"22:30\",\"quietTo\":\"06:45\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode s = get(t);
        assertThat(s.get("enabled").toString()).isEqualTo("[\"urgent-low\",\"rise\"]");
        assertThat(s.get("lowMgdl").asInt()).isEqualTo(80);
        assertThat(s.get("highMgdl").asInt()).isEqualTo(200);
        assertThat(s.get("riseRate").asDouble()).isEqualTo(2.5);
        assertThat(s.get("fallRate").asDouble()).isEqualTo(3.0);
        assertThat(s.get("quietFrom").asText()).isEqualTo("22:30");
        assertThat(s.get("quietTo").asText()).isEqualTo("06:45");
        // Another wearer still has the defaults.
        assertThat(get(token(Scope.ALERTS)).get("lowMgdl").asInt()).isEqualTo(70);
    }

    @Test
    void badSettingsAreRefusedNamingTheFieldAndNothingChanges() throws Exception {
        UUID owner = app.newUser("alerts-bad@example.org");
        String t = app.app().apiTokens().create(owner, "t", EnumSet.of(Scope.ALERTS));
        HttpResponse<String> lowAboveHigh = put(t, "{\"lowMgdl\":150,\"highMgdl\":120}");
        assertThat(lowAboveHigh.statusCode()).isEqualTo(422);
        assertThat(lowAboveHigh.body()).contains("\"field\":\"$.lowMgdl\"").contains("below-high");
        HttpResponse<String> negative = put(t, "{\"signalLossMinutes\":-5,\"predictionMinutes\":0}");
        assertThat(negative.statusCode()).isEqualTo(422);
        assertThat(negative.body()).contains("$.signalLossMinutes").contains("$.predictionMinutes").contains("range");
        HttpResponse<String> types = put(t, "{\"lowMgdl\":\"70\",\"riseRate\":true,\"quietFrom\":\"25:00\","
                + "\"enabled\":[\"low\",\"sometimes\"]}");
        assertThat(types.statusCode()).isEqualTo(422);
        assertThat(types.body()).contains("$.lowMgdl").contains("$.riseRate").contains("$.quietFrom")
                .contains("$.enabled[1]");
        HttpResponse<String> halfQuiet = put(t, "{\"quietFrom\":\"22:00\"}");
        assertThat(halfQuiet.statusCode()).isEqualTo(422);
        assertThat(halfQuiet.body()).contains("$.quietTo").contains("required");
        HttpResponse<String> urgent = put(t, "{\"urgentLowMgdl\":40}");
        assertThat(urgent.statusCode()).isEqualTo(422);
        assertThat(urgent.body()).contains("$.urgentLowMgdl").contains("fixed");
        HttpResponse<String> delivery = put(t, "{\"repeatMinutes\":3,\"escalateMinutes\":-1,"
                + "\"valuesOnLockScreen\":\"yes\"}");
        assertThat(delivery.statusCode()).isEqualTo(422);
        assertThat(delivery.body()).contains("\"field\":\"$.repeatMinutes\"").contains("$.escalateMinutes")
                .contains("\"field\":\"$.valuesOnLockScreen\"");
        HttpResponse<String> unknown = put(t, "{\"lowMgdl\":70,\"snoozeForever\":true}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("$.snoozeForever").contains("unknown-field");
        assertThat(get(t).get("lowMgdl").asInt()).isEqualTo(70);
        int rows = app.sql().withHandle(h -> h.createQuery("select count(*) from alert_settings where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
        assertThat(rows).as("nothing stored by a refused PUT").isZero();
    }

    @Test
    void theAlertsScopeIsNeededAndTheRulesAreInTheExportAndErasedWithTheAccount() throws Exception {
        HttpResponse<String> noScope = new Http(app.url()).get("/api/v1/alerts/settings", "Authorization",
                "Bearer " + token(Scope.READINGS_READ));
        assertThat(noScope.statusCode()).isEqualTo(403);
        assertThat(noScope.body()).contains("insufficient-scope");
        UUID id = app.newUser("alerts-export@example.org");
        String t = app.app().apiTokens().create(id, "t", EnumSet.of(Scope.ALERTS));
        assertThat(put(t, "{\"lowMgdl\":75}").statusCode()).isEqualTo(200);
        java.util.Map<String, String> files = new java.util.LinkedHashMap<>();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (var data : app.app().feature(AlertsFeature.class).personalData()) {
            assertThat(data.categories(id)).filteredOn(c -> c.id().equals("alert-settings")).singleElement()
                    .satisfies(c -> assertThat(c.count()).isEqualTo(1));
            data.export(id, new org.mqcgm.server.platform.rights.ExportArchive() {
                @Override
                public java.io.OutputStream file(String name, String description) {
                    files.put(name, description);
                    return out;
                }
            });
        }
        assertThat(files).containsOnlyKeys("alert-settings.json");
        assertThat(JSON.readTree(out.toByteArray()).get("lowMgdl").asInt()).isEqualTo(75);
        // Stored encrypted under the wearer's key: no JSON in clear.
        byte[] stored = app.sql().withHandle(h -> h.createQuery("select settings from alert_settings where owner_id = :o")
                .bind("o", id).mapTo(byte[].class).one());
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("lowMgdl");
    }
}
