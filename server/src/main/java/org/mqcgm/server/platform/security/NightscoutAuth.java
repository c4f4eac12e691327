package org.mqcgm.server.platform.security;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * Turns the credentials a Nightscout client sends into the principal of the one wearer they belong to; implemented by
 * the nightscout feature. The principal's method is {@link Principal.Method#NIGHTSCOUT}; its scopes say what the
 * credential allows ({@link Scope#READINGS_READ} to read, {@link Scope#READINGS_WRITE} to write).
 */
public interface NightscoutAuth {

    /**
     * The wearer of the Nightscout credential this request carries ({@code api-secret} header, {@code secret} or
     * {@code token} query parameter, {@code Authorization: Bearer <jwt>}); empty when it carries none or a wrong,
     * revoked or expired one, or one of another site than the request's {@code /ns/{site}/} path.
     */
    Optional<Principal> authenticate(Context ctx);

    /** No Nightscout API: nobody is authenticated. */
    NightscoutAuth NONE = ctx -> Optional.empty();
}
