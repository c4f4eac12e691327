package org.mqcgm.server.cancellation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.Wait;

/**
 * The catalogue guard of erasure (PR-87): every table that can hold a person's id is covered by the erasure, which
 * deletes the account row and relies on {@code on delete cascade}. A table added later with an {@code owner_id}
 * that does not reference {@code account (id) on delete cascade} fails both checks here — the structural one at
 * once, the scan after a cancellation — until it does (or the erasure handles it otherwise).
 */
class ErasureCatalogueTest {

    @Test
    @Tag("PR-87")
    void everyOwnerColumnOfTheSchemaIsErasedByTheCascade() {
        try (TestApp app = TestApp.start()) {
            assertThat(UserTraces.ownerColumnsWithoutCascade(app.sql())).isEmpty();
        }
    }

    @Test
    @Tag("PR-87")
    void aTableAddedLaterWithAnOwnerColumnFailsTheCheckUntilItReferencesTheAccountOnDeleteCascade() {
        try (TestApp app = TestApp.start()) {
            UUID id = app.newUser("later@example.org");
            app.sql().useHandle(h -> {
                h.execute("create table later_feature_note (owner_id uuid not null, id uuid primary key, note text)");
                h.execute("create table later_feature_done (owner_id uuid not null references account (id)"
                        + " on delete cascade, id uuid primary key, note text)");
                h.execute("insert into later_feature_note values (?, ?, 'x')", id, UUID.randomUUID());
                h.execute("insert into later_feature_done values (?, ?, 'x')", id, UUID.randomUUID());
            });
            assertThat(UserTraces.ownerColumnsWithoutCascade(app.sql()))
                    .containsExactly("later_feature_note.owner_id");

            HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/me/cancellation",
                    "{\"password\":\"" + TestApp.PASSWORD + "\"}", "Authorization", "Bearer "
                            + app.app().apiTokens().create(id, "all",
                            java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            app.app().jobs().runNow(CancellationFeature.JOB);
            Wait.until("the account row is gone", () -> app.sql().withHandle(h -> h.createQuery(
                    "select count(*) from account where id = :id").bind("id", id).mapTo(Integer.class).one()) == 0);

            assertThat(UserTraces.of(app.sql(), id)).containsExactly("later_feature_note.owner_id (1 rows)");
        }
    }

    @Test
    @Tag("PR-87")
    void aCancellationWaitingTooLongRaisesTheAlarmAndAFailedErasureChangesNothing() throws Exception {
        java.nio.file.Path notAFile = java.nio.file.Files.createTempDirectory("ledger-is-a-directory");
        try (TestApp app = TestApp.start(java.time.Clock.systemUTC(), java.time.Clock.systemUTC(), null,
                c -> c.withDeletionLedger(notAFile))) {
            UUID id = app.newUser("stuck@example.org");
            byte[] ciphertext = app.sql().withHandle(h -> h.createQuery("select email_enc from account where id = :id")
                    .bind("id", id).mapTo(byte[].class).one());
            HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/me/cancellation",
                    "{\"password\":\"" + TestApp.PASSWORD + "\"}", "Authorization", "Bearer "
                            + app.app().apiTokens().create(id, "all",
                            java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            app.sql().useHandle(h -> h.createUpdate("update account_cancellation set requested_at = :t")
                    .bind("t", Instant.now().minus(Duration.ofHours(21)).atOffset(ZoneOffset.UTC)).execute());

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> app.app().jobs().runNow(CancellationFeature.JOB))
                    .hasMessageContaining("deletion ledger");

            var meters = app.app().metrics().registry();
            assertThat(meters.get("mqcgm.cancellations.overdue").gauge().value()).isEqualTo(1.0);
            assertThat(meters.get("mqcgm.cancellations.oldest.pending").gauge().value())
                    .isGreaterThanOrEqualTo(Duration.ofHours(21).toSeconds());
            // Rolled back: the account and its key are still there, to be erased when the ledger can be written.
            var keys = new org.mqcgm.server.platform.crypto.UserKeys(app.sql(),
                    org.mqcgm.server.platform.crypto.MasterKey.load(app.masterKeyFile()));
            assertThat(keys.decryptString(id, "account.email", ciphertext)).isEqualTo("stuck@example.org");
            int tombstones = app.sql().withHandle(h -> h.createQuery("select count(*) from cancellation_tombstone")
                    .mapTo(Integer.class).one());
            assertThat(tombstones).isZero();
        }
    }
}
