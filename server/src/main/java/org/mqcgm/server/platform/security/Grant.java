package org.mqcgm.server.platform.security;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * An active permission of one person (the wearer) for another (a follower or carer) to see some of their data, as
 * {@link Grants} answers it. Attached to the request by {@link AccessControl} on {@link Access.Shared} routes when
 * the caller is not the person themselves.
 *
 * @param id          the share it comes from
 * @param person      whose data it is
 * @param grantee     who may see it
 * @param scopes      what they may see
 * @param visibleFrom the earliest data time the grantee may see (a share of "the last 14 days"), or null for all
 * @param until       when the share ends by itself, or null
 */
public record Grant(UUID id, UUID person, UUID grantee, Set<ShareScope> scopes, Instant visibleFrom, Instant until) {

    private static final String ATTRIBUTE = "mqcgm.grant";

    public Grant {
        scopes = Set.copyOf(scopes);
    }

    public boolean covers(ShareScope scope) {
        return scopes.contains(scope);
    }

    /** Whether the grant is in force at {@code now}. */
    public boolean activeAt(Instant now) {
        return until == null || now.isBefore(until);
    }

    /** The grant the access check attached: present when someone other than the person reads their data. */
    public static Optional<Grant> of(Context ctx) {
        return Optional.ofNullable(ctx.attribute(ATTRIBUTE));
    }

    /**
     * The person whose data an {@link Access.Shared} route serves (its {@code {person}} path parameter, checked by
     * the access rule: the caller themselves or someone who shares with the caller).
     */
    public static UUID person(Context ctx) {
        UUID person = ctx.attribute(PERSON_ATTRIBUTE);
        if (person == null) {
            throw new IllegalStateException("route registered without an Access.Shared rule");
        }
        return person;
    }

    static final String PERSON_ATTRIBUTE = "mqcgm.person";

    void attachTo(Context ctx) {
        ctx.attribute(ATTRIBUTE, this);
    }
}
