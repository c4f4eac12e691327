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
final class PrivacyRoutes {

    static final String POLICY = load();
    /** The published policy's version: the start of its SHA-256 (recorded with every consent). */
    public static final String POLICY_VERSION = sha256(POLICY).substring(0, 16);

    /** Pages that ask for the health-data consent and to which granting it returns. */
    static final java.util.Set<String> RETURN_PAGES = java.util.Set.of("/today", "/history", "/reports");

    private final Pages pages;
    private final PageContexts contexts;
    private final ConsentLedger consents;
    private final org.mqcgm.server.platform.http.JsonBodies json;

    public PrivacyRoutes(Pages pages, PageContexts contexts, ConsentLedger consents,
                         org.mqcgm.server.platform.http.JsonBodies json) {
        this.pages = pages;
        this.contexts = contexts;
        this.consents = consents;
        this.json = json;
    }

    private static String load() {
        try (InputStream in = PrivacyRoutes.class.getResourceAsStream("/privacy/privacy-policy.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public void register(Routes routes) {
        routes.get("/privacy", Access.PUBLIC, ctx -> pages.render(ctx, contexts.of(ctx), "privacy/policy.jte",
                Map.of("policy", POLICY)));
        routes.get("/api/v1/me/consents", Access.api(org.mqcgm.server.platform.security.Scope.PROFILE_READ),
                ctx -> ctx.json(consents.history(org.mqcgm.server.platform.security.Principal.of(ctx).accountId())
                        .stream().map(e -> new ApiSchemas.Consent(e.at().toString(), e.purpose().id(),
                                e.granted(), e.channel(), e.policyVersion())).toList()));
        routes.post("/api/v1/me/consents", Access.api(org.mqcgm.server.platform.security.Scope.PROFILE_WRITE),
                this::recordFromApi);
        routes.post("/settings/consents", Access.PAGE, ctx -> {
            consents.record(org.mqcgm.server.platform.security.Principal.of(ctx).accountId(),
                    org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA,
                    "yes".equals(ctx.formParam("health_data")), "web");
            // Back to the page that asked for the consent (a fixed list: never an arbitrary address).
            String back = ctx.formParam("return");
            ctx.redirect(back != null && RETURN_PAGES.contains(back) ? back : "/settings#privacy",
                    io.javalin.http.HttpStatus.SEE_OTHER);
        });
    }

    private void recordFromApi(io.javalin.http.Context ctx) {
        com.fasterxml.jackson.databind.JsonNode body = json.readTree(ctx);
        java.util.List<org.mqcgm.server.platform.http.Problem.FieldError> errors = new java.util.ArrayList<>(
                org.mqcgm.server.platform.http.JsonBodies.unknownFields(body,
                        org.mqcgm.server.platform.http.RequestFields.of(ApiSchemas.ConsentRequest.class),
                        "$"));
        // The policy is accepted by signing up, not granted or withdrawn here.
        var purpose = org.mqcgm.server.platform.consent.Consents.Purpose.parse(body.path("purpose").asText(""))
                .filter(p -> p != org.mqcgm.server.platform.consent.Consents.Purpose.POLICY);
        if (purpose.isEmpty()) {
            errors.add(new org.mqcgm.server.platform.http.Problem.FieldError("$.purpose", "one-of",
                    "must be health-data"));
        }
        if (!body.path("granted").isBoolean()) {
            errors.add(new org.mqcgm.server.platform.http.Problem.FieldError("$.granted", "type",
                    "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw new org.mqcgm.server.platform.http.ProblemException(
                    org.mqcgm.server.platform.http.Problem.badRequest("The consent could not be recorded.",
                            errors.toArray(org.mqcgm.server.platform.http.Problem.FieldError[]::new)));
        }
        consents.record(org.mqcgm.server.platform.security.Principal.of(ctx).accountId(), purpose.get(),
                body.path("granted").asBoolean(), "api");
        ctx.status(201).json(new ApiSchemas.ConsentRecorded(purpose.get().id(), body.path("granted").asBoolean(),
                POLICY_VERSION));
    }
}
