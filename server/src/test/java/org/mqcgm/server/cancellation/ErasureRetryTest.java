package org.mqcgm.server.cancellation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.TestApp;

/**
 * One account whose erasure fails does not hold up the others (PR-87): the job goes on past it, counts the failure
 * (attempts, and the error as a class and SQL state only), tries it after the others, and erases it once it can.
 */
class ErasureRetryTest {

    static void cancel(TestApp app, UUID owner, Duration ago) {
        BackupRestoreTest.cancel(app, app.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class)));
        app.sql().useHandle(h -> h.createUpdate("update account_cancellation set requested_at = :t where owner_id = :o")
                .bind("t", Instant.now().minus(ago).atOffset(ZoneOffset.UTC)).bind("o", owner).execute());
    }

    static boolean exists(TestApp app, UUID id) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from account where id = :id")
                .bind("id", id).mapTo(Integer.class).one()) > 0;
    }

    static Map<String, Object> queued(TestApp app, UUID id) {
        return app.sql().withHandle(h -> h.createQuery(
                        "select attempts, last_error, last_attempt_at from account_cancellation where owner_id = :id")
                .bind("id", id).mapToMap().one());
    }

    @Test
    @Tag("PR-87")
    void anAccountWhoseErasureFailsIsCountedAndRetriedWhileTheOthersAreErasedInTheSameRun() {
        try (TestApp app = TestApp.start()) {
            app.app().jobs().close(); // the test runs the job itself
            UUID stuck = app.newUser("stuck@example.org");
            UUID second = app.newUser("second@example.org");
            UUID third = app.newUser("third@example.org");
            // A table referencing the account without "on delete cascade": deleting that account fails.
            app.sql().useHandle(h -> {
                h.execute("create table erasure_blocker (owner_id uuid not null references account (id))");
                h.execute("insert into erasure_blocker values (?)", stuck);
            });
            cancel(app, stuck, Duration.ofHours(3)); // the oldest: the old job took it first, every time
            cancel(app, second, Duration.ofHours(2));
            cancel(app, third, Duration.ofHours(1));

            assertThatThrownBy(() -> app.app().jobs().runNow(CancellationFeature.JOB))
                    .hasMessageContaining("SQL state 23503");

            assertThat(exists(app, second)).as("erased despite the failure before it").isFalse();
            assertThat(exists(app, third)).as("erased despite the failure before it").isFalse();
            assertThat(UserTraces.of(app.sql(), second)).isEmpty();
            assertThat(UserTraces.of(app.sql(), third)).isEmpty();
            assertThat(exists(app, stuck)).isTrue();
            Map<String, Object> failed = queued(app, stuck);
            assertThat(failed.get("attempts")).isEqualTo(1);
            assertThat(failed.get("last_attempt_at")).isNotNull();
            assertThat((String) failed.get("last_error")).contains("SQL state 23503")
                    .doesNotContain(stuck.toString()).doesNotContain("stuck@example.org")
                    .doesNotContain("erasure_blocker");

            // Retried at the next run, counted again; a cancellation queued since goes first (fewer attempts).
            UUID later = app.newUser("later@example.org");
            cancel(app, later, Duration.ofMinutes(1));
            assertThatThrownBy(() -> app.app().jobs().runNow(CancellationFeature.JOB))
                    .hasMessageContaining("SQL state 23503");
            assertThat(exists(app, later)).isFalse();
            assertThat(queued(app, stuck).get("attempts")).isEqualTo(2);

            // Once the cause is gone, the next run erases it.
            app.sql().useHandle(h -> h.execute("drop table erasure_blocker"));
            assertThat(app.app().jobs().runNow(CancellationFeature.JOB)).isOne();
            assertThat(exists(app, stuck)).isFalse();
            assertThat(UserTraces.of(app.sql(), stuck)).isEmpty();
            int tombstones = app.sql().withHandle(h -> h.createQuery("select count(*) from cancellation_tombstone")
                    .mapTo(Integer.class).one());
            assertThat(tombstones).isEqualTo(4);
        }
    }
}
