package org.mqcgm.server.incidents;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.web.PageContext;

/**
 * The routes of incidents and security reports.
 * <ul>
 *   <li>Operators (admin role and two-factor): {@code GET/POST /api/v1/admin/incidents},
 *       {@code PATCH /api/v1/admin/incidents/{id}}, {@code POST …/{id}/notifications} (422 naming each missing
 *       section), {@code POST …/{id}/close} (422 without the regulator's report of a reportable incident),
 *       {@code GET /api/v1/admin/incident-deliveries?incident=ID}, and the page {@code /admin/incidents}.</li>
 *   <li>Signed-in people: {@code /notices}, their incident notices (reading marks them seen).</li>
 *   <li>Everyone: {@code /security-notices} (incidents announced publicly) and {@code /privacy/security-reports}.</li>
 * </ul>
 */
final class IncidentRoutes {

    private static final Set<String> FIELDS = RequestFields.of(ApiSchemas.IncidentRequest.class);

    private final IncidentRegister register;
    private final Notifier notifier;
    private final SecurityReports reports;
    private final JsonBodies json;
    private final java.util.concurrent.Executor background;

    IncidentRoutes(IncidentRegister register, Notifier notifier, SecurityReports reports, JsonBodies json,
                   java.util.concurrent.Executor background) {
        this.register = register;
        this.notifier = notifier;
        this.reports = reports;
        this.json = json;
        this.background = background;
    }

    void register(Routes routes, Web web) {
        routes.get("/api/v1/admin/incidents", Access.ADMIN, ctx -> ctx.json(new ApiSchemas.Incidents(
                register.list().stream().map(this::view).toList())));
        routes.post("/api/v1/admin/incidents", Access.ADMIN, ctx -> {
            IncidentRegister.Incident created = register.create(changes(ctx));
            ctx.status(201).header("Location", "/admin/incidents?id=" + created.id()).json(view(created));
        });
        routes.patch("/api/v1/admin/incidents/{id}", Access.ADMIN,
                ctx -> ctx.json(view(register.update(id(ctx), changes(ctx)))));
        routes.post("/api/v1/admin/incidents/{id}/notifications", Access.ADMIN, ctx -> {
            IncidentRegister.Incident requested = register.requestNotification(id(ctx));
            background.execute(() -> notifier.dispatch(requested.id()));
            ctx.status(202).json(view(requested));
        });
        routes.post("/api/v1/admin/incidents/{id}/close", Access.ADMIN,
                ctx -> ctx.json(view(register.close(id(ctx)))));
        routes.get("/api/v1/admin/incident-deliveries", Access.ADMIN, ctx -> {
            String incident = ctx.queryParam("incident");
            List<ApiSchemas.IncidentDelivery> list = incident == null ? List.of()
                    : notifier.deliveries(uuid(incident, "incident")).stream()
                    .map(d -> new ApiSchemas.IncidentDelivery(d.owner().toString(), d.channel(), d.status(),
                            d.detail(), d.at().toString())).toList();
            ctx.json(new ApiSchemas.IncidentDeliveries(list));
        });

        routes.get("/admin/incidents", Access.ADMIN, ctx -> {
            PageContext page = web.contexts().of(ctx);
            String selected = ctx.queryParam("id");
            IncidentViews.Detail detail = null;
            if (selected != null) {
                UUID id = uuid(selected, "id");
                IncidentRegister.Incident i = register.get(id).orElseThrow(() -> new ProblemException(
                        Problem.notFound()));
                detail = new IncidentViews.Detail(IncidentViews.row(i, notifier.summary(id), now()),
                        register.steps(id), notifier.deliveries(id), true);
            }
            web.pages().render(ctx, page, "incidents/admin.jte", Map.of("model", new IncidentViews.Admin(
                    register.list().stream().map(i -> IncidentViews.row(i, notifier.summary(i.id()), now()))
                            .toList(), detail, reports.latest().orElse(null), reports.overdue())));
        });
        routes.get("/notices", Access.PAGE, ctx -> {
            PageContext page = web.contexts().of(ctx);
            UUID me = Principal.of(ctx).accountId();
            List<IncidentRegister.Incident> mine = notifier.noticesOf(me);
            notifier.markSeen(me);
            // Rendered with the notice already read: the banner pointing here is gone on this very page.
            web.pages().render(ctx, new PageContext(page.msg(), page.csrf(), page.unit(), page.profile(),
                    page.path(), null, page.crashReports()), "incidents/notices.jte", Map.of("model",
                    new IncidentViews.Notices(mine, false, true)));
        });
        routes.get("/security-notices", Access.PUBLIC, ctx -> web.pages().render(ctx, web.contexts().of(ctx),
                "incidents/notices.jte", Map.of("model", new IncidentViews.Notices(register.announced(), true, true))));
        routes.get("/privacy/security-reports", Access.PUBLIC, ctx -> web.pages().render(ctx,
                web.contexts().of(ctx), "incidents/security-reports.jte", Map.of("model",
                        IncidentViews.Reports.of(reports.all()))));
    }

    private java.time.Instant now() {
        return register.clock().instant();
    }

    private ApiSchemas.Incident view(IncidentRegister.Incident i) {
        return ApiSchemas.Incident.of(i, notifier.summary(i.id()), register.steps(i.id()), now());
    }

    private static UUID id(Context ctx) {
        try {
            return UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(Problem.notFound());
        }
    }

    private static UUID uuid(String value, String field) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(Problem.badRequest("Not an id.", new Problem.FieldError(field, "uuid",
                    "must be an incident id")));
        }
    }

    /** The request body as changes; each field of the wrong type is named. */
    private IncidentRegister.Changes changes(Context ctx) {
        JsonNode body = json.readObject(ctx, FIELDS);
        List<Problem.FieldError> errors = new ArrayList<>();
        Map<String, String> texts = new LinkedHashMap<>();
        for (String f : IncidentRegister.TEXTS.keySet()) {
            if (body.has(f) && !body.get(f).isNull()) {
                texts.put(f, text(body, f, errors));
            }
        }
        List<String> accounts = null;
        JsonNode list = body.get("affectedAccounts");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                errors.add(new Problem.FieldError("$.affectedAccounts", "array", "must be a list of account ids"));
            } else {
                accounts = new ArrayList<>();
                for (JsonNode n : list) {
                    accounts.add(n.isTextual() ? n.asText() : "");
                }
            }
        }
        Boolean reportable = null;
        JsonNode r = body.get("reportable");
        if (r != null && !r.isNull()) {
            if (!r.isBoolean()) {
                errors.add(new Problem.FieldError("$.reportable", "boolean", "must be true or false"));
            } else {
                reportable = r.asBoolean();
            }
        }
        IncidentRegister.Changes c = new IncidentRegister.Changes(texts, text(body, "affected", errors),
                text(body, "affectedFrom", errors), text(body, "affectedTo", errors), accounts,
                text(body, "confirmedAt", errors), reportable, text(body, "regulatorReportedAt", errors));
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The incident has problems.", errors));
        }
        return c;
    }

    private static String text(JsonNode body, String field, List<Problem.FieldError> errors) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            errors.add(new Problem.FieldError("$." + field, "string", "must be a string"));
            return null;
        }
        return n.asText();
    }
}
