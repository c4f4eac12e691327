package org.mqcgm.server.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

/**
 * The passkey routes: Settings → Passkeys (a sensitive page: the password was confirmed in the last minutes) with
 * the registration ceremony, renaming and removing; "Sign in with a passkey" on the login page; a passkey instead
 * of the code on the two-factor step. The ceremonies are JSON requests from {@code /static/passkeys.js} carrying
 * the page's CSRF token in {@code X-CSRF-Token}; every refusal is problem+json.
 */
final class PasskeyRoutes {

    private final Passkeys passkeys;
    private final Accounts accounts;
    private final LoginThrottle throttle;
    private final WebSessions web;
    private final FormPage form;
    private final JsonBodies json;
    private final ClientAddress clients;

    PasskeyRoutes(Passkeys passkeys, Accounts accounts, LoginThrottle throttle, WebSessions web, FormPage form,
                  JsonBodies json, ClientAddress clients) {
        this.passkeys = passkeys;
        this.accounts = accounts;
        this.throttle = throttle;
        this.web = web;
        this.form = form;
        this.json = json;
        this.clients = clients;
    }

    /** The options of {@code navigator.credentials.create()} (WebAuthn Level 3 JSON form, base64url). */
    record CreationOptions(String challenge, Rp rp, User user, List<Param> pubKeyCredParams, long timeout,
                           String attestation, Selection authenticatorSelection, List<Descriptor> excludeCredentials) {
    }

    record Rp(String id, String name) {
    }

    record User(String id, String name, String displayName) {
    }

    record Param(String type, long alg) {
    }

    record Selection(String residentKey, boolean requireResidentKey, String userVerification) {
    }

    record Descriptor(String type, String id, List<String> transports) {
    }

    /** The options of {@code navigator.credentials.get()}. */
    record RequestOptions(String challenge, String rpId, long timeout, String userVerification,
                          List<Descriptor> allowCredentials) {
    }

    /** Where the browser goes after a passkey login. */
    record Done(String redirect) {
    }

    /** A registered passkey. */
    record Registered(String id, String name) {
    }

    static final Set<String> REGISTER_FIELDS = Set.of("name", "id", "clientDataJSON", "attestationObject",
            "transports");
    static final Set<String> ASSERTION_FIELDS = Set.of("id", "clientDataJSON", "authenticatorData", "signature",
            "userHandle", "next", "challenge");

    void register(Routes routes) {
        // Adding a passkey adds a way in: the password must have been confirmed in the last minutes. Renaming and
        // removing one (like revoking a token) need the session only.
        routes.get("/settings/passkeys", Access.SENSITIVE_PAGE, this::page);
        routes.post("/settings/passkeys/options", Access.SENSITIVE_PAGE, this::creationOptions);
        routes.post("/settings/passkeys", Access.SENSITIVE_PAGE, this::registerPasskey);
        routes.post("/settings/passkeys/{id}/rename", Access.PAGE, ctx -> {
            UUID owner = Principal.of(ctx).accountId();
            try {
                if (!passkeys.rename(owner, PathParams.uuid(ctx, "id"), ctx.formParam("name"))) {
                    throw new ProblemException(Problem.notFound());
                }
            } catch (ProblemException e) {
                if (e.problem().status() == 404) {
                    throw e;
                }
                form.failed(ctx, "accounts/passkeys.jte", model(owner), e);
                return;
            }
            ctx.redirect("/settings/passkeys", HttpStatus.SEE_OTHER);
        });
        routes.post("/settings/passkeys/{id}/remove", Access.PAGE, ctx -> {
            if (!passkeys.remove(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"),
                    ClientFacts.of(ctx, clients))) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.redirect("/settings/passkeys", HttpStatus.SEE_OTHER);
        });
        routes.post("/login/passkey/options", Access.PUBLIC, ctx -> {
            throttle.attempt("passkey", ClientFacts.of(ctx, clients));
            ctx.json(new RequestOptions(passkeys.challenge(Passkeys.Purpose.LOGIN, null), passkeys.rpId(),
                    Passkeys.CHALLENGE_LIFETIME.toMillis(), "required", List.of()));
        });
        routes.post("/login/passkey", Access.PUBLIC, this::passwordless);
        routes.post("/login/2fa/passkey/options", Access.PUBLIC, this::secondFactorOptions);
        routes.post("/login/2fa/passkey", Access.PUBLIC, this::secondFactor);
    }

