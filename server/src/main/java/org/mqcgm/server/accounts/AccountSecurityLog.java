package org.mqcgm.server.accounts;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.logging.SecurityLog;

/**
 * Every account security event ({@link SecurityEvents}) also goes to the security log ({@link SecurityLog}):
 * a wrong password as {@code credential.rejected}, a wrong second factor as {@code two-factor.failed}, a lock as
 * {@code account.locked}, a role granted as {@code privilege.role-granted}, the rest as {@code account.<kind>} — with
 * the account id and the client's address, never the login, the user agent or a free-text detail.
 */
final class AccountSecurityLog {

    private AccountSecurityLog() {
    }

    static void record(UUID owner, SecurityEvents.Kind kind, ClientFacts client, String detail) {
        Map<String, Object> f = new HashMap<>();
        f.put("principal", owner);
        f.put("client", client.ip());
        String name = switch (kind) {
            case LOGIN_FAILED -> {
                if ("second factor".equals(detail)) {
                    f.put("credential", "second-factor");
                    yield "two-factor.failed";
                }
                f.put("credential", "password");
                f.put("reason", "wrong-password");
                yield "credential.rejected";
            }
            case LOGIN_LOCKED -> {
                // "rule: <limit> (<rule version>)": which lockout rule was reached
                f.put("rule", detail == null ? null : detail.replaceFirst("^rule: ", ""));
                yield "account.locked";
            }
            case ROLE_GRANTED -> {
                f.put("role", detail);
                yield "privilege.role-granted";
            }
            case LOGIN -> {
                f.put("factor", detail == null ? "password" : detail);
                yield "account.login";
            }
            default -> "account." + kind.id();
        };
        SecurityLog.get().event(name, f);
    }

    /** A login for an identifier that names no account (the identifier itself is never written). */
    static void unknownLogin(ClientFacts client) {
        SecurityLog.get().event("credential.rejected", Map.of("credential", "password", "reason", "unknown-login",
                "client", client.ip()));
    }
}
