package org.mqcgm.server.accounts;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.util.UUID;
import org.mqcgm.server.platform.security.AccessControl;
import org.mqcgm.server.platform.web.Csrf;
import org.mqcgm.server.platform.web.WebRequests;

/** Starting and ending the browser's session cookie. */
final class WebSessions {

    private final Sessions sessions;

    WebSessions(Sessions sessions) {
        this.sessions = sessions;
    }

    /** A new session id at every login and privilege change (no session fixation), and a new CSRF token. */
    void start(Context ctx, UUID accountId) {
        String old = ctx.cookie(AccessControl.SESSION_COOKIE);
        if (old != null) {
            sessions.end(old);
        }
        Cookie c = new Cookie(AccessControl.SESSION_COOKIE, sessions.start(accountId, ClientFacts.of(ctx)));
        c.setPath("/");
        c.setHttpOnly(true);
        c.setSameSite(SameSite.LAX);
        c.setSecure(WebRequests.isHttps(ctx));
        c.setMaxAge((int) sessions.absoluteTimeout().toSeconds());
        ctx.cookie(c);
        Csrf.rotate(ctx);
    }

    void end(Context ctx) {
        String cookie = ctx.cookie(AccessControl.SESSION_COOKIE);
        if (cookie != null) {
            sessions.end(cookie);
        }
        ctx.removeCookie(AccessControl.SESSION_COOKIE, "/");
        Csrf.rotate(ctx);
    }

    static String cookie(Context ctx) {
        return ctx.cookie(AccessControl.SESSION_COOKIE);
    }

    /** Only local paths are followed after login (no open redirect). */
    static String safeNext(String next) {
        return WebRequests.safeLocalPath(next, "/today");
    }
}
