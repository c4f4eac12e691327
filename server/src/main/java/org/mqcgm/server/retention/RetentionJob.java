package org.mqcgm.server.retention;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.db.SafeErrors;
import org.mqcgm.server.platform.retention.Expiry;
import org.mqcgm.server.platform.retention.Holds;
import org.mqcgm.server.platform.retention.RetentionSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily retention run (PR-54, PR-81): every registered {@link Expiry} deletes its category's rows older than the
 * category's period except what a legal hold in force keeps, then inactive accounts are noticed or erased; the counts
 * per category, the cutoffs and the age of the oldest row kept are stored as the run's report for operators.
 */
final class RetentionJob {

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    /**
     * One category's line of the report.
     *
     * @param maxAgeDays     the age in days of the oldest row kept that no hold covers (null when none)
     * @param withinLimit    whether that age is within the period (a row one run old may exceed it by a day)
     * @param heldPersons    how many persons' rows a legal hold kept
     * @param wholeCategory  whether a legal hold kept the whole category
     */
    record Line(String category, long periodDays, Instant cutoff, int deleted, boolean wholeCategory,
                int heldPersons, Long maxAgeDays, boolean withinLimit, String error) {
    }

    /** A run's report. */
    record Report(UUID id, Instant ranAt, List<Line> categories, InactiveAccounts.Outcome inactiveAccounts) {

        int total() {
            return categories.stream().mapToInt(Line::deleted).sum() + inactiveAccounts.erased();
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final RetentionSchedule schedule;
    private final LegalHolds holds;
    private final Supplier<List<Expiry>> expiries;
    private final InactiveAccounts inactive;
    private final ObjectMapper mapper;

    RetentionJob(Jdbi jdbi, Clock clock, RetentionSchedule schedule, LegalHolds holds, Supplier<List<Expiry>> expiries,
                 InactiveAccounts inactive, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.schedule = schedule;
        this.holds = holds;
        this.expiries = expiries;
        this.inactive = inactive;
        this.mapper = mapper;
    }

    Report run() {
        Instant now = clock.instant();
        List<LegalHolds.Hold> all = holds.list();
        List<Line> lines = new ArrayList<>();
        for (Expiry expiry : expiries.get()) {
            Duration period = schedule.period(expiry.category());
            Instant cutoff = now.minus(period);
            Holds held = holds.inForce(expiry.category(), all, now);
            int deleted = 0;
            String error = null;
            Optional<Instant> oldest = Optional.empty();
            try {
                deleted = expiry.purge(cutoff, held);
                oldest = expiry.oldest(held);
            } catch (RuntimeException e) {
                // One category failing must not keep the others' expired data: it is reported and retried tomorrow.
                error = SafeErrors.classOnly(e);
                log.warn("retention of {} failed: {}", expiry.category(), SafeErrors.describe(e));
            }
            Long maxAge = oldest.map(o -> Duration.between(o, now).toDays()).orElse(null);
            lines.add(new Line(expiry.category(), period.toDays(), cutoff, deleted, held.wholeCategory(),
                    held.persons().size(), maxAge, error == null && (maxAge == null || maxAge <= period.toDays()),
                    error));
        }
        InactiveAccounts.Outcome outcome = inactive.run(now, all, holds);
        Report report = new Report(UUID.randomUUID(), now, lines, outcome);
        try {
            String json = mapper.writeValueAsString(report);
            jdbi.useHandle(h -> h.createUpdate("insert into retention_run (id, ran_at, report) values (:id, :at,"
                            + " cast(:report as jsonb))")
                    .bind("id", report.id()).bind("at", LegalHolds.utc(now)).bind("report", json).execute());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return report;
    }

    /** The stored reports, newest first (at most {@code limit}). */
    List<Report> reports(int limit) {
        return reports(jdbi, mapper, limit);
    }

    static List<Report> reports(Jdbi jdbi, ObjectMapper mapper, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select report::text from retention_run order by ran_at desc"
                        + " limit :limit").bind("limit", limit).mapTo(String.class).list()).stream().map(json -> {
                            try {
                                return mapper.readValue(json, Report.class);
                            } catch (JsonProcessingException e) {
                                throw new IllegalStateException(e);
                            }
                        }).toList();
    }

    static OffsetDateTime utc(Instant i) {
        return LegalHolds.utc(i);
    }
}
