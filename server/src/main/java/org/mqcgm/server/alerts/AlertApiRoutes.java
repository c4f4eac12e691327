package org.mqcgm.server.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * {@code GET /api/v1/alerts} (newest first, each with its inputs, rule version and why — PR-72),
 * {@code GET /api/v1/alerts/{id}} (one; what a device that shows values on its own lock screen fetches, PR-13),
 * {@code POST /api/v1/alerts/{id}/ack} and {@code POST /api/v1/alerts/{id}/snooze}: scope {@code alerts} or a
 * session, with the consent to the processing of health data. Someone else's alert or an unknown id is a 404.
 */
final class AlertApiRoutes {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;
    static final Set<String> SNOOZE_FIELDS = RequestFields.of(ApiSchemas.SnoozeRequest.class);

    private final AlertStore store;
    private final Profiles profiles;
    private final JsonBodies json;
    private final Clock clock;

    AlertApiRoutes(AlertStore store, Profiles profiles, JsonBodies json, Clock clock) {
        this.store = store;
        this.profiles = profiles;
        this.json = json;
        this.clock = clock;
    }

    void register(Routes routes) {
        Access access = Access.api(Scope.ALERTS).requiring(Purpose.HEALTH_DATA);
        routes.get("/api/v1/alerts", access, this::list);
        // Registered after GET /api/v1/alerts/settings (AlertRoutes), which therefore keeps its path.
        routes.get("/api/v1/alerts/{id}", access, ctx -> ctx.json(view(store.find(Principal.of(ctx).accountId(),
                id(ctx)).orElseThrow(() -> new ProblemException(Problem.notFound())), profiles.current(ctx))));
        routes.post("/api/v1/alerts/{id}/ack", access, ctx -> {
            if (!store.acknowledge(Principal.of(ctx).accountId(), id(ctx), clock.instant())) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.status(204);
        });
        routes.post("/api/v1/alerts/{id}/snooze", access, this::snooze);
    }

    private void list(Context ctx) {
        UUID me = Principal.of(ctx).accountId();
        // The one rule for range bounds: a year 1,000,000,000 is a 422 naming the parameter, never a database error.
        Instant now = clock.instant();
        Instant from = org.mqcgm.server.platform.http.QueryTimes.rangeBound(ctx, "from", null, now);
        Instant to = org.mqcgm.server.platform.http.QueryTimes.rangeBound(ctx, "to", null, now);
        int limit = DEFAULT_LIMIT;
        String l = ctx.queryParam("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new ProblemException(Problem.badRequest("The limit is not valid.",
                        new Problem.FieldError("limit", "range", "must be a whole number from 1 to " + MAX_LIMIT)));
            }
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new ProblemException(Problem.badRequest("The period is empty.",
                    new Problem.FieldError("to", "after-from", "must be after from")));
        }
        Profile p = profiles.current(ctx);
        ctx.json(store.list(me, from == null ? Instant.EPOCH : from, to == null ? Instant.parse("9999-01-01T00:00:00Z")
                : to, limit).stream().map(a -> view(a, p)).toList());
    }

    private void snooze(Context ctx) {
        UUID me = Principal.of(ctx).accountId();
        UUID id = id(ctx);
        if (store.find(me, id).isEmpty()) {
            throw new ProblemException(Problem.notFound()); // someone else's: 404 before anything about the body
        }
        JsonNode body = json.readObject(ctx, SNOOZE_FIELDS);
        JsonNode m = body.get("minutes");
        if (m == null || m.isNull()) {
            throw new ProblemException(Problem.validation("The snooze has problems.", List.of(
                    new Problem.FieldError("$.minutes", "required", "is required"))));
        }
        if (!m.isIntegralNumber() || !m.canConvertToInt()) {
            throw new ProblemException(Problem.validation("The snooze has problems.", List.of(
                    new Problem.FieldError("$.minutes", "type", "must be a whole number"))));
        }
        if (m.asInt() < 5 || m.asInt() > 240) {
            throw new ProblemException(Problem.validation("The snooze has problems.", List.of(
                    new Problem.FieldError("$.minutes", "range", "must be from 5 to 240 minutes"))));
        }
        if (!store.snooze(me, id, clock.instant().plus(Duration.ofMinutes(m.asInt())))) {
            throw new ProblemException(Problem.notFound());
        }
        ctx.json(view(store.find(me, id).orElseThrow(() -> new ProblemException(Problem.notFound())),
                profiles.current(ctx)));
    }

    static ApiSchemas.AlertView view(AlertStore.Alert a, Profile p) {
        return new ApiSchemas.AlertView(a.id().toString(), a.kind(), a.at().toString(), a.inputs(),
                AlertWords.why(a.kind(), a.inputs(), p.language(), p.unit()), a.ruleVersion(),
                a.acknowledgedAt() == null ? null : a.acknowledgedAt().toString(),
                a.snoozedUntil() == null ? null : a.snoozedUntil().toString(), a.quiet());
    }

    /** The alert id of the path; a malformed one is nobody's alert (404). */
    static UUID id(Context ctx) {
        return PathParams.uuid(ctx, "id");
    }
}
