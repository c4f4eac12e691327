package org.mqcgm.server.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.Multipart;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/** The imports API against the real server: preview, commit, duplicates, ownership, bad files, failure, expiry. */
class ImportsApiTest {

    static final MutableClock systemClock = new MutableClock(Instant.now());
    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), systemClock, () -> null);
    static final ObjectMapper json = new ObjectMapper();
    static final Instant FAR = Instant.parse("2000-01-01T00:00:00Z");

    static UUID owner;
    static String ownerToken;
    static String strangerToken;
    static Http http;

    @BeforeAll
    static void users() {
        owner = app.newUser("importer@example.org", TestApp.PASSWORD, ZoneId.of("America/Denver"));
        ownerToken = app.app().apiTokens().create(owner, "import", java.util.EnumSet.of(
                org.mqcgm.server.platform.security.Scope.READINGS_WRITE));
        strangerToken = app.newUserToken("stranger@example.org");
        http = new Http(app.url());
    }

    static byte[] sample(String name) {
        try (InputStream in = ImportsApiTest.class.getResourceAsStream("/imports/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpResponse<String> upload(String token, String name, byte[] file) {
        return Multipart.upload(app.url(), "/api/v1/imports", name, "application/octet-stream", file,
                "Authorization", "Bearer " + token);
    }

    static JsonNode body(HttpResponse<String> r) {
        try {
            return json.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int jobs(UUID person) {
        Integer n = app.sql().withHandle(h -> h.createQuery("select count(*) from import_job where owner_id = :o")
                .bind("o", person).mapTo(Integer.class).one());
        return n;
    }

    static int stored(UUID person) {
        return app.app().readings().store().range(person, FAR, Instant.now().plusSeconds(3600)).size();
    }

    @Test
    void previewThenCommitStoresEachReadingOnceAndAReimportOnlyFindsDuplicates() {
        HttpResponse<String> r = upload(ownerToken, "Clarity_Export.csv", sample("dexcom_clarity_export_mgdl.csv"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode preview = body(r);
        String id = preview.path("id").asText();
        assertThat(r.headers().firstValue("Location")).contains("/api/v1/imports/" + id);
        assertThat(preview.path("status").asText()).isEqualTo("preview");
        assertThat(preview.path("format").asText()).isEqualTo("clarity");
        assertThat(preview.path("unit").asText()).isEqualTo("mg/dL");
        assertThat(preview.path("zone").asText()).isEqualTo("America/Denver");
        assertThat(preview.path("zoneAssumed").asBoolean()).isTrue();
        assertThat(preview.path("count").asInt()).isEqualTo(11);
        assertThat(preview.path("duplicates").asInt()).isZero();
        assertThat(preview.path("first").asText()).isEqualTo("2025-03-14T15:00:12Z");
        assertThat(preview.path("skippedTotal").asInt()).isEqualTo(11);
        assertThat(preview.path("skipped").get(0).path("row").asInt()).isEqualTo(2);
        assertThat(stored(owner)).as("nothing is stored by the preview").isZero();
        // kept encrypted: neither the file nor the preview is readable in the table
        byte[] file = app.sql().withHandle(h -> h.createQuery("select file_enc from import_job where id = :id")
                .bind("id", UUID.fromString(id)).mapTo(byte[].class).one());
        assertThat(new String(file, StandardCharsets.ISO_8859_1)).doesNotContain("EGV");

        HttpResponse<String> committed = http.postJson("/api/v1/imports/" + id + "/commit",
                "{\"zone\":\"America/Denver\"}", "Authorization", "Bearer " + ownerToken);
        assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
        assertThat(body(committed).path("status").asText()).isEqualTo("done");
        assertThat(body(committed).path("stored").asInt()).isEqualTo(11);
        assertThat(body(committed).path("zoneAssumed").asBoolean()).isFalse();
        assertThat(stored(owner)).isEqualTo(11);
        JsonNode after = body(http.get("/api/v1/imports/" + id, "Authorization", "Bearer " + ownerToken));
        assertThat(after.path("progress").asInt()).isEqualTo(100);
        assertThat(http.postJson("/api/v1/imports/" + id + "/commit", "", "Authorization", "Bearer " + ownerToken)
                .statusCode()).as("committed once only").isEqualTo(409);

        JsonNode again = body(upload(ownerToken, "again.csv", sample("dexcom_clarity_export_mgdl.csv")));
        assertThat(again.path("duplicates").asInt()).isEqualTo(11);
        JsonNode second = body(http.postJson("/api/v1/imports/" + again.path("id").asText() + "/commit", "",
                "Authorization", "Bearer " + ownerToken));
        assertThat(second.path("stored").asInt()).isZero();
        assertThat(second.path("duplicates").asInt()).isEqualTo(11);
        assertThat(stored(owner)).isEqualTo(11);
    }

    @Test
    void anotherPersonsImportIsNotFound() {
        String id = body(upload(ownerToken, "entries.json", sample("nightscout_entries.json"))).path("id").asText();
        assertThat(http.get("/api/v1/imports/" + id, "Authorization", "Bearer " + strangerToken).statusCode())
                .isEqualTo(404);
        assertThat(http.postJson("/api/v1/imports/" + id + "/commit", "", "Authorization", "Bearer " + strangerToken)
                .statusCode()).isEqualTo(404);
        assertThat(http.get("/api/v1/imports/" + id, "Authorization", "Bearer " + ownerToken).statusCode())
                .isEqualTo(200);
    }

    @Test
    void badFilesAreClearProblemsAndStoreNothing() {
        UUID person = app.newUser("bad-files@example.org");
        String token = app.app().apiTokens().create(person, "t", java.util.EnumSet.of(
                org.mqcgm.server.platform.security.Scope.READINGS_WRITE));
        HttpResponse<String> empty = upload(token, "empty.csv", new byte[0]);
        assertThat(empty.statusCode()).isEqualTo(422);
        assertThat(empty.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(body(empty).path("errors").get(0).path("rule").asText()).isEqualTo("empty");
        byte[] ns = sample("nightscout_entries.json");
        HttpResponse<String> truncated = upload(token, "entries.json", java.util.Arrays.copyOf(ns, ns.length - 40));
        assertThat(truncated.statusCode()).isEqualTo(422);
        assertThat(body(truncated).path("errors").get(0).path("field").asText()).isEqualTo("file");
        assertThat(body(truncated).path("errors").get(0).path("rule").asText()).isEqualTo("truncated");
        HttpResponse<String> unknown = upload(token, "x.csv", "a,b\r\n1,2\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(body(unknown).path("errors").get(0).path("rule").asText()).isEqualTo("unknown-format");
        String boundary = "----importtest";
        byte[] withZone = (new String(Multipart.body(boundary, "file", "e.json", "application/json", ns),
                StandardCharsets.UTF_8).replace("--" + boundary + "--", "--" + boundary + "\r\nContent-Disposition: "
                + "form-data; name=\"zone\"\r\n\r\nMars/Olympus\r\n--" + boundary + "--"))
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> zone = http.post("/api/v1/imports", "multipart/form-data; boundary=" + boundary,
                new String(withZone, StandardCharsets.UTF_8), "Authorization", "Bearer " + token);
        assertThat(zone.statusCode()).as(zone.body()).isEqualTo(400);
        assertThat(body(zone).path("errors").get(0).path("field").asText()).isEqualTo("zone");
        assertThat(body(zone).path("errors").get(0).path("rule").asText()).isEqualTo("time-zone");
        // UTF-16 LE with a byte-order mark (what LibreView sometimes writes)
        byte[] text = new String(sample("libreview_glucose_mgdl_us.csv"), StandardCharsets.UTF_8)
                .getBytes(StandardCharsets.UTF_16LE);
        byte[] utf16 = new byte[text.length + 2];
        utf16[0] = (byte) 0xFF;
        utf16[1] = (byte) 0xFE;
        System.arraycopy(text, 0, utf16, 2, text.length);
        HttpResponse<String> libre = upload(token, "libre.csv", utf16);
        assertThat(libre.statusCode()).as(libre.body()).isEqualTo(201);
        assertThat(body(libre).path("count").asInt()).isEqualTo(12);
        assertThat(stored(person)).isZero();
    }

    @Test
    void aFileOverTheLimitIsRefusedBeforeItIsSent() throws Exception {
        UUID person = app.newUser("big-file@example.org");
        String token = app.app().apiTokens().create(person, "t", java.util.EnumSet.of(
                org.mqcgm.server.platform.security.Scope.READINGS_WRITE));
        long length = 100L * 1024 * 1024;
        // 100 MB declared and never allocated: with Expect: 100-continue the body is sent only if the server asks.
        HttpRequest request = HttpRequest.newBuilder(URI.create(app.url() + "/api/v1/imports"))
                .expectContinue(true)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> InputStream.nullInputStream()), length))
                .build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(body(r).path("errors").get(0).path("rule").asText()).isEqualTo("max-size");
        assertThat(stored(person)).isZero();
        assertThat(jobs(person)).isZero();
    }

    @Test
    void aFailingCommitStoresNothingAndCanBeCommittedAgain() {
        UUID person = app.newUser("failing@example.org");
        String token = app.app().apiTokens().create(person, "t", java.util.EnumSet.of(
                org.mqcgm.server.platform.security.Scope.READINGS_WRITE));
        String id = body(upload(token, "tidepool.json", sample("tidepool_cbg.json"))).path("id").asText();
        // The database refuses this person's day blocks (the readings are old enough to go into them).
        app.sql().useHandle(h -> h.execute("""
                create function imports_test_refuse() returns trigger language plpgsql as $$
                begin raise exception 'refused by the test'; end $$;
                create trigger imports_test_refuse before insert or update on glucose_day for each row
                when (new.owner_id = '%s') execute function imports_test_refuse();""".formatted(person)));
        try {
            HttpResponse<String> failed = http.postJson("/api/v1/imports/" + id + "/commit", "",
                    "Authorization", "Bearer " + token);
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(body(failed).path("type").asText()).endsWith("import-failed");
            assertThat(stored(person)).as("nothing half-imported").isZero();
            assertThat(body(http.get("/api/v1/imports/" + id, "Authorization", "Bearer " + token)).path("status")
                    .asText()).isEqualTo("failed");
        } finally {
            app.sql().useHandle(h -> h.execute("drop trigger imports_test_refuse on glucose_day; "
                    + "drop function imports_test_refuse();"));
        }
        JsonNode done = body(http.postJson("/api/v1/imports/" + id + "/commit", "", "Authorization", "Bearer " + token));
        assertThat(done.path("status").asText()).isEqualTo("done");
        assertThat(done.path("stored").asInt()).isEqualTo(12);
        assertThat(stored(person)).isEqualTo(12);
    }

    @Test
    void anImportIsDeletedAnHourAfterTheUpload() {
        UUID person = app.newUser("expiry@example.org");
        String token = app.app().apiTokens().create(person, "t", java.util.EnumSet.of(
                org.mqcgm.server.platform.security.Scope.READINGS_WRITE));
        String id = body(upload(token, "tidepool.json", sample("tidepool_cbg_ingestion_mgdl.json"))).path("id")
                .asText();
        systemClock.advance(Duration.ofMinutes(61));
        assertThat(http.get("/api/v1/imports/" + id, "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(404);
        assertThat(app.app().jobs().runNow("purge-expired-imports")).isGreaterThanOrEqualTo(1);
        assertThat(jobs(person)).isZero();
    }

    @Test
    void thePageWorksWithoutJavaScript() {
        UUID person = app.newUser("page@example.org", TestApp.PASSWORD, ZoneId.of("Asia/Shanghai"));
        Http web = app.login("page@example.org");
        HttpResponse<String> form = web.get("/import");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("<option value=\"Asia/Shanghai\" selected>");
        assertThat(web.get("/history").body()).contains("href=\"/import\"");
        String boundary = "----pagetest";
        String multipart = new String(Multipart.body(boundary, "file", "Clarity.csv", "text/csv",
                sample("dexcom_clarity_export_mgdl.csv")), StandardCharsets.UTF_8).replace("--" + boundary + "--",
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + web.csrfToken()
                        + "\r\n--" + boundary + "--");
        HttpResponse<String> uploaded = web.post("/import", "multipart/form-data; boundary=" + boundary, multipart);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(303);
        String page = uploaded.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> preview = web.get(page);
        assertThat(preview.body()).contains("data-testid=\"import-count\">11<")
                .contains("data-testid=\"import-zone-assumed\"");
        HttpResponse<String> committed = web.postForm(page + "/commit", java.util.Map.of("_csrf", web.csrfToken(),
                "zone", "Europe/London"));
        assertThat(committed.statusCode()).isEqualTo(303);
        org.mqcgm.testkit.Wait.until("the import is done", () -> web.get(page).body()
                .contains("data-stored=\"11\""));
        assertThat(app.app().readings().store().range(person, FAR, Instant.now()).get(0).time())
                .as("read in the confirmed zone").isEqualTo(Instant.parse("2025-03-14T09:00:12Z"));
        HttpResponse<String> bad = web.post("/import", "multipart/form-data; boundary=" + boundary,
                multipart.replace("EGV", "XYZ").replace(",Calibration,", ",XYZ,").replace(",Carbs,", ",XYZ,")
                        .replace(",Insulin,", ",XYZ,"));
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("data-rule=\"no-readings\"");

        // a file larger than the server-wide multipart limit (11 MB), its CSRF field after it, is taken by the form
        byte[] big = ("[{\"type\":\"sgv\",\"sgv\":120,\"date\":1741967705000}" + " ".repeat(12 * 1024 * 1024) + "]")
                .getBytes(StandardCharsets.UTF_8);
        String bigBody = new String(Multipart.body(boundary, "file", "entries.json", "application/json", big),
                StandardCharsets.UTF_8).replace("--" + boundary + "--", "--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + web.csrfToken() + "\r\n--" + boundary
                + "--");
        HttpResponse<String> large = web.post("/import", "multipart/form-data; boundary=" + boundary, bigBody);
        assertThat(large.statusCode()).as(large.body()).isEqualTo(303);
        assertThat(web.get(large.headers().firstValue("Location").orElseThrow()).body())
                .contains("data-testid=\"import-count\">1<");
        // nobody unknown gets the large limit: anonymous, the body is refused under the server-wide one
        for (String path : List.of("/import", "/api/v1/imports")) {
            HttpResponse<String> anonymous = new Http(app.url()).post(path, "multipart/form-data; boundary="
                    + boundary, bigBody);
            assertThat(anonymous.statusCode()).as(path + ": " + anonymous.body()).isEqualTo(413);
        }
    }

    @Test
    void treatmentsGoToTheLogbookOnceAndOnlyWithTheLogbookScope() {
        UUID person = app.newUser("treatments@example.org", TestApp.PASSWORD, ZoneId.of("America/Denver"));
        String both = readingsAndLogbook(person);
        String readingsOnly = app.app().apiTokens().create(person, "import", java.util.EnumSet.of(
                org.mqcgm.server.platform.security.Scope.READINGS_WRITE));

        // a token that may not write the logbook: the treatments are skipped rows, and nothing is importable
        HttpResponse<String> refused = upload(readingsOnly, "treatments.json", sample("nightscout_treatments.json"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("lacks the scope logbook");

        JsonNode preview = body(upload(both, "treatments.json", sample("nightscout_treatments.json")));
        assertThat(preview.path("format").asText()).isEqualTo("nightscout");
        assertThat(preview.path("logbook").asBoolean()).isTrue();
        assertThat(preview.path("count").asInt()).isZero();
        assertThat(preview.path("checkins").asInt()).isEqualTo(8);
        assertThat(preview.path("checkinKinds").toString()).isEqualTo(
                "{\"exercise\":1,\"fingerstick\":1,\"insulin\":3,\"meal\":2,\"note\":1}");
        assertThat(preview.path("checkinDuplicates").asInt()).isZero();
        assertThat(preview.path("first").asText()).isEqualTo("2025-03-14T12:00:00Z");
        assertThat(preview.path("skippedTotal").asInt()).isEqualTo(4);
        assertThat(checkins(both)).as("nothing is stored by the preview").isEmpty();

        HttpResponse<String> narrower = http.postJson("/api/v1/imports/" + preview.path("id").asText() + "/commit", "",
                "Authorization", "Bearer " + readingsOnly);
        assertThat(narrower.statusCode()).as("the committing token must be able to write the logbook too")
                .isEqualTo(403);
        assertThat(narrower.body()).contains("insufficient-scope", "logbook");
        assertThat(checkins(both)).isEmpty();

        JsonNode done = body(http.postJson("/api/v1/imports/" + preview.path("id").asText() + "/commit", "",
                "Authorization", "Bearer " + both));
        assertThat(done.path("status").asText()).isEqualTo("done");
        assertThat(done.path("checkinsStored").asInt()).isEqualTo(8);
        assertThat(done.path("stored").asInt()).isZero();
        JsonNode logged = checkins(both);
        assertThat(logged).hasSize(8);
        assertThat(logged.toString()).contains("\"carbs\":45", "\"note\":\"Lunch: pasta\"", "\"units\":4.55",
                "\"insulinType\":\"long\"", "\"unit\":\"mmol/L\"", "\"minutes\":45",
                "\"time\":\"2025-03-14T12:02-06:00\"");
        // encrypted like every check-in: the note is not in the table in clear
        int clear = app.sql().withHandle(h -> h.createQuery(
                        "select count(*) from logbook_checkin where owner_id = :o "
                                + "and position(convert_to('pasta', 'UTF8') in data_enc) > 0").bind("o", person).mapTo(Integer.class).one());
        assertThat(clear).isZero();

        // the same file again (and the same treatments inside a bigger one) stores nothing twice
        JsonNode again = body(upload(both, "again.json", sample("nightscout_treatments.json")));
        assertThat(again.path("checkinDuplicates").asInt()).isEqualTo(8);
        JsonNode second = body(http.postJson("/api/v1/imports/" + again.path("id").asText() + "/commit", "",
                "Authorization", "Bearer " + both));
        assertThat(second.path("checkinsStored").asInt()).isZero();
        assertThat(checkins(both)).hasSize(8);
    }

    @Test
    void tidepoolReadingsAndLogbookKindsInOneImport() {
        UUID person = app.newUser("tidepool-log@example.org", TestApp.PASSWORD, ZoneId.of("America/Denver"));
        String token = readingsAndLogbook(person);
        JsonNode preview = body(upload(token, "tidepool.json", sample("tidepool_logbook.json")));
        assertThat(preview.path("count").asInt()).isEqualTo(1);
        assertThat(preview.path("checkins").asInt()).isEqualTo(7);
        JsonNode done = body(http.postJson("/api/v1/imports/" + preview.path("id").asText() + "/commit", "",
                "Authorization", "Bearer " + token));
        assertThat(done.path("stored").asInt()).isEqualTo(1);
        assertThat(done.path("checkinsStored").asInt()).isEqualTo(7);
        assertThat(stored(person)).isEqualTo(1);
        assertThat(checkins(token).toString()).contains("\"units\":4.75", "\"carbs\":52",
                "\"intensity\":\"moderate\"", "\"minutes\":90", "\"value\":112");
    }

    /** A token of the person's that may import readings and write the logbook. */
    static String readingsAndLogbook(UUID person) {
        return app.app().apiTokens().create(person, "import", java.util.EnumSet.of(
                org.mqcgm.server.platform.security.Scope.READINGS_WRITE,
                org.mqcgm.server.platform.security.Scope.LOGBOOK));
    }

    /** The person's check-ins through the logbook API (March 2025). */
    static JsonNode checkins(String token) {
        HttpResponse<String> r = http.get("/api/v1/checkins?from=2025-03-01T00:00:00Z&to=2025-04-01T00:00:00Z",
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode b = body(r);
        return b.isArray() ? b : b.path("items");
    }
}
