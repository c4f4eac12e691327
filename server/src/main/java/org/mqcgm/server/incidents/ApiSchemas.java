package org.mqcgm.server.incidents;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the incidents API (operators only), one record per component schema of {@code openapi.json}.
 */
final class ApiSchemas {

    static final Map<String, Class<?>> ALL = Map.of(
            "IncidentRequest", IncidentRequest.class,
            "Incident", Incident.class,
            "Incidents", Incidents.class,
            "IncidentDeliverySummary", IncidentDeliverySummary.class,
            "IncidentStep", IncidentStep.class,
            "IncidentDeliveries", IncidentDeliveries.class,
            "IncidentDelivery", IncidentDelivery.class);

    private ApiSchemas() {
    }

    /** What an operator records or changes; every field is optional, null or absent leaves it as it is. */
    record IncidentRequest(String whatHappened, String dataCategories, String affected, String affectedFrom,
                           String affectedTo, List<String> affectedAccounts, String impact, String measures,
                           String advice, String remedies, String contact, String confirmedAt, Boolean reportable,
                           String regulatorAuthority, String regulatorReportedAt, String regulatorReference) {
    }

    /** One incident with its notice sections, the regulator's report, its deadlines and every step. */
    record Incident(String id, String createdAt, String whatHappened, String dataCategories, String affected,
                    String affectedFrom, String affectedTo, String impact, String measures, String advice,
                    String remedies, String contact, String confirmedAt, boolean reportable,
                    String regulatorAuthority, String regulatorReportedAt, String regulatorReference,
                    String notifyRequestedAt, String notifiedAt, String announcedAt, String closedAt,
                    List<String> missing, Double hoursToNotification, boolean slaBreached,
                    IncidentDeliverySummary deliveries, List<IncidentStep> steps) {

        static Incident of(IncidentRegister.Incident i, Notifier.Summary s, List<IncidentRegister.Step> steps,
                           Instant now) {
            java.time.Duration d = i.toNotification(now);
            return new Incident(i.id().toString(), str(i.createdAt()), i.text("whatHappened"),
                    i.text("dataCategories"), i.affected(), str(i.affectedFrom()), str(i.affectedTo()),
                    i.text("impact"), i.text("measures"), i.text("advice"), i.text("remedies"), i.text("contact"),
                    str(i.confirmedAt()), i.reportable(), i.text("regulatorAuthority"), str(i.regulatorReportedAt()),
                    i.text("regulatorReference"), str(i.notifyRequestedAt()), str(i.notifiedAt()),
                    str(i.announcedAt()), str(i.closedAt()), i.missing(),
                    d == null ? null : Math.round(d.toMinutes() / 6.0) / 10.0, i.slaBreached(now),
                    new IncidentDeliverySummary(s.recipients(), s.reached(), s.unreachable(), s.emailSent(),
                            s.emailFailed(), s.smsSent(), s.pushSent(), s.pushFailed(), s.seen()),
                    steps.stream().map(st -> new IncidentStep(st.at().toString(), st.kind(), st.detail())).toList());
        }
    }

    static String str(Instant t) {
        return t == null ? null : t.toString();
    }

    /** Every incident, the newest first. */
    record Incidents(List<Incident> incidents) {
    }

    /** Who was told and how: people, people reached (e-mail/SMS accepted or the in-app notice seen), per channel. */
    record IncidentDeliverySummary(int recipients, int reached, int unreachable, int emailSent, int emailFailed,
                                   int smsSent, int pushSent, int pushFailed, int seen) {
    }

    /** One step of an incident's log. */
    record IncidentStep(String at, String kind, String detail) {
    }

    /** The delivery report of an incident: each person's channels and their state. */
    record IncidentDeliveries(List<IncidentDelivery> deliveries) {
    }

    /** One person's delivery on one channel ({@code email}, {@code sms}, {@code push}, {@code in-app}). */
    record IncidentDelivery(String account, String channel, String status, String detail, String at) {
    }
}
