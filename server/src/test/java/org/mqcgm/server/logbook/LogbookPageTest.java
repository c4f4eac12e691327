package org.mqcgm.server.logbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * The Logbook page without JavaScript: plain forms per kind, the entry on Today's and History's chart and in the
 * list under it, changed and deleted through forms, another person's entry a 404.
 */
class LogbookPageTest {

    static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");

    @RegisterExtension
    static final TestApp app = TestApp.perClass(new MutableClock(NOW));

    static Http signedIn(String email) {
        app.newUser(email);
        Http http = new Http(app.url());
        HttpResponse<String> login = http.postForm("/login", Map.of("identifier", email, "password",
                TestApp.PASSWORD));
        assertThat(login.statusCode()).isEqualTo(303);
        return http;
    }

    static Map<String, String> form(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void aMealLoggedThroughTheFormIsOnTodayAndHistoryAndCanBeChangedAndDeleted() {
        Http http = signedIn("page-owner@example.org");
        String page = http.get("/logbook").body();
        assertThat(page).contains("enctype=\"multipart/form-data\"")
                .contains("type=\"file\" name=\"photo\" accept=\"image/*\" capture=\"environment\"")
                .contains("href=\"/logbook\"");
        // 12:30 in Berlin (the user's zone) is 11:30 UTC, half an hour before now.
        HttpResponse<String> created = http.postForm("/logbook", form("kind", "meal", "time", "2026-11-10T12:30",
                "carbs", "45", "note", "<b>Nudeln</b>", "return", "/today"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(303);
        assertThat(created.headers().firstValue("Location")).contains("/today");

        String today = http.get("/today").body();
        assertThat(today).contains("class=\"checkin meal\" data-kind=\"meal\"").contains("45 g")
                .contains("data-testid=\"checkins\"").contains("12:30");
        String history = http.get("/history?date=2026-11-10").body();
        assertThat(history).contains("class=\"checkin meal\"").contains("45 g");
        String report = http.get("/reports?from=2026-11-04&to=2026-11-10").body();
        assertThat(report).as("the AGP report's daily profile of the day").contains("class=\"checkin meal\"")
                .contains("<title>45 g</title>");
        String list = http.get("/logbook").body();
        assertThat(list).contains("&lt;b&gt;Nudeln&lt;/b&gt;").doesNotContain("<b>Nudeln</b>");
        Matcher m = Pattern.compile("href=\"/logbook/([0-9a-f-]{36})\"").matcher(list);
        assertThat(m.find()).isTrue();
        String id = m.group(1);

        String edit = http.get("/logbook/" + id).body();
        assertThat(edit).contains("value=\"45\"").contains("value=\"2026-11-10T12:30\"");
        HttpResponse<String> changed = http.postForm("/logbook/" + id, form("time", "2026-11-10T12:15",
                "carbs", "50", "note", ""));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(303);
        assertThat(http.get("/logbook").body()).contains("50 g").doesNotContain("Nudeln");

        HttpResponse<String> bad = http.postForm("/logbook/" + id, form("time", "2026-11-10T12:15", "carbs", "2000"));
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("data-field=\"carbs\"");

        Http stranger = signedIn("page-stranger@example.org");
        assertThat(stranger.get("/logbook/" + id).statusCode()).isEqualTo(404);
        assertThat(stranger.postForm("/logbook/" + id + "/delete", form()).statusCode()).isEqualTo(404);
        assertThat(stranger.get("/logbook").body()).doesNotContain(id);

        assertThat(http.postForm("/logbook/" + id + "/delete", form()).statusCode()).isEqualTo(303);
        assertThat(http.get("/logbook/" + id).statusCode()).isEqualTo(404);
        assertThat(http.get("/today").body()).doesNotContain("class=\"checkin meal\"");
    }

    @Test
    void aWrongFormIsShownAgainWithItsFieldsAtFaultAndStoresNothing() {
        Http http = signedIn("page-errors@example.org");
        HttpResponse<String> r = http.postForm("/logbook", form("kind", "insulin", "time", "2026-11-10T12:00",
                "units", "2.03", "insulinType", "rapid"));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("data-field=\"units\"").contains("data-rule=\"step\"")
                .contains("open data-testid=\"add-insulin\"");
        HttpResponse<String> future = http.postForm("/logbook", form("kind", "note", "time", "2026-11-10T23:00",
                "note", "later"));
        assertThat(future.statusCode()).isEqualTo(422);
        assertThat(future.body()).contains("data-field=\"time\"");
        assertThat(http.postForm("/logbook", form("kind", "snack", "time", "2026-11-10T12:00")).statusCode())
                .isEqualTo(422);
        assertThat(http.get("/logbook").body()).contains("data-testid=\"add-meal\"")
                .doesNotContain("data-testid=\"entry\"");
    }

    /**
     * PR-90: once the wearer shares their logbook, a note with contact details is sent back with a warning ("Save
     * anyway", "Remove them") and nothing stored; each choice then saves. A private logbook is never held up.
     */
    @Test
    @org.junit.jupiter.api.Tag("PR-90")
    void aNoteWithContactDetailsInASharedLogbookIsWarnedAboutBeforeSaving() {
        String email = "page-sharer@example.org";
        UUID owner = app.newUser(email);
        Http http = new Http(app.url());
        assertThat(http.postForm("/login", Map.of("identifier", email, "password", TestApp.PASSWORD)).statusCode())
                .isEqualTo(303);
        String[] wearer = {"Authorization", "Bearer " + app.app().apiTokens().create(owner, "all",
                java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class))};
        java.util.function.Supplier<List<String>> notes = () -> notes(new Http(app.url()), wearer);
        String note = "Call me on 13800138000 after lunch";
        // A private logbook: saved at once.
        assertThat(http.postForm("/logbook", form("kind", "note", "time", "2026-11-10T09:00", "note", note))
                .statusCode()).isEqualTo(303);
        assertThat(notes.get()).containsExactly(note);

        // Share the logbook with a follower.
        app.app().consents().record(owner, org.mqcgm.server.platform.consent.Consents.Purpose.SHARING, true, "test");
        HttpResponse<String> share = new Http(app.url()).postJson("/api/v1/shares", "{\"scopes\":[\"logbook\"]}", wearer);
        assertThat(share.statusCode()).as(share.body()).isEqualTo(201);
        String code = share.body().replaceAll(".*\"invitation\":\"([^\"]+)\".*", "$1");
        String follower = app.newUserToken("page-follower@example.org");
        assertThat(new Http(app.url()).postJson("/api/v1/following", "{\"invitation\":\"" + code + "\"}", "Authorization",
                "Bearer " + follower).statusCode()).isEqualTo(201);

        HttpResponse<String> warned = http.postForm("/logbook", form("kind", "meal", "time", "2026-11-10T10:00",
                "carbs", "30", "note", note));
        assertThat(warned.statusCode()).isEqualTo(422);
        assertThat(warned.body()).contains("data-testid=\"contact-warning\"").contains("<li>13800138000</li>")
                .contains("name=\"confirmContactDetails\" value=\"true\"").contains("name=\"redact\" value=\"true\"")
                .contains("Save anyway").contains("Remove them")
                .as("the form keeps what was typed").contains(">" + note + "</textarea>").contains("value=\"30\"")
                .contains("value=\"2026-11-10T10:00\"");
        assertThat(notes.get()).as("nothing stored").hasSize(1);

        assertThat(http.postForm("/logbook", form("kind", "meal", "time", "2026-11-10T10:00", "carbs", "30",
                "note", note, "redact", "true")).statusCode()).isEqualTo(303);
        assertThat(notes.get()).contains("Call me on […] after lunch");
        assertThat(http.postForm("/logbook", form("kind", "note", "time", "2026-11-10T10:30", "note", note,
                "confirmContactDetails", "true")).statusCode()).isEqualTo(303);
        assertThat(notes.get()).filteredOn(note::equals).hasSize(2);

        // Changing an entry is checked the same way.
        Matcher m = Pattern.compile("href=\"/logbook/([0-9a-f-]{36})\"").matcher(http.get("/logbook").body());
        assertThat(m.find()).isTrue();
        HttpResponse<String> edit = http.postForm("/logbook/" + m.group(1), form("time", "2026-11-10T10:45",
                "note", "mail me: me@example.org"));
        assertThat(edit.statusCode()).isEqualTo(422);
        assertThat(edit.body()).contains("data-testid=\"contact-warning\"").contains("<li>me@example.org</li>")
                .contains("value=\"2026-11-10T10:45\"");
        assertThat(notes.get()).doesNotContain("mail me: me@example.org");
    }

    /** The owner's notes, as the API gives them back. */
    static List<String> notes(Http http, String[] auth) {
        HttpResponse<String> r = http.get("/api/v1/checkins?from=2026-11-01T00:00:00Z", auth);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            List<String> out = new java.util.ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).forEach(n -> {
                if (n.hasNonNull("note")) {
                    out.add(n.get("note").asText());
                }
            });
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
