package org.mqcgm.server.requests;

import java.util.List;

/** The models of the rights desk's pages (JTE templates under {@code jte/requests/}). */
public final class RequestViews {

    private RequestViews() {
    }

    /** The regulator of the deployment's region (the complaint route outside the company, PR-73). */
    public record Regulator(String name, String phone, String url) {
    }

    /** A request in a list: its number, kind and status as i18n key parts, the days received and due. */
    public record Row(String id, long number, String kind, String status, String received, String due,
                      boolean overdue, String role, boolean feeEligible, boolean reminded) {
    }

    /** "My requests": the person's requests, the form (values and errors when it was refused) and the complaint. */
    public record Mine(List<Row> requests, String kind, String deletionReason, String text, List<String> errors,
                       List<String> kinds, List<String> deletionReasons, Regulator regulator) {
    }

    /**
     * One request of the person: what they wrote, the answer, the withheld note, a fee waiting for their answer.
     *
     * @param withheld "1 item withheld (reason: trade secret)", or empty
     * @param refusal  the reason code's words when refused, or empty
     */
    public record Detail(Row row, String request, String answer, String withheld, String refusal, String feeAmount,
                         String feeJustification, boolean feeProposed, boolean closable, Regulator regulator) {
    }

    /**
     * The public form in its three steps: {@code form}, {@code code} (the one-time code was sent), {@code done}.
     */
    public record Public(String step, String ref, String identifier, String kind, String deletionReason, String text,
                         List<String> errors, List<String> kinds, List<String> deletionReasons, long number,
                         String due, Regulator regulator) {
    }

    /** The operators' queue: every request not closed, the first due first. */
    public record Queue(List<Row> requests) {
    }

    /** One request for the operators, with the forms to answer, refuse or propose a fee. */
    public record DeskCase(Row row, String request, String answer, String deletionReason, String person,
                           List<String> events, List<String> errors, List<String> refusalCodes,
                           List<String> withholdCodes, String answerAction, boolean open, String feeAmount) {
    }
}
