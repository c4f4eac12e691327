package org.mqcgm.server.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.App;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestDatabase;

/**
 * What {@code docs/deployment.md} promises of a production server (ASVS V1.2.2, V14.1.3, V14.3.3, V14.4.1):
 * migrations run under the schema owner ({@code mqcgm migrate} with {@code MQCGM_MIGRATION_DB_USER}) and the server
 * under a role that reads and writes rows but cannot change the schema; answers name no server software or version.
 */
class DeploymentHardeningTest {

    /** An empty database whose public schema only {@code owner} may create in; {@code app} may only connect. */
    private record Roles(String url, String owner, String app) {
        static Roles create() {
            // The embedded server's URL names its superuser (?user=postgres), which would win over the role given.
            String url = TestDatabase.empty().replaceFirst("\\?.*$", "");
            String n = UUID.randomUUID().toString().substring(0, 8);
            Roles r = new Roles(url, "owner_" + n, "app_" + n);
            Jdbi.create(url, TestDatabase.user(), TestDatabase.password()).useHandle(h -> {
                h.execute("create role " + r.owner + " login password 'owner-pw'");
                h.execute("create role " + r.app + " login password 'app-pw'");
                h.execute("revoke create on schema public from public");
                h.execute("grant usage, create on schema public to " + r.owner);
                h.execute("grant usage on schema public to " + r.app);
            });
            return r;
        }

        ServerConfig runtime(Path dir) throws Exception {
            Path key = dir.resolve("master-key.json");
            if (!Files.exists(key)) {
                MasterKey.generate(key);
            }
            return new ServerConfig(url, app, "app-pw", 4, key, "127.0.0.1", 0, 1_000_000, TestApp.TEST_ARGON2,
                    Duration.ofHours(12), Duration.ofDays(7), null, dir.resolve("outbox"), "http://mqcgm.test");
        }
    }

    @Test
    void theRuntimeRoleServesWhatTheMigrationRoleBuiltButCannotCreateTables() throws Exception {
        Roles roles = Roles.create();
        ServerConfig config = roles.runtime(Files.createTempDirectory("mqcgm-roles-"));
        MigrationLogin owner = MigrationLogin.fromSettings(Map.of("MQCGM_MIGRATION_DB_USER", roles.owner(),
                "MQCGM_MIGRATION_DB_PASSWORD", "owner-pw")).orElseThrow();

        assertThat(App.migrate(config, owner)).isPositive();

        Jdbi runtime = Jdbi.create(roles.url(), roles.app(), "app-pw");
        assertThatThrownBy(() -> runtime.useHandle(h -> h.execute("create table intruder (i int)")))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> runtime.useHandle(h -> h.execute("drop table account")))
                .hasMessageContaining("must be owner");

        // The server starts as the runtime role (it migrates nothing, writes its deployment secrets) and is ready.
        try (App app = App.start(config, Clock.systemUTC(), Clock.systemUTC())) {
            Http http = new Http("http://127.0.0.1:" + app.port());
            assertThat(http.get("/readyz").statusCode()).isEqualTo(200);
            java.net.http.HttpResponse<String> page = http.get("/login");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t.toLowerCase(java.util.Locale.ROOT)).startsWith("text/html").contains("charset=utf-8"));
            for (java.net.http.HttpResponse<String> r : java.util.List.of(page, http.get("/no-such-page"))) {
                assertThat(r.headers().firstValue("Server")).as("no server banner").isEmpty();
                assertThat(r.headers().firstValue("X-Powered-By")).isEmpty();
            }
        }
        long secrets = Jdbi.create(roles.url(), TestDatabase.user(), TestDatabase.password())
                .withHandle(h -> h.createQuery("select count(*) from deployment_secret").mapTo(Long.class).one());
        assertThat(secrets).isPositive();
    }

    @Test
    void aRuntimeRoleWithoutDdlRightsRefusesToServeAnUnmigratedSchema() throws Exception {
        Roles roles = Roles.create();
        ServerConfig config = roles.runtime(Files.createTempDirectory("mqcgm-roles-"));

        assertThatThrownBy(() -> App.start(config, Clock.systemUTC(), Clock.systemUTC()).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqcgm migrate");
        assertThatThrownBy(() -> MigrationLogin.fromSettings(Map.of("MQCGM_MIGRATION_DB_USER", "owner")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MQCGM_MIGRATION_DB_PASSWORD");
    }
}
