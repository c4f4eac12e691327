package org.mqcgm.server.transparency;

import java.util.Map;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/** The record of processing: {@code /privacy/processing.json} and its page, public (PR-02). */
final class TransparencyRoutes {

    private final Pages pages;
    private final PageContexts contexts;
    private final ProcessingRecord record;
    private final byte[] json;

    TransparencyRoutes(Pages pages, PageContexts contexts, ProcessingRecord record, byte[] json) {
        this.pages = pages;
        this.contexts = contexts;
        this.record = record;
        this.json = json;
    }

    void register(Routes routes) {
        routes.get("/privacy/processing.json", Access.PUBLIC, ctx -> {
            ctx.header("Cache-Control", "public, max-age=300");
            ctx.contentType("application/json");
            ctx.result(json);
        });
        routes.get("/privacy/processing", Access.PUBLIC, ctx -> pages.render(ctx, contexts.of(ctx),
                "transparency/processing.jte", Map.of("record", record.record())));
    }
}
