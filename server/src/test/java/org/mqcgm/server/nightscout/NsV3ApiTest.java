package org.mqcgm.server.nightscout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * The Nightscout API v3 as AAPS's NSClient v3 calls it (nightscout-api.md §1.2, A1–A14) and the v2 properties
 * Nightguard and LoopFollow read (§1.5).
 */
class NsV3ApiTest {

    static final MutableClock clock = new MutableClock(Instant.parse("2026-05-02T08:00:00Z"));

    @RegisterExtension
    static final TestApp app = TestApp.perClass(clock);

    static final ObjectMapper json = new ObjectMapper();
    static final HttpClient client = HttpClient.newHttpClient();

    static JsonNode aaps;
    static JsonNode aapsReader;
    static JsonNode follower;

    @BeforeAll
    static void credentials() throws Exception {
        String wearer = app.newUserToken("aaps@example.org", Scope.NIGHTSCOUT, Scope.READINGS_READ);
        aaps = create(wearer, "AAPS phone", "readwrite");
        aapsReader = create(wearer, "AAPS follower", "read");
        String other = app.newUserToken("nightguard@example.org", Scope.NIGHTSCOUT, Scope.READINGS_READ);
        follower = create(other, "xDrip+ phone", "readwrite");
    }

    static JsonNode create(String bearer, String name, String access) throws Exception {
        return NsClients.create(app.url(), bearer, name, access);
    }

