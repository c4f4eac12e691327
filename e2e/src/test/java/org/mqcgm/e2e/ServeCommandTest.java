package org.mqcgm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.localdb.LocalPostgres;
import org.mqcgm.server.platform.crypto.MasterKey;

/** {@code mqcgm serve} against an external PostgreSQL, configured by environment, as an operator runs it. */
class ServeCommandTest {

    static LocalPostgres postgres;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startDatabase() {
        postgres = LocalPostgres.start(dir.resolve("pg"));
        postgres.createDatabaseIfAbsent("served");
    }

    @AfterAll
    static void stopDatabase() {
        postgres.close();
    }

    private static Map<String, String> env() {
        Path key = dir.resolve("master.json");
        if (!key.toFile().exists()) {
            MasterKey.generate(key);
        }
        Map<String, String> env = new HashMap<>();
        env.put("MQCGM_DB_URL", "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/served");
        env.put("MQCGM_DB_USER", "postgres");
        env.put("MQCGM_DB_PASSWORD", "");
        env.put("MQCGM_MASTER_KEY_FILE", key.toString());
        env.put("MQCGM_CONTROLLER_EMAIL", "privacy@operator.example");
        return env;
    }

    /** A command expected to stop at once with one line naming what is wrong. */
    private record Refusal(Map<String, String> env, String expectedStart, String... args) {
    }

    /**
     * Starts every command at once (each is a JVM that only reads its settings and stops: run one after the other
     * they took most of this class's time), then checks each: exit code 2 and one line, no stack trace.
     */
    private static void assertOneLineErrors(List<Refusal> refusals) throws InterruptedException {
        List<Processes.Running> running = new ArrayList<>();
        try {
            for (Refusal r : refusals) {
                running.add(Processes.start(r.env(), true, r.args()));
            }
            for (int i = 0; i < refusals.size(); i++) {
                Processes.Running p = running.get(i);
                assertThat(p.awaitExit(60)).isTrue();
                assertThat(p.process.exitValue()).as(String.join(" ", refusals.get(i).args())).isEqualTo(2);
                String out = p.output().strip();
                assertThat(out).startsWith("mqcgm: " + refusals.get(i).expectedStart()).doesNotContain("\n")
                        .doesNotContain("Exception").doesNotContain("\tat ");
            }
        } finally {
            running.forEach(Processes.Running::close);
        }
    }

    @Test
    void missingOrInvalidSettingsGiveOneLineNamingTheSettingAndExitTwo() throws Exception {
        Map<String, String> noKey = env();
        noKey.remove("MQCGM_MASTER_KEY_FILE");
        Map<String, String> badPort = env();
        badPort.put("MQCGM_PORT", "http");
        Map<String, String> wrongDb = env();
        wrongDb.put("MQCGM_DB_URL", "jdbc:postgresql://127.0.0.1:1/served");
        Map<String, String> garbageKey = env();
        Path garbage = dir.resolve("garbage-key.json");
        java.nio.file.Files.writeString(garbage, "{\"not\": \"a keyset\"}");
        garbageKey.put("MQCGM_MASTER_KEY_FILE", garbage.toString());
        assertOneLineErrors(List.of(
                new Refusal(Map.of(), "MQCGM_DB_URL: missing", "serve"),
                new Refusal(noKey, "MQCGM_MASTER_KEY_FILE: missing", "serve"),
                new Refusal(badPort, "MQCGM_PORT: must be a whole number", "serve"),
                new Refusal(wrongDb, "MQCGM_DB_URL: cannot connect", "serve"),
                new Refusal(garbageKey, "MQCGM_MASTER_KEY_FILE:", "serve"),
                new Refusal(Map.of(), "--config: no such file", "serve", "--config", "/nonexistent/mqcgm.conf")));
    }

    @Test
    void migrateThenServeThenStopOnSigterm() throws Exception {
        try (Processes.Running migrate = Processes.start(env(), true, "migrate")) {
            assertThat(migrate.awaitExit(60)).isTrue();
            assertThat(migrate.process.exitValue()).as(migrate.output()).isZero();
            assertThat(migrate.output()).contains("applied");
        }
        Map<String, String> env = env();
        env.put("MQCGM_HOST", "127.0.0.1");
        try (Processes.Running serve = Processes.start(env, true, "serve", "--port", "0")) {
            String line = serve.awaitLine("mqcgm listening on", 60);
            int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
            HttpResponse<String> ready = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            serve.terminate();
            assertThat(serve.awaitExit(20)).isTrue();
            assertThat(serve.output()).contains("mqcgm stopped");
        }
    }

    @Test
    void administratorsAreBootstrappedFromTheCommandLine() throws Exception {
        try (Processes.Running create = Processes.start(env(), true, "admin", "create-user", "--login",
                "root@example.org", "--role", "admin")) {
            assertThat(create.awaitExit(60)).isTrue();
            assertThat(create.process.exitValue()).as(create.output()).isZero();
            assertThat(create.output()).contains("(admin)").containsPattern("password: [a-z2-9-]{23}");
        }
        try (Processes.Running grant = Processes.start(env(), true, "admin", "grant-role", "--login",
                "root@example.org", "--role", "support")) {
            assertThat(grant.awaitExit(60)).isTrue();
            assertThat(grant.output()).as(grant.output()).contains("granted support");
        }
        assertOneLineErrors(List.of(
                new Refusal(env(), "--role: must be one of", "admin", "grant-role", "--login", "root@example.org",
                        "--role", "superuser"),
                new Refusal(env(), "admin: No account has the login", "admin", "grant-role", "--login",
                        "nobody@example.org", "--role", "admin"),
                new Refusal(env(), "admin: An account with this login already exists.", "admin", "create-user",
                        "--login", "root@example.org")));
    }
}
