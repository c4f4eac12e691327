package org.mqcgm.server.accounts;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;

/** Login (with the second factor when it is on), logout, and confirming identity for sensitive actions. */
final class LoginRoutes {

    private final ClientAddress clients;
    private final Accounts accounts;
    private final LoginThrottle throttle;
    private final WebSessions web;
    private final FormPage form;

    LoginRoutes(Accounts accounts, LoginThrottle throttle, WebSessions web, FormPage form, ClientAddress clients) {
        this.clients = clients;
        this.accounts = accounts;
        this.throttle = throttle;
        this.web = web;
        this.form = form;
    }

    void register(Routes routes) {
        routes.get("/", Access.PUBLIC, ctx -> ctx.redirect(
                Principal.optional(ctx).isPresent() ? "/today" : "/login", HttpStatus.SEE_OTHER));
        routes.get("/login", Access.PUBLIC, ctx -> form.show(ctx, "accounts/login.jte",
                Map.of("identifier", "", "next", WebSessions.safeNext(ctx.queryParam("next")))));
        routes.post("/login", Access.PUBLIC, this::login);
        routes.post("/login/2fa", Access.PUBLIC, this::secondFactor);
        routes.post("/logout", Access.PUBLIC, ctx -> {
            web.end(ctx);
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
        });
        routes.get("/confirm", Access.PAGE, ctx -> form.show(ctx, "accounts/confirm.jte", confirmModel(ctx,
                ctx.queryParam("next"))));
        routes.post("/confirm", Access.PAGE, this::confirm);
    }

    private void login(Context ctx) {
        String identifier = SignupRoutes.value(ctx, "identifier");
        String next = WebSessions.safeNext(ctx.formParam("next"));
        try {
            throttle.attempt("login", ClientFacts.of(ctx, clients));
            switch (accounts.login(identifier, ctx.formParam("password"), ClientFacts.of(ctx, clients))) {
                case Accounts.LoginOutcome.Done done -> {
                    web.start(ctx, done.account());
                    ctx.redirect(afterLogin(done.account(), next), HttpStatus.SEE_OTHER);
                }
                case Accounts.LoginOutcome.SecondFactor challenge -> form.show(ctx, "accounts/login-2fa.jte",
                        Map.of("challenge", challenge.challenge(), "next", next,
                                "passkey", Passkeys.offered(accounts.store().jdbi(), challenge.challenge())));
            }
        } catch (ProblemException e) {
            form.failed(ctx, "accounts/login.jte", Map.of("identifier", identifier, "next", next), e);
        }
    }

    private void secondFactor(Context ctx) {
        String challenge = SignupRoutes.value(ctx, "challenge");
        String next = WebSessions.safeNext(ctx.formParam("next"));
        try {
            throttle.attempt("code", ClientFacts.of(ctx, clients));
            UUID account = accounts.completeSecondFactor(challenge, ctx.formParam("code"), ClientFacts.of(ctx, clients));
            web.start(ctx, account);
            ctx.redirect(afterLogin(account, next), HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            if (e.problem().status() == 410) {
                form.failed(ctx, "accounts/login.jte", Map.of("identifier", "", "next", next), e);
            } else {
                form.failed(ctx, "accounts/login-2fa.jte", Map.of("challenge", challenge, "next", next), e);
            }
        }
    }

    /**
     * Where a login continues: an account made before the date of birth was asked is asked it first (PR-77), then
     * goes on to {@code next}.
     */
    private String afterLogin(UUID account, String next) {
        if (accounts.birthDates().known(account)) {
            return next;
        }
        return "/account/birth-date?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8);
    }

    private Map<String, Object> confirmModel(Context ctx, String next) {
        Principal p = Principal.of(ctx);
        return Map.of("next", next == null ? "/settings" : WebSessions.safeNext(next), "twoFactor", p.twoFactor());
    }

    private void confirm(Context ctx) {
        Principal p = Principal.of(ctx);
        String next = WebSessions.safeNext(ctx.formParam("next"));
        try {
            throttle.attempt("login", ClientFacts.of(ctx, clients));
            accounts.confirm(p.accountId(), ctx.formParam("password"), ctx.formParam("code"), WebSessions.cookie(ctx),
                    ClientFacts.of(ctx, clients));
            ctx.redirect(next, HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            form.failed(ctx, "accounts/confirm.jte", confirmModel(ctx, next), e);
        }
    }
}
