package org.mqcgm.server.sharing;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the sharing API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.of(
            "ShareRequest", ShareRequest.class,
            "ShareAlerts", ShareAlerts.class,
            "ShareCreated", ShareCreated.class,
            "Share", Share.class,
            "FollowRequest", FollowRequest.class,
            "Following", Following.class,
            "ShareRead", ShareRead.class);

    private ApiSchemas() {
    }

    /**
     * The fields of {@code POST /api/v1/shares}.
     *
     * @param with        an e-mail address or an E.164 phone number to send the invitation to (optional: the link
     *                    alone otherwise)
     * @param scopes      what is shared: glucose, history, logbook, photos, alerts
     * @param until       when the share ends by itself (ISO-8601 with offset), optional
     * @param historyDays how many days back the follower may see (optional: all)
     * @param alerts      the follower's alert thresholds (optional)
     */
    record ShareRequest(String with, List<String> scopes, String until, Integer historyDays, ShareAlerts alerts) {
    }

    /** Per-follower alert thresholds in mg/dL (used by alerts). */
    record ShareAlerts(@JsonInclude(JsonInclude.Include.NON_NULL) Integer lowMgdl,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Integer highMgdl) {
    }

    /** A new share: its id, the one-time invitation code (shown once) and the link to accept it. */
    record ShareCreated(String id, String invitation, String link) {
    }

    /**
     * A share as the wearer sees it.
     *
     * @param with     the masked e-mail or phone the invitation was sent to, if any
     * @param follower who accepted it (their e-mail or phone), once accepted
     * @param status   invited, active, ended or expired
     */
    record Share(String id, @JsonInclude(JsonInclude.Include.NON_NULL) String with,
                 @JsonInclude(JsonInclude.Include.NON_NULL) String follower, List<String> scopes,
                 @JsonInclude(JsonInclude.Include.NON_NULL) String until,
                 @JsonInclude(JsonInclude.Include.NON_NULL) Integer historyDays,
                 @JsonInclude(JsonInclude.Include.NON_NULL) ShareAlerts alerts, String status, String created,
                 @JsonInclude(JsonInclude.Include.NON_NULL) String invitationExpires,
                 @JsonInclude(JsonInclude.Include.NON_NULL) String accepted,
                 @JsonInclude(JsonInclude.Include.NON_NULL) String ended) {
    }

    /** The fields of {@code POST /api/v1/following}. */
    record FollowRequest(String invitation) {
    }

    /** A person the caller follows: whose data, as whom they are shown, what and until when. */
    record Following(String person, String name, List<String> scopes,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String until,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Integer historyDays) {
    }

    /**
     * Reads of the wearer's data by a follower: identical reads within a minute are one entry.
     *
     * @param who   the follower (their e-mail or phone)
     * @param scope what was read (glucose, history…)
     * @param route the address read
     * @param reads how many times between first and last
     */
    record ShareRead(String first, String last, int reads, String share, String who, String scope, String route) {
    }
}
