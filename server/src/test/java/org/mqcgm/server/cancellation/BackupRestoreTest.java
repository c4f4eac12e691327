package org.mqcgm.server.cancellation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipFile;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.server.App;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.server.testing.TestDatabase;
import org.mqcgm.testkit.Wait;

/**
 * Backups that keep erasures erased (PR-65): back up a running deployment, cancel an account, restore the older
 * backup into a fresh database — the deletion ledger is replayed, so the account is absent, none of its data is
 * readable, and everyone else's data is back as it was.
 */
class BackupRestoreTest {

    @TempDir
    Path dir;

    static ServerConfig config(String jdbcUrl, TestApp app, Path ledger) {
        return new ServerConfig(jdbcUrl, TestDatabase.user(), TestDatabase.password(), 4, app.masterKeyFile(),
                "127.0.0.1", 0, 1_000_000, TestApp.TEST_ARGON2, Duration.ofHours(12), Duration.ofDays(7), null,
                app.masterKeyFile().resolveSibling("outbox"), "http://mqcgm.test").withDeletionLedger(ledger);
    }

    static Jdbi sql(String jdbcUrl) {
        return Jdbi.create(jdbcUrl, TestDatabase.user(), TestDatabase.password());
    }

    static String upload(TestApp app, UUID owner, int readings) {
        String token = app.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class));
        StringBuilder body = new StringBuilder("[");
        Instant start = Instant.now().minus(Duration.ofDays(4));
        for (int i = 0; i < readings; i++) {
            body.append(i == 0 ? "" : ",").append("{\"time\":\"").append(start.plus(Duration.ofMinutes(5L * i)))
                    .append("\",\"mgdl\":").append(90 + i % 80).append('}');
        }
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/readings", body.append(']').toString(),
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return token;
    }

    static long rows(Jdbi sql, String table, UUID owner) {
        return sql.withHandle(h -> h.createQuery("select count(*) from " + table + " where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
    }

    @Test
    @Tag("PR-65")
    void aBackupRestoredAfterACancellationDoesNotBringTheAccountBack() throws Exception {
        try (TestApp app = TestApp.start()) {
            Path ledger = app.masterKeyFile().resolveSibling("deletion-ledger.txt");
            UUID leaving = app.newUser("leaving@example.org");
            UUID staying = app.newUser("staying@example.org");
            String leavingToken = upload(app, leaving, 600);
            upload(app, staying, 600);
            byte[] leavingEmail = app.sql().withHandle(h -> h.createQuery("select email_enc from account where id = :id")
                    .bind("id", leaving).mapTo(byte[].class).one());
            long stayingDays = rows(app.sql(), "glucose_day", staying);
            long stayingRecent = rows(app.sql(), "glucose_recent", staying);
            assertThat(stayingDays + stayingRecent).isPositive();

            Path backup = dir.resolve("mqcgm-backup.zip");
            try (CancellationAdministration admin = CancellationAdministration.open(
                    config(app.jdbcUrl(), app, ledger), false)) {
                var summary = admin.backup(backup);
                assertThat(summary.schemaVersion()).isEqualTo(app.sql().withHandle(h -> h.createQuery("""
                        select version from flyway_schema_history where success and version is not null
                        order by installed_rank desc limit 1""").mapTo(String.class).one()));
                assertThat(summary.rows()).containsKeys("account", "user_key", "glucose_day", "consent_event")
                        .doesNotContainKeys("flyway_schema_history", "scheduled_tasks");
            }
            try (ZipFile zip = new ZipFile(backup.toFile())) {
                assertThat(zip.getEntry("manifest.properties")).isNotNull();
                assertThat(zip.getEntry("tables/account.copy")).isNotNull();
            }

            HttpResponse<String> cancelled = new Http(app.url()).postJson("/api/v1/me/cancellation",
                    "{\"password\":\"" + TestApp.PASSWORD + "\"}", "Authorization", "Bearer " + leavingToken);
            assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
            app.app().jobs().runNow(CancellationFeature.JOB);
            Wait.until("the account is erased", () -> app.sql().withHandle(h -> h.createQuery(
                    "select count(*) from account where id = :id").bind("id", leaving).mapTo(Integer.class).one()) == 0);
            assertThat(Files.readAllLines(ledger)).contains(leaving.toString());

            // Without the ledger (--no-ledger) the old backup would bring the account back (what the replay is for).
            String withoutLedger = TestDatabase.empty();
            try (CancellationAdministration admin = CancellationAdministration.open(
                    config(withoutLedger, app, dir.resolve("lost-ledger.txt")), false)) {
                assertThat(admin.restore(backup, List.of(), true).erasedAgain()).isZero();
            }
            assertThat(rows(sql(withoutLedger), "user_key", leaving)).isOne();

            String restored = TestDatabase.empty();
            CancellationAdministration.Restored result;
            try (CancellationAdministration admin = CancellationAdministration.open(config(restored, app, ledger),
                    false)) {
                result = admin.restore(backup, List.of(), false);
            }

            assertThat(result.erasedAgain()).isOne();
            Jdbi db = sql(restored);
            assertThat(UserTraces.of(db, leaving)).as("the cancelled account's id in the restored database").isEmpty();
            assertThat(rows(db, "glucose_day", staying)).isEqualTo(stayingDays);
            assertThat(rows(db, "glucose_recent", staying)).isEqualTo(stayingRecent);
            UserKeys keys = new UserKeys(db, MasterKey.load(app.masterKeyFile()));
            assertThatThrownBy(() -> keys.decryptString(leaving, "account.email", leavingEmail))
                    .isInstanceOf(UserKeys.KeyDestroyedException.class);
            byte[] stayingEmail = db.withHandle(h -> h.createQuery("select email_enc from account where id = :id")
                    .bind("id", staying).mapTo(byte[].class).one());
            assertThat(keys.decryptString(staying, "account.email", stayingEmail)).isEqualTo("staying@example.org");

            // The restored deployment runs: the one who stayed logs in and reads their readings, the other cannot.
            try (App server = App.start(config(restored, app, ledger).withArgon2(TestApp.TEST_ARGON2),
                    Clock.systemUTC())) {
                Http http = new Http("http://127.0.0.1:" + server.port());
                assertThat(http.postJson("/api/v1/auth/token", "{\"identifier\":\"staying@example.org\","
                        + "\"password\":\"" + TestApp.PASSWORD + "\"}").statusCode()).isEqualTo(201);
                assertThat(http.postJson("/api/v1/auth/token", "{\"identifier\":\"leaving@example.org\","
                        + "\"password\":\"" + TestApp.PASSWORD + "\"}").statusCode()).isEqualTo(401);
            }
        }
    }

    @Test
    void aRestoreRefusesADatabaseThatIsNotEmpty() throws Exception {
        try (TestApp app = TestApp.start()) {
            Path backup = dir.resolve("b.zip");
            Path ledger = Files.writeString(dir.resolve("ledger.txt"), "");
            try (CancellationAdministration admin = CancellationAdministration.open(
                    config(app.jdbcUrl(), app, ledger), false)) {
                admin.backup(backup);
                assertThatThrownBy(() -> admin.restore(backup, List.of(), false))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty database");
            }
        }
    }

    static void cancel(TestApp app, String token) {
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/me/cancellation",
                "{\"password\":\"" + TestApp.PASSWORD + "\"}", "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    static long publicTables(Jdbi sql) {
        return sql.withHandle(h -> h.createQuery("select count(*) from pg_tables where schemaname = 'public'")
                .mapTo(Long.class).one());
    }

    @Test
    @Tag("PR-65")
    void aCancellationQueuedWhenTheBackupWasTakenIsErasedByTheRestore() throws Exception {
        try (TestApp app = TestApp.start()) {
            // The erasure job must not run: the backup is to hold the cancellation queued, not yet erased.
            app.app().jobs().close();
            UUID leaving = app.newUser("queued@example.org");
            UUID staying = app.newUser("staying@example.org");
            cancel(app, upload(app, leaving, 50));
            upload(app, staying, 50);
            assertThat(rows(app.sql(), "account_cancellation", leaving)).isOne();
            Path backup = dir.resolve("queued.zip");
            try (CancellationAdministration admin = CancellationAdministration.open(
                    config(app.jdbcUrl(), app, dir.resolve("unused.txt")), false)) {
                admin.backup(backup);
            }

            // A ledger that does not list the account (say, that of a node which lost its copy): the queue in the
            // backup is enough for the restore to erase it.
            Path ledger = Files.writeString(dir.resolve("ledger-without-it.txt"), "");
            String restored = TestDatabase.empty();
            CancellationAdministration.Restored result;
            try (CancellationAdministration admin = CancellationAdministration.open(config(restored, app, ledger),
                    false)) {
                result = admin.restore(backup, List.of(), false);
            }

            assertThat(result.pendingCancellations()).isOne();
            assertThat(result.erasedAgain()).isOne();
            Jdbi db = sql(restored);
            assertThat(UserTraces.of(db, leaving)).as("the cancelled account's id in the restored database").isEmpty();
            assertThat(rows(db, "glucose_recent", staying) + rows(db, "glucose_day", staying)).isPositive();
            assertThat(Files.readAllLines(ledger)).as("erased by the restore, so listed").containsExactly(
                    leaving.toString());
        }
    }

    @Test
    @Tag("PR-65")
    void aCancellationRequestedAfterTheBackupIsErasedByTheRestoreWhenTheDatabaseWasLostBeforeItsErasure()
            throws Exception {
        try (TestApp app = TestApp.start()) {
            app.app().jobs().close();
            Path ledger = app.masterKeyFile().resolveSibling("deletion-ledger.txt");
            UUID leaving = app.newUser("lost@example.org");
            UUID staying = app.newUser("staying@example.org");
            String token = upload(app, leaving, 50);
            upload(app, staying, 50);
            Path backup = dir.resolve("older.zip");
            try (CancellationAdministration admin = CancellationAdministration.open(
                    config(app.jdbcUrl(), app, ledger), false)) {
                admin.backup(backup);
            }

            cancel(app, token);
            // Not erased yet (the job did not run) — and now the database is lost: the older backup is restored.
            assertThat(rows(app.sql(), "account_cancellation", leaving)).isOne();
            assertThat(Files.readAllLines(ledger)).as("listed when requested").contains(leaving.toString());

            String restored = TestDatabase.empty();
            CancellationAdministration.Restored result;
            try (CancellationAdministration admin = CancellationAdministration.open(config(restored, app, ledger),
                    false)) {
                result = admin.restore(backup, List.of(), false);
            }

            assertThat(result.pendingCancellations()).isZero();
            assertThat(result.erasedAgain()).isOne();
            Jdbi db = sql(restored);
            assertThat(UserTraces.of(db, leaving)).as("the cancelled account's id in the restored database").isEmpty();
            assertThat(rows(db, "glucose_recent", staying) + rows(db, "glucose_day", staying)).isPositive();
        }
    }

    @Test
    @Tag("PR-65")
    void aRestoreWithoutItsDeletionLedgerIsRefusedUnlessNoLedgerIsGiven() throws Exception {
        try (TestApp app = TestApp.start()) {
            app.newUser("someone@example.org");
            Path backup = dir.resolve("b.zip");
            Path missing = dir.resolve("lost-ledger.txt");
            try (CancellationAdministration admin = CancellationAdministration.open(
                    config(app.jdbcUrl(), app, missing), false)) {
                admin.backup(backup);
            }
            String target = TestDatabase.empty();
            try (CancellationAdministration admin = CancellationAdministration.open(config(target, app, missing),
                    false)) {
                assertThatThrownBy(() -> admin.restore(backup, List.of(), false))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("no deletion ledger at " + missing)
                        .hasMessageContaining("--no-ledger")
                        .hasMessageNotContaining("\n");
            }
            assertThat(publicTables(sql(target))).as("nothing loaded").isZero();

            try (CancellationAdministration admin = CancellationAdministration.open(config(target, app, missing),
                    false)) {
                CancellationAdministration.Restored r = admin.restore(backup, List.of(), true);
                assertThat(r.ledgerEntries()).isZero();
                assertThat(r.backup().rows().get("account")).isOne();
            }
            assertThat(rows(sql(target), "user_key", app.sql().withHandle(h -> h.createQuery(
                    "select id from account").mapTo(UUID.class).one()))).isOne();
        }
    }
}
