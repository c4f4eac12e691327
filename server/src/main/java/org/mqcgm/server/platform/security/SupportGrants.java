package org.mqcgm.server.platform.security;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The grants people give support agents on a ticket (PR-23): the port {@link AccessControl} asks on
 * {@link Access.SupportGrant} routes (the support feature answers). An agent has no standing access to anyone's
 * data; a grant is asked for on a ticket, approved by the person, limited to scopes and at most 72 hours, and ends
 * by itself (its end is checked at every access) or when its ticket is closed.
 */
public interface SupportGrants {

    /**
     * A live grant.
     *
     * @param id     the grant
     * @param person whose data it opens
     * @param agent  the agent it was given to
     * @param from   the oldest data it covers
     * @param until  when it ends
     */
    record Live(UUID id, UUID person, UUID agent, Instant from, Instant until) {
        private static final String ATTRIBUTE = "mqcgm.supportGrant";

        /** The grant the access check attached to this request. */
        public static Live of(Context ctx) {
            Live live = ctx.attribute(ATTRIBUTE);
            if (live == null) {
                throw new IllegalStateException("route registered without Access.SupportGrant");
            }
            return live;
        }

        void attachTo(Context ctx) {
            ctx.attribute(ATTRIBUTE, this);
        }
    }

    /**
     * The grant {@code person} approved for {@code agent} covering {@code scope}, if it is live at {@code now}:
     * approved, not yet ended, and its ticket not closed.
     */
    Optional<Live> live(UUID person, UUID agent, String scope, Instant now);

    /** Records a read under the grant for the person ({@code what}: the route's path template). */
    void recordRead(Live grant, String what);

    /** No support feature: nobody has a grant. */
    SupportGrants NONE = new SupportGrants() {
        @Override
        public Optional<Live> live(UUID person, UUID agent, String scope, Instant now) {
            return Optional.empty();
        }

        @Override
        public void recordRead(Live grant, String what) {
        }
    };
}
