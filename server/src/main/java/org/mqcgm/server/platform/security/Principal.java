package org.mqcgm.server.platform.security;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * An authenticated caller.
 *
 * @param accountId    the account acting
 * @param method       how it authenticated
 * @param scopes       what it may do (all scopes for a web session)
 * @param roles        the account's roles
 * @param twoFactor    true when the account uses two-factor authentication (so this session passed it)
 * @param recentLogin  when the password (and second factor) were last confirmed in this session, or null
 * @param credentialId the session or token that authenticated it (a hash prefix or id, never the secret)
 * @param passwordChangeRequired a web session of an account whose password was found among the breached or common
 *                     passwords at a login (ASVS V2.1.7): it may do nothing but change it ({@link AccessControl})
 */
public record Principal(UUID accountId, Method method, Set<Scope> scopes, Set<Role> roles, boolean twoFactor,
                        Instant recentLogin, String credentialId, boolean passwordChangeRequired) {

    public Principal(UUID accountId, Method method, Set<Scope> scopes, Set<Role> roles, boolean twoFactor,
                     Instant recentLogin, String credentialId) {
        this(accountId, method, scopes, roles, twoFactor, recentLogin, credentialId, false);
    }

    private static final String ATTRIBUTE = "mqcgm.principal";

    public enum Method { SESSION, API_TOKEN, /** a Nightscout client's credential (issue 14): Nightscout routes only */ NIGHTSCOUT }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** The principal the access check attached to this request; present on every non-public route. */
    public static Principal of(Context ctx) {
        Principal p = ctx.attribute(ATTRIBUTE);
        if (p == null) {
            throw new IllegalStateException("route registered without an access rule requiring a principal");
        }
        return p;
    }

    /** The principal, if the request is authenticated (public routes that adapt to signed-in users). */
    public static Optional<Principal> optional(Context ctx) {
        return Optional.ofNullable(ctx.attribute(ATTRIBUTE));
    }

    void attachTo(Context ctx) {
        ctx.attribute(ATTRIBUTE, this);
    }
}
