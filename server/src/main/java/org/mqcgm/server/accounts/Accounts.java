package org.mqcgm.server.accounts;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.Authenticator;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.web.Language;

/**
 * Registration and login. Also the {@link Authenticator} the access control asks about cookies and tokens.
 */
public final class Accounts implements Authenticator {

    /** NIST SP 800-63B: at least 8 characters, no composition rules; an upper bound keeps hashing cost bounded. */
    public static final int MIN_PASSWORD = 8;
    public static final int MAX_PASSWORD = 256;

    private final AccountStore store;
    private final PasswordHasher hasher;
    private final Sessions sessions;
    private final ApiTokens tokens;

    public Accounts(AccountStore store, PasswordHasher hasher, Sessions sessions, ApiTokens tokens) {
        this.store = store;
        this.hasher = hasher;
        this.sessions = sessions;
        this.tokens = tokens;
    }

    /**
     * Creates an account.
     *
     * @throws ProblemException 422 naming the fields at fault, or 409 when the e-mail is registered
     */
    public UUID register(String rawEmail, String password, String timeZone, Language language) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Optional<EmailAddress> email = EmailAddress.parse(rawEmail);
        if (email.isEmpty()) {
            errors.add(new Problem.FieldError("email", "email", "must be a valid e-mail address"));
        }
        checkPassword(password, errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The account could not be created.", errors));
        }
        try {
            return store.insert(email.get(), hasher.hash(password), AccountStore.zone(
                    timeZone == null || timeZone.isBlank() ? "UTC" : timeZone), language);
        } catch (AccountStore.EmailTaken e) {
            throw new ProblemException(Problem.of(409, "account-exists", "Account exists",
                    "An account with this e-mail address already exists. Log in instead.")
                    .withErrors(List.of(new Problem.FieldError("email", "unique", "is already registered"))));
        }
    }

    static void checkPassword(String password, List<Problem.FieldError> errors) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD) {
            errors.add(new Problem.FieldError("password", "min-length",
                    "must have at least " + MIN_PASSWORD + " characters"));
        } else if (password.length() > MAX_PASSWORD) {
            errors.add(new Problem.FieldError("password", "max-length",
                    "must have at most " + MAX_PASSWORD + " characters"));
        }
    }

    /**
     * Checks e-mail and password. Unknown e-mails cost the same time as wrong passwords, and both give the same
     * answer, so login cannot be used to find out who has an account.
     */
    public Optional<UUID> authenticate(String rawEmail, String password) {
        Optional<AccountStore.Row> row = EmailAddress.parse(rawEmail).flatMap(store::findByEmail);
        if (row.isEmpty() || password == null || password.length() > MAX_PASSWORD) {
            hasher.verifyDecoy(password == null ? "" : password.substring(0, Math.min(password.length(),
                    MAX_PASSWORD)));
            return Optional.empty();
        }
        AccountStore.Row r = row.get();
        if (!hasher.verify(password, r.passwordHash()) || !r.status().equals("active")) {
            return Optional.empty();
        }
        if (hasher.needsRehash(r.passwordHash())) {
            store.updatePasswordHash(r.id(), hasher.hash(password));
        }
        return Optional.of(r.id());
    }

    @Override
    public Optional<Principal> session(String cookieValue) {
        return sessions.resolve(cookieValue);
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
}
