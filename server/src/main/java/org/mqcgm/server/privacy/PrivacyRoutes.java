package org.mqcgm.server.privacy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/** Publishes the privacy policy at {@code /privacy}, readable before sign-up (PR-01). */
public final class PrivacyRoutes {

    private final Pages pages;
    private final PageContexts contexts;
    private final String policy;

    public PrivacyRoutes(Pages pages, PageContexts contexts) {
        this.pages = pages;
        this.contexts = contexts;
        try (InputStream in = PrivacyRoutes.class.getResourceAsStream("/privacy/privacy-policy.txt")) {
            this.policy = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void register(Routes routes) {
        routes.get("/privacy", Access.PUBLIC, ctx -> pages.render(ctx, contexts.of(ctx), "privacy/policy.jte",
                Map.of("policy", policy)));
    }
}
