package org.mqcgm.server.logbook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/** The logbook API over real HTTP: each kind, validation per field, merge patch, deletion, privacy at rest. */
class LogbookApiTest {

    static final Instant NOW = Instant.parse("2026-11-10T12:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(new MutableClock(NOW));

    @RegisterExtension
    static final org.mqcgm.testkit.LogCapture log = new org.mqcgm.testkit.LogCapture();

    static Http http;
    static UUID ownerId;
    static String owner;
    static String stranger;

    @BeforeAll
    static void start() {
        http = new Http(app.url());
        ownerId = app.newUser("logbook-owner@example.org");
        owner = app.app().apiTokens().create(ownerId, "all", EnumSet.allOf(Scope.class));
        stranger = app.newUserToken("logbook-stranger@example.org");
    }

    static HttpResponse<String> call(String token, String method, String path, String body) {
        return body == null ? http.send(method, path, null, "Authorization", "Bearer " + token)
                : http.send(method, path, body, "Authorization", "Bearer " + token, "Content-Type",
                method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static JsonNode create(String body) {
        HttpResponse<String> r = call(owner, "POST", "/api/v1/checkins", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r);
    }

    static long rows() {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from logbook_checkin where owner_id = :o")
                .bind("o", ownerId).mapTo(Long.class).one());
    }

    @Test
    void everyKindIsLoggedWithTheWearersOffsetAndReadBack() {
        JsonNode meal = create("""
                {"time":"2026-11-10T19:30:00+08:00","kind":"meal","carbs":45.0,"note":"noodles 面条"}""");
        assertThat(meal.path("time").asText()).isEqualTo("2026-11-10T19:30+08:00");
        assertThat(meal.path("carbs").toString()).isEqualTo("45");
        assertThat(meal.path("note").asText()).isEqualTo("noodles 面条");
        assertThat(meal.path("photos").isArray()).isTrue();
        assertThat(meal.has("units")).isFalse();
        JsonNode insulin = create("""
                {"time":"2026-11-10T19:35:00+08:00","kind":"insulin","units":4.05,"insulinType":"rapid"}""");
        assertThat(insulin.path("units").decimalValue()).isEqualByComparingTo("4.05");
        JsonNode stick = create("""
                {"time":"2026-11-10T19:40:00+08:00","kind":"fingerstick","value":6.7,"unit":"mmol/L"}""");
        assertThat(stick.path("mgdl").asInt()).isEqualTo(121);
        assertThat(stick.path("unit").asText()).isEqualTo("mmol/L");
        create("""
                {"time":"2026-11-10T08:00:00Z","kind":"exercise","minutes":30,"intensity":"vigorous"}""");
        create("""
                {"time":"2026-11-10T07:00:00Z","kind":"medication","medication":"Metformin","dose":"500 mg"}""");
        create("""
                {"time":"2026-11-10T06:00:00Z","kind":"note","note":"slept badly"}""");

        JsonNode one = json(call(owner, "GET", "/api/v1/checkins/" + meal.path("id").asText(), null));
        assertThat(one.path("note").asText()).isEqualTo("noodles 面条");
        JsonNode list = json(call(owner, "GET", "/api/v1/checkins?from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z",
                null));
        List<String> kinds = new java.util.ArrayList<>();
        list.forEach(n -> kinds.add(n.path("kind").asText()));
        assertThat(kinds).containsExactly("fingerstick", "insulin", "meal", "exercise", "medication", "note");
        JsonNode meals = json(call(owner, "GET", "/api/v1/checkins?from=2026-11-10T00:00:00%2B08:00&kind=meal", null));
        assertThat(meals).hasSize(1);
        assertThat(json(call(owner, "GET", "/api/v1/checkins?from=2026-11-10T00:00:00Z&limit=2", null))).hasSize(2);
    }

    @Test
    void personalValuesAreEncryptedAtRestAndNeverInClearColumns() {
        JsonNode n = create("""
                {"time":"2026-11-09T10:00:00Z","kind":"medication","medication":"Secretamol","dose":"7 drops",
                 "note":"a private remark"}""");
        byte[] row = app.sql().withHandle(h -> h.createQuery(
                "select convert_to(row(c.*)::text, 'UTF8') from logbook_checkin c where id = :id")
                .bind("id", UUID.fromString(n.path("id").asText())).mapTo(byte[].class).one());
        String stored = new String(row, StandardCharsets.UTF_8);
        assertThat(stored).contains("medication").doesNotContain("Secretamol").doesNotContain("7 drops")
                .doesNotContain("private remark");
    }

    @Test
    void badInputIsAProblemPerFieldAndStoresNothing() {
        long before = rows();
        HttpResponse<String> unknown = call(owner, "POST", "/api/v1/checkins", """
                {"time":"2026-11-10T10:00:00Z","kind":"meal","carbs":10,"location":"home"}""");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(unknown.body()).contains("\"field\":\"$.location\"").contains("unknown-field");

        HttpResponse<String> many = call(owner, "POST", "/api/v1/checkins", """
                {"time":"2026-11-10T10:00:00","kind":"insulin","units":2.03,"insulinType":"fast","carbs":5}""");
        assertThat(many.statusCode()).isEqualTo(422);
        JsonNode errors = json(many).path("errors");
        List<String> found = new java.util.ArrayList<>();
        errors.forEach(e -> found.add(e.path("field").asText() + " " + e.path("rule").asText()));
        assertThat(found).containsExactlyInAnyOrder("$.time format", "$.units step", "$.insulinType one-of",
                "$.carbs kind");

        for (String[] c : new String[][] {
            {"{\"time\":\"2026-11-10T12:06:00Z\",\"kind\":\"note\",\"note\":\"x\"}", "$.time", "not-future"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"snack\"}", "$.kind", "one-of"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"meal\",\"carbs\":1001}", "$.carbs", "range"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"meal\",\"carbs\":\"45\"}", "$.carbs", "type"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"insulin\",\"units\":300.05,\"insulinType\":\"long\"}",
                "$.units", "range"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"exercise\",\"minutes\":0}", "$.minutes", "range"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"exercise\",\"minutes\":1.5}", "$.minutes", "type"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"medication\",\"medication\":\"" + "m".repeat(101)
                + "\"}", "$.medication", "length"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"fingerstick\",\"value\":35,\"unit\":\"mmol/L\"}",
                "$.value", "range"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"fingerstick\",\"value\":120,\"unit\":\"mg\"}",
                "$.unit", "one-of"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"note\"}", "$.note", "required"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"note\",\"note\":\"" + "n".repeat(2001) + "\"}",
                "$.note", "length"},
            {"{\"time\":\"2026-11-10T10:00:00Z\",\"kind\":\"meal\",\"photos\":[\"not-an-id\"]}", "$.photos[0]",
                "type"},
            {"{\"time\":\"1800-01-01T00:00:00Z\",\"kind\":\"note\",\"note\":\"x\"}", "$.time", "range"},
        }) {
            HttpResponse<String> r = call(owner, "POST", "/api/v1/checkins", c[0]);
            assertThat(r.statusCode()).as(c[0] + " → " + r.body()).isEqualTo(422);
            assertThat(r.body()).as(c[0]).contains("\"field\":\"" + c[1] + "\"").contains("\"rule\":\"" + c[2] + "\"");
        }
        assertThat(call(owner, "POST", "/api/v1/checkins", "[1]").statusCode()).isEqualTo(400);
        assertThat(call(owner, "POST", "/api/v1/checkins", "{\"time\":").statusCode()).isEqualTo(400);
        assertThat(call(owner, "GET", "/api/v1/checkins?from=yesterday", null).statusCode()).isEqualTo(400);
        assertThat(call(owner, "GET", "/api/v1/checkins?kind=snack", null).statusCode()).isEqualTo(422);
        assertThat(call(owner, "GET", "/api/v1/checkins?limit=501", null).statusCode()).isEqualTo(422);
        assertThat(call(owner, "GET", "/api/v1/checkins/not-a-uuid", null).statusCode()).isEqualTo(404);
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void aPhotoThatIsNotTheOwnersStoresNothing() {
        long before = rows();
        HttpResponse<String> r = call(owner, "POST", "/api/v1/checkins", "{\"time\":\"2026-11-10T10:00:00Z\","
                + "\"kind\":\"meal\",\"carbs\":20,\"photos\":[\"" + UUID.randomUUID() + "\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("\"field\":\"$.photos[0]\"");
        assertThat(rows()).isEqualTo(before);
    }

    static String upload() {
        HttpResponse<String> r = org.mqcgm.server.testing.Multipart.upload(app.url(), "/api/v1/photos", "meal.jpg",
                "image/jpeg", org.mqcgm.server.testing.Multipart.picture("jpg", 16, 12), "Authorization",
                "Bearer " + owner);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).path("id").asText();
    }

    static int photo(String id) {
        return org.mqcgm.server.testing.Multipart.download(app.url(), "/api/v1/photos/" + id, "Authorization",
                "Bearer " + owner).statusCode();
    }

    @Test
    void photosAreAttachedWithTheEntryReplacedByAPatchAndDeletedWithIt() {
        String first = upload();
        String second = upload();
        JsonNode meal = create("{\"time\":\"2026-11-05T12:00:00Z\",\"kind\":\"meal\",\"carbs\":30,"
                + "\"photos\":[\"" + first + "\",\"" + second + "\"]}");
        assertThat(meal.path("photos").toString()).isEqualTo("[\"" + first + "\",\"" + second + "\"]");
        String path = "/api/v1/checkins/" + meal.path("id").asText();
        // A photo already attached to this entry cannot be attached to another one.
        HttpResponse<String> again = call(owner, "POST", "/api/v1/checkins", "{\"time\":\"2026-11-05T13:00:00Z\","
                + "\"kind\":\"note\",\"note\":\"x\",\"photos\":[\"" + first + "\"]}");
        assertThat(again.statusCode()).isEqualTo(422);
        assertThat(again.body()).contains("\"field\":\"$.photos[0]\"");

        HttpResponse<String> patched = call(owner, "PATCH", path, "{\"photos\":[\"" + second + "\"]}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(json(patched).path("photos").toString()).isEqualTo("[\"" + second + "\"]");
        assertThat(photo(first)).as("the photo no longer listed is deleted").isEqualTo(404);
        assertThat(photo(second)).isEqualTo(200);

        HttpResponse<String> foreign = call(owner, "PATCH", path, "{\"photos\":[\"" + second + "\",\""
                + UUID.randomUUID() + "\"]}");
        assertThat(foreign.statusCode()).isEqualTo(422);
        assertThat(foreign.body()).contains("\"field\":\"$.photos[1]\"");
        assertThat(json(call(owner, "GET", path, null)).path("photos")).hasSize(1);
        assertThat(call(owner, "DELETE", path, null).statusCode()).isEqualTo(204);
        assertThat(photo(second)).as("deleted with the entry").isEqualTo(404);
    }

    @Test
    void aMergePatchChangesFieldsRemovesWithNullAndKeepsTheKind() {
        JsonNode meal = create("""
                {"time":"2026-11-08T12:00:00+01:00","kind":"meal","carbs":60,"note":"pizza"}""");
        String path = "/api/v1/checkins/" + meal.path("id").asText();
        HttpResponse<String> r = call(owner, "PATCH", path, "{\"carbs\":55.5,\"note\":null}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("carbs").decimalValue()).isEqualByComparingTo("55.5");
        assertThat(json(r).has("note")).isFalse();
        assertThat(json(r).path("time").asText()).isEqualTo("2026-11-08T12:00+01:00");

        HttpResponse<String> kind = call(owner, "PATCH", path, "{\"kind\":\"insulin\",\"units\":3}");
        assertThat(kind.statusCode()).isEqualTo(422);
        assertThat(kind.body()).contains("\"field\":\"$.kind\"").contains("immutable");
        HttpResponse<String> bad = call(owner, "PATCH", path, "{\"carbs\":-1,\"time\":null}");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("\"field\":\"$.carbs\"").contains("\"field\":\"$.time\"");
        assertThat(call(owner, "PATCH", path, "{\"colour\":\"red\"}").statusCode()).isEqualTo(400);
        JsonNode stored = json(call(owner, "GET", path, null));
        assertThat(stored.path("carbs").decimalValue()).isEqualByComparingTo("55.5");
        assertThat(stored.path("updated").asText()).isNotEqualTo(stored.path("created").asText());
    }

    @Test
    void deletionRemovesTheEntry() {
        JsonNode note = create("{\"time\":\"2026-11-07T12:00:00Z\",\"kind\":\"note\",\"note\":\"gone soon\"}");
        String path = "/api/v1/checkins/" + note.path("id").asText();
        assertThat(call(owner, "DELETE", path, null).statusCode()).isEqualTo(204);
        assertThat(call(owner, "GET", path, null).statusCode()).isEqualTo(404);
        assertThat(call(owner, "DELETE", path, null).statusCode()).isEqualTo(404);
    }

    @Test
    void notesAndNamesNeverReachTheLogs() {
        String secret = "Quokka-Zebra-7731";
        JsonNode n = create("{\"time\":\"2026-11-04T09:00:00Z\",\"kind\":\"medication\",\"medication\":\""
                + secret + "\",\"note\":\"" + secret + "\"}");
        String path = "/api/v1/checkins/" + n.path("id").asText();
        call(owner, "PATCH", path, "{\"note\":\"" + secret + " again\",\"carbs\":1}");
        call(owner, "POST", "/api/v1/checkins", "{\"time\":\"2026-11-04T09:00:00Z\",\"kind\":\"note\",\"note\":\""
                + secret + "x".repeat(2001) + "\"}");
        call(owner, "POST", "/api/v1/checkins", "{\"time\":\"2026-11-04T09:00:00Z\",\"kind\":\"note\",\""
                + secret + "\":1}");
        call(owner, "GET", path, null);
        assertThat(log.events()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getFormattedMessage()).doesNotContain(secret);
            assertThat(e.getMDCPropertyMap().toString()).doesNotContain(secret);
            if (e.getThrowableProxy() != null) {
                assertThat(e.getThrowableProxy().getMessage()).doesNotContain(secret);
            }
        });
    }

    @Test
    void myDataCountsTheEntriesAndTheExportHoldsThemDecrypted() throws Exception {
        UUID me = app.newUser("logbook-rights@example.org");
        String token = app.app().apiTokens().create(me, "all", EnumSet.allOf(Scope.class));
        for (String body : List.of(
                "{\"time\":\"2026-11-01T08:00:00+08:00\",\"kind\":\"meal\",\"carbs\":12.5,\"note\":\"早餐 congee\"}",
                "{\"time\":\"2026-11-01T09:00:00+08:00\",\"kind\":\"fingerstick\",\"value\":5.5,\"unit\":\"mmol/L\"}")) {
            assertThat(call(token, "POST", "/api/v1/checkins", body).statusCode()).isEqualTo(201);
        }
        JsonNode data = json(call(token, "GET", "/api/v1/me/data", null));
        assertThat(data.toString()).contains("\"checkins\"");
        data.findParents("id").stream().filter(n -> n.path("id").asText().equals("checkins"))
                .forEach(n -> assertThat(n.path("count").asLong()).isEqualTo(2));
        assertThat(data.findParents("id").stream().anyMatch(n -> n.path("id").asText().equals("checkins"))).isTrue();

        java.util.Map<String, java.io.ByteArrayOutputStream> files = new java.util.LinkedHashMap<>();
        for (var part : app.app().feature(LogbookFeature.class).personalData()) {
            part.export(me, (name, description) -> {
                assertThat(description).isNotBlank();
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                files.put(name, out);
                return out;
            });
        }
        assertThat(files).containsOnlyKeys("logbook.json");
        JsonNode exported = JSON.readTree(files.get("logbook.json").toByteArray());
        assertThat(exported).hasSize(2);
        assertThat(exported.get(0).path("note").asText()).isEqualTo("早餐 congee");
        assertThat(exported.get(0).path("time").asText()).isEqualTo("2026-11-01T08:00+08:00");
        assertThat(exported.get(1).path("mgdl").asInt()).isEqualTo(99);
    }

    @Test
    @Tag("PR-24")
    void aNewCheckinIsVisibleOnlyToItsOwner() {
        JsonNode note = create("{\"time\":\"2026-11-06T12:00:00Z\",\"kind\":\"note\",\"note\":\"only mine\"}");
        String id = note.path("id").asText();
        String path = "/api/v1/checkins/" + id;
        String range = "?from=2026-11-06T00:00:00Z&to=2026-11-07T00:00:00Z";
        assertThat(call(owner, "GET", path, null).statusCode()).isEqualTo(200);
        assertThat(call(owner, "GET", "/api/v1/people/" + ownerId + "/checkins" + range, null).body()).contains(id);
        // Someone else: the entry does not exist for them, whatever they try.
        assertThat(call(stranger, "GET", path, null).statusCode()).isEqualTo(404);
        assertThat(call(stranger, "PATCH", path, "{\"note\":\"theirs now\"}").statusCode()).isEqualTo(404);
        assertThat(call(stranger, "DELETE", path, null).statusCode()).isEqualTo(404);
        assertThat(call(stranger, "GET", "/api/v1/checkins" + range, null).body()).doesNotContain(id);
        // A follower without the logbook share (no share at all) reads nothing of the person.
        UUID followerId = app.newUser("logbook-follower@example.org");
        app.app().accounts().grantRole(followerId, org.mqcgm.server.platform.security.Role.FOLLOWER);
        String follower = app.app().apiTokens().create(followerId, "all", EnumSet.allOf(Scope.class));
        HttpResponse<String> r = call(follower, "GET", "/api/v1/people/" + ownerId + "/checkins" + range, null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).doesNotContain(id).doesNotContain("only mine");
        assertThat(json(call(owner, "GET", path, null)).path("note").asText()).isEqualTo("only mine");
    }

    /**
     * PR-52: check-ins are never public. An anonymous visitor asking for an entry, a person's entries or the
     * entry's photos gets 401 or 404 and never the content, whatever the entry holds.
     */
    @Test
    @Tag("PR-52")
    void checkinsAndTheirPhotosAreNeverServedToAnonymousVisitors() {
        String photoId = upload();
        JsonNode meal = create("{\"time\":\"2026-11-07T12:00:00Z\",\"kind\":\"meal\",\"carbs\":42,"
                + "\"note\":\"secret congee\",\"photos\":[\"" + photoId + "\"]}");
        String id = meal.path("id").asText();
        Http anonymous = new Http(app.url());
        String range = "?from=2026-11-07T00:00:00Z&to=2026-11-08T00:00:00Z";
        for (String path : List.of("/api/v1/checkins/" + id, "/api/v1/checkins" + range,
                "/api/v1/people/" + ownerId + "/checkins" + range, "/api/v1/people/" + ownerId + "/checkins",
                "/api/v1/search?q=congee")) {
            HttpResponse<String> r = anonymous.get(path);
            if (path.startsWith("/api/v1/search")) {
                // Search answers anonymous visitors with public posts only: never a check-in.
                assertThat(r.body()).as(path).doesNotContain(id).doesNotContain("\"checkin\"");
                continue;
            }
            assertThat(r.statusCode()).as(path).isIn(401, 404);
            // A problem only (its "instance" names the path asked for), never the entry.
            assertThat(r.body()).as(path).startsWith("{\"type\":").doesNotContain("secret")
                    .doesNotContain("\"carbs\"").doesNotContain("\"kind\"").doesNotContain(photoId);
        }
        for (String path : List.of("/api/v1/photos/" + photoId, "/api/v1/photos/" + photoId + "?size=thumb")) {
            HttpResponse<byte[]> r = org.mqcgm.server.testing.Multipart.download(app.url(), path);
            assertThat(r.statusCode()).as(path).isIn(401, 404);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(path).doesNotStartWith("image/")
                    .doesNotStartWith("application/octet-stream");
        }
        // The owner still reads all of it.
        assertThat(call(owner, "GET", "/api/v1/checkins/" + id, null).body()).contains("secret congee");
        assertThat(photo(photoId)).isEqualTo(200);
    }

    /**
     * Reading one's own logbook and its photos through {@code /api/v1/people/{self}/…} needs the {@code logbook}
     * scope, as {@code /api/v1/checkins} does: a token with only {@code readings:read} gets 403 insufficient-scope.
     */
    @Test
    void theSelfPathNeedsTheLogbookScopeLikeTheOwnLogbook() {
        String photoId = upload();
        create("{\"time\":\"2026-11-07T13:00:00Z\",\"kind\":\"meal\",\"carbs\":12,\"note\":\"self path\","
                + "\"photos\":[\"" + photoId + "\"]}");
        String readingsOnly = app.app().apiTokens().create(ownerId, "readings", EnumSet.of(Scope.READINGS_READ));
        String range = "?from=2026-11-07T00:00:00Z&to=2026-11-08T00:00:00Z";
        String self = "/api/v1/people/" + ownerId;
        assertThat(call(readingsOnly, "GET", "/api/v1/checkins" + range, null).statusCode()).isEqualTo(403);
        HttpResponse<String> r = call(readingsOnly, "GET", self + "/checkins" + range, null);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("insufficient-scope").contains("\"requiredScope\":\"logbook\"")
                .doesNotContain("self path");
        assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), self + "/photos/" + photoId,
                "Authorization", "Bearer " + readingsOnly).statusCode()).isEqualTo(403);
        // With the logbook scope, the same paths answer.
        assertThat(call(owner, "GET", self + "/checkins" + range, null).body()).contains("self path");
        assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), self + "/photos/" + photoId,
                "Authorization", "Bearer " + owner).statusCode()).isEqualTo(200);
    }

    /**
     * A check-in and its photos change together: when the write fails after the photos were attached or deleted,
     * nothing of it stays (no check-in without its photos, no photo attached to nothing).
     */
    @Test
    void photosAreAttachedAndDeletedInTheCheckinsOwnTransaction() {
        org.mqcgm.server.platform.media.Photos real = app.app()
                .feature(org.mqcgm.server.photos.PhotosFeature.class).photos();
        org.mqcgm.server.platform.media.Photos failing = new org.mqcgm.server.platform.media.Photos() {
            @Override
            public void attach(UUID owner, List<UUID> ids, Usage usage, String field) {
                throw new AssertionError("outside the check-in's transaction");
            }

            @Override
            public void attach(org.jdbi.v3.core.Handle h, UUID owner, List<UUID> ids, Usage usage, String field) {
                real.attach(h, owner, ids, usage, field);
                throw new IllegalStateException("the write fails after the attachment");
            }

            @Override
            public java.util.Optional<Image> read(UUID owner, UUID id, Size size) {
                return real.read(owner, id, size);
            }

            @Override
            public java.util.Optional<Usage> usage(UUID owner, UUID id) {
                return real.usage(owner, id);
            }

            @Override
            public UUID upload(UUID owner, byte[] file, String field) {
                return real.upload(owner, file, field);
            }

            @Override
            public void delete(UUID owner, List<UUID> ids) {
                throw new AssertionError("outside the check-in's transaction");
            }

            @Override
            public void delete(org.jdbi.v3.core.Handle h, UUID owner, List<UUID> ids) {
                real.delete(h, owner, ids);
                throw new IllegalStateException("the write fails after the deletion");
            }
        };
        Checkins checkins = new Checkins(app.sql(), new org.mqcgm.server.platform.crypto.UserKeys(app.sql(),
                org.mqcgm.server.platform.crypto.MasterKey.load(app.masterKeyFile())),
                org.mqcgm.server.platform.http.Json.newMapper(), failing, java.time.Clock.systemUTC());

        String kept = upload();
        JsonNode meal = create("{\"time\":\"2026-11-04T12:00:00Z\",\"kind\":\"meal\",\"carbs\":33,"
                + "\"photos\":[\"" + kept + "\"]}");
        UUID id = UUID.fromString(meal.path("id").asText());
        Checkin current = checkins.find(ownerId, id).orElseThrow();
        Checkin.Values v = current.values();
        CheckinInput.Draft withoutPhotos = new CheckinInput.Draft(current.time(), current.kind(), new Checkin.Values(
                v.carbs(), v.units(), v.insulinType(), v.minutes(), v.intensity(), v.medication(), v.dose(),
                v.mgdl(), v.value(), v.unit(), v.note(), List.of()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> checkins.update(ownerId, id, c -> withoutPhotos))
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> checkins.delete(ownerId, id))
                .isInstanceOf(IllegalStateException.class);
        assertThat(photo(kept)).as("the photo stays with its entry").isEqualTo(200);
        assertThat(json(call(owner, "GET", "/api/v1/checkins/" + id, null)).path("photos").toString())
                .isEqualTo("[\"" + kept + "\"]");

        String fresh = upload();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> checkins.create(ownerId, new CheckinInput.Draft(
                        current.time(), current.kind(), new Checkin.Values(v.carbs(), null, null, null, null, null,
                        null, null, null, null, null, List.of(UUID.fromString(fresh))))))
                .isInstanceOf(IllegalStateException.class);
        // Not attached to the entry that was never stored: a new entry can take it.
        assertThat(call(owner, "POST", "/api/v1/checkins", "{\"time\":\"2026-11-04T13:00:00Z\",\"kind\":\"meal\","
                + "\"carbs\":5,\"photos\":[\"" + fresh + "\"]}").statusCode()).isEqualTo(201);
    }
}
