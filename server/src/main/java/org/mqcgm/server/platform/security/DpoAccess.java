package org.mqcgm.server.platform.security;

import java.util.Optional;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * The one rule of the data-protection officer's access, for every route the {@link Role#DPO} role opens
 * ({@link Access.Dpo}: disclosures without consent; {@link Access.Desk}: the rights desk's decisions, and the desk
 * itself when the officer works it): the role, in a web session that passed two-factor authentication (PR-31, PR-53).
 * Evaluated by {@link AccessControl} only.
 */
final class DpoAccess {

    private DpoAccess() {
    }

    /**
     * Lets the officer through or refuses: without the role, other staff (administrators, support agents,
     * moderators) get 403 {@code DPO_REQUIRED} when {@code staffLearn}, anybody else (and staff otherwise) 404, as if
     * the route did not exist; the officer without two-factor authentication gets 403 {@code two-factor-required}.
     */
    static void require(Optional<Principal> principal, boolean staffLearn) {
        boolean session = principal.isPresent() && principal.get().method() == Principal.Method.SESSION;
        if (!session || !principal.get().has(Role.DPO)) {
            Principal p = principal.orElse(null);
            if (staffLearn && session && (p.has(Role.ADMIN) || p.has(Role.SUPPORT) || p.has(Role.MODERATOR))) {
                throw new ProblemException(Problem.of(403, "dpo-required", "Data protection officer only",
                        "Only the data protection officer (the dpo role) does this.").with("code", "DPO_REQUIRED"));
            }
            throw new ProblemException(Problem.notFound());
        }
        if (!principal.get().twoFactor()) {
            throw new ProblemException(Problem.of(403, "two-factor-required", "Two-factor required",
                    "The data protection officer's work needs two-factor authentication. Turn it on in Settings.")
                    .with("code", "TWO_FACTOR_REQUIRED"));
        }
    }
}
