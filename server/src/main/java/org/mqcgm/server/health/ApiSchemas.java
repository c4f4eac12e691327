package org.mqcgm.server.health;

import java.util.Map;

/**
 * The JSON answers of the health routes, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.of(
            "Health", Health.class,
            "Ready", Ready.class);

    private ApiSchemas() {
    }

    /** {@code GET /healthz}. */
    record Health(String status) {
    }

    /** {@code GET /readyz}. */
    record Ready(String status, String database) {
    }
}
