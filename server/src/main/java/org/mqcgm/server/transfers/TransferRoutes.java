package org.mqcgm.server.transfers;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.outbound.HttpTransfers;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.RateLimit;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Reconfirmation;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.PageContext;

/**
 * {@code POST /api/v1/me/transfers} (run a transfer: 201 with the log entry when everything arrived, 502
 * {@code transfer-failed} naming the reason otherwise), {@code GET /api/v1/me/transfers} (the log), and the page
 * Settings → Transfer with the same form and log. The request is checked in this order: the fields (400), the
 * destination (422: https only, public host), the password and code (401); nothing is sent before all three pass.
 */
final class TransferRoutes {

    static final Set<String> KINDS = Set.of("fhir", "nightscout");
    static final int MAX_URL = 2000;
    static final int MAX_CREDENTIAL = 4096;

    private final Transfers transfers;
    private final TransferLog log;
    private final Reconfirmation reconfirmation;
    private final JsonBodies json;
    private final HttpTransfers http;

    TransferRoutes(Transfers transfers, TransferLog log, Reconfirmation reconfirmation, JsonBodies json,
                   HttpTransfers http) {
        this.transfers = transfers;
        this.log = log;
        this.reconfirmation = reconfirmation;
        this.json = json;
        this.http = http;
    }

    void register(Routes routes, Web web) {
        routes.limited(RateLimit.EXPORTS).post("/api/v1/me/transfers", Access.api(Scope.ACCOUNT_MANAGE), this::transferFromApi);
        routes.get("/api/v1/me/transfers", Access.api(Scope.ACCOUNT_MANAGE),
                ctx -> ctx.json(log.list(Principal.of(ctx).accountId())));
        routes.get("/settings/transfer", Access.PAGE, ctx -> page(ctx, web, new Form("fhir", ""), List.of(), null));
        routes.limited(RateLimit.EXPORTS).post("/settings/transfer", Access.PAGE, ctx -> transferFromPage(ctx, web));
    }

    /** A transfer request, checked. */
    record Checked(String password, String code, String kind, String url, String credential) {
    }

    /** The request's problems: type and presence (400), then the destination (422). */
    Checked check(String password, String code, String kind, String url, String credential,
                  List<Problem.FieldError> badRequest, List<Problem.FieldError> unprocessable) {
        if (password == null || password.isEmpty()) {
            badRequest.add(new Problem.FieldError("$.password", "required", "must be your password"));
        }
        if (kind == null || !KINDS.contains(kind)) {
            badRequest.add(new Problem.FieldError("$.kind", "one-of", "must be fhir or nightscout"));
        }
        if (url == null || url.isBlank() || url.length() > MAX_URL) {
            badRequest.add(new Problem.FieldError("$.url", "required", "must be the destination's address (at most "
                    + MAX_URL + " characters)"));
        }
        if (credential != null && credential.length() > MAX_CREDENTIAL) {
            badRequest.add(new Problem.FieldError("$.credential", "max-length", "at most " + MAX_CREDENTIAL
                    + " characters"));
        } else if ("nightscout".equals(kind) && (credential == null || credential.isEmpty())) {
            badRequest.add(new Problem.FieldError("$.credential", "required", "must be the site's API secret"));
        }
        if (badRequest.isEmpty()) {
            Optional<String> problem = http.problem(url.strip());
            problem.ifPresent(p -> unprocessable.add(new Problem.FieldError("$.url", "destination", p)));
        }
        return new Checked(password, code == null || code.isBlank() ? null : code.strip(), kind,
                url == null ? null : url.strip(), credential);
    }

