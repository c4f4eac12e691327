package org.mqcgm.server.incidents;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * Published security and privacy impact assessments and risk reports (PR-56): listed publicly on
 * {@code /privacy/security-reports}; the operators' dashboard warns when the newest is more than 12 months old
 * (A-21).
 */
final class SecurityReports {

    /** One published report. */
    record Report(UUID id, Instant publishedAt, LocalDate assessedOn, String kind, String scope, String summary,
                  String highRiskFindings, String remediationStatus) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    SecurityReports(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Publishes a report; refused (422 naming each field) when a field is empty or wrong, or the assessment date is
     * in the future.
     */
    Report publish(String assessedOn, String kind, String scope, String summary, String findings,
                   String remediation) {
        List<Problem.FieldError> errors = new ArrayList<>();
        LocalDate on = null;
        try {
            on = assessedOn == null ? null : LocalDate.parse(assessedOn);
        } catch (java.time.format.DateTimeParseException e) {
            errors.add(new Problem.FieldError("assessedOn", "date", "must be YYYY-MM-DD"));
        }
        if (assessedOn == null) {
            errors.add(new Problem.FieldError("assessedOn", "required", "must be set"));
        } else if (on != null && on.isAfter(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC))) {
            errors.add(new Problem.FieldError("assessedOn", "not-future", "must not be in the future"));
        }
        if (kind == null || !List.of("pia", "risk").contains(kind)) {
            errors.add(new Problem.FieldError("kind", "one-of", "must be pia or risk"));
        }
        for (var f : List.of(new String[] {"scope", scope}, new String[] {"summary", summary},
                new String[] {"highRiskFindings", findings})) {
            if (IncidentRegister.blank(f[1])) {
                errors.add(new Problem.FieldError(f[0], "required", "must be set (write \"none\" when there are none)"));
            } else if (f[1].length() > IncidentRegister.MAX_TEXT) {
                errors.add(new Problem.FieldError(f[0], "max-length", "at most " + IncidentRegister.MAX_TEXT
                        + " characters"));
            }
        }
        if (remediation == null || !List.of("open", "in-progress", "done").contains(remediation)) {
            errors.add(new Problem.FieldError("remediationStatus", "one-of", "must be open, in-progress or done"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The report has problems.", errors));
        }
        Report r = new Report(UUID.randomUUID(), clock.instant(), on, kind, scope.strip(), summary.strip(),
                findings.strip(), remediation);
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into security_report (id, published_at, assessed_on, kind, scope, summary,
                          high_risk_findings, remediation_status)
                        values (:id, :publishedAt, :assessedOn, :kind, :scope, :summary, :highRiskFindings,
                          :remediationStatus)""").bind("id", r.id()).bind("publishedAt", r.publishedAt())
                .bind("assessedOn", r.assessedOn()).bind("kind", r.kind()).bind("scope", r.scope())
                .bind("summary", r.summary()).bind("highRiskFindings", r.highRiskFindings())
                .bind("remediationStatus", r.remediationStatus()).execute());
        return r;
    }

    /** Every report, the newest assessment first. */
    List<Report> all() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from security_report order by assessed_on desc, published_at desc""")
                .map((rs, ctx) -> new Report(rs.getObject("id", UUID.class),
                        rs.getTimestamp("published_at").toInstant(), rs.getObject("assessed_on", LocalDate.class),
                        rs.getString("kind"), rs.getString("scope"), rs.getString("summary"),
                        rs.getString("high_risk_findings"), rs.getString("remediation_status"))).list());
    }

    /** The newest assessment's date, if any. */
    Optional<LocalDate> latest() {
        return all().stream().findFirst().map(Report::assessedOn);
    }

    /** Whether the newest report is more than 12 months old, or there is none. */
    boolean overdue() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return latest().map(d -> d.isBefore(today.minusMonths(12))).orElse(true);
    }
}
