package org.mqcgm.server.platform.web;

import io.javalin.http.Context;
import java.util.Map;
import org.mqcgm.server.platform.http.HttpServer;
import org.mqcgm.server.platform.http.Problem;

/** Errors shown to a browser as a page in the user's language instead of raw problem+json. */
public final class ErrorPage implements HttpServer.HtmlErrors {

    private final Pages pages;
    private final PageContexts contexts;

    public ErrorPage(Pages pages, PageContexts contexts) {
        this.pages = pages;
        this.contexts = contexts;
    }

    @Override
    public void render(Context ctx, Problem problem) {
        int status = problem.status();
        pages.render(ctx, contexts.of(ctx), "error.jte", Map.of("problem", problem));
        ctx.status(status);
    }
}
