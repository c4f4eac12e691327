package org.mqcgm.server.photos;

import java.util.Map;

/**
 * The JSON of the photos API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.of("PhotoUpload", PhotoUpload.class);

    private ApiSchemas() {
    }

    /**
     * An uploaded photo, stored re-encoded and unattached (deleted after 24 hours unless attached to a check-in or
     * a post).
     *
     * @param id          the photo's id, to name in a check-in's or a post's {@code photos}
     * @param width       the stored image's width in pixels (at most 2,048)
     * @param height      the stored image's height in pixels (at most 2,048)
     * @param contentType {@code image/jpeg}, or {@code image/png} for an image with transparency
     */
    record PhotoUpload(String id, int width, int height, String contentType) {
    }
}
