package org.mqcgm.server.transfers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * Direct transfer (PR-71) against a real HTTP server on loopback that plays a FHIR server and a Nightscout site and
 * records every request it gets.
 */
class TransfersTest {

    static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");
    static final int READINGS = 3 * 288;
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    /** Plain http to loopback is allowed for this test's own destination only (production refuses it). */
    static final TestApp app = TestApp.perClass(Clock.fixed(NOW, ZoneOffset.UTC), Clock.systemUTC(), () -> null,
            c -> c.withTransfersAllowLoopbackHttp(true));

    /** One request the fake destination got. */
    record Received(String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    static HttpServer server;
    static String base;
    static final List<Received> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startDestination() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/fhir", ex -> answer(ex, 200, "{\"resourceType\":\"Bundle\","
                + "\"type\":\"transaction-response\"}"));
        server.createContext("/ns/api/v1/entries", ex -> {
            boolean ok = Transfers.sha1("the-api-secret").equals(ex.getRequestHeaders().getFirst("api-secret"));
            answer(ex, ok ? 200 : 401, ok ? "[]" : "{\"status\":401}");
        });
        server.createContext("/moved", ex -> {
            ex.getResponseHeaders().add("Location", base + "/elsewhere");
            answer(ex, 302, "");
        });
        server.createContext("/elsewhere", ex -> answer(ex, 200, "{}"));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        received.add(new Received(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()),
                ex.getRequestBody().readAllBytes()));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    @AfterAll
    static void stopDestination() {
        server.stop(0);
    }

    @BeforeEach
    void forget() {
        received.clear();
    }

    /** A person with three days of readings, and a token that may manage the account. */
    record Person(UUID id, String token, List<Reading> readings) {
    }

    static Person person(String identifier) {
        UUID id = app.newUser(identifier);
        List<Reading> readings = new ArrayList<>();
        Instant start = NOW.minus(Duration.ofDays(3));
        for (int i = 0; i < READINGS; i++) {
            readings.add(new Reading(start.plus(Duration.ofMinutes(5L * i)), ZoneOffset.ofHours(8),
                    70 + (i * 7) % 150, Reading.Marker.VALUE, (i % 9) - 4, -1, 0, null));
        }
        assertThat(app.app().readings().store(id, readings)).isEqualTo(READINGS);
        String token = app.app().apiTokens().create(id, "transfers", java.util.EnumSet.of(Scope.ACCOUNT_MANAGE));
        return new Person(id, token, readings);
    }

    static HttpResponse<String> transfer(Person p, String password, String kind, String url, String credential) {
        String body = "{\"password\":" + quote(password) + ",\"kind\":" + quote(kind) + ",\"url\":" + quote(url)
                + (credential == null ? "" : ",\"credential\":" + quote(credential)) + "}";
        return new Http(app.url()).postJson("/api/v1/me/transfers", body, "Authorization", "Bearer " + p.token());
    }

    static String quote(String s) {
        return JSON.valueToTree(s).toString();
    }

    static JsonNode log(Person p) throws IOException {
        HttpResponse<String> r = new Http(app.url()).get("/api/v1/me/transfers", "Authorization", "Bearer " + p.token());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Tag("PR-71")
    @Test
    void aFhirServerReceivesEveryReadingInTransactionBundlesWithTheUsersToken() throws IOException {
        Person p = person("fhir-transfer@example.org");

        HttpResponse<String> r = transfer(p, TestApp.PASSWORD, "fhir", base + "/fhir", "token-of-the-clinic");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(received).hasSize(2); // 864 readings in bundles of at most 500
        int observations = 0;
        Set<String> times = new HashSet<>();
        for (Received req : received) {
            assertThat(req.path()).isEqualTo("/fhir");
            assertThat(req.header("Authorization")).isEqualTo("Bearer token-of-the-clinic");
            assertThat(req.header("Content-Type")).isEqualTo("application/fhir+json");
            JsonNode bundle = JSON.readTree(req.body());
            assertThat(bundle.path("type").asText()).isEqualTo("transaction");
            for (JsonNode e : bundle.path("entry")) {
                JsonNode res = e.path("resource");
                if (res.path("code").path("coding").path(0).path("code").asText().equals("99504-3")) {
                    observations++;
                    times.add(res.path("effectiveDateTime").asText());
                }
            }
        }
        assertThat(observations).isEqualTo(READINGS);
        assertThat(times).hasSize(READINGS);
        JsonNode entry = JSON.readTree(r.body());
        assertThat(entry.path("status").asText()).isEqualTo("done");
        assertThat(entry.path("readings").asInt()).isEqualTo(READINGS);
        JsonNode log = log(p);
        assertThat(log).hasSize(1);
        assertThat(log.get(0).path("kind").asText()).isEqualTo("fhir");
        assertThat(log.get(0).path("destination").asText()).isEqualTo("127.0.0.1"); // the host only
        assertThat(log.get(0).path("requests").asInt()).isEqualTo(2);
        // The credential is kept nowhere.
        long leaked = app.sql().withHandle(h -> h.createQuery("select count(*) from transfer_log where "
                + "transfer_log::text like '%token-of-the-clinic%'").mapTo(Long.class).one());
        assertThat(leaked).isZero();
    }

    @Tag("PR-71")
    @Test
    void aNightscoutSiteReceivesTheReadingsWithMatchingCountsAndTheHashedSecret() throws IOException {
        Person p = person("ns-transfer@example.org");

        HttpResponse<String> r = transfer(p, TestApp.PASSWORD, "nightscout", base + "/ns/", "the-api-secret");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(received).isNotEmpty().allSatisfy(req -> {
            assertThat(req.path()).isEqualTo("/ns/api/v1/entries");
            // SHA-1 of "the-api-secret", lower-case hex, as Nightscout compares it (never the secret itself)
            assertThat(req.header("api-secret")).isEqualTo("d60a07ad01f5329927299320744eafefcdcb2003");
        });
        List<JsonNode> entries = new ArrayList<>();
        for (Received req : received) {
            JSON.readTree(req.body()).forEach(entries::add);
        }
        assertThat(entries).hasSize(READINGS);
        assertThat(entries).allSatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("sgv"));
        Set<Long> sent = new HashSet<>();
        for (JsonNode e : entries) {
            sent.add(e.path("date").asLong());
        }
        Set<Long> stored = new HashSet<>();
        for (Reading reading : p.readings()) {
            stored.add(reading.time().toEpochMilli());
        }
        assertThat(sent).isEqualTo(stored);
        JsonNode first = entries.stream().filter(e -> e.path("date").asLong() == p.readings().get(0).time()
                .toEpochMilli()).findFirst().orElseThrow();
        assertThat(first.path("sgv").asInt()).isEqualTo(p.readings().get(0).mgdl());
        assertThat(first.path("dateString").asText()).endsWith("+08:00");
        assertThat(log(p).get(0).path("readings").asInt()).isEqualTo(READINGS);
    }

    @Tag("PR-71")
    @Test
    void aWrongCredentialFailsTheTransferAndItIsLogged() throws IOException {
        Person p = person("ns-wrong@example.org");

        HttpResponse<String> r = transfer(p, TestApp.PASSWORD, "nightscout", base + "/ns", "not-the-secret");

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(r.body()).path("type").asText()).endsWith("transfer-failed");
        assertThat(received).hasSize(1); // the first refusal stops the transfer
        JsonNode log = log(p);
        assertThat(log.get(0).path("status").asText()).isEqualTo("failed");
        assertThat(log.get(0).path("failure").asText()).isEqualTo("answered 401");
        assertThat(log.get(0).path("readings").asInt()).isZero();
    }

    @Tag("PR-71")
    @Test
    void aRedirectIsNotFollowedAndTheLogSaysSo() throws IOException {
        Person p = person("redirect@example.org");

        HttpResponse<String> r = transfer(p, TestApp.PASSWORD, "fhir", base + "/moved", null);

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("redirect refused");
        assertThat(received).extracting(Received::path).containsExactly("/moved"); // nothing reached /elsewhere
        JsonNode log = log(p);
        assertThat(log).hasSize(1);
        assertThat(log.get(0).path("status").asText()).isEqualTo("failed");
        assertThat(log.get(0).path("failure").asText()).isEqualTo("redirect refused");
    }

    @Test
    void plainHttpToAnotherHostOrAPrivateAddressIsRefusedBeforeAnythingIsSent() throws IOException {
        Person p = person("http@example.org");
        for (String url : List.of("http://example.org/fhir", "https://10.1.2.3/fhir", "https://169.254.169.254/",
                "https://user:pw@example.org/", "ftp://example.org/", "not a url")) {
            HttpResponse<String> r = transfer(p, TestApp.PASSWORD, "fhir", url, "t");
            assertThat(r.statusCode()).as(url + ": " + r.body()).isIn(400, 422);
            assertThat(r.body()).as(url).contains("$.url");
        }
        assertThat(transfer(p, TestApp.PASSWORD, "fhir", "http://example.org/fhir", "t").statusCode())
                .isEqualTo(422);
        assertThat(received).isEmpty();
        assertThat(log(p)).isEmpty();
    }

    @Test
    void aWrongPasswordIs401AndNothingIsSent() throws IOException {
        Person p = person("password@example.org");

        HttpResponse<String> r = transfer(p, "not the password", "fhir", base + "/fhir", "t");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).path("type").asText()).endsWith("confirm-failed");
        assertThat(received).isEmpty();
        assertThat(log(p)).isEmpty();
    }

    @Test
    void someoneElseCannotSeeYourTransfers() throws IOException {
        Person p = person("mine@example.org");
        assertThat(transfer(p, TestApp.PASSWORD, "nightscout", base + "/ns", "the-api-secret").statusCode())
                .isEqualTo(201);
        Person other = person("theirs@example.org");

        assertThat(log(p)).hasSize(1);
        assertThat(log(other)).isEmpty();
    }

    @Test
    void badFieldsAre400WithTheField() throws IOException {
        Person p = person("fields@example.org");
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/me/transfers",
                "{\"password\":1,\"kind\":\"ftp\",\"url\":\"https://example.org\",\"extra\":true}",
                "Authorization", "Bearer " + p.token());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("$.extra");
        r = new Http(app.url()).postJson("/api/v1/me/transfers",
                "{\"password\":1,\"kind\":\"ftp\",\"url\":\"https://example.org\"}",
                "Authorization", "Bearer " + p.token());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("$.password").contains("$.kind");
        r = transfer(p, TestApp.PASSWORD, "nightscout", "https://example.org", null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("$.credential");
        assertThat(received).isEmpty();
    }

    @Test
    void theSettingsPageSendsAndListsTransfers() {
        Person p = person("page@example.org");
        Http web = new Http(app.url());
        assertThat(web.postForm("/login", Map.of("identifier", "page@example.org", "password", TestApp.PASSWORD))
                .statusCode()).isEqualTo(303);
        HttpResponse<String> page = web.get("/settings/transfer");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-testid=\"transfer-form\"").contains("data-testid=\"transfer-log-empty\"");

        HttpResponse<String> wrong = web.postForm("/settings/transfer", Map.of("_csrf", web.csrfToken(),
                "kind", "nightscout", "url", base + "/ns", "credential", "the-api-secret", "password", "nope"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(received).isEmpty();

        HttpResponse<String> done = web.postForm("/settings/transfer", Map.of("_csrf", web.csrfToken(),
                "kind", "nightscout", "url", base + "/ns", "credential", "the-api-secret",
                "password", TestApp.PASSWORD));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("data-testid=\"transfer-result\"").contains("data-testid=\"transfer-log\"")
                .contains("127.0.0.1").doesNotContain("the-api-secret");
        assertThat(received).isNotEmpty();
    }

    /** A transfer holds its person's slot: a second one while it runs answers 409 and sends nothing. */
    @Test
    void aSecondTransferWhileOneRunsIsRefused() throws Exception {
        Person p = person("busy@example.org");
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer slow = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.createContext("/fhir", ex -> {
            requests.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            // Headers at once, then the body only once the test lets it go.
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write('{');
            ex.getResponseBody().flush();
            arrived.countDown();
            try {
                release.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.getResponseBody().write('}');
            ex.close();
        });
        slow.start();
        String url = "http://127.0.0.1:" + slow.getAddress().getPort() + "/fhir";
        try {
            java.util.concurrent.CompletableFuture<HttpResponse<String>> first = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> transfer(p, TestApp.PASSWORD, "fhir", url, ""));
            assertThat(arrived.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> second = transfer(p, TestApp.PASSWORD, "fhir", url, "");
            assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
            assertThat(second.body()).contains("transfer-in-progress");
            assertThat(requests.get()).isEqualTo(1);

            release.countDown();
            assertThat(first.get(60, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(201);
            // Once it has finished, the next one may run.
            assertThat(transfer(p, TestApp.PASSWORD, "fhir", url, "").statusCode()).isEqualTo(201);
        } finally {
            release.countDown();
            slow.stop(0);
        }
    }

    /** "My data" counts the transfers and the export holds them: host, kind, outcome; never the credential. */
    @Test
    @Tag("PR-70")
    void myDataAndTheExportHoldTheTransferLogWithoutTheCredential() throws Exception {
        Person p = person("transfer-export@example.org");
        assertThat(transfer(p, TestApp.PASSWORD, "nightscout", base + "/ns/api/v1", "the-api-secret")
                .statusCode()).isEqualTo(201);
        assertThat(transfer(p, TestApp.PASSWORD, "nightscout", base + "/ns", "a-wrong-secret").statusCode())
                .isEqualTo(502);

        String profile = app.app().apiTokens().create(p.id(), "data", java.util.EnumSet.of(Scope.PROFILE_READ));
        JsonNode data = JSON.readTree(new Http(app.url()).get("/api/v1/me/data", "Authorization", "Bearer " + profile)
                .body());
        JsonNode category = null;
        for (JsonNode c : data.path("categories")) {
            if (c.path("id").asText().equals("transfers")) {
                category = c;
            }
        }
        assertThat(category).as(data.toString()).isNotNull();
        assertThat(category.path("count").asLong()).isEqualTo(2);
        assertThat(category.path("purpose").asText()).contains("service you designated");

        Http http = new Http(app.url());
        HttpResponse<String> created = http.postJson("/api/v1/me/exports", "{\"password\":\"" + TestApp.PASSWORD
                + "\"}", "Authorization", "Bearer " + p.token());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        String status = created.headers().firstValue("Location").orElseThrow();
        JsonNode ready = org.mqcgm.testkit.Wait.until("the export is ready", () -> JSON.readTree(http.get(status,
                "Authorization", "Bearer " + p.token()).body()), n -> n.path("status").asText().equals("ready"));
        HttpResponse<byte[]> archive = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                        .newBuilder(java.net.URI.create(app.url() + ready.path("archive").asText()))
                        .header("Authorization", "Bearer " + p.token()).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(archive.statusCode()).isEqualTo(200);
        Map<String, String> files = new java.util.HashMap<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(
                new java.io.ByteArrayInputStream(archive.body()))) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                files.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(files).containsKey("transfers.json");
        assertThat(files.get("README.txt")).contains("transfers.json");
        JsonNode rows = JSON.readTree(files.get("transfers.json"));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).path("status").asText()).isEqualTo("failed");
        assertThat(rows.get(0).path("failure").asText()).isEqualTo("answered 401");
        assertThat(rows.get(1).path("status").asText()).isEqualTo("done");
        assertThat(rows.get(1).path("readings").asInt()).isEqualTo(READINGS);
        for (JsonNode row : rows) {
            assertThat(row.path("kind").asText()).isEqualTo("nightscout");
            assertThat(row.path("destination").asText()).isEqualTo("127.0.0.1");
        }
        assertThat(files.get("transfers.json")).doesNotContain("the-api-secret").doesNotContain("a-wrong-secret")
                .doesNotContain(Transfers.sha1("the-api-secret")).doesNotContain("/ns");
    }

    /** A transfer still "running" long after its start was interrupted (its node stopped): it is marked so. */
    @Test
    void theSweeperMarksInterruptedTransfersFailed() throws IOException {
        Person p = person("sweep@example.org");
        Instant now = Instant.now();
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        app.sql().useHandle(h -> {
            for (Object[] row : new Object[][] {{old, now.minus(TransfersFeature.INTERRUPTED_AFTER).minusSeconds(60)},
                {recent, now.minusSeconds(60)}}) {
                h.createUpdate("""
                                insert into transfer_log (owner_id, id, at, kind, destination, status)
                                values (:owner, :id, :at, 'fhir', 'fhir.example.org', 'running')""")
                        .bind("owner", p.id()).bind("id", (UUID) row[0])
                        .bind("at", ((Instant) row[1]).atOffset(ZoneOffset.UTC)).execute();
            }
        });

        assertThat(app.app().jobs().runNow("sweep-interrupted-transfers")).isEqualTo(1);

        Map<String, JsonNode> byId = new java.util.HashMap<>();
        log(p).forEach(t -> byId.put(t.path("id").asText(), t));
        assertThat(byId.get(old.toString()).path("status").asText()).isEqualTo("failed");
        assertThat(byId.get(old.toString()).path("failure").asText()).isEqualTo("interrupted");
        assertThat(byId.get(old.toString()).path("finishedAt").asText()).isNotBlank();
        assertThat(byId.get(recent.toString()).path("status").asText()).isEqualTo("running");
        assertThat(app.app().jobs().runNow("sweep-interrupted-transfers")).isZero();
    }
}
