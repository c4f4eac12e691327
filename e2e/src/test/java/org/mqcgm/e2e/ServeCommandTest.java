package org.mqcgm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
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
        return env;
    }

    private static void assertOneLineError(Map<String, String> env, String expectedStart, String... args)
            throws InterruptedException {
        try (Processes.Running p = Processes.start(env, true, args)) {
            assertThat(p.awaitExit(60)).isTrue();
            assertThat(p.process.exitValue()).isEqualTo(2);
            String out = p.output().strip();
            assertThat(out).startsWith("mqcgm: " + expectedStart).doesNotContain("\n").doesNotContain("Exception")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void missingOrInvalidSettingsGiveOneLineNamingTheSettingAndExitTwo() throws Exception {
        assertOneLineError(Map.of(), "MQCGM_DB_URL: missing", "serve");
        Map<String, String> noKey = env();
        noKey.remove("MQCGM_MASTER_KEY_FILE");
        assertOneLineError(noKey, "MQCGM_MASTER_KEY_FILE: missing", "serve");
        Map<String, String> badPort = env();
        badPort.put("MQCGM_PORT", "http");
        assertOneLineError(badPort, "MQCGM_PORT: must be a whole number", "serve");
        Map<String, String> wrongDb = env();
        wrongDb.put("MQCGM_DB_URL", "jdbc:postgresql://127.0.0.1:1/served");
        assertOneLineError(wrongDb, "MQCGM_DB_URL: cannot connect", "serve");
        Map<String, String> garbageKey = env();
        Path garbage = dir.resolve("garbage-key.json");
        java.nio.file.Files.writeString(garbage, "{\"not\": \"a keyset\"}");
        garbageKey.put("MQCGM_MASTER_KEY_FILE", garbage.toString());
        assertOneLineError(garbageKey, "MQCGM_MASTER_KEY_FILE:", "serve");
        assertOneLineError(Map.of(), "--config: no such file", "serve", "--config", "/nonexistent/mqcgm.conf");
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
        assertOneLineError(env(), "--role: must be one of", "admin", "grant-role", "--login", "root@example.org",
                "--role", "superuser");
        assertOneLineError(env(), "admin: No account has the login", "admin", "grant-role", "--login",
                "nobody@example.org", "--role", "admin");
        assertOneLineError(env(), "admin: An account with this login already exists.", "admin", "create-user",
                "--login", "root@example.org");
    }
}
