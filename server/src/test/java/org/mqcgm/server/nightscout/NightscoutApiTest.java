package org.mqcgm.server.nightscout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * The Nightscout API as xDrip+, Loop, LoopFollow and AAPS call it (nightscout-api.md §1): credentials, the ways to
 * authenticate, entries in and out of our readings store, status and verifyauth.
 */
class NightscoutApiTest {

    static final MutableClock clock = new MutableClock(Instant.parse("2026-03-14T12:00:00Z"));

    @RegisterExtension
    static final TestApp app = TestApp.perClass(clock);

    static final ObjectMapper json = new ObjectMapper();
    static final String UNAUTHORIZED = "{\"status\":401,\"message\":\"Unauthorized\",\"description\":\"Invalid/Missing\"}";
    static final HttpClient client = HttpClient.newHttpClient();

    static String ownerToken;
    static JsonNode writer;
    static JsonNode reader;

    @BeforeAll
    static void credentials() throws Exception {
        ownerToken = app.newUserToken("wearer@example.org", Scope.NIGHTSCOUT, Scope.READINGS_READ);
        writer = create(ownerToken, "xDrip+ phone", "readwrite");
        reader = create(ownerToken, "Mum's LoopFollow", "read");
    }

    static JsonNode create(String bearer, String name, String access) throws Exception {
        return NsClients.create(app.url(), bearer, name, access);
    }

    static String sha1(JsonNode credential) {
        return NsClients.sha1(credential);
    }

