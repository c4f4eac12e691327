package org.mqcgm.server.push;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.outbound.WebPush;
import org.mqcgm.server.platform.push.PushBindings;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * The push API. {@code GET /api/v1/push/vapid-public-key} is public: the key is public by design (browsers hand it
 * to their push service with every subscription) and says nothing about anyone. The rest needs scope
 * {@code alerts} or a web session: subscribing, listing (never the endpoint's path or the keys), unsubscribing
 * (someone else's id is a 404), and the delivery log. A subscription is checked before anything is stored: a closed
 * schema (400), an endpoint that is an allowed destination (https on a public host, see {@code HttpTransfers}; 422
 * naming the rule), keys of the right form (422).
 */
final class PushRoutes {

    static final Set<String> FIELDS = RequestFields.of(ApiSchemas.PushSubscriptionRequest.class);
    static final Set<String> KEY_FIELDS = RequestFields.of(ApiSchemas.PushSubscriptionKeys.class);
    static final int MAX_ENDPOINT = 2048;

    private final Subscriptions subscriptions;
    private final Deliveries deliveries;
    private final WebPush webPush;
    private final PushBindings bindings;
    private final JsonBodies json;

    PushRoutes(Subscriptions subscriptions, Deliveries deliveries, WebPush webPush, PushBindings bindings,
               JsonBodies json) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.webPush = webPush;
        this.bindings = bindings;
        this.json = json;
    }

    void register(Routes routes, org.mqcgm.server.platform.Web web) {
        routes.get("/settings/notifications", Access.PAGE, ctx -> {
            java.util.UUID me = Principal.of(ctx).accountId();
            org.mqcgm.server.platform.web.PageContext page = web.contexts().of(ctx);
            java.time.ZoneId zone = web.profiles().current(ctx).zone();
            java.time.format.DateTimeFormatter at = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                    .withZone(zone);
            web.pages().render(ctx, page, "push/notifications.jte", java.util.Map.of("model", new NotificationsPage(
                    subscriptions.list(me).stream().map(s -> new NotificationsPage.Subscription(s.id(), s.host(),
                            at.format(Instant.parse(s.createdAt())))).toList(),
                    deliveries.log(me, 20).stream().map(d -> new NotificationsPage.Delivery(
                            at.format(Instant.parse(d.at())), d.host(), d.outcome(),
                            d.status() == null ? null : d.status().toString())).toList())));
        });
        // Removing a browser or app from the page: it gets no more notifications (someone else's or unknown: 404).
        routes.post("/settings/notifications/{id}/remove", Access.PAGE, ctx -> {
            UUID id = PathParams.uuid(ctx, "id");
            if (!subscriptions.delete(Principal.of(ctx).accountId(), id)) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.redirect("/settings/notifications", io.javalin.http.HttpStatus.SEE_OTHER);
        });
        Access access = Access.api(Scope.ALERTS);
        routes.get("/api/v1/push/vapid-public-key", Access.PUBLIC,
                ctx -> ctx.json(new ApiSchemas.VapidPublicKey(webPush.publicKey())));
        routes.post("/api/v1/push/subscriptions", access, this::subscribe);
        routes.get("/api/v1/push/subscriptions", access, ctx -> ctx.json(new ApiSchemas.PushSubscriptions(
                subscriptions.list(Principal.of(ctx).accountId()))));
        routes.delete("/api/v1/push/subscriptions/{id}", access, ctx -> {
            UUID id = PathParams.uuid(ctx, "id");
            if (!subscriptions.delete(Principal.of(ctx).accountId(), id)) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.status(204);
        });
        routes.get("/api/v1/push/deliveries", access, ctx -> ctx.json(new ApiSchemas.PushDeliveries(
                deliveries.log(Principal.of(ctx).accountId(), 200))));
    }

    /** The credential a principal authenticated with, as {@link PushBindings#live} names it. */
    static String credential(Principal p) {
        return (p.method() == Principal.Method.SESSION ? "session:" : "token:") + p.credentialId();
    }

    private void subscribe(Context ctx) {
        Principal p = Principal.of(ctx);
        JsonNode body = json.readObject(ctx, FIELDS);
        JsonNode keys = body.get("keys");
        if (keys != null && keys.isObject()) {
            List<Problem.FieldError> unknown = JsonBodies.unknownFields(keys, KEY_FIELDS, "$.keys");
            if (!unknown.isEmpty()) {
                throw new ProblemException(Problem.badRequest("The body has fields this endpoint does not accept.",
                        unknown.toArray(Problem.FieldError[]::new)));
            }
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        String endpoint = null;
        JsonNode e = body.get("endpoint");
        if (e == null || e.isNull()) {
            errors.add(new Problem.FieldError("$.endpoint", "required", "is required"));
        } else if (!e.isTextual() || e.asText().isBlank() || e.asText().length() > MAX_ENDPOINT) {
            errors.add(new Problem.FieldError("$.endpoint", "type", "must be a URL of at most " + MAX_ENDPOINT
                    + " characters"));
        } else {
            endpoint = e.asText();
        }
        Instant expires = null;
        JsonNode x = body.get("expirationTime");
        if (x != null && !x.isNull()) {
            if (!x.isIntegralNumber() || x.asLong() < 0) {
                errors.add(new Problem.FieldError("$.expirationTime", "type",
                        "must be null or milliseconds since 1970"));
            } else {
                expires = Instant.ofEpochMilli(x.asLong());
            }
        }
        byte[] p256dh = null;
        byte[] auth = null;
        if (keys == null || keys.isNull()) {
            errors.add(new Problem.FieldError("$.keys", "required", "is required"));
        } else if (!keys.isObject()) {
            errors.add(new Problem.FieldError("$.keys", "type", "must be an object with p256dh and auth"));
        } else {
            p256dh = key(keys, "p256dh", errors);
            auth = key(keys, "auth", errors);
            if (p256dh != null && (p256dh.length != 65 || p256dh[0] != 4)) {
                errors.add(new Problem.FieldError("$.keys.p256dh", "p256-point",
                        "must be an uncompressed P-256 point (65 bytes)"));
                p256dh = null;
            }
            if (auth != null && auth.length != 16) {
                errors.add(new Problem.FieldError("$.keys.auth", "length", "must be 16 bytes"));
                auth = null;
            }
        }
        if (endpoint != null) {
            Optional<String> wrong = webPush.problem(new WebPush.Subscription(endpoint,
                    p256dh != null ? p256dh : VALID_POINT, auth != null ? auth : new byte[16]));
            wrong.ifPresent(w -> errors.add(fieldError(w)));
        }
        if (errors.isEmpty()) {
            webPush.problem(new WebPush.Subscription(endpoint, p256dh, auth)).ifPresent(w -> errors.add(fieldError(w)));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The push subscription cannot be used.", errors));
        }
        PushBindings.Device device = p.method() == Principal.Method.API_TOKEN
                ? bindings.deviceOfToken(p.accountId(), UUID.fromString(p.credentialId())).orElse(null) : null;
        String host = URI.create(endpoint).getHost().toLowerCase(java.util.Locale.ROOT);
        Subscriptions.Subscribed s = subscriptions.subscribe(p.accountId(),
                        new WebPush.Subscription(endpoint, p256dh, auth), host, expires, credential(p), device)
                .orElseThrow(() -> new ProblemException(Problem.of(409, "too-many-subscriptions",
                        "Too many push subscriptions", "Remove one first: at most " + Subscriptions.MAX_PER_OWNER
                                + " are kept.")));
        ctx.status(s.created() ? 201 : 200).json(new ApiSchemas.PushSubscription(s.id().toString(), s.host(),
                s.createdAt().toString(), Subscriptions.text(s.expiresAt())));
    }

    /** A P-256 point known to be valid, to check an endpoint on its own when the keys are wrong too. */
    private static final byte[] VALID_POINT = org.mqcgm.server.platform.crypto.VapidKeys.generate().publicKeyBytes();

    /** WebPush's fixed phrase ("endpoint: https required", "keys.p256dh: …") as the field and its rule. */
    static Problem.FieldError fieldError(String problem) {
        int colon = problem.indexOf(": ");
        String field = colon < 0 ? "endpoint" : problem.substring(0, colon);
        String why = colon < 0 ? problem : problem.substring(colon + 2);
        String rule = switch (why) {
            case "https required" -> "https";
            case "host in a private network" -> "public-host";
            case "unknown host" -> "unknown-host";
            case "host not allowed" -> "allowed-host";
            case "not a URL", "user info in the URL" -> "url";
            case "not a P-256 public key" -> "p256-point";
            case "must be 16 bytes" -> "length";
            default -> "invalid";
        };
        return new Problem.FieldError("$." + field, rule, why);
    }

    private static byte[] key(JsonNode keys, String name, List<Problem.FieldError> errors) {
        JsonNode n = keys.get(name);
        if (n == null || n.isNull()) {
            errors.add(new Problem.FieldError("$.keys." + name, "required", "is required"));
            return null;
        }
        if (!n.isTextual() || n.asText().length() > 200) {
            errors.add(new Problem.FieldError("$.keys." + name, "type", "must be base64url text"));
            return null;
        }
        try {
            return WebPush.base64Url(n.asText());
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError("$.keys." + name, "base64url", "must be base64url text"));
            return null;
        }
    }
}
