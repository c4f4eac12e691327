package org.mqcgm.server.privacy;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.consent.PolicyFreeze;

/**
 * The freeze of the privacy policy (table {@code policy_freeze}, at most one row). Publications check it under the
 * same table lock they take to number a version, so a freeze and a publication never cross.
 */
final class PolicyFreezes implements PolicyFreeze {

    private final Jdbi jdbi;
    private final Clock clock;

    PolicyFreezes(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public int freeze(Handle h, String reason) {
        h.execute("lock table policy_version in share row exclusive mode");
        Optional<String> already = frozen(h);
        if (already.isPresent()) {
            throw new Refused("the privacy policy is frozen already (" + already.get() + ")");
        }
        java.time.Instant now = clock.instant();
        if (h.createQuery("select exists (select 1 from policy_version where effective_at > :now)")
                .bind("now", now.atOffset(ZoneOffset.UTC)).mapTo(Boolean.class).one()) {
            throw new Refused("a published version of the privacy policy takes effect later; freeze after it does");
        }
        Integer number = h.createQuery("""
                        select max(number) from policy_version where effective_at <= :now""")
                .bind("now", now.atOffset(ZoneOffset.UTC)).mapTo(Integer.class).findOne().orElse(null);
        if (number == null) {
            number = h.createQuery("select min(number) from policy_version").mapTo(Integer.class).findOne()
                    .orElseThrow(() -> new Refused("no privacy policy is published"));
        }
        h.createUpdate("insert into policy_freeze (version_number, reason, frozen_at) values (:n, :r, :at)")
                .bind("n", number).bind("r", reason).bind("at", now.atOffset(ZoneOffset.UTC)).execute();
        return number;
    }

    @Override
    public void unfreeze(Handle h) {
        h.execute("delete from policy_freeze");
    }

    @Override
    public Optional<String> frozen() {
        return jdbi.withHandle(PolicyFreezes::frozen);
    }

    static Optional<String> frozen(Handle h) {
        return h.createQuery("select reason || ' (version ' || version_number || ')' from policy_freeze")
                .mapTo(String.class).findOne();
    }
}
