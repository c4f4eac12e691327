package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import java.util.Locale;

/** Small facts about a request that several features need. */
public final class WebRequests {

    private WebRequests() {
    }

    /**
     * True when the browser reached us over HTTPS, directly or through a reverse proxy that says so
     * ({@code X-Forwarded-Proto}); cookies are then marked {@code Secure}.
     */
    public static boolean isHttps(Context ctx) {
        String forwarded = ctx.header("X-Forwarded-Proto");
        return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(forwarded);
    }

    /** True when the client prefers HTML (a browser navigating) over JSON. */
    public static boolean wantsHtml(Context ctx) {
        if (ctx.path().startsWith("/api/")) {
            return false;
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }
}
