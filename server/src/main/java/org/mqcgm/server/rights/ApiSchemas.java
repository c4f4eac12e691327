package org.mqcgm.server.rights;

import java.util.List;
import java.util.Map;

/**
 * The JSON answers and request of the rights API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.of(
            "MyData", MyData.class,
            "DataCategory", DataCategory.class,
            "ExportRequest", ExportRequest.class,
            "Export", Export.class);

    private ApiSchemas() {
    }

    /** Everything held about the caller, by category ({@code GET /api/v1/me/data}). */
    record MyData(List<DataCategory> categories) {
    }

    /** One category of data held about the caller, with how many items it has now. */
    record DataCategory(String id, long count, String purpose, String source, String location) {
    }

    /** The body of {@code POST /api/v1/me/exports}: the password again, and the code when two-factor is on. */
    record ExportRequest(String password, String code) {
    }

    /**
     * One export: {@code status} queued, running, ready, failed or expired; {@code archive} the address of the ZIP
     * while it is ready; {@code expires} when the archive is deleted.
     */
    record Export(String id, String status, double progress, String archive, String expires) {
    }
}
