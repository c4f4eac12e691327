package org.mqcgm.server.transfers;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The JSON of the transfer API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.of(
            "Transfer", Transfer.class,
            "TransferRequest", TransferRequest.class);

    private ApiSchemas() {
    }

    /**
     * One transfer of the log.
     *
     * @param destination the destination's host only (never its path or the credential)
     * @param status      {@code running}, {@code done} or {@code failed}
     * @param readings    readings the destination accepted
     * @param requests    HTTP requests answered with success
     * @param failure     why it failed (a fixed phrase such as {@code redirect refused}), when it did
     */
    record Transfer(String id, String at, @JsonInclude(JsonInclude.Include.NON_NULL) String finishedAt, String kind,
                    String destination, String status, int readings, int requests,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String failure) {
    }

    /**
     * The fields of {@code POST /api/v1/me/transfers}.
     *
     * @param kind       {@code fhir} (a FHIR server's base URL) or {@code nightscout} (a Nightscout site)
     * @param credential the destination's credential: a bearer token for FHIR (optional), the API secret for
     *                   Nightscout; used for this transfer only and never stored
     */
    record TransferRequest(String password, String code, String kind, String url, String credential) {
    }
}
