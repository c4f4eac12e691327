package org.mqcgm.server.clinician;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The JSON of the clinician-link API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.of(
            "ClinicianLinkRequest", ClinicianLinkRequest.class,
            "ClinicianLinkCreated", ClinicianLinkCreated.class,
            "ClinicianLink", ClinicianLink.class);

    private ApiSchemas() {
    }

    /**
     * The fields of {@code POST /api/v1/shares/links}.
     *
     * @param label   who the link is for, as the wearer names them (e.g. {@code Dr Wang}); 1–100 characters
     * @param from    first day of the report (yyyy-MM-dd, the wearer's zone)
     * @param to      last day of the report; at most 90 days in all
     * @param expires when the link stops opening (ISO-8601 instant, at most 30 days ahead; 7 days by default)
     * @param pin     an optional PIN of 4 to 8 digits the viewer must enter
     */
    record ClinicianLinkRequest(String label, String from, String to, String expires, String pin) {
    }

    /**
     * A link just made: its address holds the token, shown only now.
     *
     * @param url the link to give the clinician
     */
    record ClinicianLinkCreated(String id, String url, String expires, String label, String from, String to,
                                boolean pin) {
    }

    /**
     * One of the wearer's links (never its token).
     *
     * @param state   {@code active}, {@code ended}, {@code revoked} or {@code locked} (too many wrong PINs)
     * @param revoked when it was revoked, if it was
     * @param views   how many times it was opened (the report page or its PDF)
     */
    record ClinicianLink(String id, String label, String from, String to, String created, String expires,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String revoked, String state, boolean pin,
                         long views) {
    }
}
