package org.mqcgm.server.requests;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The JSON of the rights desk's API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    static final Map<String, Class<?>> ALL = Map.ofEntries(
            Map.entry("RightsRequestNew", RightsRequestNew.class),
            Map.entry("RightsRequest", RightsRequest.class),
            Map.entry("RightsRequests", RightsRequests.class),
            Map.entry("RightsRequestEvent", RightsRequestEvent.class),
            Map.entry("DeskAnswerRequest", DeskAnswerRequest.class),
            Map.entry("DeskRefusalRequest", DeskRefusalRequest.class),
            Map.entry("DeskFeeRequest", DeskFeeRequest.class),
            Map.entry("DeskEntryRequest", DeskEntryRequest.class));

    private ApiSchemas() {
    }

    /** A new request: its kind, for a deletion the reason of Ⅴ.3 a–c, and the request in the person's words. */
    record RightsRequestNew(String kind, String deletionReason, String text) {
    }

    /** Something that happened to a request. */
    record RightsRequestEvent(Instant at, String what) {
    }

    /** A request (case) with its due date, status, the request verbatim and the answer. */
    record RightsRequest(UUID id, long number, UUID person, String kind, String deletionReason, String status,
                         String channel, String assignedTo, Instant receivedAt, Instant dueAt, Instant closedAt,
                         boolean overdue, String request, String answer, String refusalCode, int withheldCount,
                         String withheldReason, boolean feeEligible, String feeAmount, String feeJustification,
                         List<RightsRequestEvent> events) {

        static RightsRequest of(Cases.Case c, Instant now, List<Cases.Event> events) {
            return new RightsRequest(c.id(), c.number(), c.owner(), c.kind().name(),
                    c.deletionReason() == null ? null : c.deletionReason().name(), c.status().name(), c.channel(),
                    c.role(), c.receivedAt(), c.dueAt(), c.closedAt(), c.overdue(now),
                    // An unverified request's words are nobody's yet: hidden until its code is entered.
                    c.status() == Cases.Status.UNVERIFIED ? "" : c.request(), c.answer(),
                    c.refusal() == null ? null : c.refusal().name(), c.withheldCount(),
                    c.withheldReason() == null ? null : c.withheldReason().name(), c.feeEligible(), c.feeAmount(),
                    c.feeJustification(), events.stream().map(e -> new RightsRequestEvent(e.at(), e.what()))
                    .toList());
        }
    }

    /** Requests: the person's (newest first) or the operators' queue (the first due first). */
    record RightsRequests(List<RightsRequest> requests) {
    }

    /** An operator's answer; {@code withheld} items left out for {@code withheldReason} (one of Ⅴ.8 a–h). */
    record DeskAnswerRequest(String answer, Integer withheld, String withheldReason) {
    }

    /** A refusal: the reason code, the justification, and for {@code ABUSE_EVIDENCE} the evidence. */
    record DeskRefusalRequest(String code, String justification, String evidence) {
    }

    /**
     * A request that arrived by e-mail or on the hotline, entered by an operator: the sender's e-mail or phone, the
     * channel ({@code EMAIL} or {@code PHONE}), its kind and text. It waits UNVERIFIED until the code is entered.
     */
    record DeskEntryRequest(String identifier, String channel, String kind, String deletionReason, String text) {
    }

    /** A fee on an eligible request: the amount as shown to the person and the written justification. */
    record DeskFeeRequest(String amount, String justification) {
    }
}
