package org.mqcgm.server.accounts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mqcgm.server.platform.support.AutomatedDecision;
import org.mqcgm.server.platform.support.HumanReview;

/**
 * The log of automated decisions about a person (PR-72), on Security activity and at {@code GET /api/v1/me/decisions}:
 * each login lockout with the rule (and its version) that decided it and its outcome, and — once the person asked
 * for a human review — the review's ticket and, when a support agent decided, the human outcome with its reason and
 * date. Reviews support holds of decisions other features took are listed too. The reviews come from support
 * through the {@link org.mqcgm.server.platform.support.Tickets} port; accounts never reads support's tables.
 */
public final class DecisionLog {

    /** The version of the lockout rules of {@link LoginFailures}, stored with each lockout. */
    static final String LOCKOUT_RULE_VERSION = "v2";
    /** The automated outcome of a lockout. */
    static final String LOGINS_PAUSED = "logins-paused";
    private static final Pattern DETAIL = Pattern.compile("^rule: (.*) \\((v[0-9]+)\\)$");

    /**
     * One automated decision.
     *
     * @param kind        e.g. {@code login-lockout}
     * @param outcome     the automated outcome, e.g. {@code logins-paused} ("" when support's reference lacks it)
     * @param rule        the rule and its inputs in plain words (English, as stored)
     * @param ruleId      {@code per-network} or {@code per-account} for the lockout rules (translated on the page),
     *                    "" for others
     * @param review      the human review, null when none was requested
     */
    public record Entry(String kind, Instant at, String outcome, String rule, String ruleId, String ruleVersion,
                        HumanReview review) {

        public boolean reviewable() {
            return review == null && AutomatedDecision.LOGIN_LOCKOUT.equals(kind);
        }

        /** The decision as support's review ticket refers to it. */
        AutomatedDecision reference() {
            return new AutomatedDecision(kind, at, ruleVersion, rule);
        }
    }

    private DecisionLog() {
    }

    /** The lockout recorded as a security event, as a decision (rule and version parsed from the event's detail). */
    static Entry lockout(SecurityEvents.Event e, HumanReview review) {
        String detail = e.detail() == null ? "" : e.detail();
        Matcher m = DETAIL.matcher(detail);
        String rule = m.matches() ? m.group(1) : detail;
        String version = m.matches() ? m.group(2) : "";
        String ruleId = rule.endsWith("from one network") ? "per-network"
                : rule.endsWith("from all networks") ? "per-account" : "";
        return new Entry(AutomatedDecision.LOGIN_LOCKOUT, e.at(), LOGINS_PAUSED, rule, ruleId, version, review);
    }

    /** The person's lockouts (newest first) joined with their reviews, then reviews of other decisions. */
    static List<Entry> of(List<SecurityEvents.Event> lockouts, List<HumanReview> reviews) {
        List<Entry> out = new ArrayList<>();
        List<HumanReview> unmatched = new ArrayList<>(reviews);
        for (SecurityEvents.Event e : lockouts) {
            HumanReview review = reviews.stream().filter(r -> r.decision() != null
                    && AutomatedDecision.LOGIN_LOCKOUT.equals(r.decision().kind())
                    && e.at().equals(r.decision().at())).findFirst().orElse(null);
            unmatched.remove(review);
            out.add(lockout(e, review));
        }
        for (HumanReview r : unmatched) {
            if (r.decision() != null) {
                out.add(new Entry(r.decision().kind(), r.decision().at(), "", nullToEmpty(r.decision().summary()),
                        "", nullToEmpty(r.decision().ruleVersion()), r));
            }
        }
        out.sort(Comparator.comparing(Entry::at, Comparator.nullsLast(Comparator.reverseOrder())));
        return out;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
