package org.mqcgm.server.glucose;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.db.Notifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "A new reading arrived for user X", delivered to whoever watches X (the Server-Sent Events streams of the Today
 * page and of apps), on every server node. Watchers on this node hear of it at once, after the upload committed;
 * other nodes through PostgreSQL {@code NOTIFY}, batched: every {@value #FLUSH_MILLIS} ms one notification names
 * every owner with new readings since the last one. Batching matters: a NOTIFY takes a database-wide lock at
 * commit and needs its own WAL flush, so one per upload capped uploads at a few thousand per second however many
 * cores (measured, docs/benchmarks.md). Notifications carry owner ids and the sending node — never a glucose
 * value — and watchers read the readings through the normal, authorised path.
 */
public final class ReadingEvents implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReadingEvents.class);
    static final String CHANNEL = "mqcgm_readings";
    static final long FLUSH_MILLIS = 50;
    /** 200 ids of 37 characters stay below PostgreSQL's 8,000-byte payload limit. */
    private static final int OWNERS_PER_NOTIFY = 200;

    private final Jdbi jdbi;
    private final String node = java.util.HexFormat.of().toHexDigits(new java.security.SecureRandom().nextLong());
    private final Map<UUID, Set<Consumer<UUID>>> watchers = new ConcurrentHashMap<>();
    private final Set<UUID> pending = ConcurrentHashMap.newKeySet();
    private final ExecutorService dispatcher = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "reading-events-flush");
        t.setDaemon(true);
        return t;
    });

    public ReadingEvents(Jdbi jdbi) {
        this.jdbi = jdbi;
        flusher.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Receives other nodes' announcements through {@code notifications}. */
    public void listen(Notifications notifications) {
        notifications.on(CHANNEL, this::received, () -> { });
    }

    /** Announces new readings of {@code owner}; call after the transaction that stored them committed. */
    public void published(UUID owner) {
        if (watchers.containsKey(owner)) {
            dispatcher.execute(() -> dispatch(owner));
        }
        pending.add(owner);
    }

    /** Calls {@code watcher} with the owner id whenever the owner has new readings; returns how to stop. */
    public Runnable watch(UUID owner, Consumer<UUID> watcher) {
        watchers.computeIfAbsent(owner, k -> ConcurrentHashMap.newKeySet()).add(watcher);
        return () -> watchers.computeIfPresent(owner, (k, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<UUID> owners = new ArrayList<>();
        for (Iterator<UUID> it = pending.iterator(); it.hasNext(); ) {
            owners.add(it.next());
            it.remove();
        }
        try {
            jdbi.useTransaction(h -> {
                for (int i = 0; i < owners.size(); i += OWNERS_PER_NOTIFY) {
                    StringBuilder payload = new StringBuilder(node).append(' ');
                    for (int j = i; j < Math.min(owners.size(), i + OWNERS_PER_NOTIFY); j++) {
                        payload.append(j > i ? "," : "").append(owners.get(j));
                    }
                    Notifications.send(h, CHANNEL, payload.toString());
                }
            });
        } catch (RuntimeException e) {
            // Other nodes' live views miss this batch; their next refresh shows the readings anyway.
            log.warn("could not announce new readings to other nodes: {}",
                    org.mqcgm.server.platform.db.SafeErrors.describe(e));
        }
    }

    private void received(String payload) {
        int space = payload.indexOf(' ');
        if (space < 0 || payload.substring(0, space).equals(node)) {
            return; // ours: local watchers were told at once
        }
        for (String id : payload.substring(space + 1).split(",")) {
            try {
                UUID owner = UUID.fromString(id);
                if (watchers.containsKey(owner)) {
                    dispatcher.execute(() -> dispatch(owner));
                }
            } catch (IllegalArgumentException e) {
                log.debug("ignored a malformed reading announcement");
            }
        }
    }

    private void dispatch(UUID owner) {
        for (Consumer<UUID> w : watchers.getOrDefault(owner, Set.of())) {
            try {
                w.accept(owner);
            } catch (RuntimeException e) {
                log.debug("a watcher failed: {}", org.mqcgm.server.platform.db.SafeErrors.describe(e));
            }
        }
    }

    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        dispatcher.close();
    }
}
