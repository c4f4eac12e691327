package org.mqcgm.server.transfers;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** The SQL of {@code transfer_log}: one row per transfer, the destination's host only, no data and no credential. */
final class TransferLog {

    private final Jdbi jdbi;

    TransferLog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void start(UUID owner, UUID id, Instant at, String kind, String host) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into transfer_log (owner_id, id, at, kind, destination, status)
                        values (:owner, :id, :at, :kind, :host, 'running')""")
                .bind("owner", owner).bind("id", id).bind("at", at.atOffset(ZoneOffset.UTC))
                .bind("kind", kind).bind("host", host)
                .execute());
    }

    void finish(UUID owner, UUID id, Instant at, int readings, int requests, String failure) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update transfer_log set finished_at = :at, status = :status, readings = :readings,
                               requests = :requests, failure = :failure
                        where owner_id = :owner and id = :id""")
                .bind("owner", owner).bind("id", id).bind("at", at.atOffset(ZoneOffset.UTC))
                .bind("status", failure == null ? "done" : "failed")
                .bind("readings", readings).bind("requests", requests).bind("failure", failure)
                .execute());
    }

    /**
     * Marks transfers still {@code running} that started before {@code before} as failed ("interrupted"): their
     * node stopped (restart, crash) before they finished. Returns how many.
     */
    int sweep(Instant before, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update transfer_log set status = 'failed', failure = 'interrupted', finished_at = :now
                        where status = 'running' and at < :before""")
                .bind("before", before.atOffset(ZoneOffset.UTC)).bind("now", now.atOffset(ZoneOffset.UTC))
                .execute());
    }

    long count(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from transfer_log where owner_id = :owner")
                .bind("owner", owner).mapTo(Long.class).one());
    }

    /** The owner's transfers, newest first (at most 200). */
    List<ApiSchemas.Transfer> list(UUID owner) {
        return list(owner, 200);
    }

    /** All the owner's transfers, newest first. */
    List<ApiSchemas.Transfer> all(UUID owner) {
        return list(owner, Integer.MAX_VALUE);
    }

    private List<ApiSchemas.Transfer> list(UUID owner, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, at, finished_at, kind, destination, status, readings, requests, failure
                        from transfer_log where owner_id = :owner order by at desc, id limit :limit""")
                .bind("owner", owner).bind("limit", limit)
                .map((rs, ctx) -> new ApiSchemas.Transfer(rs.getString("id"),
                        rs.getObject("at", OffsetDateTime.class).toInstant().toString(),
                        rs.getObject("finished_at", OffsetDateTime.class) == null ? null
                                : rs.getObject("finished_at", OffsetDateTime.class).toInstant().toString(),
                        rs.getString("kind"), rs.getString("destination"), rs.getString("status"),
                        rs.getInt("readings"), rs.getInt("requests"), rs.getString("failure")))
                .list());
    }

    ApiSchemas.Transfer one(UUID owner, UUID id) {
        return list(owner).stream().filter(t -> t.id().equals(id.toString())).findFirst().orElseThrow();
    }
}
