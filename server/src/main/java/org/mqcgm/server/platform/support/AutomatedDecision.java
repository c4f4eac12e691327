package org.mqcgm.server.platform.support;

import java.time.Instant;

/**
 * An automated decision about a person that they may ask a human to review (PR-72): which rule decided, when, and
 * with which inputs — the reference a review ticket keeps to the decision it reviews.
 *
 * @param kind        what was decided, e.g. {@code login-lockout}
 * @param at          when it was decided (the time the person sees it under)
 * @param ruleVersion the version of the rule or model that decided, e.g. {@code v2}
 * @param summary     the rule and its inputs in plain words, as shown to the person (no health data)
 */
public record AutomatedDecision(String kind, Instant at, String ruleVersion, String summary) {

    /** A login lockout: too many failed logins (the accounts feature decides it). */
    public static final String LOGIN_LOCKOUT = "login-lockout";
}
