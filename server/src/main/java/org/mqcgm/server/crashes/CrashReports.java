package org.mqcgm.server.crashes;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The stored crash reports, grouped by signature. Everything here is already scrubbed ({@link Scrubber}); nothing
 * names an account.
 */
final class CrashReports {

    /** Reports are kept this long (PR-50), then the daily job deletes them, and groups left without reports. */

    /** A scrubbed report, ready to store. */
    record Report(String source, String kind, UUID installId, String appVersion, String platform, String message,
                  String stack) {
    }

    /** A group of reports of one fault, with its newest report as the example. */
    record Group(String signature, String source, String kind, Instant firstSeen, Instant lastSeen, long reports,
                 long installs, Example example) {
    }

    /** What the newest report of a group says. */
    record Example(String appVersion, String platform, String message, String stack, Instant received) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    CrashReports(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Stores a report in its group (made on first sight); returns the report's id and the group's signature. */
    Stored add(Report r) {
        String signature = Scrubber.signature(r.source(), r.kind(), r.stack());
        UUID id = UUID.randomUUID();
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            insert into crash_group (signature, source, kind, first_seen, last_seen)
                            values (:s, :source, :kind, :now, :now)
                            on conflict (signature) do update set last_seen = greatest(crash_group.last_seen, :now)""")
                    .bind("s", signature).bind("source", r.source()).bind("kind", r.kind()).bind("now", now)
                    .execute();
            h.createUpdate("""
                            insert into crash_report (signature, id, received_at, install_id, app_version, platform,
                                                      message, stack)
                            values (:s, :id, :now, :install, :version, :platform, :message, :stack)""")
                    .bind("s", signature).bind("id", id).bind("now", now).bind("install", r.installId())
                    .bind("version", r.appVersion()).bind("platform", r.platform()).bind("message", r.message())
                    .bind("stack", r.stack()).execute();
        });
        return new Stored(id, signature);
    }

    record Stored(UUID id, String signature) {
    }

    /** The groups, most recently seen first, with counts of reports and of distinct installs. */
    List<Group> groups(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select g.signature, g.source, g.kind, g.first_seen, g.last_seen, c.reports, c.installs,
                               n.app_version, n.platform, n.message, n.stack, n.received_at as received
                        from (select * from crash_group order by last_seen desc, signature limit :limit) g
                        cross join lateral (select count(*) as reports, count(distinct install_id) as installs
                                            from crash_report where signature = g.signature) c
                        cross join lateral (select app_version, platform, message, stack, received_at
                                            from crash_report where signature = g.signature
                                            order by received_at desc, id limit 1) n
                        order by g.last_seen desc, g.signature""")
                .bind("limit", limit)
                .map((rs, ctx) -> new Group(rs.getString("signature"), rs.getString("source"), rs.getString("kind"),
                        rs.getObject("first_seen", OffsetDateTime.class).toInstant(),
                        rs.getObject("last_seen", OffsetDateTime.class).toInstant(), rs.getLong("reports"),
                        rs.getLong("installs"), new Example(rs.getString("app_version"), rs.getString("platform"),
                        rs.getString("message"), rs.getString("stack"),
                        rs.getObject("received", OffsetDateTime.class).toInstant())))
                .list());
    }

    /** Deletes reports received before {@code before} and groups left empty; returns how many reports went. */
    int purge(Instant before) {
        return jdbi.inTransaction(h -> {
            int reports = h.createUpdate("delete from crash_report where received_at < :before")
                    .bind("before", before.atOffset(ZoneOffset.UTC)).execute();
            h.execute("""
                    delete from crash_group g
                    where not exists (select 1 from crash_report r where r.signature = g.signature)""");
            return reports;
        });
    }

    /** When the oldest stored report was received. */
    java.util.Optional<Instant> oldest() {
        return jdbi.withHandle(h -> h.createQuery("select min(received_at) from crash_report")
                .mapTo(java.time.OffsetDateTime.class).list().stream().filter(java.util.Objects::nonNull)
                .findFirst().map(java.time.OffsetDateTime::toInstant));
    }
}
