package org.mqcgm.server.platform.security;

import java.util.Optional;

/** Turns credentials into principals; implemented by the accounts feature. */
public interface Authenticator {

    /** The principal of a live web session cookie value. */
    Optional<Principal> session(String cookieValue);

    /** The principal of an API token that exists and is not revoked. */
    Optional<Principal> apiToken(String token);
}