    static HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        return NsClients.call(app.url(), method, path, body, headers);
    }

    /** A call as AAPS's NSAuthInterceptor sends it: Bearer JWT and {@code Date: <ms>}. */
    static HttpResponse<String> aapsCall(String jwt, String method, String path, String body) throws Exception {
        return call(method, path, body, "Authorization", "Bearer " + jwt, "Date",
                String.valueOf(clock.millis()));
    }

    static String jwt(JsonNode credential) throws Exception {
        HttpResponse<String> r = call("GET", "/api/v2/authorization/request/" + credential.path("token").asText(),
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body()).path("token").asText();
    }

    static long etag(HttpResponse<String> r) {
        String etag = r.headers().firstValue("ETag").orElseThrow();
        // AAPS: etag.substring(3, etag.length - 1).toLong()
        return Long.parseLong(etag.substring(3, etag.length() - 1));
    }

    @Test
    void aapsSyncsTreatmentsAndEntriesThroughV3() throws Exception {
        // The first call goes out with an empty bearer and must be a 401, so that AAPS fetches a JWT.
        HttpResponse<String> first = aapsCall("", "GET", "/api/v3/status", null);
        assertThat(first.statusCode()).isEqualTo(401);
        String jwt = jwt(aaps);

        JsonNode status = json.readTree(aapsCall(jwt, "GET", "/api/v3/status", null).body());
        assertThat(status.path("status").asInt()).isEqualTo(200);
        assertThat(status.path("result").path("apiVersion").asText()).startsWith("3.");
        assertThat(status.path("result").path("srvDate").isIntegralNumber()).isTrue();
        JsonNode permissions = status.path("result").path("apiPermissions");
        for (String c : new String[] {"devicestatus", "entries", "food", "profile", "settings", "treatments"}) {
            assertThat(permissions.path(c).asText()).as(c).isEqualTo("crud");
        }
        JsonNode lastModified = json.readTree(aapsCall(jwt, "GET", "/api/v3/lastModified", null).body());
        assertThat(lastModified.path("result").path("collections").path("treatments").asLong()).isZero();

        // A10: a new treatment → 201 with Location and identifier; the same again → 200 isDeduplication
        long date = clock.instant().minus(10, ChronoUnit.MINUTES).toEpochMilli();
        String bolus = "{\"date\":" + date + ",\"utcOffset\":120,\"app\":\"AAPS\",\"device\":\"AAPS-Pixel\","
                + "\"eventType\":\"Meal Bolus\",\"insulin\":2.5,\"carbs\":30,\"isSMB\":false,\"pumpId\":4711,"
                + "\"pumpType\":\"OMNIPOD_DASH\",\"pumpSerial\":\"123\",\"isValid\":true}";
        HttpResponse<String> created = aapsCall(jwt, "POST", "/api/v3/treatments", bolus);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode createdBody = json.readTree(created.body());
        String identifier = createdBody.path("identifier").asText();
        assertThat(identifier).isNotBlank();
        assertThat(createdBody.path("lastModified").isIntegralNumber()).isTrue();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v3/treatments/" + identifier);
        HttpResponse<String> again = aapsCall(jwt, "POST", "/api/v3/treatments", bolus);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json.readTree(again.body()).path("isDeduplication").asBoolean()).isTrue();
        assertThat(json.readTree(again.body()).path("identifier").asText()).isEqualTo(identifier);

        // A9: history with the ETag AAPS parses; nothing newer → 304
        HttpResponse<String> history = aapsCall(jwt, "GET", "/api/v3/treatments/history/0?limit=500", null);
        assertThat(history.statusCode()).isEqualTo(200);
        JsonNode docs = json.readTree(history.body()).path("result");
        assertThat(docs).hasSize(1);
        assertThat(docs.get(0).path("identifier").asText()).isEqualTo(identifier);
        assertThat(docs.get(0).path("insulin").asDouble()).isEqualTo(2.5);
        assertThat(docs.get(0).path("subject").asText()).isEqualTo("AAPS phone");
        long last = etag(history);
        assertThat(last).isEqualTo(docs.get(0).path("srvModified").asLong());
        assertThat(history.headers().firstValue("ETag")).hasValue("W/\"" + last + "\"");
        assertThat(history.headers().firstValue("Last-Modified")).isPresent();
        assertThat(aapsCall(jwt, "GET", "/api/v3/treatments/history/" + last, null).statusCode()).isEqualTo(304);

        // A11: PATCH with the whole record (isValid: true is no change); an immutable field → 400
        HttpResponse<String> patched = aapsCall(jwt, "PATCH", "/api/v3/treatments/" + identifier,
                bolus.replace("\"carbs\":30", "\"carbs\":35").replace("{", "{\"identifier\":\"" + identifier + "\","));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode read = json.readTree(aapsCall(jwt, "GET", "/api/v3/treatments/" + identifier, null).body());
        assertThat(read.path("result").path("carbs").asInt()).isEqualTo(35);
        HttpResponse<String> immutable = aapsCall(jwt, "PATCH", "/api/v3/treatments/" + identifier,
                "{\"eventType\":\"Correction Bolus\"}");
        assertThat(immutable.statusCode()).isEqualTo(400);
        assertThat(json.readTree(immutable.body()).path("message").asText())
                .isEqualTo("Field eventType cannot be modified by the client");

        // DELETE: soft; the history shows it with isValid false; a read is 410; an unknown one is 404
        assertThat(aapsCall(jwt, "DELETE", "/api/v3/treatments/" + identifier, null).statusCode()).isEqualTo(200);
        assertThat(aapsCall(jwt, "GET", "/api/v3/treatments/" + identifier, null).statusCode()).isEqualTo(410);
        HttpResponse<String> afterDelete = aapsCall(jwt, "GET", "/api/v3/treatments/history/" + last, null);
        JsonNode deleted = json.readTree(afterDelete.body()).path("result");
        assertThat(deleted).hasSize(1);
        assertThat(deleted.get(0).path("isValid").asBoolean(true)).isFalse();
        assertThat(etag(afterDelete)).isGreaterThan(last);
        assertThat(aapsCall(jwt, "DELETE", "/api/v3/treatments/no-such-document", null).statusCode())
                .isEqualTo(404);

        // A6: an sgv entry lands in our readings, with the reading's identifier
        Instant t = clock.instant().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        String sgv = "{\"type\":\"sgv\",\"sgv\":142,\"date\":" + t.toEpochMilli() + ",\"device\":\"AAPS-Dexcom\","
                + "\"direction\":\"FortyFiveUp\",\"identifier\":\"client-chosen\",\"app\":\"AAPS\",\"utcOffset\":120,"
                + "\"noise\":1,\"filtered\":0,\"unfiltered\":0,\"units\":\"mg/dl\",\"isValid\":true,"
                + "\"isReadOnly\":false}";
        HttpResponse<String> entry = aapsCall(jwt, "POST", "/api/v3/entries", sgv);
        assertThat(entry.statusCode()).as(entry.body()).isEqualTo(201);
        String entryId = json.readTree(entry.body()).path("identifier").asText();
        assertThat(entryId).isEqualTo(NsEntries.id(t));
        assertThat(aapsCall(jwt, "POST", "/api/v3/entries", sgv).statusCode()).isEqualTo(200);

        JsonNode v1 = json.readTree(call("GET", "/api/v1/entries.json?count=5&token="
                + aapsReader.path("token").asText(), null).body());
        assertThat(v1).hasSize(1);
        assertThat(v1.get(0).path("sgv").asInt()).isEqualTo(142);
        assertThat(v1.get(0).path("utcOffset").asInt()).isEqualTo(120);

        // A5 and A3: searches include the reading
        JsonNode a5 = json.readTree(aapsCall(jwt, "GET", "/api/v3/entries?sort$desc=date&type=sgv", null).body());
        assertThat(a5.path("result")).hasSize(1);
        assertThat(a5.path("result").get(0).path("identifier").asText()).isEqualTo(entryId);
        assertThat(a5.path("result").get(0).path("direction").asText()).isEqualTo("FortyFiveUp");
        JsonNode a3 = json.readTree(aapsCall(jwt, "GET", "/api/v3/entries?sort=date&date$gt="
                + (t.toEpochMilli() - 1) + "&limit=500", null).body());
        assertThat(a3.path("result")).extracting(e -> e.path("sgv").asInt()).containsExactly(142);
        assertThat(json.readTree(aapsCall(jwt, "GET", "/api/v3/entries?date$gt=" + t.toEpochMilli(), null)
                .body()).path("result")).isEmpty();
        // A4: entries history and lastModified know the reading
        HttpResponse<String> entryHistory = aapsCall(jwt, "GET", "/api/v3/entries/history/0?limit=500", null);
        assertThat(etag(entryHistory)).isEqualTo(t.toEpochMilli());
        assertThat(json.readTree(aapsCall(jwt, "GET", "/api/v3/lastModified", null).body()).path("result")
                .path("collections").path("entries").asLong()).isEqualTo(t.toEpochMilli());
        assertThat(json.readTree(aapsCall(jwt, "GET", "/api/v3/entries/" + entryId, null).body()).path("result")
                .path("sgv").asInt()).isEqualTo(142);

        // A7: PATCH changes the value; the date cannot change; DELETE removes the reading; again → 404
        HttpResponse<String> patchEntry = aapsCall(jwt, "PATCH", "/api/v3/entries/" + entryId,
                sgv.replace("\"sgv\":142", "\"sgv\":140").replace("client-chosen", entryId));
        assertThat(patchEntry.statusCode()).as(patchEntry.body()).isEqualTo(200);
        assertThat(json.readTree(aapsCall(jwt, "GET", "/api/v3/entries/" + entryId, null).body()).path("result")
                .path("sgv").asInt()).isEqualTo(140);
        HttpResponse<String> moved = aapsCall(jwt, "PATCH", "/api/v3/entries/" + entryId,
                "{\"date\":" + (t.toEpochMilli() + 60_000) + "}");
        assertThat(moved.statusCode()).isEqualTo(400);
        assertThat(moved.body()).contains("cannot be modified by the client");
        assertThat(aapsCall(jwt, "DELETE", "/api/v3/entries/" + entryId, null).statusCode()).isEqualTo(200);
        assertThat(aapsCall(jwt, "DELETE", "/api/v3/entries/" + entryId, null).statusCode()).isEqualTo(404);
        assertThat(json.readTree(call("GET", "/api/v1/entries.json?token=" + aapsReader.path("token").asText(),
                null).body())).isEmpty();

        // The same under the credential's own site
        String site = aaps.path("url").asText().replaceAll(".*/ns/([^/]+).*", "$1");
        assertThat(aapsCall(jwt, "GET", "/ns/" + site + "/api/v3/version", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aReadOnlyCredentialIsReadOnlyForAaps() throws Exception {
        String jwt = jwt(aapsReader);
        JsonNode status = json.readTree(aapsCall(jwt, "GET", "/api/v3/status", null).body());
        assertThat(status.path("result").path("apiPermissions").path("treatments").asText()).isEqualTo("r");
        assertThat(status.path("result").path("apiPermissions").path("entries").asText()).isEqualTo("r");
        HttpResponse<String> write = aapsCall(jwt, "POST", "/api/v3/treatments", "{\"date\":" + clock.millis()
                + ",\"utcOffset\":0,\"app\":\"AAPS\",\"eventType\":\"Note\",\"notes\":\"x\"}");
        assertThat(write.statusCode()).isEqualTo(401);
        assertThat(aapsCall("not-a-jwt", "GET", "/api/v3/treatments", null).statusCode()).isEqualTo(401);
    }

    @Test
    void badInputIsA4xxWithNightscoutsMessages() throws Exception {
        String jwt = jwt(aaps);
        HttpResponse<String> tooMany = aapsCall(jwt, "GET", "/api/v3/treatments?limit=5000", null);
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(json.readTree(tooMany.body()).path("status").asInt()).isEqualTo(400);
        assertThat(aapsCall(jwt, "GET", "/api/v3/treatments?carbs$foo=1", null).statusCode()).isEqualTo(400);
        assertThat(aapsCall(jwt, "GET", "/api/v3/entries?sgv$where=1", null).statusCode()).isEqualTo(400);
        assertThat(aapsCall(jwt, "GET", "/api/v3/treatments/history/yesterday", null).statusCode()).isEqualTo(400);
        assertThat(aapsCall(jwt, "GET", "/api/v3/treatments/history/0?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(aapsCall(jwt, "GET", "/api/v3/nothing", null).statusCode()).isEqualTo(404);
        HttpResponse<String> noDate = aapsCall(jwt, "POST", "/api/v3/treatments",
                "{\"utcOffset\":0,\"app\":\"AAPS\",\"eventType\":\"Note\"}");
        assertThat(noDate.statusCode()).isEqualTo(400);
        assertThat(json.readTree(noDate.body()).path("message").asText()).isEqualTo("Bad or missing date field");
        HttpResponse<String> badOffset = aapsCall(jwt, "POST", "/api/v3/entries", "{\"type\":\"sgv\",\"sgv\":100,"
                + "\"date\":" + clock.millis() + ",\"utcOffset\":5000,\"app\":\"AAPS\"}");
        assertThat(badOffset.statusCode()).isEqualTo(400);
        assertThat(badOffset.body()).contains("Bad or missing utcOffset field");
        assertThat(aapsCall(jwt, "POST", "/api/v3/entries", "{\"type\":\"sgv\",\"sgv\":\"abc\",\"date\":"
                + clock.millis() + ",\"utcOffset\":0,\"app\":\"AAPS\"}").statusCode()).isEqualTo(400);
        assertThat(aapsCall(jwt, "POST", "/api/v3/treatments", "[1,2]").statusCode()).isEqualTo(400);
        assertThat(aapsCall(jwt, "POST", "/api/v3/treatments", "{not json").statusCode()).isEqualTo(400);
        assertThat(aapsCall(jwt, "PATCH", "/api/v3/treatments/missing", "{\"notes\":\"x\"}").statusCode())
                .isEqualTo(404);
    }

    @Test
    void nightguardReadsBgnowDeltaDirectionAndUpbat() throws Exception {
        String secret = NsCredentials.hex("SHA-1", follower.path("secret").asText());
        Instant t = clock.instant().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        String batch = "[" + entry(t.minusSeconds(600), 110, "Flat") + "," + entry(t.minusSeconds(300), 115, "Flat")
                + "," + entry(t, 123, "FortyFiveUp") + "]";
        assertThat(call("POST", "/api/v1/entries", batch, "api-secret", secret).statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/v1/devicestatus", "{\"device\":\"xDrip-DexcomG6\",\"uploader\":"
                + "{\"battery\":85}}", "api-secret", secret).statusCode()).isEqualTo(200);

        String token = follower.path("token").asText();
        HttpResponse<String> r = call("GET", "/api/v2/properties?token=" + token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode p = json.readTree(r.body());
        JsonNode bgnow = p.path("bgnow");
        assertThat(bgnow.path("last").asInt()).isEqualTo(123);
        assertThat(bgnow.path("mgdl").asInt()).isEqualTo(123);
        assertThat(bgnow.path("mills").asLong()).isEqualTo(t.toEpochMilli());
        assertThat(bgnow.path("sgvs")).hasSize(1);
        assertThat(bgnow.path("sgvs").get(0).path("direction").asText()).isEqualTo("FortyFiveUp");
        assertThat(bgnow.path("sgvs").get(0).path("type").asText()).isEqualTo("sgv");
        JsonNode delta = p.path("delta");
        assertThat(delta.path("mgdl").asInt()).isEqualTo(8);
        assertThat(delta.path("absolute").asDouble()).isEqualTo(8.0);
        assertThat(delta.path("elapsedMins").asDouble()).isEqualTo(5.0);
        assertThat(delta.path("interpolated").asBoolean()).isFalse();
        assertThat(delta.path("display").asText()).isEqualTo("+8");
        assertThat(p.path("direction").path("value").asText()).isEqualTo("FortyFiveUp");
        assertThat(p.path("direction").path("label").asText()).isEqualTo("↗");
        assertThat(p.path("direction").path("entity").asText()).isEqualTo("&#8599;");
        assertThat(p.path("upbat").path("display").asText()).isEqualTo("85%");
        assertThat(p.path("upbat").path("level").asInt()).isEqualTo(75);
        assertThat(p.path("dbsize").path("display").asText()).isEqualTo("0%");

        // LoopFollow asks for one property; unknown names are left out
        JsonNode some = json.readTree(call("GET", "/api/v2/properties/dbsize,nothing?token=" + token, null).body());
        assertThat(some.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("dbsize");
        assertThat(call("GET", "/api/v2/properties", null).statusCode()).isEqualTo(401);
    }

    static String entry(Instant t, int sgv, String direction) {
        return "{\"device\":\"xDrip-DexcomG6\",\"date\":" + t.toEpochMilli() + ",\"sgv\":" + sgv
                + ",\"direction\":\"" + direction + "\",\"type\":\"sgv\"}";
    }

    @Test
    void checkinsLoggedInMqcgmAreV3TreatmentsInSearchAndHistory() throws Exception {
        String wearer = app.newUserToken("aaps-logbook@example.org", Scope.NIGHTSCOUT, Scope.LOGBOOK);
        String jwt = jwt(create(wearer, "AAPS phone", "readwrite"));
        Instant at = clock.instant().minus(1, ChronoUnit.HOURS);
        HttpResponse<String> logged = new Http(app.url()).postJson("/api/v1/checkins", "{\"time\":\"" + at
                + "\",\"kind\":\"meal\",\"carbs\":42,\"note\":\"porridge\"}", "Authorization", "Bearer " + wearer);
        assertThat(logged.statusCode()).as(logged.body()).isEqualTo(201);
        String id = json.readTree(logged.body()).path("id").asText();

        HttpResponse<String> search = aapsCall(jwt, "GET", "/api/v3/treatments?limit=10&sort$desc=date", null);
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        JsonNode found = json.readTree(search.body()).path("result");
        assertThat(found).singleElement().satisfies(t -> {
            assertThat(t.path("identifier").asText()).isEqualTo(id);
            assertThat(t.path("eventType").asText()).isEqualTo("Carb Correction");
            assertThat(t.path("carbs").asInt()).isEqualTo(42);
            assertThat(t.path("notes").asText()).isEqualTo("porridge");
            assertThat(t.path("date").asLong()).isEqualTo(at.toEpochMilli());
            assertThat(t.path("srvModified").asLong()).isPositive();
        });
        long modified = found.get(0).path("srvModified").asLong();
        // AAPS asks lastModified first and syncs a collection only when it moved
        JsonNode last = json.readTree(aapsCall(jwt, "GET", "/api/v3/lastModified", null).body()).path("result");
        assertThat(last.path("collections").path("treatments").asLong()).isEqualTo(modified);
        // a filter that excludes it
        JsonNode none = json.readTree(aapsCall(jwt, "GET", "/api/v3/treatments?date$gt=" + clock.millis(), null)
                .body()).path("result");
        assertThat(none).isEmpty();

        HttpResponse<String> history = aapsCall(jwt, "GET", "/api/v3/treatments/history/0", null);
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(json.readTree(history.body()).path("result")).extracting(t -> t.path("identifier").asText())
                .containsExactly(id);
        assertThat(etag(history)).isEqualTo(modified);
        assertThat(aapsCall(jwt, "GET", "/api/v3/treatments/history/" + etag(history), null).statusCode())
                .as("nothing newer than what the client has").isEqualTo(304);
    }

    @Test
    void importedCheckinsPageWholeAndTreatmentMirrorsAreNotServedTwice() throws Exception {
        String wearer = app.newUserToken("aaps-import@example.org", Scope.NIGHTSCOUT, Scope.LOGBOOK,
                Scope.READINGS_WRITE);
        String jwt = jwt(create(wearer, "AAPS phone", "readwrite"));
        // a Meal Bolus through v3: two check-ins (meal, insulin) linked to the treatment, served as the treatment
        long at = clock.instant().minus(3, ChronoUnit.HOURS).toEpochMilli();
        HttpResponse<String> posted = aapsCall(jwt, "POST", "/api/v3/treatments", "{\"date\":" + at
                + ",\"app\":\"AAPS\",\"eventType\":\"Meal Bolus\",\"carbs\":40,\"insulin\":4,\"identifier\":\"aaps-meal-1\"}");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
        // three meals imported from a file: logged together, in one millisecond
        StringBuilder file = new StringBuilder("[");
        for (int k = 1; k <= 3; k++) {
            file.append(k > 1 ? "," : "").append("{\"eventType\":\"Carb Correction\",\"carbs\":").append(10 * k)
                    .append(",\"created_at\":\"").append(clock.instant().minus(k, ChronoUnit.HOURS).minusSeconds(600))
                    .append("\"}");
        }
        HttpResponse<String> preview = org.mqcgm.server.testing.Multipart.upload(app.url(), "/api/v1/imports",
                "treatments.json", "application/json", file.append("]").toString().getBytes(
                        java.nio.charset.StandardCharsets.UTF_8), "Authorization", "Bearer " + wearer);
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(201);
        HttpResponse<String> committed = new Http(app.url()).postJson("/api/v1/imports/"
                + json.readTree(preview.body()).path("id").asText() + "/commit", "", "Authorization", "Bearer " + wearer);
        assertThat(json.readTree(committed.body()).path("checkinsStored").asInt()).isEqualTo(3);

        // search: the treatment once, the three meals once each (the treatment's own check-ins are not extra)
        JsonNode found = json.readTree(aapsCall(jwt, "GET", "/api/v3/treatments?limit=3", null).body())
                .path("result");
        assertThat(found).hasSize(3);
        JsonNode all = json.readTree(aapsCall(jwt, "GET", "/api/v3/treatments?limit=100", null).body())
                .path("result");
        assertThat(all).extracting(t -> t.path("carbs").asInt()).containsExactlyInAnyOrder(40, 10, 20, 30);

        // history with a limit below the imported group: the page takes the whole millisecond, so nothing is lost
        HttpResponse<String> first = aapsCall(jwt, "GET", "/api/v3/treatments/history/0?limit=2", null);
        JsonNode page = json.readTree(first.body()).path("result");
        assertThat(page.size()).isGreaterThanOrEqualTo(2);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        page.forEach(t -> seen.add(t.path("carbs").asInt()));
        HttpResponse<String> next = aapsCall(jwt, "GET", "/api/v3/treatments/history/" + etag(first) + "?limit=2",
                null);
        if (next.statusCode() == 200) {
            json.readTree(next.body()).path("result").forEach(t -> seen.add(t.path("carbs").asInt()));
            next = aapsCall(jwt, "GET", "/api/v3/treatments/history/" + etag(next) + "?limit=2", null);
        }
        assertThat(seen).containsExactlyInAnyOrder(40, 10, 20, 30);
        assertThat(next.statusCode()).isEqualTo(304);

        // a check-in served as a treatment is read, changed and deleted through its identifier, in the logbook
        String meal = all.findParents("carbs").stream().filter(t -> t.path("carbs").asInt() == 20).findFirst()
                .orElseThrow().path("identifier").asText();
        assertThat(aapsCall(jwt, "GET", "/api/v3/treatments/" + meal, null).statusCode()).isEqualTo(200);
        HttpResponse<String> patched = aapsCall(jwt, "PATCH", "/api/v3/treatments/" + meal, "{\"carbs\":25}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        HttpResponse<String> logged = new Http(app.url()).get("/api/v1/checkins/" + meal, "Authorization",
                "Bearer " + wearer);
        assertThat(json.readTree(logged.body()).path("carbs").asInt()).isEqualTo(25);
        // a PATCH of the v3 date alone moves the check-in (the date is v3's time; the old created_at is not kept)
        long movedTo = java.time.OffsetDateTime.parse(json.readTree(logged.body()).path("time").asText()).toInstant().minusSeconds(1800)
                .toEpochMilli();
        HttpResponse<String> moved = aapsCall(jwt, "PATCH", "/api/v3/treatments/" + meal,
                "{\"date\":" + movedTo + "}");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        JsonNode movedCheckin = json.readTree(new Http(app.url()).get("/api/v1/checkins/" + meal, "Authorization",
                "Bearer " + wearer).body());
        assertThat(java.time.OffsetDateTime.parse(movedCheckin.path("time").asText()).toInstant().toEpochMilli()).isEqualTo(movedTo);
        assertThat(movedCheckin.path("carbs").asInt()).isEqualTo(25);
        HttpResponse<String> notAMeal = aapsCall(jwt, "PUT", "/api/v3/treatments/" + meal,
                "{\"date\":" + at + ",\"eventType\":\"Temp Basal\",\"duration\":30}");
        assertThat(notAMeal.statusCode()).isEqualTo(400);
        assertThat(aapsCall(jwt, "DELETE", "/api/v3/treatments/" + meal, null).statusCode()).isEqualTo(200);
        assertThat(new Http(app.url()).get("/api/v1/checkins/" + meal, "Authorization", "Bearer " + wearer)
                .statusCode()).isEqualTo(404);
        assertThat(aapsCall(jwt, "GET", "/api/v3/treatments/" + meal, null).statusCode()).isEqualTo(404);
    }
}
