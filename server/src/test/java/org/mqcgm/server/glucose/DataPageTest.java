package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * History → Manage data over HTTP with a web session: a range of local days is deleted after a step that shows the
 * count and asks for the password; sensors and calibrations after a confirmation page.
 */
class DataPageTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");

    @RegisterExtension
    static final TestApp app = TestApp.perClass(new MutableClock(NOW));

    /** Readings every 5 minutes over the Berlin days 1 to 9 November. */
    static UUID userWithReadings(String identifier) {
        UUID owner = app.newUser(identifier);
        List<Reading> all = new ArrayList<>();
        Instant from = LocalDate.of(2026, 11, 1).atStartOfDay(BERLIN).toInstant();
        Instant to = LocalDate.of(2026, 11, 10).atStartOfDay(BERLIN).toInstant();
        for (Instant t = from; t.isBefore(to); t = t.plus(Duration.ofMinutes(5))) {
            all.add(new Reading(t, BERLIN.getRules().getOffset(t), 120));
        }
        app.app().readings().store(owner, all);
        return owner;
    }

    static int stored(UUID owner, LocalDate first, LocalDate last) {
        return app.app().readings().store().range(owner, first.atStartOfDay(BERLIN).toInstant(),
                last.plusDays(1).atStartOfDay(BERLIN).toInstant()).size();
    }

    @Test
    @Tag("PR-63")
    void aRangeOfDaysIsDeletedAfterTheCountIsShownAndThePasswordConfirmed() {
        UUID owner = userWithReadings("web-delete@example.org");
        Http http = app.login("web-delete@example.org");
        assertThat(http.get("/history").body()).contains("href=\"/history/data\"");
        assertThat(http.get("/history/data").body()).contains("data-testid=\"delete-range\"");
        Map<String, String> days = Map.of("from", "2026-11-03", "to", "2026-11-04");
        HttpResponse<String> preview = http.postForm("/history/data/readings", days);
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).contains("576 readings from 2026-11-03 to 2026-11-04 will be deleted");
        // Nothing is deleted by the first step, nor by a wrong password.
        assertThat(stored(owner, LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 4))).isEqualTo(576);
        HttpResponse<String> wrong = http.postForm("/history/data/readings/delete",
                Map.of("from", "2026-11-03", "to", "2026-11-04", "password", "not my password"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("data-field=\"password\"").contains("576 readings");
        assertThat(stored(owner, LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 4))).isEqualTo(576);

        HttpResponse<String> done = http.postForm("/history/data/readings/delete",
                Map.of("from", "2026-11-03", "to", "2026-11-04", "password", TestApp.PASSWORD));
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location")).contains("/history/data?deleted=576");
        assertThat(http.get("/history/data?deleted=576").body()).contains("576 readings were deleted");
        assertThat(stored(owner, LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 4))).isZero();
        // The neighbouring days are whole; the page of a deleted day counts nothing.
        assertThat(stored(owner, LocalDate.of(2026, 11, 2), LocalDate.of(2026, 11, 2))).isEqualTo(288);
        assertThat(stored(owner, LocalDate.of(2026, 11, 5), LocalDate.of(2026, 11, 5))).isEqualTo(288);
        assertThat(http.get("/history?date=2026-11-03").body()).contains("of 0 readings");
        assertThat(http.get("/history?date=2026-11-05").body()).contains("of 288 readings");
    }

    @Test
    void badDaysAreNamedAndDeleteNothing() {
        UUID owner = userWithReadings("web-delete-bad@example.org");
        Http http = app.login("web-delete-bad@example.org");
        for (Map<String, String> form : List.of(Map.of("from", "2026-11-05", "to", "2026-11-04"),
                Map.of("from", "someday", "to", "2026-11-04"), Map.of("to", "2026-11-04"))) {
            for (String path : List.of("/history/data/readings", "/history/data/readings/delete")) {
                java.util.Map<String, String> f = new java.util.HashMap<>(form);
                f.put("password", TestApp.PASSWORD);
                HttpResponse<String> r = http.postForm(path, f);
                assertThat(r.statusCode()).as(path + " " + form).isEqualTo(422);
                assertThat(r.body()).contains("data-testid=\"errors\"");
            }
        }
        assertThat(stored(owner, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 9))).isEqualTo(9 * 288);
    }

    @Test
    @Tag("PR-63")
    void aSensorAndACalibrationAreDeletedAfterAConfirmationPage() {
        UUID owner = app.newUser("web-delete-sensor@example.org");
        String token = app.app().apiTokens().create(owner, "t",
                java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class));
        Http api = new Http(app.url());
        String sensor = api.postJson("/api/v1/sensors", "{\"model\":\"Web CGM\"}", "Authorization", "Bearer " + token)
                .body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        api.postJson("/api/v1/sensors/" + sensor + "/sessions", "{\"start\":\"2026-11-01T08:00:00Z\"}",
                "Authorization", "Bearer " + token);
        String calibration = api.postJson("/api/v1/calibrations", "{\"time\":\"2026-11-09T08:00:00Z\",\"mgdl\":123}",
                "Authorization", "Bearer " + token).body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        Http http = app.login("web-delete-sensor@example.org");
        String page = http.get("/history/data").body();
        assertThat(page).contains("Web CGM").contains("/history/data/sensors/" + sensor + "/delete")
                .contains("/history/data/calibrations/" + calibration + "/delete").contains("2026-11-09 09:00");

        String confirm = http.get("/history/data/sensors/" + sensor + "/delete").body();
        assertThat(confirm).contains("The sensor Web CGM and its 1 sessions will be deleted");
        assertThat(http.postForm("/history/data/sensors/" + sensor + "/delete", Map.of()).statusCode())
                .isEqualTo(303);
        assertThat(http.get("/history/data/calibrations/" + calibration + "/delete").body())
                .contains("The calibration of 123 mg/dL at 2026-11-09 09:00 will be deleted");
        assertThat(http.postForm("/history/data/calibrations/" + calibration + "/delete", Map.of()).statusCode())
                .isEqualTo(303);
        String after = http.get("/history/data?done=calibration").body();
        assertThat(after).doesNotContain("Web CGM").doesNotContain(calibration).contains("The calibration was deleted");
        assertThat(api.get("/api/v1/sessions", "Authorization", "Bearer " + token).body()).isEqualTo("[]");
        assertThat(http.get("/history/data/sensors/" + sensor + "/delete").statusCode()).isEqualTo(404);
    }

    /** Deletion needs no consent: after withdrawing it, the web page and the API still delete (PR-63). */
    @Test
    @Tag("PR-63")
    void afterTheConsentIsWithdrawnDeletionStillWorksOnTheWebAndOverTheApi() {
        UUID owner = userWithReadings("web-delete-no-consent@example.org");
        String token = app.app().apiTokens().create(owner, "t",
                java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class));
        Http api = new Http(app.url());
        String bearer = "Bearer " + token;
        String sensorA = api.postJson("/api/v1/sensors", "{\"model\":\"Web CGM A\"}", "Authorization", bearer)
                .body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        String sensorB = api.postJson("/api/v1/sensors", "{\"model\":\"Web CGM B\"}", "Authorization", bearer)
                .body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        String calA = api.postJson("/api/v1/calibrations", "{\"time\":\"2026-11-09T08:00:00Z\",\"mgdl\":123}",
                "Authorization", bearer).body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        String calB = api.postJson("/api/v1/calibrations", "{\"time\":\"2026-11-09T09:00:00Z\",\"mgdl\":124}",
                "Authorization", bearer).body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        Http http = app.login("web-delete-no-consent@example.org");
        assertThat(http.postForm("/settings/privacy", Map.of("purpose", "health-data", "granted", "no",
                "confirm", "yes")).statusCode()).isEqualTo(303);
        assertThat(app.app().consents().granted(owner,
                org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA)).isFalse();
        assertThat(http.get("/today", "Accept", "text/html").statusCode()).isEqualTo(403);

        // The web: the page, a range of days, a sensor, a calibration.
        HttpResponse<String> page = http.get("/history/data", "Accept", "text/html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Web CGM A");
        assertThat(http.postForm("/history/data/readings", Map.of("from", "2026-11-02", "to", "2026-11-02"))
                .statusCode()).isEqualTo(200);
        assertThat(http.postForm("/history/data/readings/delete", Map.of("from", "2026-11-02", "to", "2026-11-02",
                "password", TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        assertThat(stored(owner, LocalDate.of(2026, 11, 2), LocalDate.of(2026, 11, 2))).isZero();
        assertThat(http.get("/history/data/sensors/" + sensorA + "/delete").statusCode()).isEqualTo(200);
        assertThat(http.postForm("/history/data/sensors/" + sensorA + "/delete", Map.of()).statusCode())
                .isEqualTo(303);
        assertThat(http.get("/history/data/calibrations/" + calA + "/delete").statusCode()).isEqualTo(200);
        assertThat(http.postForm("/history/data/calibrations/" + calA + "/delete", Map.of()).statusCode())
                .isEqualTo(303);

        // The API: a sensor, a calibration, a range.
        assertThat(api.send("DELETE", "/api/v1/sensors/" + sensorB, "", "Authorization", bearer).statusCode())
                .isEqualTo(204);
        assertThat(api.send("DELETE", "/api/v1/calibrations/" + calB, "", "Authorization", bearer).statusCode())
                .isEqualTo(204);
        assertThat(api.postJson("/api/v1/me/readings/deletions", "{\"from\":\"2026-11-03T00:00:00+01:00\","
                + "\"to\":\"2026-11-04T00:00:00+01:00\",\"password\":\"" + TestApp.PASSWORD + "\"}",
                "Authorization", bearer).statusCode()).isEqualTo(200);
        assertThat(stored(owner, LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 3))).isZero();
        assertThat(stored(owner, LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 1))).isEqualTo(288);

        // Reading the data stays refused.
        assertThat(api.get("/api/v1/sensors", "Authorization", bearer).statusCode()).isEqualTo(403);
        String after = http.get("/history/data").body();
        assertThat(after).doesNotContain("Web CGM").doesNotContain(calA).doesNotContain(calB);
    }
}