    private void transferFromApi(Context ctx) {
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.TransferRequest.class));
        List<Problem.FieldError> badRequest = new ArrayList<>();
        List<Problem.FieldError> unprocessable = new ArrayList<>();
        for (String f : List.of("password", "code", "kind", "url", "credential")) {
            if (body.has(f) && !body.get(f).isTextual() && !body.get(f).isNull()) {
                badRequest.add(new Problem.FieldError("$." + f, "type", "must be a string"));
            }
        }
        Checked c = check(text(body, "password"), text(body, "code"), text(body, "kind"), text(body, "url"),
                text(body, "credential"), badRequest, unprocessable);
        if (!badRequest.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The transfer request is not valid.",
                    badRequest.toArray(Problem.FieldError[]::new)));
        }
        if (!unprocessable.isEmpty()) {
            throw new ProblemException(Problem.validation("The destination is not allowed: only https addresses "
                    + "of hosts on the public internet.", unprocessable));
        }
        UUID owner = Principal.of(ctx).accountId();
        Transfers.Outcome outcome;
        try (Transfers.Slot slot = reserve(owner)) {
            reconfirmation.confirm(ctx, owner, c.password(), c.code());
            outcome = transfers.run(slot, c.kind(), c.url(), c.credential());
        }
        ApiSchemas.Transfer entry = log.one(owner, outcome.id());
        if (outcome.failure() != null) {
            throw new ProblemException(Problem.of(502, "transfer-failed", "Transfer failed",
                    "The transfer stopped: " + outcome.failure() + ". " + outcome.readings()
                            + " readings had arrived.").with("transfer", entry));
        }
        ctx.status(201).header("Location", "/api/v1/me/transfers").json(entry);
    }

    /** A transfer slot, or 409 (one running for this person) / 503 with Retry-After (this node's maximum). */
    private Transfers.Slot reserve(UUID owner) {
        try {
            return transfers.reserve(owner);
        } catch (Transfers.Busy e) {
            throw new ProblemException(e.mine()
                    ? Problem.of(409, "transfer-in-progress", "A transfer is in progress",
                    "One of your transfers is still running; wait until it has finished.")
                    : Problem.of(503, "transfers-busy", "Too many transfers",
                    "The server is running as many transfers as it can; try again in a minute.")
                    .with("retryAfter", RETRY_AFTER_SECONDS));
        }
    }

    static final int RETRY_AFTER_SECONDS = 60;

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    /** What the form shows again after a submission (never the password or the credential). */
    record Form(String kind, String url) {
    }

    private void transferFromPage(Context ctx, Web web) {
        PageContext page = web.contexts().of(ctx);
        List<Problem.FieldError> badRequest = new ArrayList<>();
        List<Problem.FieldError> unprocessable = new ArrayList<>();
        String kind = ctx.formParam("kind");
        String url = ctx.formParam("url");
        Checked c = check(ctx.formParam("password"), ctx.formParam("code"), kind, url, ctx.formParam("credential"),
                badRequest, unprocessable);
        Form form = new Form(kind != null && KINDS.contains(kind) ? kind : "fhir", url == null ? "" : url);
        List<String> messages = new ArrayList<>();
        for (Problem.FieldError e : badRequest) {
            messages.add(page.t("transfers.error." + e.field().substring(2) + "." + e.rule()));
        }
        for (Problem.FieldError e : unprocessable) {
            messages.add(page.t("transfers.error.destination", e.message()));
        }
        if (!messages.isEmpty()) {
            ctx.status(422);
            page(ctx, web, form, messages, null);
            return;
        }
        UUID owner = Principal.of(ctx).accountId();
        Transfers.Outcome outcome;
        Transfers.Slot slot;
        try {
            slot = transfers.reserve(owner);
        } catch (Transfers.Busy e) {
            ctx.status(e.mine() ? 409 : 503);
            if (!e.mine()) {
                ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            }
            page(ctx, web, form, List.of(page.t(e.mine() ? "transfers.error.inProgress" : "transfers.error.busy")),
                    null);
            return;
        }
        try (slot) {
            try {
                reconfirmation.confirm(ctx, owner, c.password(), c.code());
            } catch (ProblemException e) {
                ctx.status(401);
                page(ctx, web, form, List.of(page.t("transfers.error.confirm")), null);
                return;
            }
            outcome = transfers.run(slot, c.kind(), c.url(), c.credential());
        }
        if (outcome.failure() != null) {
            ctx.status(502);
        }
        page(ctx, web, outcome.failure() == null ? new Form(c.kind(), "") : form, List.of(),
                log.one(owner, outcome.id()));
    }

    private void page(Context ctx, Web web, Form form, List<String> messages, ApiSchemas.Transfer result) {
        PageContext page = web.contexts().of(ctx);
        web.pages().render(ctx, page, "transfers/transfer.jte", Map.of("model", new TransferPage(form.kind(),
                form.url(), messages, result == null ? null : TransferPage.Row.of(result),
                log.list(Principal.of(ctx).accountId()).stream().map(TransferPage.Row::of).toList())));
    }
}
