package org.mqcgm.server.platform.security;

/**
 * The access rule of a route, declared where the route is registered and checked by {@link AccessControl}.
 */
public sealed interface Access {

    /** Anyone, signed in or not (the principal is attached when there is one). */
    record Public() implements Access {
    }

    /**
     * A web page for a signed-in user; anonymous visitors are sent to the login page.
     *
     * @param recentLogin the password must have been confirmed in the last five minutes (sensitive actions:
     *                    changing credentials, creating tokens, exporting, cancelling — PR-64)
     */
    record Page(boolean recentLogin) implements Access {
    }

    /**
     * An API call needing {@code scope}: a bearer token holding it, or the web session of the user.
     *
     * @param scope       the scope needed, or null for any authenticated caller
     * @param recentLogin with a web session, the password must have been confirmed in the last five minutes
     */
    record Api(Scope scope, boolean recentLogin) implements Access {
    }

    /** Administration: the admin role, in a session that passed two-factor authentication (PR-53). */
    record Admin() implements Access {
    }

    Access PUBLIC = new Public();
    Access PAGE = new Page(false);
    Access SENSITIVE_PAGE = new Page(true);
    Access ADMIN = new Admin();

    /** Any authenticated API caller, whatever its scopes (e.g. an app logging out its own token). */
    Access ANY_API = new Api(null, false);

    static Access api(Scope scope) {
        return new Api(scope, false);
    }

    static Access sensitiveApi(Scope scope) {
        return new Api(scope, true);
    }
}
