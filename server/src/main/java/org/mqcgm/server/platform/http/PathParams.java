package org.mqcgm.server.platform.http;

import io.javalin.http.Context;
import java.util.Optional;
import java.util.UUID;

/** Path parameters that name a row by its UUID: anything that is not a UUID names nothing (404), never a 500. */
public final class PathParams {

    private PathParams() {
    }

    /** The path parameter {@code name} as a UUID; a malformed one is an id that cannot exist: 404 problem. */
    public static UUID uuid(Context ctx, String name) {
        return parseUuid(ctx.pathParam(name)).orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    /** {@code text} as a UUID, empty when it is none (or absent). */
    public static Optional<UUID> parseUuid(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
