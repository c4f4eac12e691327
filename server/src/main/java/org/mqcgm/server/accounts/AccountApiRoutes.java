package org.mqcgm.server.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * The accounts API for apps: log in for a token ({@code POST /api/v1/auth/token}) and log out
 * ({@code DELETE /api/v1/auth/token}), the profile, devices and push aliases, security activity, and the
 * administrators' account list.
 */
final class AccountApiRoutes {

    private final ClientAddress clients;
    /** Fields of the app login request; everything else is refused by name (PR-04, PR-08). */
    static final Set<String> LOGIN_FIELDS =
            org.mqcgm.server.platform.http.RequestFields.of(ApiSchemas.LoginRequest.class);

    private final Accounts accounts;
    private final ApiTokens tokens;
    private final Devices devices;
    private final LoginThrottle throttle;
    private final JsonBodies json;

    AccountApiRoutes(Accounts accounts, ApiTokens tokens, Devices devices, LoginThrottle throttle, JsonBodies json,
                     ClientAddress clients) {
        this.clients = clients;
        this.accounts = accounts;
        this.tokens = tokens;
        this.devices = devices;
        this.throttle = throttle;
        this.json = json;
    }

    void register(Routes routes) {
        routes.post("/api/v1/auth/token", Access.PUBLIC, this::login);
        routes.delete("/api/v1/auth/token", Access.ANY_API, this::logout);
        routes.get("/api/v1/me/tokens", Access.api(Scope.PROFILE_READ), this::listTokens);
        routes.get("/api/v1/me", Access.api(Scope.PROFILE_READ), this::me);
        routes.put("/api/v1/me/profile", Access.api(Scope.PROFILE_WRITE), this::correctProfile);
        routes.get("/api/v1/me/security-events", Access.api(Scope.PROFILE_READ), ctx -> ctx.json(
                accounts.events().recent(Principal.of(ctx).accountId(), 100).stream().map(e -> new ApiSchemas.SecurityEvent(
                        e.at().toString(), e.kind().id(), e.ipPrefix() == null ? "" : e.ipPrefix())).toList()));
        // PR-72: the decision log — each automated decision with its rule and version, and its human review.
        routes.get("/api/v1/me/decisions", Access.api(Scope.PROFILE_READ), ctx -> ctx.json(
                new ApiSchemas.AutomatedDecisions(accounts.decisions(Principal.of(ctx).accountId()).stream()
                        .map(ApiSchemas.AutomatedDecision::of).toList())));
        routes.post("/api/v1/devices", Access.api(Scope.DEVICES_WRITE), this::registerDevice);
        routes.get("/api/v1/devices", Access.api(Scope.DEVICES_WRITE), ctx -> ctx.json(
                devices.list(Principal.of(ctx).accountId()).stream().map(ApiSchemas.Device::of).toList()));
        routes.delete("/api/v1/devices/{id}", Access.api(Scope.DEVICES_WRITE), ctx -> {
            if (!devices.remove(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"),
                    ClientFacts.of(ctx, clients))) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.status(204);
        });
        routes.post("/api/v1/devices/{id}/push-alias", Access.api(Scope.DEVICES_WRITE), ctx -> ctx.json(new ApiSchemas.PushAlias(
                devices.rotateAlias(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"))
                        .orElseThrow(() -> new ProblemException(Problem.notFound())).toString())));
        routes.get("/api/v1/admin/accounts", Access.ADMIN, this::adminAccounts);
    }

    private void login(Context ctx) {
        throttle.attempt("login", ClientFacts.of(ctx, clients));
        JsonNode body = json.readTree(ctx);
        if (!body.isObject()) {
            throw new ProblemException(Problem.badRequest("The body must be a JSON object.",
                    new Problem.FieldError("$", "type", "must be an object")));
        }
        List<Problem.FieldError> refused = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!LOGIN_FIELDS.contains(f)) {
                refused.add(new Problem.FieldError("$." + f, Devices.NOT_COLLECTED.contains(f) ? "not-collected"
                        : "unknown-field", "is not accepted"));
            }
        }
        if (!refused.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The request has fields mqcgm does not accept.",
                    refused.toArray(Problem.FieldError[]::new)));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (String f : List.of("identifier", "password", "code", "name")) {
            JsonNode v = body.get(f);
            if (v != null && !v.isNull() && !v.isTextual()) {
                errors.add(new Problem.FieldError("$." + f, "type", "must be a string"));
            }
        }
        Set<Scope> scopes = scopes(body, errors);
        ApiTokens.Lifetime lifetime = lifetime(body, errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The login request has invalid fields.", errors));
        }
        String name = body.path("name").asText("app");
        if (name.isBlank() || name.length() > 80) {
            throw new ProblemException(Problem.validation("The token needs a name.",
                    List.of(new Problem.FieldError("$.name", "length", "must have 1 to 80 characters"))));
        }
        PasswordLength.refuseTooLong(body.path("password").asText(null), "$.password"); // issue 16: never cut
        UUID account = switch (accounts.login(body.path("identifier").asText(null), body.path("password").asText(null),
                ClientFacts.of(ctx, clients))) {
            case Accounts.LoginOutcome.Done done -> done.account();
            case Accounts.LoginOutcome.SecondFactor challenge -> {
                if (!body.hasNonNull("code")) {
                    throw new ProblemException(Problem.of(401, "second-factor-required", "Second factor required",
                            "Send the current code of your authenticator app as 'code'.")
                            .with("code", "SECOND_FACTOR_REQUIRED"));
                }
                yield accounts.completeSecondFactor(challenge.challenge(), body.path("code").asText(),
                        ClientFacts.of(ctx, clients));
            }
        };
        if (accounts.passwordChangeRequired(account)) {
            // ASVS V2.1.7: a token would outlive the breached password and skip the change the web asks for first.
            throw org.mqcgm.server.platform.security.AccessControl.passwordChangeRequiredProblem();
        }
        ApiTokens.Created created = tokens.createWithId(account, name, scopes, lifetime);
        accounts.events().record(account, SecurityEvents.Kind.TOKEN_CREATED, ClientFacts.of(ctx, clients), name);
        ctx.status(201).json(new ApiSchemas.TokenIssued(created.secret(), created.id().toString(),
                scopes.stream().map(Scope::id).sorted().toList(),
                created.expiresAt() == null ? null : created.expiresAt().toString()));
    }

    /**
     * The token's lifetime ({@code expiresInDays}): absent or null → {@link ApiTokens#DEFAULT_DAYS} days; a whole
     * number from 1 to {@link ApiTokens#MAX_DAYS}; or the string {@code "never"}, the only way to a token that does
     * not expire.
     */
    static ApiTokens.Lifetime lifetime(JsonNode body, List<Problem.FieldError> errors) {
        JsonNode v = body.get("expiresInDays");
        if (v == null || v.isNull()) {
            return ApiTokens.DEFAULT_LIFETIME;
        }
        if (v.isTextual() && v.asText().equals("never")) {
            return ApiTokens.Lifetime.NEVER;
        }
        if (v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 1 && v.asInt() <= ApiTokens.MAX_DAYS) {
            return ApiTokens.Lifetime.days(v.asInt());
        }
        errors.add(new Problem.FieldError("$.expiresInDays", "range", "must be a whole number of days from 1 to "
                + ApiTokens.MAX_DAYS + ", or \"never\""));
        return ApiTokens.DEFAULT_LIFETIME;
    }

    /** The caller's API tokens (never their secrets), each with its end and whether it ends soon. */
    private void listTokens(Context ctx) {
        java.time.Instant now = tokens.now();
        ctx.json(new ApiSchemas.ApiTokenList(tokens.list(Principal.of(ctx).accountId()).stream()
                .filter(ApiTokens.TokenInfo::active)
                .map(t -> ApiSchemas.ApiToken.of(t, now)).toList()));
    }

    /**
     * The scopes asked for: a non-empty list of known scope names. Only an absent {@code scopes} field means the
     * documented default, every scope; a wrong type, an empty list or an unknown name is an error, never "all".
     */
    static Set<Scope> scopes(JsonNode body, List<Problem.FieldError> errors) {
        if (!body.has("scopes")) {
            return EnumSet.allOf(Scope.class);
        }
        JsonNode list = body.get("scopes");
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (!list.isArray()) {
            errors.add(new Problem.FieldError("$.scopes", "type", "must be a list of scope names"));
            return scopes;
        }
        if (list.isEmpty()) {
            errors.add(new Problem.FieldError("$.scopes", "min-items",
                    "must name at least one scope (leave it out for every scope)"));
            return scopes;
        }
        for (JsonNode s : list) {
            if (!s.isTextual()) {
                errors.add(new Problem.FieldError("$.scopes", "type", "must be a list of scope names"));
            } else {
                Scope.parse(s.asText()).ifPresentOrElse(scopes::add, () -> errors.add(new Problem.FieldError(
                        "$.scopes", "one-of", "unknown scope '" + s.asText().substring(0, Math.min(40, s.asText().length()))
                                + "'; known: " + java.util.Arrays.stream(
                                Scope.values()).map(Scope::id).sorted().toList())));
            }
        }
        return scopes;
    }

    private void logout(Context ctx) {
        Principal p = Principal.of(ctx);
        if (p.method() != Principal.Method.API_TOKEN) {
            throw new ProblemException(Problem.badRequest("Only an API token can log itself out here."));
        }
        tokens.revoke(p.accountId(), UUID.fromString(p.credentialId()));
        accounts.events().record(p.accountId(), SecurityEvents.Kind.TOKEN_REVOKED, ClientFacts.of(ctx, clients), "logout");
        ctx.status(204);
    }

    private void me(Context ctx) {
        Account a = accounts.find(Principal.of(ctx).accountId()).orElseThrow(() -> new ProblemException(Problem.notFound()));
        ctx.json(new ApiSchemas.Me(a.id().toString(), a.email(), a.phone(), a.timeZone().getId(), a.unit().symbol(),
                a.language().tag(), a.twoFactor(), a.roles().stream().map(r -> r.id()).sorted().toList()));
    }

    /**
     * Corrects the profile fields a person sets themself: time zone, unit, language (PR-62). The login (e-mail or
     * phone) is changed on Settings with a code sent to the new address. All fields are checked before any is
     * written; each wrong one is named (422).
     */
    private void correctProfile(Context ctx) {
        JsonNode body = json.readObject(ctx,
                org.mqcgm.server.platform.http.RequestFields.of(ApiSchemas.ProfileCorrection.class));
        List<Problem.FieldError> errors = new ArrayList<>();
        java.util.Optional<java.time.ZoneId> zone = java.util.Optional.empty();
        String z = text(body, "timeZone", errors);
        if (z != null) {
            try {
                zone = java.util.Optional.of(java.time.ZoneId.of(z));
            } catch (java.time.DateTimeException e) {
                errors.add(new Problem.FieldError("$.timeZone", "zone",
                        "must be an IANA time zone such as Asia/Shanghai"));
            }
        }
        String u = text(body, "unit", errors);
        java.util.Optional<org.mqcgm.core.glucose.GlucoseUnit> unit = u == null ? java.util.Optional.empty()
                : org.mqcgm.core.glucose.GlucoseUnit.parse(u);
        if (u != null && unit.isEmpty()) {
            errors.add(new Problem.FieldError("$.unit", "one-of", "must be mg/dL or mmol/L"));
        }
        String l = text(body, "language", errors);
        java.util.Optional<org.mqcgm.server.platform.web.Language> language = l == null
                ? java.util.Optional.empty() : org.mqcgm.server.platform.web.Language.parse(l);
        if (l != null && language.isEmpty()) {
            errors.add(new Problem.FieldError("$.language", "one-of", "must be en or zh-CN"));
        }
        if (errors.isEmpty() && z == null && u == null && l == null) {
            errors.add(new Problem.FieldError("$", "min-properties", "give at least one of timeZone, unit, language"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The profile was not changed.", errors));
        }
        UUID owner = Principal.of(ctx).accountId();
        zone.ifPresent(zoneId -> accounts.store().updateTimeZone(owner, zoneId));
        accounts.store().updatePreferences(owner, unit, language);
        me(ctx);
    }

    /** An optional text field: null when absent; a wrong type is recorded in {@code errors}. */
    private static String text(JsonNode body, String field,
                               List<Problem.FieldError> errors) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank() || n.asText().length() > 64) {
            errors.add(new Problem.FieldError("$." + field, "type", "must be text of 1 to 64 characters"));
            return null;
        }
        return n.asText().trim();
    }

    private void registerDevice(Context ctx) {
        Principal p = Principal.of(ctx);
        UUID tokenId = p.method() == Principal.Method.API_TOKEN ? UUID.fromString(p.credentialId()) : null;
        Devices.Device d = devices.register(p.accountId(), json.readTree(ctx), tokenId, ClientFacts.of(ctx, clients));
        ctx.status(201).json(ApiSchemas.Device.of(d));
    }

    /** Accounts without personal data: id, status, roles, creation — what an administrator needs to act. */
    private void adminAccounts(Context ctx) {
        ctx.json(accounts.store().jdbi().withHandle(h -> h.createQuery("""
                        select a.id, a.status, a.created_at,
                               array(select role from account_role r where r.owner_id = a.id order by role) as roles
                        from account a order by a.created_at desc limit 500""")
                .map((rs, c) -> new ApiSchemas.AdminAccount(rs.getString("id"), rs.getString("status"),
                        rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant().toString(),
                        List.of((String[]) rs.getArray("roles").getArray())))
                .list()));
    }
}
