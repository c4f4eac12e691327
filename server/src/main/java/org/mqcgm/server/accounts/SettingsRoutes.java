package org.mqcgm.server.accounts;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.AccessControl;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.UiPrefs;

/**
 * Settings: the account, password and login changes, two-factor authentication, API tokens, devices, sessions,
 * security activity, "report compromise" and display preferences. Changing credentials, creating and revoking
 * tokens, ending sessions and turning two-factor off need a recent confirmation of the password (PR-64; ASVS
 * V3.3.4). "Report compromise" does not: whoever fears an intruder must be able to end everything at once.
 */
final class SettingsRoutes {

    private final ClientAddress clients;
    private final Accounts accounts;
    private final Sessions sessions;
    private final ApiTokens tokens;
    private final Devices devices;
    private final WebSessions web;
    private final FormPage form;

    SettingsRoutes(Accounts accounts, Sessions sessions, ApiTokens tokens, Devices devices, WebSessions web,
                   FormPage form, ClientAddress clients) {
        this.clients = clients;
        this.accounts = accounts;
        this.sessions = sessions;
        this.tokens = tokens;
        this.devices = devices;
        this.web = web;
        this.form = form;
    }

    void register(Routes routes) {
        routes.get("/settings", Access.PAGE, ctx -> overview(ctx, null, null));
        routes.get("/settings/activity", Access.PAGE, ctx -> form.show(ctx, "accounts/activity.jte",
                Map.of("events", accounts.events().recent(Principal.of(ctx).accountId(), 100),
                        "decisions", accounts.decisions(Principal.of(ctx).accountId()),
                        "zone", account(ctx).timeZone())));
        // PR-72: a lockout listed there can go to a person at support (a review ticket, due in 30 days); the
        // decision log shows the review's outcome once an agent decided.
        routes.post("/settings/activity/review", Access.PAGE, ctx -> {
            java.time.Instant at;
            try {
                at = java.time.Instant.parse(String.valueOf(ctx.formParam("at")));
            } catch (java.time.format.DateTimeParseException e) {
                throw new ProblemException(Problem.notFound());
            }
            UUID ticket = accounts.requestLockoutReview(Principal.of(ctx).accountId(), at)
                    .orElseThrow(() -> new ProblemException(Problem.notFound()));
            ctx.redirect(ticket == null ? "/settings/activity" : "/support/" + ticket, HttpStatus.SEE_OTHER);
        });
        routes.post("/settings/timezone", Access.PAGE, this::timeZone);
        // Also where a session whose password was found breached is sent (AccessControl.PASSWORD_CHANGE_PAGE): the
        // page says why.
        routes.get(AccessControl.PASSWORD_CHANGE_PAGE, Access.SENSITIVE_PAGE, ctx -> form.show(ctx,
                "accounts/password.jte", Map.of("required", Principal.of(ctx).passwordChangeRequired())));
        routes.post(AccessControl.PASSWORD_CHANGE_PAGE, Access.SENSITIVE_PAGE, this::changePassword);
        routes.get("/settings/login", Access.SENSITIVE_PAGE, ctx -> form.show(ctx, "accounts/login-change.jte",
                Map.of("identifier", "", "sentTo", "", "kind", "")));
        routes.post("/settings/login", Access.SENSITIVE_PAGE, this::requestLoginChange);
        routes.post("/settings/login/confirm", Access.SENSITIVE_PAGE, this::confirmLoginChange);
        // Opening the page changes nothing; setting up (a new) phone is a POST, and the active second factor
        // stays active until a code from the new secret is confirmed.
        routes.get("/settings/2fa", Access.SENSITIVE_PAGE, ctx -> form.show(ctx, "accounts/two-factor.jte",
                twoFactorModel(ctx, null)));
        routes.post("/settings/2fa/start", Access.SENSITIVE_PAGE, ctx -> form.show(ctx, "accounts/two-factor.jte",
                twoFactorModel(ctx, accounts.startTwoFactor(Principal.of(ctx).accountId()))));
        routes.post("/settings/2fa", Access.SENSITIVE_PAGE, this::enableTwoFactor);
        routes.post("/settings/2fa/disable", Access.SENSITIVE_PAGE, ctx -> {
            accounts.disableTwoFactor(Principal.of(ctx).accountId(), ClientFacts.of(ctx, clients));
            web.start(ctx, Principal.of(ctx).accountId());
            ctx.redirect("/settings", HttpStatus.SEE_OTHER);
        });
        // Issue 16: new recovery codes (the old ones stop working); the owner is told (SecurityNotices).
        routes.post("/settings/2fa/recovery-codes", Access.SENSITIVE_PAGE, ctx -> overview(ctx, null,
                accounts.newRecoveryCodes(Principal.of(ctx).accountId(), ClientFacts.of(ctx, clients))
                        .orElseThrow(() -> new ProblemException(Problem.notFound()))));
        routes.post("/settings/tokens", Access.SENSITIVE_PAGE, this::createToken);
        routes.post("/settings/tokens/{id}/revoke", Access.SENSITIVE_PAGE, ctx -> {
            if (!tokens.revoke(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"))) {
                throw new ProblemException(Problem.notFound());
            }
            accounts.events().record(Principal.of(ctx).accountId(), SecurityEvents.Kind.TOKEN_REVOKED,
                    ClientFacts.of(ctx, clients), null);
            ctx.redirect("/settings#tokens", HttpStatus.SEE_OTHER);
        });
        routes.post("/settings/devices/{id}/remove", Access.PAGE, ctx -> {
            if (!"yes".equals(ctx.formParam("confirm"))) {
                // The button on Settings leads to this confirmation first; its own button sends confirm=yes.
                Devices.Device device = devices.list(Principal.of(ctx).accountId()).stream()
                        .filter(d -> d.id().toString().equals(ctx.pathParam("id"))).findFirst()
                        .orElseThrow(() -> new ProblemException(Problem.notFound()));
                form.show(ctx, "accounts/device-remove.jte", Map.of("device", device));
                return;
            }
            if (!devices.remove(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"),
                    ClientFacts.of(ctx, clients))) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.redirect("/settings#devices", HttpStatus.SEE_OTHER);
        });
        routes.post("/settings/sessions/{id}/end", Access.SENSITIVE_PAGE, ctx -> {
            if (!sessions.endById(Principal.of(ctx).accountId(), ctx.pathParam("id"))) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.redirect("/settings#sessions", HttpStatus.SEE_OTHER);
        });
        routes.post("/settings/sessions/end-all", Access.SENSITIVE_PAGE, ctx -> {
            accounts.logoutEverywhere(Principal.of(ctx).accountId(), ClientFacts.of(ctx, clients));
            web.end(ctx);
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
        });
        routes.post("/settings/compromised", Access.PAGE, ctx -> {
            accounts.reportCompromise(Principal.of(ctx).accountId(), ClientFacts.of(ctx, clients));
            web.end(ctx);
            form.show(ctx, "accounts/compromised.jte", Map.of());
        });
        routes.post("/preferences", Access.PUBLIC, this::preferences);
    }

    private Account account(Context ctx) {
        return accounts.find(Principal.of(ctx).accountId()).orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    private void overview(Context ctx, String createdToken, List<String> recoveryCodes) {
        Principal p = Principal.of(ctx);
        Map<String, Object> model = new HashMap<>();
        model.put("account", account(ctx));
        model.put("tokens", tokens.list(p.accountId()));
        model.put("devices", devices.list(p.accountId()));
        model.put("sessions", sessions.list(p.accountId(), WebSessions.cookie(ctx)));
        model.put("recoveryLeft", accounts.unusedRecoveryCodes(p.accountId()));
        model.put("healthDataConsent", accounts.healthDataConsent(p.accountId()));
        model.put("createdToken", createdToken);
        model.put("recoveryCodes", recoveryCodes == null ? List.<String>of() : recoveryCodes);
        model.put("tokensNow", tokens.now());
        form.show(ctx, "accounts/settings.jte", model);
    }

    private void changePassword(Context ctx) {
        try {
            accounts.changePassword(Principal.of(ctx).accountId(), ctx.formParam("current_password"),
                    ctx.formParam("password"), PasswordChangeRules.keepTokens(ctx), WebSessions.cookie(ctx),
                    ClientFacts.of(ctx, clients));
            ctx.redirect("/settings?changed=password", HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            form.failed(ctx, "accounts/password.jte", Map.of("required", Principal.of(ctx).passwordChangeRequired()),
                    e);
        }
    }

    private void requestLoginChange(Context ctx) {
        String identifier = SignupRoutes.value(ctx, "identifier");
        try {
            String sentTo = accounts.requestIdentifierChange(Principal.of(ctx).accountId(), identifier);
            form.show(ctx, "accounts/login-change.jte", Map.of("identifier", identifier, "sentTo", sentTo,
                    "kind", identifier.contains("@") ? "email" : "phone"));
        } catch (ProblemException e) {
            form.failed(ctx, "accounts/login-change.jte", Map.of("identifier", identifier, "sentTo", "", "kind", ""),
                    e);
        }
    }

    private void confirmLoginChange(Context ctx) {
        String kind = SignupRoutes.value(ctx, "kind");
        try {
            accounts.confirmIdentifierChange(Principal.of(ctx).accountId(), kind, ctx.formParam("code"),
                    ClientFacts.of(ctx, clients));
            ctx.redirect("/settings?changed=login", HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            form.failed(ctx, "accounts/login-change.jte", Map.of("identifier", SignupRoutes.value(ctx, "identifier"),
                    "sentTo", SignupRoutes.value(ctx, "sent_to"), "kind", kind), e);
        }
    }

    private void enableTwoFactor(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        try {
            List<String> recovery = accounts.enableTwoFactor(owner, ctx.formParam("code"), ClientFacts.of(ctx, clients));
            // A privilege change: the session id changes too.
            web.start(ctx, owner);
            overview(ctx, null, recovery);
        } catch (ProblemException e) {
            form.failed(ctx, "accounts/two-factor.jte", twoFactorModel(ctx,
                    accounts.pendingTwoFactor(owner).orElse(null)), e);
        }
    }

    /** The two-factor page: its state, and the secret being set up (null before "set up" is pressed). */
    private Map<String, Object> twoFactorModel(Context ctx, TwoFactor.Enrolment enrolment) {
        Map<String, Object> model = new HashMap<>();
        model.put("enrolment", enrolment);
        model.put("active", account(ctx).twoFactor());
        return model;
    }

    private void createToken(Context ctx) {
        Principal p = Principal.of(ctx);
        String name = Optional.ofNullable(ctx.formParam("name")).map(String::trim).orElse("");
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : ctx.formParams("scope")) {
            scopes.add(Scope.parse(s).orElseThrow(() -> new ProblemException(Problem.validation(
                    "Unknown scope.", List.of(new Problem.FieldError("scope", "one-of", "unknown scope " + s))))));
        }
        if (name.isEmpty() || name.length() > 80) {
            throw new ProblemException(Problem.validation("The token needs a name.",
                    List.of(new Problem.FieldError("name", "length", "must have 1 to 80 characters"))));
        }
        if (scopes.isEmpty()) {
            throw new ProblemException(Problem.validation("The token needs at least one scope.",
                    List.of(new Problem.FieldError("scope", "required", "choose at least one scope"))));
        }
        ApiTokens.Lifetime lifetime = ApiTokens.Lifetime.parse(ctx.formParam("expires_in_days"))
                .orElseThrow(() -> new ProblemException(Problem.validation("Choose how long the token lives.",
                        List.of(new Problem.FieldError("expires_in_days", "range", "must be 1 to "
                                + ApiTokens.MAX_DAYS + " days, or never")))));
        String secret = tokens.create(p.accountId(), name, scopes, lifetime);
        accounts.events().record(p.accountId(), SecurityEvents.Kind.TOKEN_CREATED, ClientFacts.of(ctx, clients), name);
        overview(ctx, secret, null);
    }

    private void timeZone(Context ctx) {
        try {
            ZoneId zone = ZoneId.of(SignupRoutes.value(ctx, "time_zone"));
            accounts.store().updateTimeZone(Principal.of(ctx).accountId(), zone);
        } catch (DateTimeException e) {
            throw new ProblemException(Problem.validation("Unknown time zone.", List.of(
                    new Problem.FieldError("time_zone", "zone", "must be an IANA time zone such as Asia/Shanghai"))));
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
        ctx.redirect(WebSessions.safeNext(ctx.formParam("return")), HttpStatus.SEE_OTHER);
    }
}
