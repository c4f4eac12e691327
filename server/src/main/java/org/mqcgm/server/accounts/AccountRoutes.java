package org.mqcgm.server.accounts;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.AccessControl;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Csrf;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;
import org.mqcgm.server.platform.web.UiPrefs;
import org.mqcgm.server.platform.web.WebRequests;

/** Sign-up, login, logout, settings (preferences and API tokens): the account pages. */
public final class AccountRoutes {

    private final Accounts accounts;
    private final Sessions sessions;
    private final ApiTokens tokens;
    private final Pages pages;
    private final PageContexts contexts;

    public AccountRoutes(Accounts accounts, Sessions sessions, ApiTokens tokens, Pages pages, PageContexts contexts) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.tokens = tokens;
        this.pages = pages;
        this.contexts = contexts;
    }

    public void register(Routes routes) {
        routes.get("/", Access.PUBLIC, ctx -> ctx.redirect(
                Principal.optional(ctx).isPresent() ? "/today" : "/login", HttpStatus.SEE_OTHER));
        routes.get("/signup", Access.PUBLIC, ctx -> signupPage(ctx, "", List.of(), HttpStatus.OK));
        routes.post("/signup", Access.PUBLIC, this::signup);
        routes.get("/login", Access.PUBLIC, ctx -> loginPage(ctx, "", false, HttpStatus.OK));
        routes.post("/login", Access.PUBLIC, this::login);
        routes.post("/logout", Access.PUBLIC, this::logout);
        routes.get("/settings", Access.PAGE, ctx -> settingsPage(ctx, null));
        routes.post("/settings/tokens", Access.PAGE, this::createToken);
        routes.post("/settings/tokens/{id}/revoke", Access.PAGE, this::revokeToken);
        routes.post("/preferences", Access.PUBLIC, this::preferences);
    }

    private void signupPage(Context ctx, String email, List<Problem.FieldError> errors, HttpStatus status) {
        ctx.status(status);
        pages.render(ctx, contexts.of(ctx), "accounts/signup.jte", Map.of("email", email, "errors", errors));
    }

    private void signup(Context ctx) {
        String email = ctx.formParam("email");
        PageContext page = contexts.of(ctx);
        if (ctx.formParam("accept_policy") == null) {
            signupPage(ctx, email == null ? "" : email, List.of(new Problem.FieldError("accept_policy",
                    "required", page.t("signup.error.policy"))), HttpStatus.UNPROCESSABLE_CONTENT);
            return;
        }
        UUID id;
        try {
            id = accounts.register(email, ctx.formParam("password"), ctx.formParam("time_zone"),
                    page.msg().language());
        } catch (ProblemException e) {
            signupPage(ctx, email == null ? "" : email, e.problem().errors(),
                    HttpStatus.forStatus(e.problem().status()));
            return;
        }
        startSession(ctx, id);
        ctx.redirect("/today", HttpStatus.SEE_OTHER);
    }

    private void loginPage(Context ctx, String email, boolean failed, HttpStatus status) {
        ctx.status(status);
        String next = safeNext(ctx.queryParam("next"));
        pages.render(ctx, contexts.of(ctx), "accounts/login.jte",
                Map.of("email", email, "failed", failed, "next", next));
    }

    private void login(Context ctx) {
        String email = ctx.formParam("email");
        Optional<UUID> id = accounts.authenticate(email, ctx.formParam("password"));
        if (id.isEmpty()) {
            loginPage(ctx, email == null ? "" : email, true, HttpStatus.UNAUTHORIZED);
            return;
        }
        startSession(ctx, id.get());
        ctx.redirect(safeNext(ctx.formParam("next")), HttpStatus.SEE_OTHER);
    }

    /** A new session id at every login (no session fixation) and a new CSRF token. */
    private void startSession(Context ctx, UUID accountId) {
        String old = ctx.cookie(AccessControl.SESSION_COOKIE);
        if (old != null) {
            sessions.end(old);
        }
        Cookie c = new Cookie(AccessControl.SESSION_COOKIE, sessions.start(accountId));
        c.setPath("/");
        c.setHttpOnly(true);
        c.setSameSite(SameSite.LAX);
        c.setSecure(WebRequests.isHttps(ctx));
        c.setMaxAge((int) sessions.absoluteTimeout().toSeconds());
        ctx.cookie(c);
        Csrf.rotate(ctx);
    }

    private void logout(Context ctx) {
        String cookie = ctx.cookie(AccessControl.SESSION_COOKIE);
        if (cookie != null) {
            sessions.end(cookie);
        }
        ctx.removeCookie(AccessControl.SESSION_COOKIE, "/");
        Csrf.rotate(ctx);
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    private void settingsPage(Context ctx, String createdToken) {
        Principal p = Principal.of(ctx);
        Account account = accounts.find(p.accountId()).orElseThrow(() -> new ProblemException(Problem.notFound()));
        Map<String, Object> model = new java.util.HashMap<>();
        model.put("account", account);
        model.put("tokens", tokens.list(p.accountId()));
        model.put("createdToken", createdToken);
        pages.render(ctx, contexts.of(ctx), "accounts/settings.jte", model);
    }

    private void createToken(Context ctx) {
        Principal p = Principal.of(ctx);
        String name = Optional.ofNullable(ctx.formParam("name")).map(String::trim).orElse("");
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : ctx.formParams("scope")) {
            scopes.add(Scope.parse(s).orElseThrow(() -> new ProblemException(Problem.validation(
                    "Unknown scope.", List.of(new Problem.FieldError("scope", "one-of", "unknown scope " + s))))));
        }
        if (name.isEmpty() || name.length() > 80 || scopes.isEmpty()) {
            throw new ProblemException(Problem.validation("The token needs a name and at least one scope.",
                    List.of(new Problem.FieldError(name.isEmpty() || name.length() > 80 ? "name" : "scope",
                            name.isEmpty() || name.length() > 80 ? "length" : "required",
                            name.isEmpty() || name.length() > 80 ? "must have 1 to 80 characters"
                                    : "choose at least one scope"))));
        }
        String secret = tokens.create(p.accountId(), name, scopes);
        settingsPage(ctx, secret);
    }

    private void revokeToken(Context ctx) {
        Principal p = Principal.of(ctx);
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(Problem.notFound());
        }
        if (!tokens.revoke(p.accountId(), id)) {
            throw new ProblemException(Problem.notFound());
        }
        ctx.redirect("/settings", HttpStatus.SEE_OTHER);
    }

    /** Unit and language: kept in the account when signed in, and in the ui_prefs cookie for everyone. */
    private void preferences(Context ctx) {
        Optional<GlucoseUnit> unit = GlucoseUnit.parse(ctx.formParam("unit"));
        Optional<Language> language = Language.parse(ctx.formParam("lang"));
        UiPrefs prefs = UiPrefs.read(ctx);
        if (unit.isPresent()) {
            prefs = prefs.withUnit(unit.get());
        }
        if (language.isPresent()) {
            prefs = prefs.withLanguage(language.get());
        }
        prefs.write(ctx);
        Principal.optional(ctx).ifPresent(p -> accounts.store().updatePreferences(p.accountId(), unit, language));
        ctx.redirect(safeNext(ctx.formParam("return")), HttpStatus.SEE_OTHER);
    }

    /** Only local paths are followed after login or a preference change (no open redirect). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.contains("\r") || next.contains("\n") || next.length() > 200) {
            return "/today";
        }
        return next;
    }
}
