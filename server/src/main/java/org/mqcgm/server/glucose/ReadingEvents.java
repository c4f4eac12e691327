package org.mqcgm.server.glucose;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.db.Notifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "A new reading arrived for user X", delivered to whoever watches X (the Server-Sent Events streams of the Today
 * page and of apps), on every server node: each upload sends a PostgreSQL {@code NOTIFY} after its commit, and every
 * node's listener tells its local watchers. The notification carries only the owner id — never a glucose value —
 * and watchers read the reading through the normal, authorised path.
 */
public final class ReadingEvents {

    private static final Logger log = LoggerFactory.getLogger(ReadingEvents.class);
    static final String CHANNEL = "mqcgm_readings";

    private final Jdbi jdbi;
    private final Map<UUID, Set<Consumer<UUID>>> watchers = new ConcurrentHashMap<>();

    public ReadingEvents(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Receives other nodes' (and this node's) announcements through {@code notifications}. */
    public void listen(Notifications notifications) {
        notifications.on(CHANNEL, payload -> dispatch(UUID.fromString(payload)), () -> { });
    }

    /** Announces new readings of {@code owner} (after the transaction that stored them committed). */
    public void published(UUID owner) {
        jdbi.useHandle(h -> Notifications.send(h, CHANNEL, owner.toString()));
    }

    /** Calls {@code watcher} with the owner id whenever the owner has new readings; returns how to stop. */
    public Runnable watch(UUID owner, Consumer<UUID> watcher) {
        watchers.computeIfAbsent(owner, k -> ConcurrentHashMap.newKeySet()).add(watcher);
        return () -> watchers.computeIfPresent(owner, (k, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
    }

    private void dispatch(UUID owner) {
        for (Consumer<UUID> w : watchers.getOrDefault(owner, Set.of())) {
            try {
                w.accept(owner);
            } catch (RuntimeException e) {
                log.debug("a watcher failed: {}", e.toString());
            }
        }
    }
}
