package org.mqcgm.server.accounts;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.web.PageContexts;

/** Sign-up: identifier and password, then the code that was sent. */
final class SignupRoutes {

    private final ClientAddress clients;
    private final Accounts accounts;
    private final LoginThrottle throttle;
    private final WebSessions web;
    private final FormPage form;
    private final PageContexts contexts;

    SignupRoutes(Accounts accounts, LoginThrottle throttle, WebSessions web, FormPage form, PageContexts contexts,
                 ClientAddress clients) {
        this.clients = clients;
        this.accounts = accounts;
        this.throttle = throttle;
        this.web = web;
        this.form = form;
        this.contexts = contexts;
    }

    void register(Routes routes) {
        routes.get("/signup", Access.PUBLIC, ctx -> form.show(ctx, "accounts/signup.jte", Map.of("identifier", "",
                "birthDate", "")));
        routes.post("/signup", Access.PUBLIC, this::start);
        routes.post("/signup/verify", Access.PUBLIC, this::verify);
    }

    private void start(Context ctx) {
        String identifier = value(ctx, "identifier");
        try {
            throttle.attempt("signup", ClientFacts.of(ctx, clients));
            if (ctx.formParam("accept_policy") == null) {
                throw new ProblemException(Problem.validation("Please read and accept the privacy policy.",
                        List.of(new Problem.FieldError("accept_policy", "required",
                                contexts.of(ctx).t("signup.error.policy")))));
            }
            Registrations.Started started = accounts.registrations().start(identifier, ctx.formParam("password"),
                    ctx.formParam("time_zone"), contexts.of(ctx).msg().language(),
                    "yes".equals(ctx.formParam("health_data_consent")), value(ctx, "birth_date"));
            form.show(ctx, "accounts/signup-verify.jte", Map.of("registration", started.id().toString(),
                    "sentTo", started.sentTo(), "channel", started.channel()));
        } catch (ProblemException e) {
            form.failed(ctx, "accounts/signup.jte", Map.of("identifier", identifier,
                    "birthDate", value(ctx, "birth_date")), e);
        }
    }

    private void verify(Context ctx) {
        String registration = value(ctx, "registration");
        Map<String, Object> model = Map.of("registration", registration, "sentTo", value(ctx, "sent_to"),
                "channel", value(ctx, "channel"));
        try {
            throttle.attempt("code", ClientFacts.of(ctx, clients));
            UUID id;
            try {
                id = UUID.fromString(registration);
            } catch (IllegalArgumentException e) {
                throw Registrations.codeGone();
            }
            UUID account = accounts.registrations().confirm(id, ctx.formParam("code"));
            web.start(ctx, account);
            ctx.redirect("/today", HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            form.failed(ctx, "accounts/signup-verify.jte", model, e);
        }
    }

    static String value(Context ctx, String field) {
        String v = ctx.formParam(field);
        return v == null ? "" : v;
    }
}
