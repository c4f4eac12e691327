package org.mqcgm.server.platform.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;

/**
 * Renders the precompiled JTE templates ({@code src/main/jte}) to HTML responses. Pages are personal, so they
 * are never cached.
 */
public final class Pages {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /**
     * Renders {@code template} with the page context and the template's own parameters.
     *
     * @param params the template's parameters by name (besides {@code page})
     */
    public void render(Context ctx, PageContext page, String template, Map<String, Object> params) {
        Map<String, Object> all = new HashMap<>(params);
        all.put("page", page);
        StringOutput out = new StringOutput();
        engine.render(template, all, out);
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Language", page.lang());
        // The character set is named (ASVS V14.4.1): a browser never guesses it from the bytes.
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }
}
