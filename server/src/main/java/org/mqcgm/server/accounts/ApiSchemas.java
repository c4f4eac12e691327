package org.mqcgm.server.accounts;

import java.util.List;
import java.util.Map;

/**
 * The JSON answers of the accounts API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step). Absent values are written as {@code null}. Requests (login,
 * device registration) have records too, for their field names, but are read as trees: unknown fields and fields the privacy policy forbids are refused by name
 * with their own rule ({@code unknown-field}, {@code not-collected}), which binding to a record would lose.
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.ofEntries(
            Map.entry("TokenIssued", TokenIssued.class),
            Map.entry("Me", Me.class),
            Map.entry("SecurityEvent", SecurityEvent.class),
            Map.entry("Device", Device.class),
            Map.entry("PushAlias", PushAlias.class),
            Map.entry("AdminAccount", AdminAccount.class),
            Map.entry("LoginRequest", LoginRequest.class),
            Map.entry("DeviceRegistration", DeviceRegistration.class),
            Map.entry("ProfileCorrection", ProfileCorrection.class),
            Map.entry("AutomatedDecisions", AutomatedDecisions.class),
            Map.entry("AutomatedDecision", AutomatedDecision.class),
            Map.entry("HumanReview", HumanReview.class),
            Map.entry("ApiTokenList", ApiTokenList.class),
            Map.entry("ApiToken", ApiToken.class));

    private ApiSchemas() {
    }

    /** {@code PUT /api/v1/me/profile}: the fields to correct (at least one). */
    record ProfileCorrection(String timeZone, String unit, String language) {
    }

    /** {@code POST /api/v1/auth/token}: the secret is shown once; {@code expiresAt} null: never expires. */
    record TokenIssued(String token, String tokenId, List<String> scopes, String expiresAt) {
    }

    /** {@code GET /api/v1/me/tokens}: the caller's live and expired (not revoked) tokens. */
    record ApiTokenList(List<ApiToken> tokens) {
    }

    /** A token as listed to its owner (never the secret). */
    record ApiToken(String id, String name, List<String> scopes, String createdAt, String lastUsedAt,
                    String expiresAt, boolean expired, boolean expiringSoon) {
        static ApiToken of(ApiTokens.TokenInfo t, java.time.Instant now) {
            return new ApiToken(t.id().toString(), t.name(), t.scopes().stream()
                    .map(org.mqcgm.server.platform.security.Scope::id).sorted().toList(), t.createdAt().toString(),
                    t.lastUsedAt() == null ? null : t.lastUsedAt().toString(),
                    t.expiresAt() == null ? null : t.expiresAt().toString(), t.expiredAt(now),
                    t.expiringSoonAt(now));
        }
    }

    /** The caller's profile. */
    record Me(String id, String email, String phone, String timeZone, String unit, String language,
              boolean twoFactor, List<String> roles) {
    }

    /** One entry of the caller's security activity ({@code ipPrefix} is empty when unknown). */
    record SecurityEvent(String at, String kind, String ipPrefix) {
    }

    /** {@code GET /api/v1/me/decisions}: the caller's decision log (PR-72), newest first. */
    record AutomatedDecisions(List<AutomatedDecision> decisions) {
    }

    /**
     * An automated decision about the caller.
     *
     * @param kind        e.g. login-lockout
     * @param outcome     the automated outcome, e.g. logins-paused ("" when not known here)
     * @param why         the rule and its inputs in plain words
     * @param ruleVersion the version of the rule that decided
     * @param review      the human review the caller asked for, or null
     */
    record AutomatedDecision(String kind, String at, String outcome, String why, String ruleVersion,
                             HumanReview review) {
        static AutomatedDecision of(DecisionLog.Entry e) {
            var r = e.review();
            return new AutomatedDecision(e.kind(), e.at() == null ? null : e.at().toString(), e.outcome(), e.rule(),
                    e.ruleVersion(), r == null ? null : new HumanReview(r.ticket().toString(), r.number(),
                    r.requestedAt().toString(), r.dueAt().toString(), r.outcome(), r.reason(),
                    r.decidedAt() == null ? null : r.decidedAt().toString()));
        }
    }

    /**
     * A human review of an automated decision: its support ticket and, once a person at support decided, the human
     * outcome.
     *
     * @param outcome upheld or overturned; null while the review is pending
     * @param reason  the reviewer's reason; null while pending
     */
    record HumanReview(String ticket, long number, String requestedAt, String dueAt, String outcome, String reason,
                       String decidedAt) {
    }

    /** A device as its owner sees it. */
    record Device(String id, String platform, String model, String osVersion, String appVersion, String pushAlias,
                  String createdAt, String lastSeenAt) {
        static Device of(Devices.Device d) {
            return new Device(d.id().toString(), d.platform(), d.model(), d.osVersion(), d.appVersion(),
                    d.pushAlias() == null ? null : d.pushAlias().toString(), d.createdAt().toString(),
                    d.lastSeenAt().toString());
        }
    }

    /** A new push alias of a device. */
    record PushAlias(String pushAlias) {
    }

    /** An account as administrators see it: no personal data. */
    record AdminAccount(String id, String status, String createdAt, List<String> roles) {
    }

    /** The fields of {@code POST /api/v1/auth/token} (read as a tree; see {@link AccountApiRoutes}). */
    record LoginRequest(String identifier, String password, String code, String name, List<String> scopes,
                        Object expiresInDays) {
    }

    /** The fields of {@code POST /api/v1/devices} (read as a tree; see {@link Devices#register}). */
    record DeviceRegistration(String platform, String model, String osVersion, String appVersion, String installId) {
    }
}
