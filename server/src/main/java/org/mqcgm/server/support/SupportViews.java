package org.mqcgm.server.support;

import java.util.List;

/** The models of the support pages (JTE templates under {@code jte/support/}). */
public final class SupportViews {

    private SupportViews() {
    }

    /**
     * The help page.
     *
     * @param phone the hotline as shown, or null when the operator configured none (then no "Call support")
     * @param tel   the {@code tel:} address of the hotline (digits and +)
     * @param faq   the i18n key prefixes of the questions ({@code <key>.q}, {@code <key>.a})
     */
    public record Help(String phone, String tel, List<String> faq) {
    }

    /** One ticket in a list. */
    public record Row(String id, long number, String subject, String status, String priority, String category,
                      String opened, String due) {
    }

    /** "My support requests": the person's tickets and the form for a new one. */
    public record MyTickets(List<Row> tickets, String subject, String message, List<String> errors) {
    }

    /** A message of a thread; {@code attachments}: addresses of its images. */
    public record Message(String at, String author, String body, List<String> attachments) {
    }

    /** A grant asked for on the ticket. */
    public record Grant(String id, String scopes, int hours, String state, String expires) {
    }

    /** A read under a grant. */
    public record Read(String at, String what) {
    }

    /**
     * One ticket, for its owner ({@code agent} false, at {@code /support/{id}}) or for an agent
     * ({@code /support/queue/{id}}).
     *
     * @param base   the ticket page's address (forms post below it)
     * @param person the owner's account id (shown to agents, for grants)
     */
    public record Ticket(Row ticket, boolean closed, boolean agent, String base, String person,
                         List<Message> messages, List<Grant> grants, List<Read> reads, List<String> errors,
                         Review review) {
    }

    /**
     * The human review of an automated decision on a review ticket (null on other tickets).
     *
     * @param kind     the decision's kind (e.g. login-lockout), or "" when the ticket has no reference to it
     * @param at       when it was decided, as shown
     * @param outcome  upheld or overturned; "" until decided
     * @param decided  when the agent decided, as shown; "" until then
     * @param outcomeField the outcome chosen in a refused form ("" otherwise)
     * @param reasonField  the reason typed in a refused form
     */
    public record Review(String kind, String at, String ruleVersion, String summary, String outcome, String reason,
                         String decided, String outcomeField, String reasonField) {
        public boolean isDecided() {
            return !outcome.isEmpty();
        }
    }

    /** The agents' queue: tickets not closed, P1 first, then oldest first. */
    public record Queue(List<Row> tickets) {
    }
}
