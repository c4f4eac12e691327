package org.mqcgm.server.platform.retention;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * When people last used the service (A-02, PR-30): the accounts feature answers from each account's last sign-in or
 * API-token use (an upload). The retention job notices accounts unused for the configured period and erases them
 * after the notice period unless their owner came back.
 */
public interface Inactivity {

    /** Working (not cancelled) accounts with no sign-in or token use since {@code cutoff}, oldest first. */
    List<UUID> inactiveSince(Instant cutoff, int limit);

    /** When the account was last used, empty when there is no such working account. */
    Optional<Instant> lastActive(UUID account);

    Inactivity NONE = new Inactivity() {
        @Override
        public List<UUID> inactiveSince(Instant cutoff, int limit) {
            return List.of();
        }

        @Override
        public Optional<Instant> lastActive(UUID account) {
            return Optional.empty();
        }
    };
}