    // ---------------------------------------------------------------- Settings

    private Map<String, Object> model(UUID owner) {
        return Map.of("passkeys", passkeys.list(owner));
    }

    private void page(Context ctx) {
        form.show(ctx, "accounts/passkeys.jte", model(Principal.of(ctx).accountId()));
    }

    private void creationOptions(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        String label = accounts.find(owner).map(Account::label).orElse("mqcgm");
        List<Descriptor> exclude = passkeys.descriptors(owner).stream()
                .map(d -> new Descriptor("public-key", d.id(), d.transports())).toList();
        ctx.json(new CreationOptions(passkeys.challenge(Passkeys.Purpose.REGISTER, owner), new Rp(passkeys.rpId(),
                "mqcgm"), new User(Base64.getUrlEncoder().withoutPadding().encodeToString(passkeys.userHandle(owner)),
                label, label), passkeys.algorithms().stream().map(a -> new Param("public-key", a)).toList(),
                Passkeys.CHALLENGE_LIFETIME.toMillis(), "none", new Selection("required", true, "required"), exclude));
    }

    private void registerPasskey(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        JsonNode body = json.readObject(ctx, REGISTER_FIELDS);
        List<Problem.FieldError> errors = new ArrayList<>();
        String name = text(body, "name", errors);
        byte[] clientData = bytes(body, "clientDataJSON", true, errors);
        byte[] attestation = bytes(body, "attestationObject", true, errors);
        Set<String> transports = new LinkedHashSet<>();
        JsonNode t = body.get("transports");
        if (t != null && !t.isNull()) {
            if (!t.isArray() || t.size() > 8) {
                errors.add(new Problem.FieldError("transports", "type", "must be an array of at most 8 names"));
            } else {
                for (JsonNode n : t) {
                    if (!n.isTextual() || !n.asText().matches("[a-z-]{1,16}")) {
                        errors.add(new Problem.FieldError("transports", "pattern", "must be transport names"));
                        break;
                    }
                    transports.add(n.asText());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The passkey was not registered.", errors));
        }
        Passkeys.Passkey added = passkeys.register(owner, name,
                new Passkeys.Attestation(clientData, attestation, transports), ClientFacts.of(ctx, clients));
        ctx.status(HttpStatus.CREATED).json(new Registered(added.id().toString(), added.name()));
    }

    // ---------------------------------------------------------------- login

    private void passwordless(Context ctx) {
        ClientFacts client = ClientFacts.of(ctx, clients);
        throttle.attempt("login", client);
        JsonNode body = json.readObject(ctx, ASSERTION_FIELDS);
        Passkeys.Assertion assertion = assertion(body);
        byte[] challenge = passkeys.takeChallenge(assertion, Passkeys.Purpose.LOGIN, null);
        UUID owner = passkeys.ownerOf(assertion, client);
        accounts.loginWith(owner, () -> {
            passkeys.verify(owner, assertion, challenge, true, client);
            return true;
        }, "passkey", client);
        web.start(ctx, owner);
        ctx.json(new Done(afterLogin(owner, next(body))));
    }

    /** The owner of a live two-factor challenge (after a correct password), or 410. */
    private UUID challengeOwner(String challenge) {
        Credentials c = Credentials.parse(challenge, "").orElseThrow(Registrations::codeGone);
        boolean live = accounts.store().jdbi().withHandle(h -> h.createQuery("""
                        select exists(select 1 from login_challenge where owner_id = :owner and token_hash = :hash
                                        and expires_at > now() and attempts < :max)""")
                .bind("owner", c.ownerId()).bind("hash", c.hash()).bind("max", Registrations.MAX_TRIES)
                .mapTo(Boolean.class).one());
        if (!live) {
            throw Registrations.codeGone();
        }
        return c.ownerId();
    }

    private void secondFactorOptions(Context ctx) {
        throttle.attempt("passkey", ClientFacts.of(ctx, clients));
        JsonNode body = json.readObject(ctx, Set.of("challenge"));
        List<Problem.FieldError> errors = new ArrayList<>();
        String challenge = text(body, "challenge", errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("No two-factor challenge.", errors));
        }
        UUID owner = challengeOwner(challenge);
        List<Descriptor> allow = passkeys.descriptors(owner).stream()
                .map(d -> new Descriptor("public-key", d.id(), d.transports())).toList();
        if (allow.isEmpty()) {
            throw new ProblemException(Problem.of(404, "no-passkey", "No passkey",
                    "This account has no passkey. Enter the code of your authenticator app."));
        }
        ctx.json(new RequestOptions(passkeys.challenge(Passkeys.Purpose.SECOND_FACTOR, owner), passkeys.rpId(),
                Passkeys.CHALLENGE_LIFETIME.toMillis(), "preferred", allow));
    }

    private void secondFactor(Context ctx) {
        ClientFacts client = ClientFacts.of(ctx, clients);
        throttle.attempt("code", client);
        JsonNode body = json.readObject(ctx, ASSERTION_FIELDS);
        List<Problem.FieldError> errors = new ArrayList<>();
        String challenge = text(body, "challenge", errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("No two-factor challenge.", errors));
        }
        Passkeys.Assertion assertion = assertion(body);
        UUID owner = accounts.completeSecondFactorWith(challenge, o -> {
            byte[] signed = passkeys.takeChallenge(assertion, Passkeys.Purpose.SECOND_FACTOR, o);
            passkeys.verify(o, assertion, signed, false, client);
            return true;
        }, "passkey", client);
        web.start(ctx, owner);
        ctx.json(new Done(afterLogin(owner, next(body))));
    }

