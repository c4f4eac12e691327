package org.mqcgm.server.glucose;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "A new reading arrived for user X", delivered to whoever watches X (the Server-Sent Events streams of the Today
 * page and of apps), on every server node: each upload sends a PostgreSQL {@code NOTIFY} after its commit, and every
 * node's listener tells its local watchers. The notification carries only the owner id — never a glucose value —
 * and watchers read the reading through the normal, authorised path.
 */
public final class ReadingEvents implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReadingEvents.class);
    static final String CHANNEL = "mqcgm_readings";

    private final Jdbi jdbi;
    private final Map<UUID, Set<Consumer<UUID>>> watchers = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private Thread listener;

    public ReadingEvents(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Starts the listener on its own connection. */
    public void listen(DataSource dataSource) {
        listener = Thread.ofPlatform().daemon().name("reading-events").start(() -> {
            while (!closed) {
                try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                    st.execute("listen " + CHANNEL);
                    PGConnection pg = c.unwrap(PGConnection.class);
                    while (!closed) {
                        PGNotification[] notes = pg.getNotifications(500);
                        if (notes != null) {
                            for (PGNotification n : notes) {
                                dispatch(UUID.fromString(n.getParameter()));
                            }
                        }
                    }
                } catch (SQLException | IllegalArgumentException e) {
                    if (!closed) {
                        log.warn("reading event listener lost its connection: {}", e.getMessage());
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            }
        });
    }

    /** Announces new readings of {@code owner} (after the transaction that stored them committed). */
    public void published(UUID owner) {
        jdbi.useHandle(h -> h.createQuery("select pg_notify('" + CHANNEL + "', :owner)")
                .bind("owner", owner.toString()).mapTo(String.class).one());
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

    @Override
    public void close() {
        closed = true;
        if (listener != null) {
            try {
                listener.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
