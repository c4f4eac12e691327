package org.mqcgm.server.logbook;

import static org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.QueryTimes;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Grant;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.security.ShareScope;

/**
 * The logbook over the API: {@code /api/v1/checkins} for the owner, and {@code /api/v1/people/{person}/checkins} for
 * the owner or someone they share their logbook with (photos only with the photos share, nothing before the share's
 * first visible time). Another person's entry is a 404.
 */
final class CheckinApiRoutes {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    private final Checkins checkins;
    private final JsonBodies json;
    private final Clock dataClock;

    CheckinApiRoutes(Checkins checkins, JsonBodies json, Clock dataClock) {
        this.checkins = checkins;
        this.json = json;
        this.dataClock = dataClock;
    }

    void register(Routes routes) {
        Access access = Access.api(Scope.LOGBOOK).requiring(HEALTH_DATA);
        routes.post("/api/v1/checkins", access, ctx -> {
            JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.NewCheckin.class));
            Checkin c = checkins.create(owner(ctx), CheckinInput.read(body, dataClock.instant()));
            ctx.status(201).json(ApiSchemas.CheckinView.of(c, true));
        });
        routes.get("/api/v1/checkins", access, ctx -> ctx.json(list(ctx, owner(ctx), null)));
        routes.get("/api/v1/checkins/{id}", access, ctx -> ctx.json(ApiSchemas.CheckinView.of(
                checkins.find(owner(ctx), id(ctx)).orElseThrow(CheckinApiRoutes::notFound), true)));
        routes.patch("/api/v1/checkins/{id}", access, ctx -> {
            UUID id = id(ctx);
            // Another person's id is "not found" whatever the body says.
            checkins.find(owner(ctx), id).orElseThrow(CheckinApiRoutes::notFound);
            JsonNode patch = json.readObject(ctx, RequestFields.of(ApiSchemas.CheckinPatch.class));
            Instant now = dataClock.instant();
            Checkin c = checkins.update(owner(ctx), id, current -> CheckinInput.patch(current, patch, now))
                    .orElseThrow(CheckinApiRoutes::notFound);
            ctx.json(ApiSchemas.CheckinView.of(c, true));
        });
        routes.delete("/api/v1/checkins/{id}", access, ctx -> {
            if (!checkins.delete(owner(ctx), id(ctx))) {
                throw notFound();
            }
            ctx.status(204);
        });
        routes.get("/api/v1/people/{person}/checkins",
                Access.sharedApi(Scope.READINGS_READ, ShareScope.LOGBOOK).requiring(HEALTH_DATA),
                ctx -> {
                    Grant grant = Grant.of(ctx).orElse(null);
                    if (grant == null) {
                        requireOwnLogbookScope(ctx);
                    }
                    ctx.json(list(ctx, Grant.person(ctx), grant));
                });
    }

    /**
     * The person reading their own logbook through {@code /api/v1/people/{self}/…} needs the scope of their own
     * logbook ({@code logbook}), as on {@code /api/v1/checkins}: a token with only {@code readings:read} reads the
     * logbooks shared with its owner, not its owner's own (403 insufficient-scope, as there).
     */
    static void requireOwnLogbookScope(Context ctx) {
        if (!Principal.of(ctx).has(Scope.LOGBOOK)) {
            throw new ProblemException(Problem.of(403, "insufficient-scope", "Insufficient scope",
                    "This token lacks the scope '" + Scope.LOGBOOK.id() + "'.").with("requiredScope",
                    Scope.LOGBOOK.id()));
        }
    }

    /** The entries of {@code person} the query asks for, as {@code grant} (null for the person) lets the caller see. */
    private List<ApiSchemas.CheckinView> list(Context ctx, UUID person, Grant grant) {
        Instant now = dataClock.instant();
        Instant to = QueryTimes.rangeBound(ctx, "to", now.plus(Duration.ofDays(1)), now);
        Instant from = QueryTimes.rangeBound(ctx, "from", to.minus(Duration.ofDays(90)), now);
        if (!from.isBefore(to)) {
            throw invalid(new Problem.FieldError("from", "before-to", "must be before to"));
        }
        String kindParam = ctx.queryParam("kind");
        Checkin.Kind kind = null;
        if (kindParam != null) {
            kind = Checkin.Kind.parse(kindParam).orElseThrow(() -> invalid(new Problem.FieldError("kind", "one-of",
                    "must be meal, insulin, exercise, medication, fingerstick or note")));
        }
        int limit = limit(ctx);
        if (grant != null && grant.visibleFrom() != null && from.isBefore(grant.visibleFrom())) {
            from = grant.visibleFrom();
            if (!from.isBefore(to)) {
                return List.of();
            }
        }
        return visible(checkins.list(person, from, to, kind, limit), grant);
    }

    /**
     * What a grantee may see of {@code entries}: nothing before the share's first visible time, photo ids only with
     * the photos share. The person themselves ({@code grant} null) sees everything.
     */
    static List<ApiSchemas.CheckinView> visible(List<Checkin> entries, Grant grant) {
        if (grant == null) {
            return entries.stream().map(c -> ApiSchemas.CheckinView.of(c, true)).toList();
        }
        boolean photos = grant.covers(ShareScope.PHOTOS);
        return entries.stream()
                .filter(c -> grant.visibleFrom() == null || !c.time().toInstant().isBefore(grant.visibleFrom()))
                .map(c -> ApiSchemas.CheckinView.of(c, photos)).toList();
    }

    private static int limit(Context ctx) {
        String v = ctx.queryParam("limit");
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(new Problem.FieldError("limit", "range", "must be a whole number from 1 to " + MAX_LIMIT));
    }

    static UUID owner(Context ctx) {
        return Principal.of(ctx).accountId();
    }

    /** The path's {@code id}; anything but a UUID is a 404 (an id that cannot exist), never a 500. */
    static UUID id(Context ctx) {
        return org.mqcgm.server.platform.http.PathParams.uuid(ctx, "id");
    }

    static ProblemException notFound() {
        return new ProblemException(Problem.notFound());
    }

    private static ProblemException invalid(Problem.FieldError e) {
        return new ProblemException(Problem.validation("The request could not be accepted.", List.of(e)));
    }
}
