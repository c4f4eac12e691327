package org.mqcgm.server.sharing;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.security.Grant;
import org.mqcgm.server.platform.security.ReadLog;
import org.mqcgm.server.platform.security.ShareScope;

/**
 * "Who saw my data": every read of a wearer's data by a follower, kept for the wearer. Identical reads (same share,
 * scope and route) within one minute are one row with their first and last time and how many there were, so a
 * live page does not write a row per request while who, what and when stay. No data value is kept.
 */
final class AccessLog implements ReadLog {

    /** One row of the log, with everything kept. */
    record Read(Instant first, Instant last, int reads, UUID share, String who, String scope, String route) {
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final Clock clock;

    AccessLog(Jdbi jdbi, UserKeys keys, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.clock = clock;
    }

    /** Records one read by the grant's follower. */
    void record(Grant grant, ShareScope scope, String route) {
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into share_read (owner_id, share_id, scope, route, minute, first_at, last_at, reads)
                        values (:owner, :share, :scope, :route, :minute, :now, :now, 1)
                        on conflict (owner_id, share_id, scope, route, minute)
                        do update set last_at = greatest(share_read.last_at, excluded.last_at),
                                      reads = share_read.reads + 1""")
                .bind("owner", grant.person()).bind("share", grant.id()).bind("scope", scope.id())
                .bind("route", route.length() > 200 ? route.substring(0, 200) : route)
                .bind("minute", Shares.at(now.truncatedTo(ChronoUnit.MINUTES))).bind("now", Shares.at(now))
                .execute());
    }

    /** The person's log since {@code since}, newest first, at most {@code limit} rows. */
    List<Read> all(UUID owner, Instant since, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select r.first_at, r.last_at, r.reads, r.share_id, r.scope, r.route, s.grantee_label
                        from share_read r join share s on s.owner_id = r.owner_id and s.id = r.share_id
                        where r.owner_id = :owner and r.last_at >= :since
                        order by r.last_at desc, r.share_id, r.scope, r.route limit :limit""")
                .bind("owner", owner).bind("since", Shares.at(since)).bind("limit", limit)
                .map((rs, ctx) -> {
                    byte[] label = rs.getBytes("grantee_label");
                    return new Read(rs.getObject("first_at", OffsetDateTime.class).toInstant(),
                            rs.getObject("last_at", OffsetDateTime.class).toInstant(), rs.getInt("reads"),
                            rs.getObject("share_id", UUID.class),
                            label == null ? "?" : keys.decryptString(owner, "share.grantee", label),
                            rs.getString("scope"), rs.getString("route"));
                }).list());
    }

    long count(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from share_read where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
    }

    @Override
    public List<Entry> reads(UUID person, Instant since, int limit) {
        return all(person, since, limit).stream()
                .map(r -> new Entry(r.last(), r.who(), "follower", r.scope())).toList();
    }
}
