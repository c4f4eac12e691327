package org.mqcgm.server.accounts;

import java.util.List;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * The one length limit of passwords ({@value PasswordPolicy#MAX_LENGTH} characters, counted as Unicode code points)
 * on every path that takes one: sign-up, change, reset and login. A longer input is refused with a problem naming
 * the field and the rule; it is never shortened, so a correct prefix followed by anything is not a password.
 */
final class PasswordLength {

    private PasswordLength() {
    }

    static boolean tooLong(String password) {
        return password != null && password.codePointCount(0, password.length()) > PasswordPolicy.MAX_LENGTH;
    }

    static Problem.FieldError error(String field) {
        return new Problem.FieldError(field, "max-length",
                "must have at most " + PasswordPolicy.MAX_LENGTH + " characters");
    }

    /** Throws a 422 problem naming {@code field} and the rule when {@code password} is too long. */
    static void refuseTooLong(String password, String field) {
        if (tooLong(password)) {
            throw new ProblemException(Problem.validation("The password is too long.", List.of(error(field))));
        }
    }
}
