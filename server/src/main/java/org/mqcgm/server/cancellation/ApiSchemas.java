package org.mqcgm.server.cancellation;

import java.util.Map;

/**
 * The JSON of the cancellation API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.of(
            "CancellationRequest", CancellationRequest.class,
            "CancellationScheduled", CancellationScheduled.class);

    private ApiSchemas() {
    }

    /** The fields of {@code POST /api/v1/me/cancellation}: the password, and the code when two-factor is on. */
    record CancellationRequest(String password, String code) {
    }

    /** A cancellation confirmed: the account is closed and will be erased by {@code completeBy}. */
    record CancellationScheduled(String status, String completeBy) {
    }
}
