package org.mqcgm.server.cancellation;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Reconfirmation;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Cookies;
import org.mqcgm.server.platform.web.Csrf;
import org.mqcgm.server.platform.web.PageContext;

/**
 * Settings → Delete account ({@code /settings/delete-account}) and {@code POST /api/v1/me/cancellation}. Both need
 * the password (and the second-factor code when it is on) at the moment of cancelling (PR-64); the page also needs
 * the confirmation word typed (PR-68) and offers the export first.
 */
final class CancellationRoutes {

    static final String PAGE = "/settings/delete-account";
    static final String API = "/api/v1/me/cancellation";

    private final Cancellations cancellations;
    private final Reconfirmation reconfirmation;
    private final JsonBodies json;
    private final Web web;

    CancellationRoutes(Cancellations cancellations, Reconfirmation reconfirmation, JsonBodies json, Web web) {
        this.cancellations = cancellations;
        this.reconfirmation = reconfirmation;
        this.json = json;
        this.web = web;
    }

    void register(Routes routes) {
        routes.post(API, Access.api(Scope.ACCOUNT_MANAGE), this::cancelFromApi);
        routes.get(PAGE, Access.PAGE, ctx -> show(ctx, null));
        routes.post(PAGE, Access.PAGE, this::cancelFromPage);
    }

    private void cancelFromApi(Context ctx) {
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.CancellationRequest.class));
        List<Problem.FieldError> errors = new ArrayList<>();
        JsonNode password = body.get("password");
        if (password == null || !password.isTextual() || password.asText().isEmpty()) {
            errors.add(new Problem.FieldError("$.password", "required", "must be your password"));
        }
        JsonNode code = body.get("code");
        if (code != null && !code.isNull() && !code.isTextual()) {
            errors.add(new Problem.FieldError("$.code", "type", "must be a string"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The account was not cancelled.",
                    errors.toArray(Problem.FieldError[]::new)));
        }
        UUID owner = Principal.of(ctx).accountId();
        reconfirmation.confirm(ctx, owner, password.asText(), code == null || code.isNull() ? null : code.asText());
        Instant completeBy = cancellations.request(owner, Cancellations.Channel.SELF, null);
        ctx.status(202).json(new ApiSchemas.CancellationScheduled("scheduled", completeBy.toString()));
    }

    private void cancelFromPage(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        PageContext page = web.contexts().of(ctx);
        String typed = ctx.formParam("confirm");
        if (typed == null || !confirmed(typed.strip(), page)) {
            // 422 with the form again, as every form of the web app answers invalid input.
            show(ctx, Problem.validation(page.t("cancellation.confirmMismatch"), List.of(new Problem.FieldError(
                    "confirm", "match", page.t("cancellation.confirmMismatch")))));
            return;
        }
        String password = ctx.formParam("password");
        String code = ctx.formParam("code");
        try {
            reconfirmation.confirm(ctx, owner, password == null ? "" : password,
                    code == null || code.isBlank() ? null : code.strip());
        } catch (ProblemException e) {
            show(ctx, e.problem());
            return;
        }
        Instant completeBy = cancellations.request(owner, Cancellations.Channel.SELF, null);
        // The session was ended by the cancellation; the browser forgets its cookie and sees the page as a visitor.
        Cookies.remove(ctx, org.mqcgm.server.platform.web.SiteCookie.SESSION);
        Csrf.rotate(ctx);
        PageContext visitor = new PageContext(page.msg(), Csrf.token(ctx), page.unit(), null, page.path());
        web.pages().render(ctx, visitor, "cancellation/done.jte", Map.of("completeBy",
                completeBy.atZone(page.zone()).toLocalDateTime().withNano(0).toString().replace('T', ' ')
                        + " " + page.zone().getId()));
    }

    /** The typed word matches the one shown, in either language (case does not matter). */
    private static boolean confirmed(String typed, PageContext page) {
        String t = typed.toUpperCase(Locale.ROOT);
        return t.equals(page.t("cancellation.confirmWord").toUpperCase(Locale.ROOT))
                || t.equals("DELETE") || t.equals("删除");
    }

    private void show(Context ctx, Problem problem) {
        PageContext page = web.contexts().of(ctx);
        Map<String, Object> model = new HashMap<>();
        model.put("errors", problem == null ? List.<Problem.FieldError>of() : problem.errors());
        String slug = problem == null ? "" : problem.type().substring(problem.type().lastIndexOf('/') + 1);
        model.put("problem", problem == null ? "" : page.msg().has("cancellation.problem." + slug)
                ? page.t("cancellation.problem." + slug) : problem.detail());
        if (problem != null && problem.anyExtensions().get("retryAfter") instanceof Number seconds) {
            ctx.header("Retry-After", Long.toString(seconds.longValue()));
        }
        model.put("twoFactor", Principal.of(ctx).twoFactor());
        ctx.status(problem == null ? 200 : problem.status());
        web.pages().render(ctx, page, "cancellation/delete-account.jte", model);
    }
}
