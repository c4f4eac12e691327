package org.mqcgm.server.platform.security;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Optional;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.web.Cookies;
import org.mqcgm.server.platform.web.Csrf;

/**
 * The single place where access is decided. Called for every route before its handler, with the rule the route
 * was registered with:
 * <ul>
 *   <li>credentials are read from the {@code Authorization: Bearer} header (API tokens) or the {@code SESSION}
 *       cookie (web sessions);</li>
 *   <li>state-changing requests that carry the session cookie, and every form post, must carry the CSRF token
 *       (cookies are ambient credentials; bearer tokens are not);</li>
 *   <li>API routes answer 401 problems, pages redirect to the login page;</li>
 *   <li>later features add ownership and sharing decisions here ({@code owner or grantee}), answering 404 for
 *       someone else's data so that its existence does not leak.</li>
 * </ul>
 */
public final class AccessControl {

    /** The session cookie's plain name ({@code __Host-SESSION} over HTTPS, see {@link Cookies}). */
    public static final String SESSION_COOKIE = Csrf.SESSION_COOKIE;
    /** How long a confirmed password counts as "recent" for sensitive actions (PR-64). */
    public static final java.time.Duration RECENT_LOGIN = java.time.Duration.ofMinutes(5);

    private final Authenticator authenticator;
    private final java.time.Clock clock;

    public AccessControl(Authenticator authenticator, java.time.Clock clock) {
        this.authenticator = authenticator;
        this.clock = clock;
    }

    /** Checks the rule; attaches and returns the principal, or throws a problem / redirect. */
    public Optional<Principal> check(Context ctx, Access rule) {
        Optional<Principal> principal = authenticate(ctx);
        if (needsCsrfToken(ctx, principal)) {
            Csrf.requireValid(ctx);
        }
        principal.ifPresent(p -> p.attachTo(ctx));
        switch (rule) {
            case Access.Public ignored -> {
                return principal;
            }
            case Access.Page page -> {
                if (principal.isEmpty() || principal.get().method() != Principal.Method.SESSION) {
                    throw new LoginRequired();
                }
                if (page.recentLogin() && !recent(principal.get())) {
                    throw new RecentLoginRequired();
                }
                return principal;
            }
            case Access.Api api -> {
                if (principal.isEmpty()) {
                    throw new ProblemException(Problem.unauthorized(
                            "Send an API token as 'Authorization: Bearer <token>' or sign in."));
                }
                if (api.scope() != null && !principal.get().has(api.scope())) {
                    throw new ProblemException(Problem.of(403, "insufficient-scope", "Insufficient scope",
                            "This token lacks the scope '" + api.scope().id() + "'.")
                            .with("requiredScope", api.scope().id()));
                }
                if (api.recentLogin() && principal.get().method() == Principal.Method.SESSION
                        && !recent(principal.get())) {
                    throw new ProblemException(Problem.of(401, "reauth-required", "Confirm it is you",
                            "This action needs your password (and second factor) confirmed in the last "
                                    + RECENT_LOGIN.toMinutes() + " minutes.").with("code", "REAUTH_REQUIRED"));
                }
                return principal;
            }
            case Access.Admin ignored -> {
                // Someone without the role learns nothing: the route does not exist for them.
                if (principal.isEmpty() || !principal.get().has(Role.ADMIN)
                        || principal.get().method() != Principal.Method.SESSION) {
                    throw new ProblemException(Problem.notFound());
                }
                if (!principal.get().twoFactor()) {
                    throw new ProblemException(Problem.of(403, "two-factor-required", "Two-factor required",
                            "Administration needs two-factor authentication. Turn it on in Settings."));
                }
                return principal;
            }
        }
    }

    private boolean recent(Principal p) {
        return p.recentLogin() != null && p.recentLogin().isAfter(clock.instant().minus(RECENT_LOGIN));
    }

    private Optional<Principal> authenticate(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                throw new ProblemException(Problem.unauthorized("Only 'Authorization: Bearer <token>' is supported."));
            }
            // A presented but unknown or revoked token is an error, never a silent fall-back to anonymous.
            return Optional.of(authenticator.apiToken(authorization.substring(7).trim())
                    .orElseThrow(() -> new ProblemException(
                            Problem.unauthorized("The API token is unknown or has been revoked."))));
        }
        String cookie = Cookies.read(ctx, SESSION_COOKIE);
        return cookie == null ? Optional.empty() : authenticator.session(cookie);
    }

    /**
     * A state-changing request needs the CSRF token when the browser could have sent it on its own: when it
     * carries the session cookie, or when it has a content type a cross-site form can produce. A JSON request
     * without cookies, or one authenticated by a bearer token, cannot be forged that way.
     */
    private static boolean needsCsrfToken(Context ctx, Optional<Principal> principal) {
        if (!isUnsafe(ctx) || principal.map(p -> p.method() == Principal.Method.API_TOKEN).orElse(false)) {
            return false;
        }
        return Cookies.read(ctx, SESSION_COOKIE) != null || Csrf.isFormContentType(ctx);
    }

    private static boolean isUnsafe(Context ctx) {
        HandlerType m = ctx.method();
        return m == HandlerType.POST || m == HandlerType.PUT || m == HandlerType.PATCH || m == HandlerType.DELETE;
    }

    /** Thrown for pages that need a signed-in user; rendered as a redirect to the login page. */
    public static final class LoginRequired extends RuntimeException {
        public LoginRequired() {
            super("login required", null, false, false);
        }
    }

    /** Thrown for sensitive pages without a recent login; rendered as a redirect to the confirmation page. */
    public static final class RecentLoginRequired extends RuntimeException {
        public RecentLoginRequired() {
            super("recent login required", null, false, false);
        }
    }
}
