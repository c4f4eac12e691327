package org.mqcgm.server.platform.security;

import io.javalin.http.Context;
import java.util.Optional;
import java.util.UUID;

/**
 * The links a person made for someone without an account (a clinician's read-only report link): the port
 * {@link AccessControl} asks on {@link Access.Link} routes (the clinician feature answers). The token is the
 * route's {@code {token}} path parameter; only its hash is stored.
 */
public interface LinkTokens {

    /** Whether a link still opens. */
    enum State {
        /** Before its end, not revoked, not locked. */
        LIVE,
        /** Past its end. */
        ENDED,
        /** Locked after too many wrong PINs. */
        LOCKED
    }

    /**
     * A link as the access check sees it.
     *
     * @param id       the link
     * @param person   whose data it shows
     * @param state    whether it still opens
     * @param pin      it is protected by a PIN
     * @param unlocked the request carries this link's proof of a correct PIN (always true without a PIN)
     */
    record Link(UUID id, UUID person, State state, boolean pin, boolean unlocked) {

        private static final String ATTRIBUTE = "mqcgm.link";

        /** The link the access check attached on an {@link Access.Link} route. */
        public static Link of(Context ctx) {
            Link link = ctx.attribute(ATTRIBUTE);
            if (link == null) {
                throw new IllegalStateException("route registered without an Access.Link rule");
            }
            return link;
        }

        void attachTo(Context ctx) {
            ctx.attribute(ATTRIBUTE, this);
        }
    }

    /**
     * The link of {@code token}, or empty when no link has it or it was revoked. Counts misses per client and
     * throws a 429 {@link org.mqcgm.server.platform.http.ProblemException} when one client guesses too much.
     */
    Optional<Link> find(Context ctx, String token);

    /** No links (before the clinician feature exists, and in tests of other rules). */
    LinkTokens NONE = (ctx, token) -> Optional.empty();
}
