package org.mqcgm.server.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.Authenticator;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.platform.web.Language;

/**
 * The account system's use cases: log in (with the second factor and the guessing limits), confirm identity for
 * sensitive actions, change or reset the password, change the login identifier, two-factor enrolment, "log out
 * everywhere" and "report compromise". Also the {@link Authenticator} that access control asks about cookies and
 * tokens.
 */
public final class Accounts implements Authenticator {

    static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);
    private static final String TARGET_CONTEXT = "account.identifier-change";

    private final AccountStore store;
    private final PasswordHasher hasher;
    private final Sessions sessions;
    private final ApiTokens tokens;
    private final Registrations registrations;
    private final AccountCodes codes;
    private final TwoFactor twoFactor;
    private final SecurityEvents events;
    private final AccountMail mail;
    private final DeploymentSecrets secrets;
    private final SecretCodes secretCodes;
    private final LoginFailures failures;
    private final org.mqcgm.server.platform.consent.Consents consents;
    private final Clock clock;
    private final LoginDevices loginDevices;
    private final SecurityNotices notices;

    public Accounts(AccountStore store, PasswordHasher hasher, Sessions sessions, ApiTokens tokens,
                    SecurityEvents events, org.mqcgm.server.platform.outbound.Outbound outbound, String publicUrl,
                    DeploymentSecrets secrets, org.mqcgm.server.platform.consent.Consents consents, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.sessions = sessions;
        this.tokens = tokens;
        this.events = events;
        this.secrets = secrets;
        this.clock = clock;
        this.mail = new AccountMail(outbound, publicUrl);
        this.secretCodes = new SecretCodes(secrets);
        this.registrations = new Registrations(store.jdbi(), store, hasher, secretCodes, secrets, mail, events,
                consents, clock);
        this.consents = consents;
        this.codes = new AccountCodes(store.jdbi(), secretCodes, clock);
        this.twoFactor = new TwoFactor(store, secretCodes, store.jdbi(), clock);
        this.failures = new LoginFailures(store.jdbi(), secretCodes, clock);
        this.loginDevices = new LoginDevices(store.jdbi(), secrets, clock);
        this.notices = new SecurityNotices(events, loginDevices, (owner, kind) -> notify(owner, kind, null, null));
    }

    public Registrations registrations() {
        return registrations;
    }

    /** The password hasher (with the deployment's pepper), for tests of this package. */
    PasswordHasher hasher() {
        return hasher;
    }

    // ---------------------------------------------------------------- login

    /** What a correct password leads to. */
    public sealed interface LoginOutcome {
        /** Logged in. */
        record Done(UUID account) implements LoginOutcome {
        }

        /** A second factor is needed; {@code challenge} goes into the two-factor form. */
        record SecondFactor(String challenge) implements LoginOutcome {
        }
    }

    /**
     * Checks identifier and password. Unknown identifiers cost the same time as wrong passwords and give the same
     * answers, locks included (no account enumeration). Failures lock the client's network out of the account
     * ({@link LoginFailures}: ten in fifteen minutes), and a hundred in an hour from everywhere lock every network
     * but the owner's known ones; the owner is told when a limit is reached. A locked client gets 429 whatever
     * the password.
     */
    public LoginOutcome login(String rawIdentifier, String password, ClientFacts client) {
        Optional<Identifier> identifier = Identifier.parse(rawIdentifier);
        Optional<AccountStore.Row> row = identifier.flatMap(store::findByIdentifier);
        // Over-long input is refused before anything is looked up (the same answer for every login), never cut.
        PasswordLength.refuseTooLong(password, "password");
        String pw = password == null ? "" : password;
        LoginFailures.Key key = row.isPresent() ? failures.forAccount(row.get().id(), client)
                : failures.forUnknown(identifier.map(Identifier::value).orElse(rawIdentifier), client);
        LoginFailures.Attempt.Counted attempt = takeAttempt(key, pw);
        if (row.isEmpty()) {
            hasher.verifyDecoy(pw);
            AccountSecurityLog.unknownLogin(client);
            throw loginFailed();
        }
        AccountStore.Row r = row.get();
        Instant now = clock.instant();
        if (!r.status().equals("active") || !hasher.verify(pw, r.passwordHash())) {
            failed(r.id(), attempt, client, null);
            throw loginFailed();
        }
        failures.uncount(attempt);
        if (r.mustResetPassword()) {
            throw new ProblemException(Problem.of(403, "password-reset-required", "Set a new password",
                    "For your safety this account needs a new password. Use \"Forgot password\" to set one."));
        }
        if (hasher.needsRehash(r.passwordHash())) {
            store.updatePasswordHash(r.id(), hasher.hash(pw), false);
        }
        requireChangeIfBreached(r.id(), pw, client);
        if (r.twoFactor()) {
            Credentials.Issued challenge = Credentials.issue(r.id(), "");
            store.jdbi().useHandle(h -> h.createUpdate("""
                            insert into login_challenge (owner_id, token_hash, expires_at)
                            values (:owner, :hash, :expires)""")
                    .bind("owner", r.id()).bind("hash", challenge.stored().hash())
                    .bind("expires", Sessions.utc(now.plus(CHALLENGE_LIFETIME))).execute());
            return new LoginOutcome.SecondFactor(challenge.secret());
        }
        failures.known(key);
        events.record(r.id(), SecurityEvents.Kind.LOGIN, client, null);
        notices.loggedIn(r.id(), client);
        return new LoginOutcome.Done(r.id());
    }

    /**
     * ASVS V2.1.7: a correct password is checked again with the rules for new ones (nbvcxz's breached-password and
     * word dictionaries, the person's own identifiers, the length). One that fails them lets the person in, but
     * their web sessions may do nothing but change it ({@link Principal#passwordChangeRequired}) and no API token is
     * issued for it; the owner is told once (e-mail or text, and Security activity). Checked before the second
     * factor, whose answer does not change: the mark tells nobody but the owner that the password was right.
     */
    private void requireChangeIfBreached(UUID owner, String password, ClientFacts client) {
        Account a = find(owner).orElse(null);
        if (a == null || PasswordPolicy.acceptable(password, userInputs(a))) {
            return;
        }
        if (store.requirePasswordChange(owner, clock.instant())) {
            events.record(owner, SecurityEvents.Kind.PASSWORD_CHANGE_REQUIRED, client, null);
            notify(owner, AccountMail.Kind.PASSWORD_BREACHED, null, null);
        }
    }

    /** Whether the owner must change their password before anything else ({@link #requireChangeIfBreached}). */
    public boolean passwordChangeRequired(UUID owner) {
        return store.passwordChangeRequired(owner);
    }

    /** Takes a counted attempt, or answers 429 — the same for known and unknown logins (same body, same work). */
    private LoginFailures.Attempt.Counted takeAttempt(LoginFailures.Key key, String password) {
        return switch (failures.attempt(key)) {
            case LoginFailures.Attempt.Counted counted -> counted;
            case LoginFailures.Attempt.Locked locked -> {
                if (password != null) {
                    hasher.verifyDecoy(password);
                }
                long millis = Duration.between(clock.instant(), locked.until()).toMillis();
                throw LoginThrottle.tooMany(Math.max(1, (millis + 999) / 1000),
                        "Too many failed logins: logins to this account from your network are paused for a few"
                                + " minutes.");
            }
        };
    }

    /** Records a failed attempt of any factor; tells the owner when it reached a limit (PR-06, PR-72). */
    private void failed(UUID owner, LoginFailures.Attempt.Counted attempt, ClientFacts client, String detail) {
        events.record(owner, SecurityEvents.Kind.LOGIN_FAILED, client, detail);
        if (attempt.limitReached() != null) {
            events.record(owner, SecurityEvents.Kind.LOGIN_LOCKED, client, "rule: " + attempt.limitReached() + " ("
                    + DecisionLog.LOCKOUT_RULE_VERSION + ")");
            notify(owner, AccountMail.Kind.LOCKED, null, null);
        }
    }

    /**
     * Uses up one try of a live login challenge in one statement (parallel requests cannot share a try), or 410 when
     * it is unknown, expired or out of tries.
     */
    private ChallengeTry takeChallengeTry(String challenge) {
        Credentials c = Credentials.parse(challenge, "").orElseThrow(Registrations::codeGone);
        Integer used = store.jdbi().withHandle(h -> h.createQuery("""
                        update login_challenge set attempts = attempts + 1
                        where owner_id = :owner and token_hash = :hash and expires_at > :now and attempts < :max
                        returning attempts""")
                .bind("owner", c.ownerId()).bind("hash", c.hash()).bind("now", Sessions.utc(clock.instant()))
                .bind("max", Registrations.MAX_TRIES)
                .mapTo(Integer.class).findOne().orElse(null));
        if (used == null) {
            throw Registrations.codeGone();
        }
        return new ChallengeTry(c, used);
    }

    /** A login challenge and how many of its tries are used, this one included. */
    private record ChallengeTry(Credentials credentials, int used) {
    }

    /**
     * Completes a login with a TOTP or recovery code. A challenge allows five tries, and each try is used up
     * before the code is compared (one statement), so parallel requests cannot share a try; wrong codes count
     * toward the same per-account limits as wrong passwords, so new challenges do not give new guesses.
     */
    public UUID completeSecondFactor(String challenge, String code, ClientFacts client) {
        ChallengeTry taken = takeChallengeTry(challenge);
        Credentials c = taken.credentials();
        int used = taken.used();
        LoginFailures.Attempt.Counted attempt = takeAttempt(failures.forAccount(c.ownerId(), client), null);
        TwoFactor.Result result = twoFactor.verify(c.ownerId(), code);
        if (!result.accepted()) {
            if (result == TwoFactor.Result.REUSED) {
                notices.totpReused(c.ownerId(), client);
            }
            failed(c.ownerId(), attempt, client, "second factor");
            throw Registrations.wrongCode(Registrations.MAX_TRIES - used);
        }
        failures.uncount(attempt);
        store.jdbi().useHandle(h -> h.createUpdate(
                        "delete from login_challenge where owner_id = :owner and token_hash = :hash")
                .bind("owner", c.ownerId()).bind("hash", c.hash()).execute());
        failures.known(attempt.key());
        if (result == TwoFactor.Result.RECOVERY_CODE) {
            events.record(c.ownerId(), SecurityEvents.Kind.RECOVERY_CODE_USED, client, null);
        }
        events.record(c.ownerId(), SecurityEvents.Kind.LOGIN, client, "two-factor");
        notices.loggedIn(c.ownerId(), client);
        return c.ownerId();
    }

    private static ProblemException loginFailed() {
        return new ProblemException(Problem.of(401, "login-failed", "Login failed",
                "The e-mail address, phone number or password is not correct."));
    }

    /**
     * Checks the password only: for trusted callers inside the server (the demo's own account, the admin command),
     * never for requests from the network.
     */
    public Optional<UUID> authenticate(String rawIdentifier, String password) {
        return Identifier.parse(rawIdentifier).flatMap(store::findByIdentifier)
                .filter(r -> password != null && hasher.verify(password, r.passwordHash()))
                .map(AccountStore.Row::id);
    }

    /** Confirms identity for sensitive actions: the password, and the second factor when it is on (PR-64). */
    public void confirm(UUID owner, String password, String code, String sessionCookie, ClientFacts client) {
        AccountStore.Row r = store.row(owner).orElseThrow(() -> new ProblemException(Problem.notFound()));
        // Counted like a login: a stolen session cannot guess the password (or the code) without limit.
        PasswordLength.refuseTooLong(password, "password");
        LoginFailures.Attempt.Counted attempt = takeAttempt(failures.forAccount(owner, client),
                password == null ? "" : password);
        if (password == null || !hasher.verify(password, r.passwordHash())) {
            failed(owner, attempt, client, "confirmation");
            throw new ProblemException(Problem.of(401, "confirm-failed", "Not confirmed",
                    "The password is not correct.").withErrors(List.of(
                    new Problem.FieldError("password", "match", "is not your password"))));
        }
        TwoFactor.Result second = r.twoFactor() ? twoFactor.verify(owner, code) : TwoFactor.Result.TOTP;
        if (!second.accepted()) {
            if (second == TwoFactor.Result.REUSED) {
                notices.totpReused(owner, client);
            }
            failed(owner, attempt, client, "confirmation, second factor");
            throw new ProblemException(Problem.of(401, "confirm-failed", "Not confirmed",
                    "The code from your authenticator app is not correct.").withErrors(List.of(
                    new Problem.FieldError("code", "match", "is not the current code"))));
        }
        failures.uncount(attempt);
        sessions.confirmedNow(sessionCookie);
    }

    // ---------------------------------------------------------------- passwords

    /**
     * Changes the password: the current one must be given (counted like a login, so a stolen session cannot guess
     * it without limit), the new one must pass the rules. Other web sessions end; API tokens are revoked too unless
     * the owner chose to keep them; the owner is told.
     */
    public void changePassword(UUID owner, String currentPassword, String newPassword, boolean keepTokens,
                               String currentCookie, ClientFacts client) {
        Account a = find(owner).orElseThrow(() -> new ProblemException(Problem.notFound()));
        AccountStore.Row r = store.row(owner).orElseThrow(() -> new ProblemException(Problem.notFound()));
        PasswordLength.refuseTooLong(currentPassword, "current_password");
        LoginFailures.Attempt.Counted attempt = takeAttempt(failures.forAccount(owner, client),
                currentPassword == null ? "" : currentPassword);
        if (currentPassword == null || !hasher.verify(currentPassword, r.passwordHash())) {
            failed(owner, attempt, client, "password change");
            throw PasswordChangeRules.currentWrong();
        }
        failures.uncount(attempt);
        List<Problem.FieldError> errors = new ArrayList<>();
        PasswordPolicy.check(newPassword, userInputs(a), errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The password was not changed.", errors));
        }
        store.updatePasswordHash(owner, hasher.hash(newPassword), true);
        for (Sessions.SessionInfo s : sessions.list(owner, currentCookie)) {
            if (!s.current()) {
                sessions.endById(owner, s.id());
            }
        }
        int revoked = keepTokens ? 0 : tokens.revokeAll(owner);
        events.record(owner, SecurityEvents.Kind.PASSWORD_CHANGED, client,
                PasswordChangeRules.detail(keepTokens, revoked));
        notify(owner, AccountMail.Kind.PASSWORD_CHANGED, null, null);
    }

    /**
     * Sends a reset code (and link) when the identifier belongs to an account; does the same work and gives no
     * sign either way when it does not (PR-07).
     */
    public void requestPasswordReset(String rawIdentifier, Language language, ClientFacts client) {
        Optional<Identifier> identifier = Identifier.parse(rawIdentifier);
        Optional<AccountStore.Row> row = identifier.flatMap(store::findByIdentifier);
        if (row.isEmpty()) {
            secretCodes.hash("password-reset", UUID.randomUUID().toString(), SecretCodes.sixDigits());
            return;
        }
        AccountCodes.Issued issued = codes.issue(row.get().id(), AccountCodes.Purpose.PASSWORD_RESET, null, true);
        events.record(row.get().id(), SecurityEvents.Kind.PASSWORD_RESET_REQUESTED, client, null);
        Language lang = find(row.get().id()).map(Account::language).orElse(language);
        mail.send(identifier.get(), lang, AccountMail.Kind.RESET_CODE, issued.code(),
                "/password-reset/link/" + issued.link());
    }

    /** Sets a new password with the code sent to the identifier. */
    public UUID resetPassword(String rawIdentifier, String code, String newPassword, ClientFacts client) {
        // Unknown login, no live code, a wrong, expired or used-up code: one answer (ResetAnswers), so the
        // confirmation cannot tell which logins exist. The new password is judged first, against what was typed.
        ResetAnswers.checkNewPassword(rawIdentifier, newPassword);
        UUID owner = Identifier.parse(rawIdentifier).flatMap(store::findByIdentifier).map(AccountStore.Row::id)
                .orElseThrow(ResetAnswers::refused);
        AccountCodes.Live live = codes.live(owner, AccountCodes.Purpose.PASSWORD_RESET)
                .orElseThrow(ResetAnswers::refused);
        AccountCodes.Check check = codes.check(owner, AccountCodes.Purpose.PASSWORD_RESET, live, code);
        if (!check.matches()) {
            throw ResetAnswers.refused();
        }
        checkNewPassword(owner, newPassword);
        return finishReset(owner, live.id(), newPassword, client);
    }

    /** Sets a new password through the link sent with the code. */
    public UUID resetPasswordByLink(String link, String newPassword, ClientFacts client) {
        UUID owner = codes.ownerOfLink(link, AccountCodes.Purpose.PASSWORD_RESET).orElseThrow(Registrations::codeGone);
        AccountCodes.Live live = codes.live(owner, AccountCodes.Purpose.PASSWORD_RESET)
                .orElseThrow(Registrations::codeGone);
        checkNewPassword(owner, newPassword);
        return finishReset(owner, live.id(), newPassword, client);
    }

    /** True when a reset link is live (the page asks for the new password only then). */
    public boolean resetLinkIsLive(String link) {
        return codes.ownerOfLink(link, AccountCodes.Purpose.PASSWORD_RESET).isPresent();
    }

    private void checkNewPassword(UUID owner, String newPassword) {
        List<Problem.FieldError> errors = new ArrayList<>();
        PasswordPolicy.check(newPassword, find(owner).map(Accounts::userInputs).orElse(List.of()), errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The password was not changed.", errors));
        }
    }

    /** Every session and token of the account ends with a reset (PR-07). */
    private UUID finishReset(UUID owner, UUID codeId, String newPassword, ClientFacts client) {
        if (!codes.consume(owner, codeId)) {
            throw Registrations.codeGone();
        }
        store.updatePasswordHash(owner, hasher.hash(newPassword), true);
        failures.forget(owner);
        sessions.endAll(owner);
        tokens.revokeAll(owner);
        events.record(owner, SecurityEvents.Kind.PASSWORD_RESET, client, null);
        notify(owner, AccountMail.Kind.PASSWORD_CHANGED, null, null);
        return owner;
    }

    // ---------------------------------------------------------------- identifiers

    /** Sends a code to a new e-mail or phone; returns where it went (partly hidden). */
    public String requestIdentifierChange(UUID owner, String rawIdentifier) {
        Identifier id = Identifier.parse(rawIdentifier).orElseThrow(() -> new ProblemException(Problem.validation(
                "Not a valid login.", List.of(new Problem.FieldError("identifier", "identifier",
                        "must be an e-mail address or a mobile number in international form (+86 …)")))));
        Account a = find(owner).orElseThrow(() -> new ProblemException(Problem.notFound()));
        AccountCodes.Purpose purpose = id instanceof Identifier.Email ? AccountCodes.Purpose.EMAIL_CHANGE
                : AccountCodes.Purpose.PHONE_CHANGE;
        // A taken identifier gets no code, but the answer is the same (no enumeration); confirming fails later.
        boolean taken = store.findByIdentifier(id).isPresent();
        AccountCodes.Issued issued = codes.issue(owner, purpose, secrets.seal(TARGET_CONTEXT, id.value()), false);
        if (!taken) {
            mail.send(id, a.language(), AccountMail.Kind.CHANGE_CODE, issued.code(), null);
        }
        return Registrations.mask(id);
    }

    /** Confirms the new identifier with its code; the old one is told. */
    public void confirmIdentifierChange(UUID owner, String kind, String code, ClientFacts client) {
        AccountCodes.Purpose purpose = "phone".equals(kind) ? AccountCodes.Purpose.PHONE_CHANGE
                : AccountCodes.Purpose.EMAIL_CHANGE;
        AccountCodes.Live live = codes.live(owner, purpose).orElseThrow(Registrations::codeGone);
        AccountCodes.Check check = codes.check(owner, purpose, live, code);
        if (!check.matches()) {
            throw check.triesLeft() <= 0 ? Registrations.codeGone() : Registrations.wrongCode(check.triesLeft());
        }
        if (!codes.consume(owner, live.id())) {
            throw Registrations.codeGone();
        }
        Identifier id = Identifier.parse(secrets.open(TARGET_CONTEXT, live.targetEnc())).orElseThrow();
        Account before = find(owner).orElseThrow();
        try {
            store.changeIdentifier(owner, id);
        } catch (AccountStore.IdentifierTaken e) {
            throw new ProblemException(Problem.of(409, "identifier-taken", "Already in use",
                    "Another account uses this login.").withErrors(List.of(
                    new Problem.FieldError("identifier", "unique", "is already registered"))));
        }
        String old = id instanceof Identifier.Email ? before.email() : before.phone();
        if (old != null) {
            Identifier.parse(old).ifPresent(o -> mail.send(o, before.language(), AccountMail.Kind.IDENTIFIER_CHANGED,
                    null, null));
        }
        events.record(owner, id instanceof Identifier.Email ? SecurityEvents.Kind.EMAIL_CHANGED
                : SecurityEvents.Kind.PHONE_CHANGED, client, null);
    }

    // ---------------------------------------------------------------- two-factor

    public TwoFactor.Enrolment startTwoFactor(UUID owner) {
        return twoFactor.start(owner, find(owner).map(Account::label).orElse("mqcgm"));
    }

    public Optional<TwoFactor.Enrolment> pendingTwoFactor(UUID owner) {
        return twoFactor.pending(owner, find(owner).map(Account::label).orElse("mqcgm"));
    }

    /** Turns two-factor on with the first code; returns the recovery codes, shown once. */
    public List<String> enableTwoFactor(UUID owner, String code, ClientFacts client) {
        List<String> recovery = twoFactor.enable(owner, code);
        events.record(owner, SecurityEvents.Kind.TWO_FACTOR_ENABLED, client, null);
        notices.twoFactorOn(owner, client);
        return recovery;
    }

    public void disableTwoFactor(UUID owner, ClientFacts client) {
        twoFactor.disable(owner);
        events.record(owner, SecurityEvents.Kind.TWO_FACTOR_DISABLED, client, null);
        notices.twoFactorOff(owner);
    }

    /**
     * New recovery codes while two-factor stays on (the old ones stop working); shown once, the owner is told.
     * Empty when two-factor is off.
     */
    public Optional<List<String>> newRecoveryCodes(UUID owner, ClientFacts client) {
        if (!find(owner).map(Account::twoFactor).orElse(false)) {
            return Optional.empty();
        }
        List<String> codes = twoFactor.newRecoveryCodes(owner);
        notices.recoveryCodes(owner, client);
        return Optional.of(codes);
    }

    /** Whether the owner consents to the processing of their glucose data (shown in Settings → Privacy). */
    public boolean healthDataConsent(UUID owner) {
        return consents.granted(owner, org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA);
    }

    public int unusedRecoveryCodes(UUID owner) {
        return twoFactor.unusedRecoveryCodes(owner);
    }

    // ---------------------------------------------------------------- passkeys (PasskeyLogins)

    /**
     * Completes the second-factor step with another factor than a code (a passkey): the same challenge, tries and
     * per-account limits as {@link #completeSecondFactor}. {@code factor} verifies it for the challenge's owner and
     * answers false for a wrong one; it may throw a problem of its own (counted as a failure too).
     */
    UUID completeSecondFactorWith(String challenge, java.util.function.Predicate<UUID> factor, String detail,
                                  ClientFacts client) {
        ChallengeTry taken = takeChallengeTry(challenge);
        Credentials c = taken.credentials();
        int used = taken.used();
        LoginFailures.Attempt.Counted attempt = takeAttempt(failures.forAccount(c.ownerId(), client), null);
        boolean ok;
        try {
            ok = factor.test(c.ownerId());
        } catch (ProblemException e) {
            failed(c.ownerId(), attempt, client, detail);
            throw e;
        }
        if (!ok) {
            failed(c.ownerId(), attempt, client, detail);
            throw Registrations.wrongCode(Registrations.MAX_TRIES - used);
        }
        failures.uncount(attempt);
        store.jdbi().useHandle(h -> h.createUpdate(
                        "delete from login_challenge where owner_id = :owner and token_hash = :hash")
                .bind("owner", c.ownerId()).bind("hash", c.hash()).execute());
        failures.known(attempt.key());
        events.record(c.ownerId(), SecurityEvents.Kind.LOGIN, client, "two-factor, " + detail);
        return c.ownerId();
    }

    /**
     * A passwordless login of {@code owner}, whose passkey {@code verified} checks (user verification included):
     * the same per-account limits and locks as a password login, failures counted and the owner told at a limit.
     */
    UUID loginWith(UUID owner, java.util.function.BooleanSupplier verified, String detail, ClientFacts client) {
        LoginFailures.Attempt.Counted attempt = takeAttempt(failures.forAccount(owner, client), null);
        AccountStore.Row r = store.row(owner).orElse(null);
        boolean ok;
        try {
            ok = r != null && r.status().equals("active") && verified.getAsBoolean();
        } catch (ProblemException e) {
            failed(owner, attempt, client, detail);
            throw e;
        }
        if (!ok) {
            failed(owner, attempt, client, detail);
            throw loginFailed();
        }
        failures.uncount(attempt);
        if (r.mustResetPassword()) {
            throw new ProblemException(Problem.of(403, "password-reset-required", "Set a new password",
                    "For your safety this account needs a new password. Use \"Forgot password\" to set one."));
        }
        failures.known(attempt.key());
        events.record(owner, SecurityEvents.Kind.LOGIN, client, detail);
        return owner;
    }

    // ---------------------------------------------------------------- sessions and compromise

    public void logoutEverywhere(UUID owner, ClientFacts client) {
        sessions.endAll(owner);
        events.record(owner, SecurityEvents.Kind.LOGOUT_EVERYWHERE, client, null);
    }

    /**
     * "My account may be compromised" (PR-59): every session, token and push alias is revoked, two-factor is
     * turned off (to be enrolled again on a trusted phone), a new password is required, and a reset code is sent.
     */
    public void reportCompromise(UUID owner, ClientFacts client) {
        reportCompromiseOnly(owner, client);
        // PR-59: a person reporting a compromise is helped first — a P1 ticket, at the top of the agents' queue.
        tickets.openPriority(owner, "My account may be compromised",
                "Reported from Settings. Sessions, tokens and two-factor were reset; a password reset was sent.");
    }

    /** Support tickets opened on the person's behalf (the support feature's port; none in some tests). */
    private volatile org.mqcgm.server.platform.support.Tickets tickets =
            org.mqcgm.server.platform.support.Tickets.NONE;

    void tickets(org.mqcgm.server.platform.support.Tickets tickets) {
        this.tickets = tickets;
    }

    /**
     * "Request human review" of a login lockout (PR-72): the lockout the person saw on Security activity (recorded
     * at {@code at}) goes to support as a review ticket, due in 30 days, with the rule (and its version) that caused
     * it. A lockout already under review answers with its ticket. Empty when the person has no lockout at that time.
     */
    public java.util.Optional<UUID> requestLockoutReview(UUID owner, java.time.Instant at) {
        java.util.Optional<DecisionLog.Entry> lockout = decisions(owner).stream()
                .filter(e -> org.mqcgm.server.platform.support.AutomatedDecision.LOGIN_LOCKOUT.equals(e.kind())
                        && at.equals(e.at())).findFirst();
        return lockout.map(e -> e.review() != null ? e.review().ticket()
                : tickets.openReview(owner, "Review of a login lockout", "Automated decision: logins were"
                        + " locked at " + e.at() + " (rule: " + (e.rule().isEmpty() ? "login limit" : e.rule())
                        + ", rule version " + (e.ruleVersion().isEmpty() ? "unknown" : e.ruleVersion()) + ")."
                        + " The person asks for a human review of this decision.", e.reference()));
    }

    /** How many lockouts the decision log lists. */
    static final int DECISIONS_SHOWN = 50;

    /**
     * The person's automated decisions (PR-72): their lockouts with the rule and its version, and the human reviews
     * support holds of them (and of other features' decisions), newest first.
     */
    public List<DecisionLog.Entry> decisions(UUID owner) {
        return DecisionLog.of(events.ofKind(owner, SecurityEvents.Kind.LOGIN_LOCKED, DECISIONS_SHOWN),
                tickets.reviews(owner));
    }

    /**
     * A person at support overturned a lockout on review (PR-72): the failed logins that caused it (those up to the
     * lockout, from every network) are forgotten, so the person can log in at once unless failures since go on, and
     * Security activity says so. Idempotent.
     */
    boolean overturn(UUID owner, org.mqcgm.server.platform.support.AutomatedDecision decision, long ticketNumber) {
        if (!org.mqcgm.server.platform.support.AutomatedDecision.LOGIN_LOCKOUT.equals(decision.kind())) {
            return false;
        }
        // Only the failures that caused it: later ones (an attack going on now) still count.
        failures.forgetUpTo(owner, decision.at());
        events.record(owner, SecurityEvents.Kind.LOGIN_UNLOCKED, ClientFacts.NONE, "human review #" + ticketNumber);
        return true;
    }

    /**
     * What other features end when a person reports a compromise (clinician links: PR-59 "share links → 410").
     * Each is told after the credentials ended; one that fails does not stop the others.
     */
    private final List<java.util.function.Consumer<UUID>> compromiseResponders =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Adds something to end when a person reports a compromise. */
    public void onCompromise(java.util.function.Consumer<UUID> responder) {
        compromiseResponders.add(responder);
    }

    private void reportCompromiseOnly(UUID owner, ClientFacts client) {
        sessions.endAll(owner);
        tokens.revokeAll(owner);
        for (java.util.function.Consumer<UUID> r : compromiseResponders) {
            try {
                r.accept(owner);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Accounts.class).error("a compromise responder failed: {}",
                        org.mqcgm.server.platform.db.SafeErrors.describe(e));
            }
        }
        twoFactor.disable(owner);
        store.setMustResetPassword(owner);
        AccountCodes.Issued issued = codes.issue(owner, AccountCodes.Purpose.PASSWORD_RESET, null, true);
        events.record(owner, SecurityEvents.Kind.COMPROMISE_REPORTED, client, "priority: P1");
        notify(owner, AccountMail.Kind.COMPROMISE, issued.code(), "/password-reset/link/" + issued.link());
    }

    // ---------------------------------------------------------------- administration

    /** Creates an active account without verification (administrators bootstrapping from the command line). */
    /** Where dates of birth go (the guardians feature, PR-77); nowhere until the composition root sets it. */
    private volatile org.mqcgm.server.platform.profile.BirthDates birthDates =
            org.mqcgm.server.platform.profile.BirthDates.NONE;

    /** Sets where dates of birth go (sign-up, the command line, the page at login). */
    public void birthDates(org.mqcgm.server.platform.profile.BirthDates birthDates) {
        this.birthDates = birthDates;
        registrations.birthDates(birthDates);
    }

    org.mqcgm.server.platform.profile.BirthDates birthDates() {
        return birthDates;
    }

    /**
     * As {@link #createVerified(String, String, String, Language)}, with a date of birth ({@code yyyy-mm-dd}, or
     * null): the same age rules as a sign-up apply (under the age of majority the account waits for a guardian).
     * The date is checked before the account is made.
     */
    public UUID createVerified(String rawIdentifier, String password, String timeZone, Language language,
                               String birthDate) {
        java.time.LocalDate born = null;
        if (birthDate != null) {
            List<Problem.FieldError> errors = new ArrayList<>();
            born = Registrations.birthDate(birthDate, AccountStore.zone(timeZone == null ? "UTC" : timeZone), clock,
                    errors);
            if (!errors.isEmpty()) {
                throw new ProblemException(Problem.validation("The account could not be created.", errors));
            }
        }
        UUID account = createVerified(rawIdentifier, password, timeZone, language);
        if (born != null) {
            birthDates.record(account, born, org.mqcgm.server.platform.profile.BirthDates.Source.OPERATOR);
        }
        return account;
    }

    public UUID createVerified(String rawIdentifier, String password, String timeZone, Language language) {
        Identifier id = Identifier.parse(rawIdentifier).orElseThrow(() -> new ProblemException(Problem.validation(
                "Not a valid login.", List.of(new Problem.FieldError("identifier", "identifier",
                        "must be an e-mail address or a mobile number in international form")))));
        List<Problem.FieldError> errors = new ArrayList<>();
        PasswordPolicy.check(password, List.of(id.value()), errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The account could not be created.", errors));
        }
        try {
            UUID account = store.insert(id, hasher.hash(password), AccountStore.zone(timeZone == null ? "UTC" : timeZone),
                    language);
            events.record(account, SecurityEvents.Kind.ACCOUNT_CREATED, ClientFacts.NONE, "administrator");
            return account;
        } catch (AccountStore.IdentifierTaken e) {
            throw new ProblemException(Problem.of(409, "account-exists", "Account exists",
                    "An account with this login already exists."));
        }
    }

    public Optional<UUID> findId(String rawIdentifier) {
        return Identifier.parse(rawIdentifier).flatMap(store::findByIdentifier).map(AccountStore.Row::id);
    }

    public void grantRole(UUID owner, Role role) {
        store.grantRole(owner, role);
        store.jdbi().useHandle(h -> tokens.revoked(h, owner));
        events.record(owner, SecurityEvents.Kind.ROLE_GRANTED, ClientFacts.NONE, role.id());
    }

    // ---------------------------------------------------------------- lookups

    @Override
    public Optional<Principal> session(String cookieValue) {
        return sessions.resolve(cookieValue);
    }

    @Override
    public Optional<Principal> session(String cookieValue, boolean activity) {
        return sessions.resolve(cookieValue, activity);
    }

    @Override
    public Optional<Principal> apiToken(String token) {
        return tokens.resolve(token);
    }

    public Optional<Account> find(UUID id) {
        return store.find(id);
    }

    public AccountStore store() {
        return store;
    }

    public SecurityEvents events() {
        return events;
    }

    private void notify(UUID owner, AccountMail.Kind kind, String code, String link) {
        find(owner).ifPresent(a -> {
            String to = a.email() != null ? a.email() : a.phone();
            Identifier.parse(to).ifPresent(id -> mail.send(id, a.language(), kind, code, link));
        });
    }

    static List<String> userInputs(Account a) {
        List<String> inputs = new ArrayList<>();
        if (a.email() != null) {
            inputs.add(a.email());
        }
        if (a.phone() != null) {
            inputs.add(a.phone());
        }
        return inputs;
    }

    /** Deletes expired codes and challenges (purge job). */
    /**
     * Tells each owner of an API token that ends within {@link ApiTokens#NEAR_EXPIRY} — once per token, one message
     * per owner and run — how to renew it in Settings; returns how many owners were told.
     */
    public int warnExpiringTokens() {
        java.util.Set<UUID> owners = tokens.markExpiringNotices(clock.instant());
        owners.forEach(owner -> notify(owner, AccountMail.Kind.TOKEN_EXPIRING, null, "/settings"));
        return owners.size();
    }

    public int purgeExpired() {
        return registrations.purge() + codes.purge() + failures.purge() + loginDevices.purge();
    }

    static OffsetDateTime utc(Instant i) {
        return Sessions.utc(i);
    }
}
