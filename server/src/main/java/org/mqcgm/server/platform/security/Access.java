package org.mqcgm.server.platform.security;

/**
 * The access rule of a route, declared where the route is registered.
 */
public sealed interface Access {

    /** Anyone, signed in or not (the principal is attached when there is one). */
    record Public() implements Access {
    }

    /** A web page for a signed-in user; anonymous visitors are sent to the login page. */
    record Page() implements Access {
    }

    /** An API call needing {@code scope}: a bearer token holding it, or the web session of the user. */
    record Api(Scope scope) implements Access {
    }

    Access PUBLIC = new Public();
    Access PAGE = new Page();

    static Access api(Scope scope) {
        return new Api(scope);
    }
}
