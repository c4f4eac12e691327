package org.mqcgm.server.disclosures;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;

/**
 * The routes of disclosures without consent.
 * <ul>
 *   <li>The data protection officer's API ({@link Access#DPO}: the dpo role in a web session with two-factor
 *       authentication; other staff 403, anybody else 404) under {@code /api/v1/admin/disclosures}: register,
 *       list, read with its trail, approve (a second officer), export within scope.</li>
 *   <li>The public transparency report {@code /privacy/transparency}: approved disclosures per year and legal
 *       basis, no personal data.</li>
 * </ul>
 * People see the disclosures about them in "Who saw my data" (the feature's read log) and in their export.
 */
final class DisclosureRoutes {

    static final Set<String> REQUEST_FIELDS = RequestFields.of(ApiSchemas.DisclosureRequest.class);
    static final Set<String> EXPORT_FIELDS = RequestFields.of(ApiSchemas.DisclosureExportRequest.class);
    static final Set<String> CONTACT_FIELDS = RequestFields.of(ApiSchemas.EmergencyContact.class);

    private final Register register;
    private final Notices notices;
    private final Exports exports;
    private final JsonBodies json;
    private final EmergencyContacts contacts;
    private final org.mqcgm.server.platform.outbound.Outbound outbound;

    DisclosureRoutes(Register register, Notices notices, Exports exports, JsonBodies json, EmergencyContacts contacts,
                     org.mqcgm.server.platform.outbound.Outbound outbound) {
        this.contacts = contacts;
        this.outbound = outbound;
        this.register = register;
        this.notices = notices;
        this.exports = exports;
        this.json = json;
    }

    void register(Routes routes, Web web) {
        routes.get("/privacy/transparency", Access.PUBLIC, ctx -> web.pages().render(ctx, web.contexts().of(ctx),
                "disclosures/transparency.jte", Map.of("rows", register.report().stream().map(c ->
                        new DisclosureViews.Row(c.year(), c.basis().id(), c.disclosures(), c.legalRequests(),
                                c.people())).toList())));

        // A person's emergency contact (PR-34): the only one a disclosure in their vital interests may go to
        // without the DPO's break-glass.
        routes.get("/api/v1/me/emergency-contact", Access.api(org.mqcgm.server.platform.security.Scope.PROFILE_READ),
                ctx -> ctx.json(contacts.of(me(ctx)).map(c -> new ApiSchemas.EmergencyContact(c.name(), c.email()))
                        .orElseThrow(() -> new ProblemException(Problem.notFound()))));
        routes.put("/api/v1/me/emergency-contact", Access.api(org.mqcgm.server.platform.security.Scope.PROFILE_WRITE),
                ctx -> {
                    JsonNode body = json.readObject(ctx, CONTACT_FIELDS);
                    EmergencyContacts.Contact c = contacts.set(me(ctx), text(body, "name"), text(body, "email"));
                    ctx.json(new ApiSchemas.EmergencyContact(c.name(), c.email()));
                });
        routes.delete("/api/v1/me/emergency-contact",
                Access.api(org.mqcgm.server.platform.security.Scope.PROFILE_WRITE), ctx -> {
                    contacts.delete(me(ctx));
                    ctx.status(204);
                });

        routes.post("/api/v1/admin/disclosures", Access.DPO, ctx -> {
            JsonNode body = json.readObject(ctx, REQUEST_FIELDS);
            Register.Disclosure d = register.register(me(ctx), new Register.Draft(text(body, "basis"),
                    text(body, "recipient"), text(body, "instrument"), text(body, "reference"),
                    list(body, "people"), list(body, "categories"), text(body, "from"), text(body, "to"),
                    text(body, "restrictedUntil"), bool(body, "legalRequest"), bool(body, "breakGlass")));
            if (d.emergencyContact()) {
                // PR-34: the data goes to the emergency contact the person set, by e-mail, and is in the trail.
                EmergencyContacts.Contact c = contacts.of(d.people().get(0)).orElseThrow();
                int readings = exports.email(d, c, outbound);
                register.exported(me(ctx), d.id(), Map.of("channel", "email", "to", "emergency contact",
                        "readings", readings, "categories", d.categories()));
                d = register.find(d.id()).orElseThrow();
            }
            if (d.approved()) {
                notices.sendDue(d.id());
            }
            ctx.status(201).json(view(d));
        });
        routes.get("/api/v1/admin/disclosures", Access.DPO, ctx -> ctx.json(new ApiSchemas.Disclosures(
                register.list(500).stream().map(this::view).toList())));
        routes.get("/api/v1/admin/disclosures/{id}", Access.DPO, ctx -> ctx.json(view(register.find(
                PathParams.uuid(ctx, "id")).orElseThrow(() -> new ProblemException(Problem.notFound())))));
        routes.post("/api/v1/admin/disclosures/{id}/approval", Access.DPO, ctx -> {
            Register.Disclosure d = register.approve(me(ctx), PathParams.uuid(ctx, "id"));
            notices.sendDue(d.id());
            ctx.json(view(d));
        });
        routes.post("/api/v1/admin/disclosures/{id}/exports", Access.DPO, ctx -> {
            UUID id = PathParams.uuid(ctx, "id");
            register.find(id).orElseThrow(() -> new ProblemException(Problem.notFound()));
            JsonNode body = json.readObject(ctx, EXPORT_FIELDS);
            List<Problem.FieldError> errors = new ArrayList<>();
            List<UUID> people = Register.people(list(body, "people"), errors);
            List<String> categories = Register.categories(list(body, "categories"), "$.categories", errors);
            Instant from = Register.instant(text(body, "from"), "$.from", errors);
            Instant to = Register.instant(text(body, "to"), "$.to", errors);
            if (from != null && to != null && !to.isAfter(from)) {
                errors.add(new Problem.FieldError("$.to", "after-from", "must be after from"));
            }
            if (!errors.isEmpty()) {
                throw new ProblemException(Problem.validation("The export has problems.", errors));
            }
            Register.Scope scope = new Register.Scope(people, categories, from, to);
            Register.Disclosure d = register.checkExport(me(ctx), id, scope);
            Exports.Written w = exports.write(d, scope);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("file", w.file().getFileName().toString());
            detail.put("bytes", w.bytes());
            detail.put("sha256", w.sha256());
            detail.put("people", people.stream().map(UUID::toString).toList());
            detail.put("categories", categories);
            detail.put("from", from.toString());
            detail.put("to", to.toString());
            register.exported(me(ctx), id, detail);
            ctx.status(201).json(new ApiSchemas.DisclosureExport(id, w.file().toAbsolutePath().toString(),
                    w.bytes(), w.sha256(), people, categories, from, to));
        });
    }

    private ApiSchemas.Disclosure view(Register.Disclosure d) {
        return ApiSchemas.Disclosure.of(d, register.events(d.id()));
    }

    private static UUID me(Context ctx) {
        return Principal.of(ctx).accountId();
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new ProblemException(Problem.validation("The request has problems.", List.of(
                    new Problem.FieldError("$." + field, "type", "a string"))));
        }
        return n.asText();
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new ProblemException(Problem.validation("The request has problems.", List.of(
                    new Problem.FieldError("$." + field, "type", "true or false"))));
        }
        return n.booleanValue();
    }

    private static List<String> list(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw new ProblemException(Problem.validation("The request has problems.", List.of(
                    new Problem.FieldError("$." + field, "type", "an array of strings"))));
        }
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.isTextual() ? e.asText() : null));
        return out;
    }
}
