package org.mqcgm.server.accounts;

import io.javalin.http.Context;
import java.util.UUID;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.web.Cookies;
import org.mqcgm.server.platform.web.Csrf;
import org.mqcgm.server.platform.web.SiteCookie;
import org.mqcgm.server.platform.web.WebRequests;

/** Starting and ending the browser's session cookie. */
final class WebSessions {

    private final ClientAddress clients;
    private final Sessions sessions;

    WebSessions(Sessions sessions, ClientAddress clients) {
        this.clients = clients;
        this.sessions = sessions;
    }

    /** A new session id at every login and privilege change (no session fixation), and a new CSRF token. */
    void start(Context ctx, UUID accountId) {
        String old = cookie(ctx);
        if (old != null) {
            sessions.end(old);
        }
        String session = sessions.start(accountId, ClientFacts.of(ctx, clients));
        Cookies.set(ctx, SiteCookie.SESSION, session, sessions.absoluteTimeout());
        Csrf.bindTo(ctx, session);
    }

    void end(Context ctx) {
        String cookie = cookie(ctx);
        if (cookie != null) {
            sessions.end(cookie);
        }
        Cookies.remove(ctx, SiteCookie.SESSION);
        Csrf.rotate(ctx);
    }

    static String cookie(Context ctx) {
        return Cookies.read(ctx, SiteCookie.SESSION);
    }

    /** Only local paths are followed after login (no open redirect). */
    static String safeNext(String next) {
        return WebRequests.safeLocalPath(next, "/today");
    }
}
