package org.mqcgm.server.platform.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL {@code LISTEN}/{@code NOTIFY} between server nodes, on one connection of its own: features register
 * a handler per channel (cache invalidations, "new readings for X"), and send notifications inside their
 * transactions so that they are delivered only when — and if — it commits. Payloads carry ids, never personal
 * data. When the connection is lost, every handler's {@code lost} action runs (caches clear themselves, since
 * notifications may have been missed) and the listener reconnects.
 */
public final class Notifications implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Notifications.class);
    private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private record Handler(Consumer<String> onNotification, Runnable onLost) {
    }

    private final DataSource dataSource;
    private final Map<String, List<Handler>> handlers = new ConcurrentHashMap<>();
    private final java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean closed;
    private Thread listener;
    /** This listener's own channel: {@link #close} notifies it to wake the listener from its wait at once. */
    private final String stopChannel = "mqcgm_stop_"
            + java.util.HexFormat.of().toHexDigits(new java.security.SecureRandom().nextLong());

    public Notifications(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Registers a handler for a channel; call before {@link #start}. */
    public void on(String channel, Consumer<String> onNotification, Runnable onLost) {
        handlers.computeIfAbsent(checked(channel), k -> new CopyOnWriteArrayList<>())
                .add(new Handler(onNotification, onLost));
    }

    /** Sends a notification from inside the caller's transaction: delivered to every node when it commits. */
    public static void send(Handle h, String channel, String payload) {
        h.createQuery("select pg_notify(:channel, :payload)").bind("channel", checked(channel))
                .bind("payload", payload).mapTo(String.class).one();
    }

    /**
     * Starts listening on every registered channel and returns once the listener is subscribed (so nothing sent
     * after this returns is missed), or after 10 s if the database does not answer.
     */
    public synchronized void start() {
        if (listener != null || handlers.isEmpty()) {
            return;
        }
        listener = Thread.ofPlatform().daemon().name("pg-notifications").start(this::run);
        try {
            if (!listening.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                log.warn("notification listener is not subscribed yet; continuing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        boolean lostBefore = false;
        while (!closed) {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                for (String channel : handlers.keySet()) {
                    st.execute("listen " + channel);
                }
                st.execute("listen " + stopChannel);
                if (lostBefore) {
                    // Notices sent between the loss and these LISTENs were missed: clear again now that none is.
                    handlers.values().forEach(list -> list.forEach(h -> h.onLost().run()));
                    lostBefore = false;
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                listening.countDown();
                while (!closed) {
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            dispatch(n.getName(), n.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (closed) {
                    return;
                }
                log.warn("notification listener lost its connection; caches cleared: {}", SafeErrors.describe(e));
                handlers.values().forEach(list -> list.forEach(h -> h.onLost().run()));
                lostBefore = true;
                try {
                    Thread.sleep(1000); // back off before reconnecting; not a synchronisation
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void dispatch(String channel, String payload) {
        for (Handler h : handlers.getOrDefault(channel, List.of())) {
            try {
                h.onNotification().accept(payload);
            } catch (RuntimeException e) {
                log.warn("a handler of {} failed: {}", channel, SafeErrors.describe(e));
            }
        }
    }

    private static String checked(String channel) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("not a channel name: " + channel);
        }
        return channel;
    }

    @Override
    public void close() {
        closed = true;
        Thread t = listener;
        if (t != null) {
            // Wakes the listener from its wait for notifications (it would otherwise notice within half a second:
            // every server and test stop waited for that).
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                st.execute("notify " + stopChannel);
            } catch (SQLException e) {
                log.debug("cannot wake the notification listener; it stops within half a second");
            }
            try {
                t.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
