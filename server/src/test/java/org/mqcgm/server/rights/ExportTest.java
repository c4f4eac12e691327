package org.mqcgm.server.rights;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * The right of access and copy over real HTTP: "My data" counts what is stored, an export holds every reading since
 * the first (not a 90-day window) with its offset and value, every file parses, the archive is its owner's only,
 * expires after 7 days, and needs the password again.
 */
class ExportTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    record Account(UUID id, String token, Http http) {
        String[] auth() {
            return new String[] {"Authorization", "Bearer " + token};
        }

        HttpResponse<String> get(String path) {
            return http.get(path, auth());
        }

        HttpResponse<String> post(String path, String json) {
            return http.postJson(path, json, auth());
        }
    }

    private static int seq;

    static Account account(Scope... scopes) {
        String email = "export" + (++seq) + "@example.org";
        UUID id = app.newUser(email);
        java.util.Set<Scope> set = scopes.length == 0 ? java.util.EnumSet.allOf(Scope.class)
                : java.util.EnumSet.of(scopes[0], scopes);
        return new Account(id, app.app().apiTokens().create(id, "test", set), new Http(app.url()));
    }

    static String password() {
        return "{\"password\":\"" + TestApp.PASSWORD + "\"}";
    }

    /** Requests an export, waits until it is ready and returns its status answer. */
    static JsonNode exportReady(Account a) throws IOException {
        return exportReady(a, password());
    }

    /** As {@link #exportReady(Account)} with a given request body (password and code). */
    static JsonNode exportReady(Account a, String body) throws IOException {
        HttpResponse<String> created = a.post("/api/v1/me/exports", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/api/v1/me/exports/[0-9a-f-]{36}");
        assertThat(JSON.readTree(created.body()).path("status").asText()).isIn("queued", "running", "ready");
        return Wait.until("the export is ready", () -> JSON.readTree(a.get(location).body()),
                s -> s.path("status").asText().equals("ready"));
    }

    static byte[] download(Account a, String path) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.url() + path))
                .header("Authorization", "Bearer " + a.token()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
        return r.body();
    }

    static Map<String, String> unzip(byte[] zip) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                files.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    @Test
    @Tag("PR-70")
    void theExportHoldsEveryReadingSinceTheFirstWithItsOffsetAndValue() throws Exception {
        Account a = account();
        // 130 days back to now, every 30 minutes, in two offsets (summer and winter time) — the oldest far outside
        // any 90-day window, the newest still in the recent rows — and a Low marker.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant first = now.minus(Duration.ofDays(130));
        List<String> expected = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        int i = 0;
        for (Instant t = first; !t.isAfter(now.minusSeconds(60)); t = t.plus(Duration.ofMinutes(30)), i++) {
            ZoneOffset offset = i % 2 == 0 ? ZoneOffset.ofHours(2) : ZoneOffset.ofHours(-5);
            String time = ISO.format(t.atOffset(offset));
            if (i == 7) {
                batch.add("{\"time\":\"" + time + "\",\"marker\":\"low\",\"limit\":40}");
                expected.add(time + ",40,low");
            } else {
                int mgdl = 40 + (i * 37) % 361;
                batch.add("{\"time\":\"" + time + "\",\"mgdl\":" + mgdl + "}");
                expected.add(time + "," + mgdl + ",");
            }
            if (batch.size() == 5_000) {
                upload(a, batch);
            }
        }
        upload(a, batch);
        a.post("/api/v1/sensors", "{\"model\":\"Simulated CGM\",\"serial\":\"SIM-9\"}");
        a.post("/api/v1/annotations", "{\"start\":\"" + ISO.format(first.atOffset(ZoneOffset.UTC))
                + "\",\"end\":\"" + ISO.format(first.plus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC))
                + "\",\"kind\":\"sensor-error\",\"note\":\"first day\",\"exclude\":true}");

        JsonNode data = JSON.readTree(a.get("/api/v1/me/data").body());
        Map<String, Long> counts = new LinkedHashMap<>();
        data.path("categories").forEach(c -> counts.put(c.path("id").asText(), c.path("count").asLong()));
        assertThat(counts).containsEntry("readings", (long) expected.size()).containsEntry("account", 1L)
                .containsEntry("sensors", 1L).containsEntry("annotations", 1L).containsEntry("api-tokens", 1L)
                .containsKeys("consents", "devices", "sessions", "security-events", "calibrations", "exports");
        data.path("categories").forEach(c -> assertThat(c.path("purpose").asText() + c.path("source").asText()
                + c.path("location").asText()).isNotBlank());

        // Two-factor sign-in on, with recovery codes: none of its secrets may leave in the archive.
        String totpSecret = app.app().accounts().startTwoFactor(a.id()).secret();
        List<String> recoveryCodes = app.app().accounts().enableTwoFactor(a.id(),
                org.mqcgm.server.testing.TestTotp.code(totpSecret, clock.instant().getEpochSecond()),
                org.mqcgm.server.accounts.ClientFacts.NONE);
        assertThat(recoveryCodes).isNotEmpty();
        List<byte[]> recoveryHashes = app.sql().withHandle(h -> h.createQuery(
                "select code_hash from recovery_code where owner_id = :o").bind("o", a.id()).mapTo(byte[].class)
                .list());
        byte[] totpSealed = app.sql().withHandle(h -> h.createQuery(
                "select totp_secret_enc from account where id = :o").bind("o", a.id()).mapTo(byte[].class).one());
        assertThat(recoveryHashes).hasSameSizeAs(recoveryCodes);
        assertThat(totpSealed).isNotNull();
        clock.advance(Duration.ofSeconds(30)); // the next code: one code is accepted once only

        JsonNode ready = exportReady(a, "{\"password\":\"" + TestApp.PASSWORD + "\",\"code\":\""
                + org.mqcgm.server.testing.TestTotp.code(totpSecret, clock.instant().getEpochSecond()) + "\"}");
        assertThat(ready.path("progress").asDouble()).isEqualTo(1.0);
        assertThat(Instant.parse(ready.path("expires").asText())).isAfter(clock.instant().plus(Duration.ofDays(6)));
        Map<String, String> files = unzip(download(a, ready.path("archive").asText()));

        assertThat(files).containsKeys("README.txt", "account.json", "readings.csv", "consents.json",
                "sensors.json", "sensor-sessions.json", "calibrations.json", "annotations.json", "devices.json",
                "sessions.json", "api-tokens.json", "security-events.json", "exports.json", "reports.json",
                "known-networks.json", "upload-receipts.json");
        for (String name : files.keySet()) {
            assertThat(files.get("README.txt")).as("the README names " + name).contains(name);
        }
        List<String> lines = files.get("readings.csv").lines().toList();
        assertThat(lines.get(0)).isEqualTo("time,mgdl,marker,trend,quality,status,device,excluded");
        assertThat(lines).hasSize(expected.size() + 1);
        for (int k = 0; k < expected.size(); k++) {
            assertThat(lines.get(k + 1)).as("reading %d", k).startsWith(expected.get(k));
        }
        // The first hour is excluded by the annotation, and says so; later readings do not.
        assertThat(lines.get(1)).endsWith(",true");
        assertThat(lines.getLast()).endsWith(",false");

        for (Map.Entry<String, String> f : files.entrySet()) {
            if (f.getKey().endsWith(".json")) {
                JsonNode parsed = JSON.readTree(f.getValue());
                assertThat(parsed.isArray() || parsed.isObject()).as(f.getKey() + " is a JSON array or object")
                        .isTrue();
            }
        }
        JsonNode account = JSON.readTree(files.get("account.json"));
        assertThat(account.path("id").asText()).isEqualTo(a.id().toString());
        assertThat(account.path("email").asText())
                .isEqualTo(app.app().accounts().find(a.id()).orElseThrow().email());
        assertThat(account.path("timeZone").asText()).isNotBlank();
        assertThat(account.path("glucoseUnit").asText()).isIn("mg/dL", "mmol/L");
        assertThat(account.path("language").asText()).isNotBlank();
        assertThat(account.path("status").asText()).isEqualTo("active");
        assertThat(account.path("twoFactor").asBoolean()).isTrue();
        assertThat(account.path("twoFactorSince").asText()).isNotBlank();
        assertThat(account.path("created").asText()).isNotBlank();
        // The consent history: the health-data consent given at sign-up, under a policy version, with its channel.
        JsonNode consents = JSON.readTree(files.get("consents.json"));
        assertThat(consents.isArray()).isTrue();
        assertThat(consents.size()).isEqualTo(counts.get("consents").intValue());
        assertThat(consents).anySatisfy(c -> {
            assertThat(c.path("purpose").asText()).isEqualTo("health-data");
            assertThat(c.path("granted").asBoolean()).isTrue();
            assertThat(c.path("policyVersion").asText()).isNotBlank();
            assertThat(c.path("channel").asText()).isNotBlank();
            assertThat(Instant.parse(c.path("at").asText())).isBeforeOrEqualTo(clock.instant());
        });
        JsonNode tokens = JSON.readTree(files.get("api-tokens.json"));
        assertThat(tokens).hasSize(1);
        assertThat(tokens.get(0).path("name").asText()).isEqualTo("test");
        assertThat(JSON.readTree(files.get("exports.json"))).anySatisfy(e ->
                assertThat(ready.path("id").asText()).isEqualTo(e.path("id").asText()));
        assertThat(JSON.readTree(files.get("annotations.json")).get(0).path("note").asText()).isEqualTo("first day");
        assertThat(JSON.readTree(files.get("sensors.json")).get(0).path("serial").asText()).isEqualTo("SIM-9");
        // No secret leaves: no password hash, no token or session hash, no two-factor secret, no recovery code or
        // its hash — in any file.
        for (Map.Entry<String, String> f : files.entrySet()) {
            String file = f.getValue();
            assertThat(file).as(f.getKey()).doesNotContain("$argon2").doesNotContain(a.token())
                    .doesNotContainIgnoringCase("token_hash").doesNotContainIgnoringCase("totp_secret")
                    .doesNotContainIgnoringCase("passwordHash").doesNotContainIgnoringCase("code_hash")
                    .doesNotContainIgnoringCase(totpSecret)
                    .doesNotContain(java.util.Base64.getEncoder().encodeToString(totpSealed))
                    .doesNotContainIgnoringCase(java.util.HexFormat.of().formatHex(totpSealed));
            for (String code : recoveryCodes) {
                assertThat(file).as(f.getKey()).doesNotContainIgnoringCase(code)
                        .doesNotContainIgnoringCase(code.replace("-", ""));
            }
            for (byte[] hash : recoveryHashes) {
                assertThat(file).as(f.getKey())
                        .doesNotContain(java.util.Base64.getEncoder().encodeToString(hash))
                        .doesNotContain(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(hash))
                        .doesNotContainIgnoringCase(java.util.HexFormat.of().formatHex(hash));
            }
        }
    }

    private static void upload(Account a, List<String> batch) {
        if (batch.isEmpty()) {
            return;
        }
        HttpResponse<String> r = a.post("/api/v1/readings", "[" + String.join(",", batch) + "]");
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        assertThat(r.body()).contains("\"rejected\":0");
        batch.clear();
    }

    @Test
    @Tag("PR-70")
    void theArchiveIsItsOwnersOnly() throws Exception {
        Account owner = account();
        JsonNode ready = exportReady(owner);
        String status = "/api/v1/me/exports/" + ready.path("id").asText();
        Account stranger = account();
        assertThat(stranger.get(status).statusCode()).isEqualTo(404);
        assertThat(stranger.get(status + "/archive").statusCode()).isEqualTo(404);
        assertThat(stranger.get("/api/v1/me/exports/not-an-id").statusCode()).isEqualTo(404);
        assertThat(owner.get(status + "/archive").statusCode()).isEqualTo(200);
    }

    @Test
    @Tag("PR-70")
    void anArchiveExpiresAfterSevenDaysAndIsDeleted() throws Exception {
        Account a = account();
        JsonNode ready = exportReady(a);
        String status = "/api/v1/me/exports/" + ready.path("id").asText();
        try {
            clock.advance(Duration.ofDays(7).plusMinutes(1));
            JsonNode expired = JSON.readTree(a.get(status).body());
            assertThat(expired.path("status").asText()).isEqualTo("expired");
            assertThat(expired.path("archive").isNull()).isTrue();
            HttpResponse<String> gone = a.get(status + "/archive");
            assertThat(gone.statusCode()).isEqualTo(410);
            assertThat(gone.body()).contains("export-expired");
            assertThat(chunks(a.id())).isPositive();
            assertThat(app.app().jobs().runNow("purge-expired-exports")).isGreaterThanOrEqualTo(1);
            assertThat(chunks(a.id())).isZero();
            assertThat(a.get(status + "/archive").statusCode()).isEqualTo(410);
        } finally {
            clock.set(Instant.now());
        }
    }

    @Test
    @Tag("PR-70")
    void anArchiveCanBeDownloadedFiveTimes() throws Exception {
        Account a = account();
        JsonNode ready = exportReady(a);
        String archive = ready.path("archive").asText();
        for (int i = 0; i < 5; i++) {
            assertThat(unzip(download(a, archive))).containsKey("readings.csv");
        }
        HttpResponse<String> sixth = a.get(archive);
        assertThat(sixth.statusCode()).isEqualTo(410);
        assertThat(sixth.body()).contains("export-expired");
        JsonNode status = JSON.readTree(a.get("/api/v1/me/exports/" + ready.path("id").asText()).body());
        assertThat(status.path("status").asText()).isEqualTo("expired");
        assertThat(app.app().jobs().runNow("purge-expired-exports")).isGreaterThanOrEqualTo(1);
        assertThat(chunks(a.id())).isZero();
    }

    private static int chunks(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from export_chunk where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    private static int jobs(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from export_job where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    @Test
    @Tag("PR-64")
    void anExportNeedsThePasswordAgainAndTheRightScope() {
        Account a = account();
        HttpResponse<String> wrong = a.post("/api/v1/me/exports", "{\"password\":\"not my password\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("confirm-failed").contains("\"field\":\"password\"");
        HttpResponse<String> none = a.post("/api/v1/me/exports", "{}");
        assertThat(none.statusCode()).isEqualTo(422);
        assertThat(none.body()).contains("\"field\":\"$.password\"").contains("\"rule\":\"required\"");
        assertThat(a.post("/api/v1/me/exports", "{\"password\":\"x\",\"extra\":1}").statusCode()).isEqualTo(400);
        assertThat(jobs(a.id())).as("nothing queued").isZero();

        Account narrow = account(Scope.PROFILE_READ, Scope.READINGS_READ);
        HttpResponse<String> refused = narrow.post("/api/v1/me/exports", password());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("insufficient-scope");
        assertThat(jobs(narrow.id())).isZero();
        assertThat(new Http(app.url()).postJson("/api/v1/me/exports", password()).statusCode()).isEqualTo(401);
    }

    @Test
    void oneExportAtATime() throws Exception {
        Account a = account();
        // An export another node is making (it reported a moment ago).
        UUID running = UUID.randomUUID();
        app.sql().useHandle(h -> h.createUpdate("""
                        insert into export_job (owner_id, id, status, created_at, started_at, heartbeat_at)
                        values (:o, :id, 'running', now(), now(), :now)""")
                .bind("o", a.id()).bind("id", running).bind("now", clock.instant().atOffset(ZoneOffset.UTC))
                .execute());
        HttpResponse<String> again = a.post("/api/v1/me/exports", password());
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(again.body()).contains("export-in-progress");
        assertThat(again.headers().firstValue("Location")).hasValue("/api/v1/me/exports/" + running);
        assertThat(jobs(a.id())).isEqualTo(1);
        JsonNode status = JSON.readTree(a.get("/api/v1/me/exports/" + running).body());
        assertThat(status.path("status").asText()).isEqualTo("running");
        assertThat(status.path("archive").isNull()).isTrue();
        assertThat(a.get("/api/v1/me/exports/" + running + "/archive").statusCode()).isEqualTo(409);
    }

    @Test
    @Tag("PR-60")
    void myDataCountsWhatIsStoredAndShowsOnlyTheCallersData() throws Exception {
        Account a = account();
        Account b = account();
        upload(a, new ArrayList<>(List.of("{\"time\":\"" + ISO.format(Instant.now().minus(Duration.ofDays(200))
                .atOffset(ZoneOffset.ofHours(8))) + "\",\"mgdl\":123}", "{\"time\":\"" + ISO.format(Instant.now()
                .minus(Duration.ofHours(1)).atOffset(ZoneOffset.ofHours(8))) + "\",\"mgdl\":124}")));
        a.post("/api/v1/devices", "{\"platform\":\"ios\",\"model\":\"iPhone 15\",\"osVersion\":\"iOS 18\","
                + "\"appVersion\":\"2.0\",\"installId\":\"install-export-1\"}");
        assertThat(a.get("/api/v1/reports").statusCode()).isEqualTo(200);
        Map<String, Long> counts = counts(a);
        Map<String, Long> db = new LinkedHashMap<>();
        app.sql().useHandle(h -> {
            for (String[] t : new String[][] {{"devices", "device"}, {"api-tokens", "api_token"},
                {"consents", "consent_event"}, {"security-events", "security_event"}, {"sensors", "sensor"},
                {"calibrations", "calibration"}, {"annotations", "glucose_annotation"}, {"exports", "export_job"},
                {"reports", "report_log"}}) {
                db.put(t[0], h.createQuery("select count(*) from " + t[1] + " where owner_id = :o")
                        .bind("o", a.id()).mapTo(Long.class).one());
            }
        });
        assertThat(counts).containsAllEntriesOf(db).containsEntry("readings", 2L).containsEntry("devices", 1L)
                .containsEntry("reports", 1L);
        Map<String, Long> other = counts(b);
        assertThat(other).containsEntry("readings", 0L).containsEntry("devices", 0L);

        // The page shows the same, in both languages.
        Http web = new Http(app.url());
        web.postForm("/login", Map.of("identifier", app.app().accounts().find(a.id()).orElseThrow().email(),
                "password", TestApp.PASSWORD));
        String page = web.get("/settings/data").body();
        assertThat(page).contains("data-testid=\"count-readings\">2<").contains("Glucose readings");
        assertThat(web.get("/settings").body()).contains("href=\"/settings/data\"");
        web.postForm("/preferences", Map.of("lang", "zh-CN", "return", "/settings/data"));
        assertThat(web.get("/settings/data").body()).contains("血糖读数").doesNotContain("??rights.");
    }

    private static Map<String, Long> counts(Account a) throws IOException {
        HttpResponse<String> r = a.get("/api/v1/me/data");
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Long> counts = new LinkedHashMap<>();
        JSON.readTree(r.body()).path("categories").forEach(c -> counts.put(c.path("id").asText(),
                c.path("count").asLong()));
        return counts;
    }

    @Test
    @Tag("PR-64")
    void theExportPageAsksForThePasswordAndOffersTheDownloadWhenReady() throws Exception {
        Account a = account();
        Http web = new Http(app.url());
        web.postForm("/login", Map.of("identifier", app.app().accounts().find(a.id()).orElseThrow().email(),
                "password", TestApp.PASSWORD));
        assertThat(web.get("/settings/export").body()).contains("data-testid=\"export-form\"");
        HttpResponse<String> wrong = web.postForm("/settings/export", Map.of("password", "not my password"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("data-testid=\"errors\"").contains("data-testid=\"export-form\"");
        assertThat(jobs(a.id())).isZero();
        HttpResponse<String> ok = web.postForm("/settings/export", Map.of("password", TestApp.PASSWORD));
        assertThat(ok.statusCode()).isEqualTo(303);
        String page = Wait.until("the page offers the download", () -> web.get("/settings/export").body(),
                b -> b.contains("data-testid=\"export-download\""));
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("href=\"(/api/v1/me/exports/[0-9a-f-]+/archive)\"")
                .matcher(page);
        assertThat(link.find()).isTrue();
        // The web session downloads it too.
        HttpResponse<String> zip = web.get(link.group(1));
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
    }

    @Test
    @Tag("PR-64")
    void withTwoFactorTheCodeIsNeededToo() throws Exception {
        Account a = account();
        String secret = app.app().accounts().startTwoFactor(a.id()).secret();
        app.app().accounts().enableTwoFactor(a.id(), org.mqcgm.server.testing.TestTotp.code(secret,
                clock.instant().getEpochSecond()), org.mqcgm.server.accounts.ClientFacts.NONE);
        HttpResponse<String> noCode = a.post("/api/v1/me/exports", password());
        assertThat(noCode.statusCode()).isEqualTo(401);
        assertThat(noCode.body()).contains("confirm-failed").contains("\"field\":\"code\"");
        assertThat(jobs(a.id())).isZero();
        // The next time step: the code used to enable two-factor cannot be replayed.
        clock.advance(Duration.ofSeconds(30));
        try {
            String code = org.mqcgm.server.testing.TestTotp.code(secret, clock.instant().getEpochSecond());
            HttpResponse<String> ok = a.post("/api/v1/me/exports", "{\"password\":\"" + TestApp.PASSWORD
                    + "\",\"code\":\"" + code + "\"}");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
            assertThat(jobs(a.id())).isEqualTo(1);
        } finally {
            clock.set(Instant.now());
        }
    }
}
