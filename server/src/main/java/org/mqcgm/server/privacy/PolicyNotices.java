package org.mqcgm.server.privacy;

import java.time.Clock;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Which minor policy version's notice each person has been shown ({@code policy_notice_seen}, V52). */
final class PolicyNotices {

    private final Jdbi jdbi;
    private final Clock clock;

    PolicyNotices(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Whether the notice of {@code version} is new to the person; records it as shown when it is. */
    boolean showOnce(UUID owner, int version) {
        Integer seen = jdbi.withHandle(h -> h.createQuery(
                        "select version from policy_notice_seen where owner_id = :owner")
                .bind("owner", owner).mapTo(Integer.class).findOne().orElse(null));
        if (seen != null && seen >= version) {
            return false;
        }
        return jdbi.withHandle(h -> h.createUpdate("""
                        insert into policy_notice_seen (owner_id, version, seen_at) values (:owner, :version, :at)
                        on conflict (owner_id) do update set version = excluded.version, seen_at = excluded.seen_at
                        where policy_notice_seen.version < excluded.version""")
                .bind("owner", owner).bind("version", version)
                .bind("at", java.time.OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC))
                .execute()) == 1;
    }
}