    // ---------------------------------------------------------------- helpers

    /** As the login form: an account made before the date of birth was asked is asked it first (PR-77). */
    private String afterLogin(UUID account, String next) {
        if (accounts.birthDates().known(account)) {
            return next;
        }
        return "/account/birth-date?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String next(JsonNode body) {
        JsonNode n = body.get("next");
        return WebSessions.safeNext(n != null && n.isTextual() ? n.asText() : null);
    }

    private static Passkeys.Assertion assertion(JsonNode body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        byte[] id = bytes(body, "id", true, errors);
        byte[] clientData = bytes(body, "clientDataJSON", true, errors);
        byte[] authData = bytes(body, "authenticatorData", true, errors);
        byte[] signature = bytes(body, "signature", true, errors);
        byte[] userHandle = bytes(body, "userHandle", false, errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The passkey response is not valid.", errors));
        }
        return new Passkeys.Assertion(id, clientData, authData, signature, userHandle);
    }

    private static String text(JsonNode body, String field, List<Problem.FieldError> errors) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            errors.add(new Problem.FieldError(field, "required", "is required"));
            return null;
        }
        return n.asText();
    }

    /** A base64url field (at most 16 KiB decoded). */
    private static byte[] bytes(JsonNode body, String field, boolean required, List<Problem.FieldError> errors) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                errors.add(new Problem.FieldError(field, "required", "is required"));
            }
            return null;
        }
        if (!n.isTextual() || n.asText().length() > 22_000) {
            errors.add(new Problem.FieldError(field, "base64url", "must be base64url text of at most 16 KiB"));
            return null;
        }
        try {
            byte[] b = Base64.getUrlDecoder().decode(n.asText());
            if (b.length == 0 && required) {
                errors.add(new Problem.FieldError(field, "required", "is required"));
                return null;
            }
            return b.length == 0 ? null : b;
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError(field, "base64url", "must be base64url text"));
            return null;
        }
    }
}
