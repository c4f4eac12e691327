package org.mqcgm.server.platform.profile;

import io.javalin.http.Context;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.Principal;

/**
 * The port through which features learn a person's {@link Profile} (implemented by the accounts feature). A request
 * looks the profile up once: {@link #current(Context)} keeps it on the request.
 */
@FunctionalInterface
public interface Profiles {

    /** The profile of an account, if it exists. */
    Optional<Profile> of(UUID accountId);

    /** The signed-in caller's profile, looked up at most once per request; empty for visitors. */
    default Optional<Profile> optional(Context ctx) {
        Optional<Principal> principal = Principal.optional(ctx);
        if (principal.isEmpty()) {
            return Optional.empty();
        }
        Object cached = ctx.attribute(ATTRIBUTE);
        if (cached instanceof Profile p && p.id().equals(principal.get().accountId())) {
            return Optional.of(p);
        }
        Optional<Profile> found = of(principal.get().accountId());
        found.ifPresent(p -> ctx.attribute(ATTRIBUTE, p));
        return found;
    }

    /** The signed-in caller's profile; a caller whose account is gone gets a 404. */
    default Profile current(Context ctx) {
        return optional(ctx).orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    /** The request attribute holding the looked-up profile. */
    String ATTRIBUTE = "mqcgm.profile";
}
