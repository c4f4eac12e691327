package org.mqcgm.server.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * The sharing API. Wearer: {@code POST/GET /api/v1/shares}, {@code DELETE /api/v1/shares/{id}},
 * {@code GET /api/v1/shares/access-log}. Follower: {@code POST/GET /api/v1/following},
 * {@code DELETE /api/v1/following/{person}}. All with scope {@code sharing}; creating a share also needs the
 * wearer's consent to sharing (403 CONSENT_REQUIRED otherwise), and is itself recorded in the consent ledger.
 */
final class ShareApiRoutes {

    private final Sharing sharing;
    private final AccessLog log;
    private final JsonBodies json;
    private final ClientAddress clientAddress;
    private final java.time.Clock clock;

    ShareApiRoutes(Sharing sharing, AccessLog log, JsonBodies json, ClientAddress clientAddress,
                   java.time.Clock clock) {
        this.sharing = sharing;
        this.log = log;
        this.json = json;
        this.clientAddress = clientAddress;
        this.clock = clock;
    }

    void register(Routes routes) {
        routes.post("/api/v1/shares", Access.api(Scope.SHARING).requiring(Purpose.SHARING), this::create);
        routes.get("/api/v1/shares", Access.api(Scope.SHARING), ctx -> {
            Instant now = clock.instant();
            ctx.json(sharing.shares().given(owner(ctx)).stream().map(s -> view(s, now)).toList());
        });
        routes.get("/api/v1/shares/access-log", Access.api(Scope.SHARING), ctx -> ctx.json(
                log.all(owner(ctx), Instant.EPOCH, 1000).stream().map(r -> new ApiSchemas.ShareRead(
                        r.first().toString(), r.last().toString(), r.reads(), r.share().toString(), r.who(),
                        r.scope(), r.route())).toList()));
        routes.delete("/api/v1/shares/{id}", Access.api(Scope.SHARING), ctx -> {
            if (!sharing.shares().revoke(owner(ctx), PathParams.uuid(ctx, "id"), "api")) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.status(204);
        });
        routes.post("/api/v1/following", Access.api(Scope.SHARING), this::follow);
        routes.get("/api/v1/following", Access.api(Scope.SHARING), ctx -> ctx.json(
                sharing.shares().following(owner(ctx)).stream().map(this::following).toList()));
        routes.delete("/api/v1/following/{person}", Access.api(Scope.SHARING), ctx -> {
            UUID person = PathParams.uuid(ctx, "person");
            if (!sharing.shares().leave(owner(ctx), person, "api")) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.status(204);
        });
    }

    private void create(Context ctx) {
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.ShareRequest.class));
        List<Problem.FieldError> types = new ArrayList<>();
        String with = Sharing.string(body, "with", types);
        String until = Sharing.string(body, "until", types);
        List<String> scopes = null;
        JsonNode s = body.get("scopes");
        if (s != null && !s.isNull()) {
            if (!s.isArray()) {
                types.add(new Problem.FieldError("$.scopes", "type", "must be an array of strings"));
            } else {
                scopes = new ArrayList<>();
                for (JsonNode item : s) {
                    if (!item.isTextual()) {
                        types.add(new Problem.FieldError("$.scopes", "type", "must be an array of strings"));
                        break;
                    }
                    scopes.add(item.asText());
                }
            }
        }
        String days = integer(body.get("historyDays"), "$.historyDays", types);
        String low = null;
        String high = null;
        JsonNode alerts = body.get("alerts");
        if (alerts != null && !alerts.isNull()) {
            if (!alerts.isObject()) {
                types.add(new Problem.FieldError("$.alerts", "type", "must be an object"));
            } else {
                types.addAll(JsonBodies.unknownFields(alerts, RequestFields.of(ApiSchemas.ShareAlerts.class),
                        "$.alerts"));
                low = integer(alerts.get("lowMgdl"), "$.alerts.lowMgdl", types);
                high = integer(alerts.get("highMgdl"), "$.alerts.highMgdl", types);
            }
        }
        if (!types.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The share request has fields of the wrong type.",
                    types.toArray(Problem.FieldError[]::new)));
        }
        Sharing.Request request = sharing.check(with, scopes, until, days, low, high);
        Shares.Created created = sharing.create(owner(ctx), request, "api");
        ctx.status(201).json(new ApiSchemas.ShareCreated(created.share().id().toString(), created.code(),
                sharing.link(created.code())));
    }

    private static String integer(JsonNode v, String field, List<Problem.FieldError> errors) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            errors.add(new Problem.FieldError(field, "type", "must be a whole number"));
            return null;
        }
        return v.asText();
    }

    private void follow(Context ctx) {
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.FollowRequest.class));
        JsonNode code = body.get("invitation");
        if (code == null || !code.isTextual() || code.asText().isBlank()) {
            throw new ProblemException(Problem.badRequest("The invitation code is missing.",
                    new Problem.FieldError("$.invitation", "required", "must be the invitation code")));
        }
        Shares.Share share = sharing.accept(owner(ctx), code.asText().trim(), clientAddress.of(ctx));
        ctx.status(201).json(following(share));
    }

    ApiSchemas.Following following(Shares.Share s) {
        return new ApiSchemas.Following(s.owner().toString(), nameOf(s.owner()), s.scopeIds(),
                s.until() == null ? null : s.until().toString(), s.historyDays());
    }

    /** How a wearer is shown to their followers (their e-mail or phone). */
    String nameOf(UUID person) {
        return sharing.profiles().of(person).map(p -> p.label()).orElse("?");
    }

    static ApiSchemas.Share view(Shares.Share s, Instant now) {
        return new ApiSchemas.Share(s.id().toString(),
                s.contact() == null ? null : new Shares.Contact(s.channel(), s.contact()).masked(),
                s.granteeLabel(), s.scopeIds(), s.until() == null ? null : s.until().toString(), s.historyDays(),
                s.alerts() == null ? null : new ApiSchemas.ShareAlerts(s.alerts().lowMgdl(), s.alerts().highMgdl()),
                s.status(now), s.created().toString(),
                s.accepted() == null ? s.invitationExpires().toString() : null,
                s.accepted() == null ? null : s.accepted().toString(),
                s.ended() == null ? null : s.ended().toString());
    }

    private static UUID owner(Context ctx) {
        return Principal.of(ctx).accountId();
    }
}
