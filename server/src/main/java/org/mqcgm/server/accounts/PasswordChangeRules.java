package org.mqcgm.server.accounts;

import io.javalin.http.Context;
import java.util.List;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * What a password change asks and answers: the current password (field {@code current_password}), the new one
 * ({@code password}), and whether to keep the API tokens ({@code keep_tokens=yes}; unchecked by default, so a change
 * revokes them — an app or script that had a token signs in again with the new password).
 */
final class PasswordChangeRules {

    private PasswordChangeRules() {
    }

    /** The form's "keep my API tokens" box: only an explicit {@code yes} keeps them. */
    static boolean keepTokens(Context ctx) {
        return "yes".equals(ctx.formParam("keep_tokens"));
    }

    static ProblemException currentWrong() {
        return new ProblemException(Problem.of(422, "current-password-wrong", "Password not changed",
                "The current password is not correct.").withErrors(List.of(
                new Problem.FieldError("current_password", "match", "is not your current password"))));
    }

    /** The activity detail: whether the API tokens went with the old password. */
    static String detail(boolean keepTokens, int revoked) {
        return keepTokens ? "api tokens kept" : "api tokens revoked: " + revoked;
    }
}
