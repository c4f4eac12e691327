package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * Cross-site request forgery protection by the double-submit pattern: a random token in the HttpOnly
 * {@code XSRF-TOKEN} cookie, repeated in every form ({@code _csrf}) or in the {@code X-CSRF-Token} header. A page on
 * another site can make the browser send the cookie but cannot read it to repeat it. The token is replaced at
 * login (see the accounts feature) so a token planted before login is useless after.
 */
public final class Csrf {

    public static final String COOKIE = "XSRF-TOKEN";
    public static final String FIELD = "_csrf";
    public static final String HEADER = "X-CSRF-Token";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Csrf() {
    }

    /** The request's token, issuing a new cookie when there is none. */
    public static String token(Context ctx) {
        String existing = ctx.attribute(COOKIE);
        if (existing != null) {
            return existing;
        }
        String fromCookie = ctx.cookie(COOKIE);
        if (fromCookie != null && fromCookie.length() == 43) {
            ctx.attribute(COOKIE, fromCookie);
            return fromCookie;
        }
        return rotate(ctx);
    }

    /** Issues a fresh token (at login and logout). */
    public static String rotate(Context ctx) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        Cookie c = new Cookie(COOKIE, token);
        c.setPath("/");
        c.setHttpOnly(true);
        c.setSameSite(SameSite.LAX);
        c.setSecure(WebRequests.isHttps(ctx));
        ctx.cookie(c);
        ctx.attribute(COOKIE, token);
        return token;
    }

    /** Content types a form on another site can submit without a CORS preflight. */
    public static boolean isFormContentType(Context ctx) {
        String type = ctx.contentType();
        if (type == null) {
            return false;
        }
        String t = type.toLowerCase(Locale.ROOT);
        return t.startsWith("application/x-www-form-urlencoded") || t.startsWith("multipart/form-data")
                || t.startsWith("text/plain");
    }

    /** Fails with 403 unless the submitted token equals the cookie. */
    public static void requireValid(Context ctx) {
        String cookie = ctx.cookie(COOKIE);
        String submitted = ctx.header(HEADER);
        if (submitted == null && isFormContentType(ctx)) {
            submitted = ctx.formParam(FIELD);
        }
        if (cookie == null || submitted == null || !MessageDigest.isEqual(
                cookie.getBytes(StandardCharsets.US_ASCII), submitted.getBytes(StandardCharsets.US_ASCII))) {
            throw new ProblemException(Problem.of(403, "csrf", "Request not trusted",
                    "The form is out of date or did not come from this site. Reload the page and try again.")
                    .withErrors(java.util.List.of(new Problem.FieldError(FIELD, "csrf-token",
                            "must repeat the XSRF-TOKEN cookie"))));
        }
    }
}
