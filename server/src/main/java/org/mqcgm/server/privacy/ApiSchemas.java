package org.mqcgm.server.privacy;

import java.util.Map;

/**
 * The JSON answers of the consent API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step). The request's record gives its field names; the body is read as a
 * tree so that each wrong field is reported with its rule.
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.of(
            "Consent", Consent.class,
            "ConsentRecorded", ConsentRecorded.class,
            "ConsentRequest", ConsentRequest.class);

    private ApiSchemas() {
    }

    /** One entry of the consent history, with the version of the privacy policy it was given under. */
    record Consent(String at, String purpose, boolean granted, String channel,
                   @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                   String policyVersion,
                   @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                   String subject) {
    }

    /** A consent just recorded, with the policy version it was given under. */
    record ConsentRecorded(String purpose, boolean granted, String policyVersion) {
    }

    /** The fields of {@code POST /api/v1/me/consents}. */
    record ConsentRequest(String purpose, Boolean granted) {
    }
}
