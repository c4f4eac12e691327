package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;

/**
 * The server's cookies. When the deployment is served over HTTPS (its public URL, {@code MQCGM_PUBLIC_URL}, starts
 * with {@code https://}) their names carry the {@code __Host-} prefix: the browser then accepts them only with
 * {@code Secure}, {@code Path=/} and no {@code Domain}, so a sibling subdomain or a plain-http page cannot plant or
 * overwrite them. Over plain http (the demo) the names are plain.
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

    /** The name cookie {@code base} has on this deployment ({@code __Host-SESSION} or {@code SESSION}). */
    public static String name(Context ctx, String base) {
        return httpsDeployment(ctx) ? "__Host-" + base : base;
    }

    /** The request's value of cookie {@code base}, under this deployment's name. */
    public static String read(Context ctx, String base) {
        return ctx.cookie(name(ctx, base));
    }

    /**
     * A cookie named for this deployment: HttpOnly, SameSite=Lax, Path=/, no Domain, Secure over HTTPS.
     *
     * @param maxAgeSeconds its lifetime, or -1 for the browser session, 0 to remove it
     */
    public static void set(Context ctx, String base, String value, int maxAgeSeconds) {
        Cookie c = new Cookie(name(ctx, base), value);
        c.setPath("/");
        c.setHttpOnly(true);
        c.setSameSite(SameSite.LAX);
        c.setSecure(httpsDeployment(ctx) || WebRequests.isHttps(ctx));
        c.setMaxAge(maxAgeSeconds);
        ctx.cookie(c);
    }
}
