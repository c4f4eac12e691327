package org.mqcgm.server.platform.http;

import io.javalin.http.Context;
import org.mqcgm.server.platform.web.WebRequests;

/**
 * Headers on every response that close whole classes of attack: a Content-Security-Policy with no inline script
 * (XSS), {@code frame-ancestors 'none'} (click-jacking), {@code nosniff} (MIME confusion), no referrer (share
 * tokens and health pages never leak through Referer), no camera/microphone/location unless a feature asks at the
 * point of use, and HSTS when served over HTTPS.
 */
final class SecurityHeaders {

    static final String CSP = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    private SecurityHeaders() {
    }

    /** The headers every answer carries (HSTS apart, which depends on the request). */
    static final java.util.Map<String, String> ALWAYS = java.util.Collections.unmodifiableMap(
            new java.util.LinkedHashMap<>(java.util.Map.of(
                    "Content-Security-Policy", CSP,
                    "X-Content-Type-Options", "nosniff",
                    "X-Frame-Options", "DENY",
                    "Referrer-Policy", "no-referrer",
                    "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
                    "Cross-Origin-Opener-Policy", "same-origin",
                    "Cross-Origin-Resource-Policy", "same-origin")));

    static void apply(Context ctx) {
        ALWAYS.forEach(ctx::header);
        if (WebRequests.isHttps(ctx)) {
            ctx.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
    }
}
