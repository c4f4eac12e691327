package org.mqcgm.server.accounts;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * Renders an account page with its form values and, after a failed submission, the problem's field errors and
 * detail, with the problem's HTTP status — so a browser and a test see the same thing.
 */
final class FormPage {

    private final Pages pages;
    private final PageContexts contexts;

    FormPage(Pages pages, PageContexts contexts) {
        this.pages = pages;
        this.contexts = contexts;
    }

    void show(Context ctx, String template, Map<String, Object> model) {
        render(ctx, template, model, null, HttpStatus.OK);
    }

    void failed(Context ctx, String template, Map<String, Object> model, ProblemException e) {
        render(ctx, template, model, e.problem(), HttpStatus.forStatus(e.problem().status()));
    }

    private void render(Context ctx, String template, Map<String, Object> model, Problem problem, HttpStatus status) {
        Map<String, Object> all = new HashMap<>(model);
        org.mqcgm.server.platform.web.PageContext page = contexts.of(ctx);
        all.put("errors", problem == null ? List.<Problem.FieldError>of() : problem.errors());
        String slug = problem == null ? "" : problem.type().substring(problem.type().lastIndexOf('/') + 1);
        all.put("problem", problem == null ? "" : page.msg().has("problem." + slug) ? page.t("problem." + slug)
                : problem.detail());
        if (problem != null && problem.anyExtensions().get("retryAfter") instanceof Number seconds) {
            ctx.header("Retry-After", Long.toString(seconds.longValue()));
        }
        ctx.status(status);
        pages.render(ctx, page, template, all);
    }
}
