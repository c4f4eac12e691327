package org.mqcgm.server.platform.security;

import io.javalin.http.Context;
import java.util.UUID;

/**
 * Confirms, for a destructive or exfiltrating action (export, transfer, deletion, cancellation), that the person at
 * the keyboard is the account's owner: the password, and the second-factor code when two-factor is on (PR-64).
 * Failed attempts count like failed logins. The accounts feature answers.
 */
@FunctionalInterface
public interface Reconfirmation {

    /**
     * Returns normally when confirmed; otherwise throws a {@code ProblemException} with status 401, type
     * {@code confirm-failed} and the field ({@code password} or {@code code}) that did not match.
     */
    void confirm(Context ctx, UUID owner, String password, String code);
}
