package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;

/**
 * The web app's static files (CSS, JavaScript, icons): a fixed set read from {@code classpath:/static} once, at
 * start. Each is served under a content-hashed name ({@code /static/app.3f2a9c1b.js}, the start of the SHA-256 of
 * its bytes) cached for a year as immutable — pages link to that name through {@link #url} — and under its plain
 * name with a short lifetime (old pages, bookmarks). Any other name is a 404 and leaves nothing behind.
 */
public final class StaticAssets {

    /** Every file of {@code src/main/resources/static}; a test keeps this list equal to the folder. */
    static final List<String> FILES = List.of("app.css", "app.js", "icon.svg", "icon-192.png", "icon-512.png",
            "icon-maskable-512.png", "apple-touch-icon.png", "manifest.webmanifest", "sw.js", "password.js",
            "passkeys.js");

    /**
     * Files also served at the root of the site under their plain name, checked again on every use ({@code
     * no-cache}): the web app manifest, and the service worker, whose scope is the folder it is served from.
     */
    static final List<String> AT_ROOT = List.of("manifest.webmanifest", "sw.js");

    private static final Map<String, String> TYPES = Map.of(
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "webmanifest", "application/manifest+json");

    private record Asset(byte[] body, String type, String hashedName) {
    }

    /** By plain name. */
    private static final Map<String, Asset> BY_NAME;
    /** By hashed name. */
    private static final Map<String, Asset> BY_HASHED_NAME;

    static {
        Map<String, Asset> byName = new LinkedHashMap<>();
        Map<String, Asset> byHash = new LinkedHashMap<>();
        for (String name : FILES) {
            byte[] body = load(name);
            int dot = name.lastIndexOf('.');
            String hashed = name.substring(0, dot) + "." + hash(body) + name.substring(dot);
            Asset a = new Asset(body, TYPES.get(name.substring(dot + 1)), hashed);
            byName.put(name, a);
            byHash.put(hashed, a);
        }
        BY_NAME = Map.copyOf(byName);
        BY_HASHED_NAME = Map.copyOf(byHash);
    }

    private StaticAssets() {
    }

    /** The address of static file {@code name} (e.g. {@code app.js}) for pages: its content-hashed name. */
    public static String url(String name) {
        Asset a = BY_NAME.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no static file " + name);
        }
        return "/static/" + a.hashedName();
    }

    public static void register(Routes routes) {
        routes.get("/static/{name}", Access.PUBLIC, StaticAssets::serve);
        for (String name : AT_ROOT) {
            Asset a = BY_NAME.get(name);
            routes.get("/" + name, Access.PUBLIC, ctx -> {
                ctx.header("Cache-Control", "no-cache");
                ctx.contentType(a.type());
                ctx.result(a.body());
            });
        }
    }

    private static void serve(Context ctx) {
        String name = ctx.pathParam("name");
        Asset hashed = BY_HASHED_NAME.get(name);
        Asset a = hashed != null ? hashed : BY_NAME.get(name);
        if (a == null) {
            throw new ProblemException(Problem.notFound());
        }
        ctx.header("Cache-Control", hashed != null ? "public, max-age=31536000, immutable" : "public, max-age=600");
        ctx.contentType(a.type());
        ctx.result(a.body());
    }

    /** How many names are served (plain and hashed); fixed from start. */
    static int size() {
        return BY_NAME.size() + BY_HASHED_NAME.size();
    }

    static Set<String> names() {
        return BY_NAME.keySet();
    }

    private static String hash(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] load(String name) {
        try (InputStream in = StaticAssets.class.getResourceAsStream("/static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("static file missing from the build: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