    static HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        return NsClients.call(app.url(), method, path, body, headers);
    }

    static String local(Instant t) {
        // xDrip+'s dateString: local time with a +0100 style offset and milliseconds
        return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").format(t.atOffset(ZoneOffset.ofHours(1)));
    }

    static String xdripEntry(Instant t, int sgv, String direction) {
        return "{\"device\":\"xDrip-DexcomG6\",\"date\":" + t.toEpochMilli() + ",\"dateString\":\"" + local(t)
                + "\",\"sgv\":" + sgv + ",\"delta\":-1.523,\"direction\":\"" + direction + "\",\"type\":\"sgv\","
                + "\"filtered\":123000,\"unfiltered\":124000,\"rssi\":100,\"noise\":1,\"sysTime\":\"" + local(t)
                + "\"}";
    }

    @Test
    void anXdripUploadLandsInOurReadingsAndFollowersReadItBack() throws Exception {
        Instant t0 = clock.instant().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        String batch = "[" + xdripEntry(t0, 120, "Flat") + "," + xdripEntry(t0.plusSeconds(300), 126, "FortyFiveUp")
                + "," + xdripEntry(t0.plusSeconds(600), 39, "NOT COMPUTABLE") + ","
                + "{\"device\":\"xDrip-DexcomG6\",\"type\":\"mbg\",\"date\":" + t0.minusSeconds(60).toEpochMilli()
                + ",\"mbg\":118}"
                + "," + xdripEntry(t0.plusSeconds(300), 126, "FortyFiveUp") + "]";
        // xDrip+ sends the SHA-1 of the secret, in whatever case
        HttpResponse<String> up = call("POST", "/api/v1/entries", batch, "api-secret", sha1(writer).toUpperCase());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        JsonNode echo = json.readTree(up.body());
        assertThat(echo).hasSize(5);
        echo.forEach(e -> assertThat(e.path("_id").asText()).matches("[0-9a-f]{24}"));
        assertThat(echo.get(1).path("_id").asText()).isEqualTo(echo.get(4).path("_id").asText());
        assertThat(echo.get(0).path("dateString").asText()).endsWith("Z");
        assertThat(echo.get(0).path("utcOffset").asInt()).isEqualTo(60);

        // The same store as every other upload: the native API sees the readings.
        String readings = new Http(app.url()).get("/api/v1/readings?from=" + t0.minusSeconds(1) + "&to="
                + clock.instant(), "Authorization", "Bearer " + ownerToken).body();
        JsonNode native_ = json.readTree(readings);
        assertThat(native_).hasSize(3);

        // A follower with a read-only credential and its token in the query (LoopFollow, Nightguard).
        HttpResponse<String> list = call("GET", "/api/v1/entries.json?count=10&token="
                + reader.path("token").asText(), null);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode entries = json.readTree(list.body());
        assertThat(entries).hasSize(4);
        assertThat(entries.get(3).path("type").asText()).isEqualTo("mbg");
        assertThat(entries.get(3).path("mbg").asInt()).isEqualTo(118);
        assertThat(entries.get(0).path("sgv").isInt()).isTrue();
        assertThat(entries.get(0).path("sgv").asInt()).isEqualTo(39);
        assertThat(entries.get(1).path("sgv").asInt()).isEqualTo(126);
        assertThat(entries.get(1).path("direction").asText()).isEqualTo("FortyFiveUp");
        assertThat(entries.get(1).path("date").asLong()).isEqualTo(t0.plusSeconds(300).toEpochMilli());
        assertThat(entries.get(1).path("utcOffset").asInt()).isEqualTo(60);
        assertThat(entries.get(2).path("direction").asText()).isEqualTo("Flat");
        assertThat(entries.get(2).path("noise").asInt()).isEqualTo(1);
        assertThat(list.headers().firstValue("Last-Modified")).isPresent();
        assertThat(list.headers().firstValue("Content-Type")).contains("application/json");

        // xDrip+'s follower polls with find[date][$gt]
        JsonNode since = json.readTree(call("GET", "/api/v1/entries.json?count=2880&find[date][$gt]="
                + t0.toEpochMilli() + "&rr=1", null, "api-secret", sha1(reader)).body());
        assertThat(since).extracting(e -> e.path("sgv").asInt()).containsExactly(39, 126);
        // Loop's string range on dateString
        JsonNode loop = json.readTree(call("GET", "/api/v1/entries?find[dateString][$gte]="
                + t0.plusSeconds(1) + "&find[dateString][$lte]=" + clock.instant(), null,
                "api-secret", sha1(reader)).body());
        assertThat(loop).extracting(e -> e.path("sgv").asInt()).containsExactly(39, 126);

        JsonNode current = json.readTree(call("GET", "/api/v1/entries/current.json", null, "api-secret",
                sha1(reader)).body());
        assertThat(current).hasSize(1);
        assertThat(current.get(0).path("sgv").asInt()).isEqualTo(39);

        HttpResponse<String> csv = call("GET", "/api/v1/entries.csv?count=2", null, "api-secret", sha1(reader));
        assertThat(csv.body().lines().toList()).hasSize(2);
        assertThat(csv.body().lines().findFirst().orElseThrow()).contains("," + t0.plusSeconds(600).toEpochMilli()
                + ",39,");

        // If-Modified-Since at the newest entry: nothing new
        HttpResponse<String> again = call("GET", "/api/v1/entries.json", null, "api-secret", sha1(reader),
                "If-Modified-Since", list.headers().firstValue("Last-Modified").orElseThrow());
        assertThat(again.statusCode()).isEqualTo(304);
    }

    @Test
    void badEntriesAreRefusedWholeWithoutAStackTraceAndAnEmptyArrayIsEchoed() throws Exception {
        String secret = sha1(writer);
        Instant t = clock.instant().minus(2, ChronoUnit.HOURS);
        HttpResponse<String> abc = call("POST", "/api/v1/entries.json", "[" + xdripEntry(t, 100, "Flat") + ","
                + "{\"type\":\"sgv\",\"sgv\":\"abc\",\"date\":" + t.toEpochMilli() + "}]", "api-secret", secret);
        assertThat(abc.statusCode()).isEqualTo(400);
        assertThat(json.readTree(abc.body()).path("description").asText()).contains("entries[1].sgv");
        assertThat(abc.body()).doesNotContain("at org.");
        HttpResponse<String> none = call("GET", "/api/v1/entries.json?find[date][$gte]=" + t.minusSeconds(1)
                .toEpochMilli() + "&find[date][$lte]=" + t.plusSeconds(1).toEpochMilli(), null, "api-secret", secret);
        assertThat(json.readTree(none.body())).isEmpty();

        HttpResponse<String> empty = call("POST", "/api/v1/entries", "[]", "api-secret", secret);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).isEqualTo("[]");
        assertThat(call("POST", "/api/v1/entries", "{not json", "api-secret", secret).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/v1/entries.json?find[date][$where]=1", null, "api-secret", secret)
                .statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/v1/entries.json?count=100000000", null, "api-secret", secret)
                .statusCode()).isEqualTo(400);
    }

    @Test
    void gzippedBodiesAreAccepted() throws Exception {
        Instant t = clock.instant().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(("[" + xdripEntry(t, 143, "Flat") + "]").getBytes(StandardCharsets.UTF_8));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/entries"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray()))
                // what xDrip+'s OkHttp sends: the JSON type with its charset, the body gzip-compressed
                .header("Content-Type", "application/json; charset=utf-8").header("Content-Encoding", "gzip")
                .header("api-secret", sha1(writer)).build();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode back = json.readTree(call("GET", "/api/v1/entries/" + NsEntries.id(t), null, "api-secret",
                sha1(reader)).body());
        assertThat(back).hasSize(1);
        assertThat(back.get(0).path("sgv").asInt()).isEqualTo(143);
    }

    /** Posts {@code body} to {@code path} with exactly this {@code Content-Type} (none when null). */
    static HttpResponse<String> postTyped(JsonNode credential, String path, String contentType, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.url() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("api-secret", sha1(credential));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bodiesMustBeDeclaredAsTheJsonClientsSendAndAnythingElseIs415() throws Exception {
        // a wearer of its own, so that the accepted uploads stay out of the other tests' lists
        JsonNode writer = create(app.newUserToken("typed.wearer@example.org", Scope.NIGHTSCOUT), "xDrip+", "readwrite");
        Instant t = clock.instant().minus(5, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String entry = "[" + xdripEntry(t, 150, "Flat") + "]";
        // ASVS V13.1.5 / V13.2.5: XML, a form, plain text or no type at all is refused before the body is read
        for (String type : new String[] {"text/xml", "application/x-www-form-urlencoded", "text/plain", null,
                "application/json; charset=iso-8859-1", "text/json"}) {
            HttpResponse<String> r = postTyped(writer, "/api/v1/entries", type, entry);
            assertThat(r.statusCode()).as("%s: %s", type, r.body()).isEqualTo(415);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("application/problem+json"));
            JsonNode problem = json.readTree(r.body());
            assertThat(problem.path("errors").get(0).path("field").asText()).isEqualTo("Content-Type");
            assertThat(problem.path("errors").get(0).path("rule").asText()).isEqualTo("content-type");
            assertThat(problem.path("message").asText()).isEqualTo("Unsupported Media Type");
        }
        assertThat(postTyped(writer, "/api/v1/treatments", "application/x-www-form-urlencoded",
                "eventType=Note&notes=x").statusCode()).isEqualTo(415);
        assertThat(postTyped(writer, "/api/v1/devicestatus", "text/plain", "{\"device\":\"xDrip\"}").statusCode())
                .isEqualTo(415);
        // nothing of the refused uploads was stored
        assertThat(json.readTree(call("GET", "/api/v1/entries/" + NsEntries.id(t), null, "api-secret",
                sha1(writer)).body())).isEmpty();
        // the forms the clients send: Loop and Trio "application/json", xDrip+ and AAPS with "charset=utf-8"
        assertThat(postTyped(writer, "/api/v1/entries", "application/json", entry).statusCode()).isEqualTo(200);
        assertThat(postTyped(writer, "/api/v1/entries", "application/json;charset=UTF-8", entry).statusCode())
                .isEqualTo(200);
    }

    @Test
    void credentialsAuthenticateOnlyAsNightscoutDoesAndRevocationIsImmediate() throws Exception {
        JsonNode loop = create(ownerToken, "Loop", "readwrite");
        String secret = loop.path("secret").asText();
        String site = loop.path("url").asText().replaceAll(".*/ns/([a-z2-7]+)/$", "$1");
        assertThat(site).matches("[a-z2-7]{12}");
        // SHA-512 hex too; the plain secret never
        assertThat(call("GET", "/api/v1/experiments/test", null, "api-secret", NsCredentials.hex("SHA-512", secret))
                .body()).isEqualTo("{\"status\":\"ok\"}");
        HttpResponse<String> plain = call("GET", "/api/v1/status.json", null, "api-secret", secret);
        assertThat(plain.statusCode()).isEqualTo(401);
        assertThat(plain.body()).isEqualTo(UNAUTHORIZED);
        assertThat(call("GET", "/api/v1/status.json", null).body()).isEqualTo(UNAUTHORIZED);
        // a read-only credential cannot write, nor run the admin check
        assertThat(call("POST", "/api/v1/entries", "[]", "api-secret", sha1(reader)).body()).isEqualTo(UNAUTHORIZED);
        assertThat(call("GET", "/api/v1/experiments/test", null, "api-secret", sha1(reader)).statusCode())
                .isEqualTo(401);
        // under its own site, and not another credential's
        assertThat(call("GET", "/ns/" + site + "/api/v1/status.json", null, "api-secret", sha1(loop))
                .statusCode()).isEqualTo(200);
        assertThat(call("GET", "/ns/" + site + "/api/v1/status.json", null, "api-secret", sha1(reader))
                .body()).isEqualTo(UNAUTHORIZED);

        // verifyauth is always 200
        JsonNode ok = json.readTree(call("GET", "/api/v1/verifyauth", null, "api-secret", sha1(loop)).body());
        assertThat(ok.path("message").path("message").asText()).isEqualTo("OK");
        HttpResponse<String> bad = call("GET", "/api/v1/verifyauth", null, "api-secret", "0".repeat(40));
        assertThat(bad.statusCode()).isEqualTo(200);
        assertThat(json.readTree(bad.body()).path("message").path("message").asText()).isEqualTo("UNAUTHORIZED");

        // AAPS v3: role token → JWT → Bearer; LoopFollow: status.json?token= carries it as "authorized"
        String token = loop.path("token").asText();
        assertThat(token).matches("loop-[0-9a-f]{32}");
        JsonNode jwt = json.readTree(call("GET", "/api/v2/authorization/request/" + token, null).body());
        assertThat(jwt.path("exp").asLong() - jwt.path("iat").asLong()).isEqualTo(8 * 3600);
        assertThat(jwt.path("permissionGroups").toString()).isEqualTo("[[\"*\"]]");
        String bearer = "Bearer " + jwt.path("token").asText();
        assertThat(call("GET", "/api/v1/entries.json", null, "Authorization", bearer).statusCode()).isEqualTo(200);
        JsonNode status = json.readTree(call("GET", "/api/v1/status.json?token=" + token, null).body());
        assertThat(status.path("authorized").path("token").asText()).isNotBlank();
        assertThat(status.path("version").asText()).startsWith("15.");
        assertThat(status.path("settings").path("units").asText()).isEqualTo("mg/dl");
        assertThat(call("GET", "/api/v2/authorization/request/loop-00000000000000000000000000000000", null)
                .body()).isEqualTo(UNAUTHORIZED);

        // revoked: the secret, the token and the JWT stop at once
        HttpResponse<String> revoke = new Http(app.url()).send("DELETE", "/api/v1/nightscout/credentials/"
                + loop.path("id").asText(), "", "Authorization", "Bearer " + ownerToken);
        assertThat(revoke.statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/v1/status.json", null, "api-secret", sha1(loop)).body()).isEqualTo(UNAUTHORIZED);
        assertThat(call("GET", "/api/v1/entries.json?token=" + token, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/entries.json", null, "Authorization", bearer).statusCode()).isEqualTo(401);
        JsonNode listed = json.readTree(new Http(app.url()).get("/api/v1/nightscout/credentials",
                "Authorization", "Bearer " + ownerToken).body());
        assertThat(listed.toString()).doesNotContain(secret).doesNotContain(token);
        assertThat(listed.path("credentials")).anySatisfy(c -> {
            assertThat(c.path("name").asText()).isEqualTo("Loop");
            assertThat(c.path("revokedAt").isNull()).isFalse();
        });
    }

    @Test
    void oneWearersCredentialNeverReadsAnothersData() throws Exception {
        String otherToken = app.newUserToken("other@example.org", Scope.NIGHTSCOUT);
        JsonNode other = create(otherToken, "xDrip+", "readwrite");
        Instant t = clock.instant().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        assertThat(call("POST", "/api/v1/entries", "[" + xdripEntry(t, 222, "Flat") + "]", "api-secret",
                sha1(other)).statusCode()).isEqualTo(200);
        JsonNode mine = json.readTree(call("GET", "/api/v1/entries.json?count=100", null, "api-secret",
                sha1(reader)).body());
        assertThat(mine).noneSatisfy(e -> assertThat(e.path("sgv").asInt()).isEqualTo(222));
        JsonNode theirs = json.readTree(call("GET", "/api/v1/entries.json?count=100", null, "api-secret",
                sha1(other)).body());
        assertThat(theirs).extracting(e -> e.path("sgv").asInt()).containsExactly(222);
        // the other wearer cannot revoke the owner's credential either
        assertThat(new Http(app.url()).send("DELETE", "/api/v1/nightscout/credentials/" + writer.path("id").asText(),
                "", "Authorization", "Bearer " + otherToken).statusCode()).isEqualTo(404);
    }

    @Test
    void withoutTheWearersHealthDataConsentNothingIsServed() throws Exception {
        UUID id = app.newUser("withdrawn@example.org");
        String token = app.app().apiTokens().create(id, "t", java.util.EnumSet.of(Scope.NIGHTSCOUT));
        JsonNode c = create(token, "xDrip+", "readwrite");
        app.app().consents().record(id, org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA, false,
                "test");
        HttpResponse<String> r = call("GET", "/api/v1/entries.json", null, "api-secret", sha1(c));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json.readTree(r.body()).path("status").asInt()).isEqualTo(403);
    }

    @Test
    void treatmentsDevicestatusAndProfilesAsXdripLoopAndFollowersUseThem() throws Exception {
        String w = sha1(writer);
        String r = sha1(reader);
        Instant now = clock.instant();
        // xDrip+ upserts every treatment with PUT and a 24-hex _id derived from its uuid
        String xdrip = "{\"_id\":\"5b8f1c2e3a4d5e6f7a8b9c0d\",\"timestamp\":" + now.minusSeconds(600).toEpochMilli()
                + ",\"eventType\":\"<none>\",\"enteredBy\":\"xdrip\",\"notes\":\"pizza\",\"uuid\":"
                + "\"5b8f1c2e-3a4d-5e6f-7a8b-9c0d11223344\",\"carbs\":45,\"insulin\":0,\"created_at\":\""
                + now.minusSeconds(600) + "\"}";
        assertThat(call("PUT", "/api/v1/treatments", xdrip, "api-secret", w).statusCode()).isEqualTo(200);
        HttpResponse<String> again = call("PUT", "/api/v1/treatments", xdrip.replace("\"carbs\":45", "\"carbs\":50"),
                "api-secret", w);
        assertThat(json.readTree(again.body()).path("carbs").asInt()).isEqualTo(50);
        // Loop posts arrays and counts the echo
        String loop = "[{\"eventType\":\"Correction Bolus\",\"created_at\":\"" + now.minusSeconds(300)
                .truncatedTo(ChronoUnit.SECONDS) + "\",\"timestamp\":\"" + now.minusSeconds(300)
                .truncatedTo(ChronoUnit.SECONDS) + "\",\"enteredBy\":\"loop://iPhone\",\"insulin\":1.5,"
                + "\"syncIdentifier\":\"abc-1\",\"automatic\":true},{\"eventType\":\"Temp Basal\",\"created_at\":\""
                + now.minusSeconds(200).truncatedTo(ChronoUnit.SECONDS) + "\",\"enteredBy\":\"loop://iPhone\","
                + "\"rate\":0.5,\"absolute\":0.5,\"duration\":30}]";
        HttpResponse<String> posted = call("POST", "/api/v1/treatments.json", loop, "api-secret", w);
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(json.readTree(posted.body())).hasSize(2).allSatisfy(t -> assertThat(t.path("_id").asText())
                .matches("[0-9a-f]{24}"));
        assertThat(call("POST", "/api/v1/treatments", "[{\"eventType\":\"Note\",\"created_at\":\"yesterday\"}]",
                "api-secret", w).statusCode()).isEqualTo(422);

        HttpResponse<String> list = call("GET", "/api/v1/treatments", null, "api-secret", r);
        JsonNode treatments = json.readTree(list.body());
        assertThat(treatments).extracting(t -> t.path("eventType").asText())
                .containsExactly("Temp Basal", "Correction Bolus", "<none>");
        assertThat(treatments.get(1).path("syncIdentifier").asText()).isEqualTo("abc-1");
        assertThat(treatments.get(2).has("insulin")).isTrue();
        assertThat(treatments.get(0).has("carbs")).as("no carbs:null injected").isFalse();
        String lastModified = list.headers().firstValue("Last-Modified").orElseThrow();
        assertThat(call("GET", "/api/v1/treatments", null, "api-secret", r, "If-Modified-Since", lastModified)
                .statusCode()).isEqualTo(304);
        // an old treatment is still found by its uuid (Nightscout's four-day window would miss it)
        clock.advance(java.time.Duration.ofDays(6));
        JsonNode byUuid = json.readTree(call("GET", "/api/v1/treatments.json?find[uuid]="
                + "5b8f1c2e-3a4d-5e6f-7a8b-9c0d11223344", null, "api-secret", r).body());
        assertThat(byUuid).hasSize(1);
        assertThat(call("DELETE", "/api/v1/treatments/" + byUuid.get(0).path("_id").asText(), null, "api-secret", w)
                .statusCode()).isEqualTo(200);
        assertThat(json.readTree(call("GET", "/api/v1/treatments.json?find[uuid]="
                + "5b8f1c2e-3a4d-5e6f-7a8b-9c0d11223344", null, "api-secret", r).body())).isEmpty();

        // xDrip+ posts a battery object without created_at; followers read the newest
        assertThat(call("POST", "/api/v1/devicestatus", "{\"device\":\"Pixel\",\"uploader\":{\"battery\":77}}",
                "api-secret", w).statusCode()).isEqualTo(200);
        JsonNode status = json.readTree(call("GET", "/api/v1/devicestatus.json?count=1", null, "api-secret", r)
                .body());
        assertThat(status.get(0).path("uploader").path("battery").asInt()).isEqualTo(77);
        assertThat(status.get(0).path("created_at").asText()).isNotBlank();
        assertThat(call("POST", "/api/v1/devicestatus", "{\"_id\":\"nope\",\"device\":\"x\"}", "api-secret", w)
                .statusCode()).isEqualTo(400);

        // a profile, and the current one
        assertThat(call("POST", "/api/v1/profile", "{\"defaultProfile\":\"Default\",\"startDate\":\""
                + clock.instant() + "\",\"units\":\"mg/dl\",\"store\":{\"Default\":{\"dia\":5,\"basal\":"
                + "[{\"time\":\"00:00\",\"timeAsSeconds\":0,\"value\":0.8}]}}}", "api-secret", w).statusCode())
                .isEqualTo(200);
        JsonNode current = json.readTree(call("GET", "/api/v1/profile/current", null, "api-secret", r).body());
        assertThat(current.path("store").path("Default").path("dia").asInt()).isEqualTo(5);
        assertThat(json.readTree(call("GET", "/api/v1/profiles.json?count=1", null, "api-secret", r).body()))
                .hasSize(1);
    }

    @Test
    void treatmentsAndTheLogbookAreOneRecord() throws Exception {
        String token = app.newUserToken("logbook@example.org");
        String w = sha1(create(token, "Loop", "readwrite"));
        Http api = new Http(app.url());
        String bearer = "Bearer " + token;
        Instant t = clock.instant().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        // Loop's meal bolus: carbs and insulin become a meal and an insulin entry, the note on the first
        HttpResponse<String> posted = call("POST", "/api/v1/treatments", "[{\"eventType\":\"Meal Bolus\","
                + "\"created_at\":\"" + t + "\",\"carbs\":30,\"insulin\":2.5,\"notes\":\"pasta\","
                + "\"enteredBy\":\"loop://iPhone\",\"syncIdentifier\":\"s-1\"},{\"eventType\":\"Temp Basal\","
                + "\"created_at\":\"" + t.plusSeconds(60) + "\",\"rate\":0.4,\"duration\":30}]", "api-secret", w);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        String mealBolus = json.readTree(posted.body()).get(0).path("_id").asText();
        JsonNode checkins = json.readTree(api.get("/api/v1/checkins", "Authorization", bearer).body());
        assertThat(checkins).extracting(c -> c.path("kind").asText()).containsExactlyInAnyOrder("meal", "insulin");
        assertThat(checkins).anySatisfy(c -> {
            assertThat(c.path("kind").asText()).isEqualTo("meal");
            assertThat(c.path("carbs").asInt()).isEqualTo(30);
            assertThat(c.path("note").asText()).isEqualTo("pasta");
        });
        // the same treatment again (Loop retries) replaces, never doubles
        call("PUT", "/api/v1/treatments", "{\"_id\":\"" + mealBolus + "\",\"eventType\":\"Meal Bolus\","
                + "\"created_at\":\"" + t + "\",\"carbs\":35,\"insulin\":2.5}", "api-secret", w);
        checkins = json.readTree(api.get("/api/v1/checkins", "Authorization", bearer).body());
        assertThat(checkins).hasSize(2);
        assertThat(checkins).anySatisfy(c -> assertThat(c.path("carbs").asInt()).isEqualTo(35));

        // a fingerstick logged in mqcgm is a BG Check for the Nightscout clients
        HttpResponse<String> logged = api.postJson("/api/v1/checkins", "{\"time\":\"" + t.plusSeconds(600)
                + "\",\"kind\":\"fingerstick\",\"value\":5.5,\"unit\":\"mmol/L\"}", "Authorization", bearer);
        assertThat(logged.statusCode()).as(logged.body()).isEqualTo(201);
        JsonNode treatments = json.readTree(call("GET", "/api/v1/treatments", null, "api-secret", w).body());
        assertThat(treatments).extracting(x -> x.path("eventType").asText())
                .containsExactly("BG Check", "Temp Basal", "Meal Bolus");
        assertThat(treatments.get(0).path("glucose").decimalValue()).isEqualByComparingTo("5.5");
        assertThat(treatments.get(0).path("units").asText()).isEqualTo("mmol");
        assertThat(treatments.get(0).path("enteredBy").asText()).isEqualTo("mqcgm via Nightscout");

        // edits in the logbook are what the treatment says; deleting every check-in of it deletes it
        String meal = null;
        for (JsonNode c : checkins) {
            if (c.path("kind").asText().equals("meal")) {
                meal = c.path("id").asText();
            }
        }
        assertThat(api.send("PATCH", "/api/v1/checkins/" + meal, "{\"carbs\":40}", "Authorization", bearer,
                "Content-Type", "application/merge-patch+json").statusCode()).isEqualTo(200);
        treatments = json.readTree(call("GET", "/api/v1/treatments", null, "api-secret", w).body());
        assertThat(treatments.get(2).path("carbs").asInt()).isEqualTo(40);

        // deleting the treatment deletes its check-ins; deleting a check-in's treatment deletes the check-in
        assertThat(call("DELETE", "/api/v1/treatments/" + mealBolus, null, "api-secret", w).statusCode())
                .isEqualTo(200);
        assertThat(call("DELETE", "/api/v1/treatments/" + treatments.get(0).path("_id").asText(), null,
                "api-secret", w).statusCode()).isEqualTo(200);
        assertThat(json.readTree(api.get("/api/v1/checkins", "Authorization", bearer).body())).isEmpty();
        assertThat(json.readTree(call("GET", "/api/v1/treatments", null, "api-secret", w).body()))
                .extracting(x -> x.path("eventType").asText()).containsExactly("Temp Basal");
    }

    @Test
    void myDataListsAndExportsTheClientsAndDocumentsButNoSecret() throws Exception {
        UUID me = app.newUser("export@example.org");
        String token = app.app().apiTokens().create(me, "all", java.util.EnumSet.allOf(Scope.class));
        JsonNode c = create(token, "Trio", "readwrite");
        assertThat(call("POST", "/api/v1/devicestatus", "{\"device\":\"Trio\",\"uploader\":{\"battery\":55}}",
                "api-secret", sha1(c)).statusCode()).isEqualTo(200);
        String data = new Http(app.url()).get("/api/v1/me/data", "Authorization", "Bearer " + token).body();
        assertThat(data).contains("nightscout-clients", "nightscout-documents");
        java.util.Map<String, ByteArrayOutputStream> files = new java.util.LinkedHashMap<>();
        for (var part : app.app().feature(NightscoutFeature.class).personalData()) {
            part.export(me, (name, description) -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                files.put(name, out);
                return out;
            });
        }
        String exported = files.get("nightscout.json").toString(StandardCharsets.UTF_8);
        JsonNode tree = json.readTree(exported);
        assertThat(tree.path("clients").get(0).path("name").asText()).isEqualTo("Trio");
        assertThat(tree.path("documents").path("devicestatus").get(0).path("uploader").path("battery").asInt())
                .isEqualTo(55);
        assertThat(exported).doesNotContain(c.path("secret").asText()).doesNotContain(c.path("token").asText());
    }
}
