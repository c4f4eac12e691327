package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import java.time.Duration;

/**
 * The only way the server sets or reads a cookie: each is declared in the registry {@link SiteCookie} (name,
 * purpose, kind, lifetime, flags), and an architecture rule forbids {@code Context.cookie(…)}, {@code new Cookie}
 * and {@code removeCookie} anywhere else. When the deployment is served over HTTPS (its public URL,
 * {@code MQCGM_PUBLIC_URL}, starts with {@code https://}) the names of host-wide cookies carry the {@code __Host-}
 * prefix: the browser then accepts them only with {@code Secure}, {@code Path=/} and no {@code Domain}, so a
 * sibling subdomain or a plain-http page cannot plant or overwrite them. Over plain http (the demo on localhost)
 * the names are plain and the cookies cannot be {@code Secure} (a browser would drop them).
 */
public final class Cookies {

    private static final String HTTPS_DEPLOYMENT = "mqcgm.https-deployment";

    private Cookies() {
    }

    /** Marks the request as one to a deployment served over HTTPS (done for every request by the HTTP layer). */
    public static void markHttpsDeployment(Context ctx, boolean https) {
        ctx.attribute(HTTPS_DEPLOYMENT, https);
    }

    static boolean httpsDeployment(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(HTTPS_DEPLOYMENT));
    }

    /** The name a cookie has on this deployment ({@code __Host-SESSION} or {@code SESSION}). */
    public static String name(Context ctx, SiteCookie cookie) {
        return cookie.name(httpsDeployment(ctx));
    }

    /** The request's value of a cookie, under this deployment's name. */
    public static String read(Context ctx, SiteCookie cookie) {
        return ctx.cookie(name(ctx, cookie));
    }

    /** Sets a cookie for its declared lifetime. */
    public static void set(Context ctx, SiteCookie cookie, String value) {
        write(ctx, cookie, value, cookie.maxAge().map(d -> (int) d.toSeconds()).orElse(-1), "/");
    }

    /**
     * Sets a persistent cookie for a configured lifetime instead of its declared default (the session: the
     * deployment's absolute session limit, {@code MQCGM_SESSION_ABSOLUTE_HOURS}).
     */
    public static void set(Context ctx, SiteCookie cookie, String value, Duration maxAge) {
        if (cookie.maxAge().isEmpty()) {
            throw new IllegalArgumentException(cookie + " is declared as a browser-session cookie");
        }
        write(ctx, cookie, value, (int) maxAge.toSeconds(), "/");
    }

    /** Sets a cookie scoped to a path (its declared path with the {@code {…}} filled in: {@code /c/<token>}). */
    public static void setOnPath(Context ctx, SiteCookie cookie, String value, String path) {
        int variable = cookie.path().indexOf('{');
        if (variable < 0 || !path.startsWith(cookie.path().substring(0, variable))
                || path.indexOf('/', variable) >= 0) {
            throw new IllegalArgumentException(path + " is not a path of " + cookie);
        }
        write(ctx, cookie, value, cookie.maxAge().map(d -> (int) d.toSeconds()).orElse(-1), path);
    }

    /** Removes a cookie (Max-Age=0). */
    public static void remove(Context ctx, SiteCookie cookie) {
        write(ctx, cookie, "", 0, "/");
    }

    private static void write(Context ctx, SiteCookie cookie, String value, int maxAgeSeconds, String path) {
        Cookie c = new Cookie(name(ctx, cookie), value);
        c.setPath(path);
        c.setHttpOnly(cookie.httpOnly());
        c.setSameSite(cookie.sameSite());
        c.setSecure(httpsDeployment(ctx) || WebRequests.isHttps(ctx));
        c.setMaxAge(maxAgeSeconds);
        ctx.cookie(c);
    }
}
