package org.mqcgm.server.platform.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.mqcgm.server.platform.security.Access;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3.1 description of the API, kept beside the code
 * ({@code resources/openapi.json}); a test checks that every API route is described.
 */
public final class OpenApiRoutes {

    private final byte[] document;

    public OpenApiRoutes() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream("/openapi.json")) {
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void register(Routes routes) {
        routes.get("/api/openapi.json", Access.PUBLIC, ctx -> {
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.contentType("application/json").result(document);
        });
    }
}
