package org.mqcgm.server.accounts;

import java.util.ArrayList;
import java.util.List;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * The answers of a password-reset confirmation by code. Whether the login exists, has a live code, typed a wrong
 * code or used up its tries, the answer is the same (status, type, fields and text; no count of tries left), so the
 * confirmation cannot be used to learn which logins have accounts. The status is 410 (the code is not, or no longer,
 * a live one), as a used or expired code always answered (PR-07). The new password is judged before anything is
 * looked up, against the login as typed, so its refusal is the same for every login too.
 */
final class ResetAnswers {

    private ResetAnswers() {
    }

    static ProblemException refused() {
        return new ProblemException(Problem.of(410, "reset-code-refused", "Code not accepted",
                        "The code is not correct, has expired or was tried too often. Check it, or ask for a new"
                                + " one.")
                .withErrors(List.of(new Problem.FieldError("code", "match",
                        "is not a live code sent to this login"))));
    }

    /** Refuses a new password that breaks the rules, judged against the login as typed (known or not). */
    static void checkNewPassword(String rawIdentifier, String newPassword) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String typed = Identifier.parse(rawIdentifier).map(Identifier::value).orElse(rawIdentifier);
        PasswordPolicy.check(newPassword, typed == null ? List.of() : List.of(typed), errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The password was not changed.", errors));
        }
    }
}
