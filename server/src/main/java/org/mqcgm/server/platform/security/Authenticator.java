package org.mqcgm.server.platform.security;

import java.util.Optional;

/** Turns credentials into principals; implemented by the accounts feature. */
public interface Authenticator {

    /**
     * The notification channel (platform.db.Notifications) on which the accounts feature announces, with the owner
     * id as payload, that some credential of the owner ended (logout, session ended, token revoked, password reset,
     * reported compromise), on every node; open event streams of that owner then check theirs again.
     */
    String CREDENTIALS_CHANGED = "mqcgm_credentials_revoked";

    /** The principal of a live web session cookie value; the request counts as the person's activity. */
    Optional<Principal> session(String cookieValue);

    /**
     * The principal of a live web session cookie value. {@code activity} false: the request is background work of
     * an open page (a periodic refresh, an event stream, its re-check), which must not keep the session from its
     * idle end (ASVS V3.3.2).
     */
    default Optional<Principal> session(String cookieValue, boolean activity) {
        return session(cookieValue);
    }

    /** The principal of an API token that exists and is not revoked. */
    Optional<Principal> apiToken(String token);
}
