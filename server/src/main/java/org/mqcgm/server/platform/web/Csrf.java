package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * Cross-site request forgery protection. Every form repeats a token ({@code _csrf}, or the {@code X-CSRF-Token}
 * header) that a page on another site cannot know:
 * <ul>
 *   <li>with a session, the token is bound to it: an HMAC-SHA256 keyed by the session cookie's value. A token of
 *       another session, or one from before login, is refused — even if an attacker managed to plant it as the
 *       CSRF cookie (a sibling subdomain, a plain-http page);</li>
 *   <li>without a session (login, sign-up), double submit: a random token in the HttpOnly {@code XSRF-TOKEN}
 *       cookie, repeated in the form.</li>
 * </ul>
 * The cookie holds the current token in both cases. Over HTTPS the cookies are {@code __Host-} cookies
 * ({@link Cookies}).
 */
public final class Csrf {

    /** The CSRF cookie's plain name ({@code __Host-XSRF-TOKEN} over HTTPS). */
    public static final String COOKIE = SiteCookie.XSRF_TOKEN.baseName();
    public static final String FIELD = "_csrf";
    public static final String HEADER = "X-CSRF-Token";
    /** The session cookie's plain name ({@code __Host-SESSION} over HTTPS). */
    public static final String SESSION_COOKIE = SiteCookie.SESSION.baseName();

    private static final String ATTRIBUTE = "mqcgm.csrf-token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Csrf() {
    }

    /** The request's token: bound to its session when there is one, else the double-submit cookie's. */
    public static String token(Context ctx) {
        String existing = ctx.attribute(ATTRIBUTE);
        if (existing != null) {
            return existing;
        }
        String session = Cookies.read(ctx, SiteCookie.SESSION);
        if (session != null) {
            return bindTo(ctx, session);
        }
        String fromCookie = Cookies.read(ctx, SiteCookie.XSRF_TOKEN);
        if (fromCookie != null && fromCookie.length() == 43) {
            ctx.attribute(ATTRIBUTE, fromCookie);
            return fromCookie;
        }
        return rotate(ctx);
    }

    /** The token of a session (at login: the session just started); the cookie is set to it. */
    public static String bindTo(Context ctx, String sessionCookieValue) {
        String token = forSession(sessionCookieValue);
        if (!token.equals(Cookies.read(ctx, SiteCookie.XSRF_TOKEN))) {
            Cookies.set(ctx, SiteCookie.XSRF_TOKEN, token);
        }
        ctx.attribute(ATTRIBUTE, token);
        return token;
    }

    /** Issues a fresh random token for a request without a session (at logout). */
    public static String rotate(Context ctx) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        Cookies.set(ctx, SiteCookie.XSRF_TOKEN, token);
        ctx.attribute(ATTRIBUTE, token);
        return token;
    }

    static String forSession(String sessionCookieValue) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sessionCookieValue.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal("mqcgm csrf v1".getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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

    /** Fails with 403 unless the submitted token is the session's (or, without a session, the cookie's). */
    public static void requireValid(Context ctx) {
        String session = Cookies.read(ctx, SiteCookie.SESSION);
        String expected = session != null ? forSession(session) : Cookies.read(ctx, SiteCookie.XSRF_TOKEN);
        String submitted = ctx.header(HEADER);
        if (submitted == null && isFormContentType(ctx)) {
            submitted = ctx.formParam(FIELD);
        }
        if (expected == null && submitted != null && ctx.header("Cookie") == null) {
            // The form came from our page but the browser sent no cookie at all: it refuses them (PR-37). Say so,
            // rather than "out of date"; a session is never carried in the address instead.
            throw new ProblemException(Problem.of(403, "cookies-blocked", "Cookies are blocked",
                    "Your browser sent no cookies. Signing in and this site's forms need the strictly necessary"
                            + " cookies listed at /privacy/cookies: allow cookies for this site and try again.")
                    .with("code", "COOKIES_BLOCKED"));
        }
        if (expected == null || submitted == null || !MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), submitted.getBytes(StandardCharsets.US_ASCII))) {
            throw new ProblemException(Problem.of(403, "csrf", "Request not trusted",
                    "The form is out of date or did not come from this site. Reload the page and try again.")
                    .withErrors(java.util.List.of(new Problem.FieldError(FIELD, "csrf-token",
                            "must be this session's token"))));
        }
    }
}
