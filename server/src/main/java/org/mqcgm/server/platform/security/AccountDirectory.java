package org.mqcgm.server.platform.security;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Which accounts exist and were in use, for telling people about a security incident (PR-57, PR-58): the accounts
 * feature answers; the incidents feature resolves "every account" or "accounts active between" through it. Ids
 * only; addresses come through {@link AccountClosure#contact(UUID)}.
 */
public interface AccountDirectory {

    /** Every active account (not locked, not cancelled). */
    List<UUID> active();

    /**
     * The accounts that were in use in {@code [from, to)}: created, signed in, or used a web session or an API token
     * then, whatever their status now (a locked account's data may have been exposed as well).
     */
    List<UUID> activeBetween(Instant from, Instant to);

    /** Knows no account (a deployment or test without accounts). */
    AccountDirectory NONE = new AccountDirectory() {
        @Override
        public List<UUID> active() {
            return List.of();
        }

        @Override
        public List<UUID> activeBetween(Instant from, Instant to) {
            return List.of();
        }
    };
}
