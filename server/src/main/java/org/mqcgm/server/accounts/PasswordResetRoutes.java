package org.mqcgm.server.accounts;

import io.javalin.http.Context;
import java.util.Map;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.web.PageContexts;

/**
 * "Forgot password": the same answer for every identifier, a code (and a link) to the registered e-mail or phone,
 * then a new password. Every session and API token of the account ends with the reset.
 */
final class PasswordResetRoutes {

    private final ClientAddress clients;
    private final Accounts accounts;
    private final LoginThrottle throttle;
    private final FormPage form;
    private final PageContexts contexts;

    PasswordResetRoutes(Accounts accounts, LoginThrottle throttle, FormPage form, PageContexts contexts,
                        ClientAddress clients) {
        this.clients = clients;
        this.accounts = accounts;
        this.throttle = throttle;
        this.form = form;
        this.contexts = contexts;
    }

    void register(Routes routes) {
        routes.get("/password-reset", Access.PUBLIC, ctx -> form.show(ctx, "accounts/reset.jte",
                Map.of("identifier", "")));
        routes.post("/password-reset", Access.PUBLIC, this::request);
        routes.post("/password-reset/confirm", Access.PUBLIC, this::confirm);
        routes.get("/password-reset/link/{link}", Access.PUBLIC, this::linkPage);
        routes.post("/password-reset/link/{link}", Access.PUBLIC, this::confirmByLink);
    }

    private void request(Context ctx) {
        String identifier = SignupRoutes.value(ctx, "identifier");
        try {
            throttle.attempt("reset", ClientFacts.of(ctx, clients));
            accounts.requestPasswordReset(identifier, contexts.of(ctx).msg().language(), ClientFacts.of(ctx, clients));
            form.show(ctx, "accounts/reset-code.jte", Map.of("identifier", identifier));
        } catch (ProblemException e) {
            form.failed(ctx, "accounts/reset.jte", Map.of("identifier", identifier), e);
        }
    }

    private void confirm(Context ctx) {
        String identifier = SignupRoutes.value(ctx, "identifier");
        try {
            throttle.attempt("code", ClientFacts.of(ctx, clients));
            accounts.resetPassword(identifier, ctx.formParam("code"), ctx.formParam("password"), ClientFacts.of(ctx, clients));
            form.show(ctx, "accounts/reset-done.jte", Map.of());
        } catch (ProblemException e) {
            form.failed(ctx, "accounts/reset-code.jte", Map.of("identifier", identifier), e);
        }
    }

    private void linkPage(Context ctx) {
        String link = ctx.pathParam("link");
        if (!accounts.resetLinkIsLive(link)) {
            form.failed(ctx, "accounts/reset.jte", Map.of("identifier", ""), Registrations.codeGone());
            return;
        }
        form.show(ctx, "accounts/reset-link.jte", Map.of("link", link));
    }

    private void confirmByLink(Context ctx) {
        String link = ctx.pathParam("link");
        try {
            throttle.attempt("code", ClientFacts.of(ctx, clients));
            accounts.resetPasswordByLink(link, ctx.formParam("password"), ClientFacts.of(ctx, clients));
            form.show(ctx, "accounts/reset-done.jte", Map.of());
        } catch (ProblemException e) {
            form.failed(ctx, e.problem().status() == 410 ? "accounts/reset.jte" : "accounts/reset-link.jte",
                    Map.of("link", link, "identifier", ""), e);
        }
    }
}
