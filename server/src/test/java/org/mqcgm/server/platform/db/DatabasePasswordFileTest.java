package org.mqcgm.server.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.security.SecretFile;
import org.mqcgm.server.testing.ConfigFixture;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestDatabase;

/**
 * The runtime reads the database password from {@code MQCGM_DB_PASSWORD_FILE} at each new physical connection
 * (issue 16, ASVS V2.10.1): the role's password is changed in PostgreSQL and in the file while the server runs, the
 * pool's connections are replaced, and requests keep succeeding — under the new password, the old one refused.
 */
class DatabasePasswordFileTest {

    static final String ROLE = "mqcgm_rotating_" + ProcessHandle.current().pid();

    @Test
    void theDatabasePasswordIsReadFromItsFileAtEachNewConnectionSoItRotatesWithoutARestart(@TempDir Path dir)
            throws Exception {
        // The configuration: the file instead of the value, never both.
        Path file = dir.resolve("db-password");
        Files.writeString(file, "first-password-1234\n", StandardCharsets.UTF_8);
        Map<String, String> settings = ConfigFixture.validSettings(dir);
        settings.put("MQCGM_DB_PASSWORD_FILE", file.toString());
        assertThatThrownBy(() -> ServerConfig.fromSettings(settings)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("MQCGM_DB_PASSWORD_FILE");
        settings.remove("MQCGM_DB_PASSWORD");
        String reference = ServerConfig.fromSettings(settings).databasePassword();
        assertThat(SecretFile.isReference(reference)).isTrue();
        assertThat(SecretFile.resolve(reference)).isEqualTo("first-password-1234");

        // A database and a role that must give its password (the embedded server trusts loopback otherwise).
        String url = TestDatabase.fresh().replaceAll("\\?.*$", "");
        Jdbi superuser = Jdbi.create(url, TestDatabase.user(), TestDatabase.password());
        String hbaFile = superuser.withHandle(h -> h.createQuery("show hba_file").mapTo(String.class).one());
        Path hba = Path.of(hbaFile);
        String original = Files.readString(hba);
        superuser.useHandle(h -> h.execute("create role " + ROLE + " login password 'first-password-1234'"));
        try (Database owner = Database.open(url, TestDatabase.user(), TestDatabase.password(), 1)) {
            owner.grantDataAccess(ROLE);
        }
        try {
            Files.writeString(hba, "host all " + ROLE + " 127.0.0.1/32 scram-sha-256\n"
                    + "host all " + ROLE + " ::1/128 scram-sha-256\n" + original);
            superuser.useHandle(h -> h.execute("select pg_reload_conf()"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThatThrownBy(() -> DriverManager.getConnection(url, ROLE, "wrong-password-123").close())
                            .isInstanceOf(SQLException.class));

            try (TestApp app = TestApp.startOn(url, ROLE, reference, UnaryOperator.identity())) {
                String token = app.newUserToken("rotating@example.org", Scope.READINGS_READ);
                Http http = new Http(app.url());
                assertThat(http.get("/api/v1/readings", "Authorization", "Bearer " + token).statusCode())
                        .isEqualTo(200);

                // The operator (or a vault agent) rotates the password: in PostgreSQL, then in the file.
                OffsetDateTime rotated = superuser.withHandle(h -> {
                    h.execute("alter role " + ROLE + " password 'second-password-5678'");
                    return h.createQuery("select now()").mapTo(OffsetDateTime.class).one();
                });
                Files.writeString(file, "second-password-5678\n", StandardCharsets.UTF_8);
                app.app().database().orElseThrow().evictConnections();

                for (int i = 0; i < 5; i++) {
                    assertThat(http.get("/api/v1/readings", "Authorization", "Bearer " + token).statusCode())
                            .isEqualTo(200);
                }
                // Those requests ran on connections opened after the change, with the file's new password.
                await().atMost(Duration.ofSeconds(10)).until(() -> superuser.withHandle(h -> h.createQuery(
                                "select count(*) from pg_stat_activity where usename = :r and backend_start > :t")
                        .bind("r", ROLE).bind("t", rotated).mapTo(Integer.class).one()) > 0);
                assertThatThrownBy(() -> DriverManager.getConnection(url, ROLE, "first-password-1234").close())
                        .isInstanceOf(SQLException.class);
                DriverManager.getConnection(url, ROLE, "second-password-5678").close();
            }
        } finally {
            Files.writeString(hba, original);
            superuser.useHandle(h -> h.execute("select pg_reload_conf()"));
        }
    }
}
