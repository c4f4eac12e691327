package org.mqcgm.server.health;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;

/**
 * The web app's static files (CSS, JavaScript, icons) from {@code classpath:/static}. Names are restricted to a
 * flat allow-list shape, so no path can escape the folder.
 */
public final class StaticAssets {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,60}\\.(css|js|svg|png|ico|webmanifest)");
    private static final Map<String, String> TYPES = Map.of(
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "webmanifest", "application/manifest+json");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    public void register(Routes routes) {
        routes.get("/static/{name}", Access.PUBLIC, this::serve);
    }

    private void serve(Context ctx) {
        String name = ctx.pathParam("name");
        if (!NAME.matcher(name).matches()) {
            throw new ProblemException(Problem.notFound());
        }
        byte[] body = cache.computeIfAbsent(name, StaticAssets::load);
        if (body.length == 0) {
            throw new ProblemException(Problem.notFound());
        }
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.contentType(TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        ctx.result(body);
    }

    private static byte[] load(String name) {
        try (InputStream in = StaticAssets.class.getResourceAsStream("/static/" + name)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
