package org.mqcgm.server.incidents;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.ServerConfig;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.push.PushNotifications;
import org.mqcgm.server.platform.security.AccountDirectory;

/**
 * The incident register and the security reports from the command line ({@code mqcgm admin incident …},
 * {@code mqcgm admin report publish}) against the configured database, without starting the web server. Asking for
 * the notices marks them asked for; a running server sends them within a minute (its job
 * {@value IncidentsFeature#DISPATCH_JOB}). Refusals are {@link ProblemException}s naming the field, as over HTTP.
 */
public final class IncidentAdministration implements AutoCloseable {

    /**
     * Fields of an incident to record or change; null leaves a field as it is.
     *
     * @param texts            whatHappened, dataCategories, impact, measures, advice, remedies, contact,
     *                         regulatorAuthority, regulatorReference
     * @param affected         list, all or active-between
     * @param affectedAccounts account ids added to an explicit list
     * @param confirmedAt      an ISO-8601 time with offset, or {@code now}
     */
    public record Fields(Map<String, String> texts, String affected, String affectedFrom, String affectedTo,
                         List<String> affectedAccounts, String confirmedAt, Boolean reportable,
                         String regulatorReportedAt) {
    }

    private final Database database;
    private final IncidentRegister register;
    private final Notifier notifier;
    private final SecurityReports reports;

    private IncidentAdministration(Database database, Clock clock) {
        this.database = database;
        this.register = new IncidentRegister(database.jdbi(), clock);
        // Reads only: sending is the running server's work.
        this.notifier = new Notifier(database.jdbi(), register, AccountDirectory.NONE, id -> Optional.empty(), null,
                PushNotifications.NONE, "");
        this.reports = new SecurityReports(database.jdbi(), clock);
    }

    public static IncidentAdministration open(ServerConfig config) {
        Database db = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword(), 2);
        try {
            db.migrate();
            return new IncidentAdministration(db, Clock.systemUTC());
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static IncidentRegister.Changes changes(Fields f) {
        return new IncidentRegister.Changes(f.texts(), f.affected(), f.affectedFrom(), f.affectedTo(),
                f.affectedAccounts(), f.confirmedAt(), f.reportable(), f.regulatorReportedAt());
    }

    /** Records an incident; returns its id. */
    public UUID create(Fields fields) {
        return register.create(changes(fields)).id();
    }

    public void update(UUID id, Fields fields) {
        register.update(id, changes(fields));
    }

    /** Asks for the notices (refused naming each missing section). */
    public void requestNotification(UUID id) {
        register.requestNotification(id);
    }

    /** Closes the incident (a reportable one only with the regulator's report). */
    public void close(UUID id) {
        register.close(id);
    }

    /** The incident as text: sections, deadlines, what is missing, deliveries and every step. */
    public String show(UUID id) {
        IncidentRegister.Incident i = register.get(id).orElseThrow(() -> new ProblemException(Problem.notFound()));
        Instant now = register.clock().instant();
        StringBuilder sb = new StringBuilder("incident ").append(i.id()).append('\n');
        for (String f : IncidentRegister.TEXTS.keySet()) {
            sb.append("  ").append(f).append(": ").append(i.text(f) == null ? "-" : i.text(f)).append('\n');
        }
        sb.append("  affected: ").append(i.affected() == null ? "-" : i.affected())
                .append(i.affectedFrom() == null ? "" : " " + i.affectedFrom() + " to " + i.affectedTo()).append('\n');
        sb.append("  reportable: ").append(i.reportable()).append(", regulatorReportedAt: ")
                .append(i.regulatorReportedAt() == null ? "-" : i.regulatorReportedAt()).append('\n');
        sb.append("  confirmed: ").append(i.confirmedAt() == null ? "-" : i.confirmedAt())
                .append(", notified: ").append(i.notifiedAt() == null ? "-" : i.notifiedAt())
                .append(", announced: ").append(i.announcedAt() == null ? "-" : i.announcedAt())
                .append(", closed: ").append(i.closedAt() == null ? "-" : i.closedAt()).append('\n');
        java.time.Duration d = i.toNotification(now);
        if (d != null) {
            sb.append("  hours from confirmation to notice: ").append(String.format(java.util.Locale.ROOT, "%.1f",
                    d.toMinutes() / 60.0)).append(i.slaBreached(now) ? "  SLA BREACHED (more than 72 hours)" : "")
                    .append('\n');
        }
        if (!i.missing().isEmpty()) {
            sb.append("  missing before sending: ").append(String.join(", ", i.missing())).append('\n');
        }
        if (!i.missingForClosing().isEmpty()) {
            sb.append("  missing before closing: ").append(String.join(", ", i.missingForClosing())).append('\n');
        }
        Notifier.Summary s = notifier.summary(id);
        sb.append("  people: ").append(s.recipients()).append(", reached: ").append(s.reached())
                .append(", not reached: ").append(s.unreachable()).append('\n');
        for (Notifier.Delivery dl : notifier.deliveries(id)) {
            sb.append("    ").append(dl.owner()).append(' ').append(dl.channel()).append(' ').append(dl.status())
                    .append(dl.detail() == null ? "" : " (" + dl.detail() + ")").append(' ').append(dl.at())
                    .append('\n');
        }
        sb.append("  steps:\n");
        for (IncidentRegister.Step st : register.steps(id)) {
            sb.append("    ").append(st.at()).append(' ').append(st.kind())
                    .append(st.detail() == null ? "" : ": " + st.detail()).append('\n');
        }
        return sb.toString();
    }

    /** Every incident, one line each. */
    public String list() {
        StringBuilder sb = new StringBuilder();
        for (IncidentRegister.Incident i : register.list()) {
            sb.append(i.id()).append("  ").append(i.createdAt()).append("  ")
                    .append(i.closedAt() != null ? "closed" : i.notifiedAt() != null ? "notified"
                            : i.confirmedAt() != null ? "confirmed" : "draft")
                    .append("  ").append(i.text("whatHappened") == null ? "" : i.text("whatHappened")).append('\n');
        }
        return sb.toString();
    }

    /** Publishes a security report on {@code /privacy/security-reports}; returns its id. */
    public UUID publishReport(String assessedOn, String kind, String scope, String summary, String findings,
                              String remediation) {
        return reports.publish(assessedOn, kind, scope, summary, findings, remediation).id();
    }

    /** Whether the newest report is more than 12 months old (or there is none). */
    public boolean reportOverdue() {
        return reports.overdue();
    }

    @Override
    public void close() {
        database.close();
    }
}
