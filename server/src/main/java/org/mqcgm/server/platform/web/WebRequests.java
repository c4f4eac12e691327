package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import java.util.Locale;

/** Small facts about a request that several features need. */
public final class WebRequests {

    private WebRequests() {
    }

    private static final String HTTPS = "mqcgm.https";

    /**
     * Records whether the browser reached this deployment over HTTPS (done for every request by the HTTP layer):
     * the public URL is {@code https://} ({@code MQCGM_PUBLIC_URL}), the connection itself is TLS, or a trusted
     * reverse proxy says so ({@code ClientAddress#forwardedHttps}: {@code X-Forwarded-Proto} counts only from
     * {@code MQCGM_TRUSTED_PROXIES}).
     */
    public static void markHttps(Context ctx, boolean https) {
        ctx.attribute(HTTPS, https);
    }

    /**
     * True when the browser reached us over HTTPS (see {@link #markHttps}); cookies are then marked {@code Secure}
     * and answers carry HSTS. A client's own {@code X-Forwarded-Proto} is not believed.
     */
    public static boolean isHttps(Context ctx) {
        Boolean marked = ctx.attribute(HTTPS);
        return marked != null ? marked : "https".equalsIgnoreCase(ctx.scheme());
    }

    /** True when the client prefers HTML (a browser navigating) over JSON. */
    public static boolean wantsHtml(Context ctx) {
        if (ctx.path().startsWith("/api/")) {
            return false;
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    /**
     * A path of this site to send the browser to after a form ({@code next}, {@code return}), or {@code fallback}
     * when it could lead anywhere else (no open redirect). Accepted: a reference that parses as a URI with no
     * scheme and no authority, whose path starts with a single '/', and that holds no backslash and no control
     * character even after percent-decoding — browsers drop tabs and newlines and read '\\' as '/', which turn
     * {@code /%09/evil.example} or {@code /\\evil.example} into another host.
     */
    public static String safeLocalPath(String next, String fallback) {
        if (next == null || next.length() > 200 || !next.startsWith("/") || next.startsWith("//")) {
            return fallback;
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(next);
        } catch (java.net.URISyntaxException e) {
            return fallback;
        }
        if (uri.getScheme() != null || uri.getRawAuthority() != null || uri.isOpaque()
                || uri.getRawPath() == null || !uri.getRawPath().startsWith("/")) {
            return fallback;
        }
        String decoded = uri.getPath() + "?" + java.util.Objects.toString(uri.getQuery(), "") + "#"
                + java.util.Objects.toString(uri.getFragment(), "");
        if (uri.getPath().startsWith("//") || decoded.indexOf('\\') >= 0
                || decoded.chars().anyMatch(c -> Character.isISOControl(c) || c == '\uFFFD')) {
            return fallback;
        }
        return next;
    }
}
