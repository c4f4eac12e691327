package org.mqcgm.server.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.testing.TestDatabase;

/**
 * A time bound from Java is stored cut to PostgreSQL's microsecond, never rounded up past the moment it records
 * (ClinicianLinksTest's "ended now" link answered 200 instead of 410 whenever the clock's nanoseconds rounded up).
 */
class DatabaseTimesTest {

    @Test
    void boundTimesAreNeverStoredAfterTheirMoment() {
        Instant t = Instant.parse("2026-12-07T12:00:00.123456999Z");
        try (Database db = Database.open(TestDatabase.fresh(), TestDatabase.user(), TestDatabase.password(), 1)) {
            Instant asInstant = db.jdbi().withHandle(h -> h.createQuery("select cast(:t as timestamptz)")
                    .bind("t", t).mapTo(OffsetDateTime.class).one()).toInstant();
            Instant asOffset = db.jdbi().withHandle(h -> h.createQuery("select cast(:t as timestamptz)")
                    .bind("t", t.atOffset(ZoneOffset.ofHours(8))).mapTo(OffsetDateTime.class).one()).toInstant();
            assertThat(asInstant).isEqualTo(Instant.parse("2026-12-07T12:00:00.123456Z"));
            assertThat(asOffset).isEqualTo(Instant.parse("2026-12-07T12:00:00.123456Z"));
        }
    }
}
