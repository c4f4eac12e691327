package org.mqcgm.server.reports;

import java.time.ZoneOffset;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The SQL of {@code report_log}: one row per report produced, with the algorithm version and a summary of the
 * inputs (PR-20, PR-72). No glucose values.
 */
final class ReportLog {

    /** How a report was delivered. */
    public enum Format { JSON, HTML, PDF }

    private final Jdbi jdbi;

    public ReportLog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void record(UUID ownerId, Report r, Format format) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into report_log (owner_id, id, created_at, format, period_from, period_to, time_zone,
                                                population, readings, algorithm_version, report_version)
                        values (:owner, :id, :created, :format, :from, :to, :zone, :population, :readings,
                                :algorithm, :report)""")
                .bind("owner", ownerId)
                .bind("id", r.id())
                .bind("created", r.generatedAt().atOffset(ZoneOffset.UTC))
                .bind("format", format.name().toLowerCase(java.util.Locale.ROOT))
                .bind("from", r.period().from().toOffsetDateTime())
                .bind("to", r.period().to().toOffsetDateTime())
                .bind("zone", r.period().zone().getId())
                .bind("population", r.population().id())
                .bind("readings", r.readings().size())
                .bind("algorithm", r.algorithmVersion())
                .bind("report", r.reportVersion())
                .execute());
    }
}
