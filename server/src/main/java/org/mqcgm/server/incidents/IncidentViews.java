package org.mqcgm.server.incidents;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** What the incident pages show, as records the templates can read (public for the templates only). */
public final class IncidentViews {

    private IncidentViews() {
    }

    /** One incident on the operators' dashboard. */
    public record Row(String id, Instant createdAt, String whatHappened, Instant confirmedAt, Instant notifiedAt,
                      Instant announcedAt, Instant closedAt, boolean reportable, boolean regulatorReported,
                      List<String> missing, String hoursToNotification, boolean slaBreached, int recipients,
                      int reached, int unreachable, int emailSent, int emailFailed, int pushSent, int seen) {
    }

    static Row row(IncidentRegister.Incident i, Notifier.Summary s, Instant now) {
        java.time.Duration d = i.toNotification(now);
        return new Row(i.id().toString(), i.createdAt(), i.text("whatHappened"), i.confirmedAt(), i.notifiedAt(),
                i.announcedAt(), i.closedAt(), i.reportable(), i.reportable() && i.missingForClosing().isEmpty(),
                i.missing(), d == null ? null : String.format(java.util.Locale.ROOT, "%.1f", d.toMinutes() / 60.0),
                i.slaBreached(now), s.recipients(), s.reached(), s.unreachable(), s.emailSent(), s.emailFailed(),
                s.pushSent(), s.seen());
    }

    /** One step of the log. */
    public record StepRow(Instant at, String kind, String detail) {
    }

    /** One person's channel. */
    public record DeliveryRow(String account, String channel, String status, String detail, Instant at) {
    }

    /** One incident in full on the dashboard. */
    public record Detail(Row row, List<StepRow> steps, List<DeliveryRow> deliveries) {
        Detail(Row row, List<IncidentRegister.Step> steps, List<Notifier.Delivery> deliveries, boolean unused) {
            this(row, steps.stream().map(s -> new StepRow(s.at(), s.kind(), s.detail())).toList(),
                    deliveries.stream().map(d -> new DeliveryRow(d.owner().toString(), d.channel(), d.status(),
                            d.detail(), d.at())).toList());
        }
    }

    /** The operators' page: incidents, one in full, and the state of the security reports. */
    public record Admin(List<Row> incidents, Detail detail, LocalDate latestReport, boolean reportOverdue) {
    }

    /** A notice's sections, in order. */
    public record Section(String key, String text) {
    }

    /** One incident as the people affected (or the public) read it. */
    public record Notice(String id, Instant notifiedAt, Instant announcedAt, List<Section> sections) {
    }

    /** A person's notices, or the public ones. */
    public record Notices(List<Notice> notices, boolean published) {
        Notices(List<IncidentRegister.Incident> incidents, boolean published, boolean unused) {
            this(incidents.stream().map(i -> new Notice(i.id().toString(), i.notifiedAt(), i.announcedAt(),
                    IncidentRegister.SECTIONS.stream().map(s -> new Section(s, i.text(s))).toList())).toList(),
                    published);
        }
    }

    /** The published reports. */
    public record Reports(List<Report> reports) {
        static Reports of(List<SecurityReports.Report> all) {
            return new Reports(all.stream().map(r -> new Report(r.assessedOn(), r.kind(), r.scope(), r.summary(),
                    r.highRiskFindings(), r.remediationStatus())).toList());
        }
    }

    /** One published report. */
    public record Report(LocalDate assessedOn, String kind, String scope, String summary, String highRiskFindings,
                         String remediationStatus) {
    }
}
