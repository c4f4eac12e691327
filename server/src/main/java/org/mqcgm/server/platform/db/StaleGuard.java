package org.mqcgm.server.platform.db;

import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;

/**
 * Keeps an in-memory cache of database state from holding what a concurrent change made stale (the API-token and
 * consent caches). Two races it closes:
 * <ul>
 *   <li>a change invalidates inside its transaction, and a request that reads the old, still committed state in
 *       between caches it: {@link #againAfterCommit} invalidates once more when the change is visible;</li>
 *   <li>a load that began before an invalidation puts its result after it: the loader takes {@link #mark()} before
 *       reading, puts, then drops the entry if {@link #changedSince} — checked after the put, so an invalidation
 *       that runs later removes the entry itself.</li>
 * </ul>
 * Every invalidation calls {@link #invalidating()} first.
 */
public final class StaleGuard {

    private final AtomicLong invalidations = new AtomicLong();

    /** Taken by a loader before it reads the database. */
    public long mark() {
        return invalidations.get();
    }

    /** Whether anything was invalidated since {@code mark} (the loaded entry may be stale: drop it). */
    public boolean changedSince(long mark) {
        return invalidations.get() != mark;
    }

    /** Called by every invalidation, before it removes entries. */
    public void invalidating() {
        invalidations.incrementAndGet();
    }

    /**
     * Forgets, on this node, what another node's change on {@code channel} made stale: a notice naming an owner
     * (a UUID) forgets that owner's entries ({@code forget}, which calls {@link #invalidating()} itself); any other
     * notice, and a lost connection to the database (notices may have been missed), forget everything.
     */
    public void listen(Notifications notifications, String channel, java.util.function.Consumer<java.util.UUID> forget,
                       Runnable forgetAll) {
        Runnable all = () -> {
            invalidating();
            forgetAll.run();
        };
        notifications.on(channel, payload -> {
            java.util.UUID owner;
            try {
                owner = java.util.UUID.fromString(payload);
            } catch (IllegalArgumentException e) {
                all.run();
                return;
            }
            forget.accept(owner);
        }, all);
    }

    /** Runs {@code invalidate} again once {@code h}'s transaction committed (nothing outside a transaction). */
    public static void againAfterCommit(Handle h, Runnable invalidate) {
        if (h.isInTransaction()) {
            h.afterCommit(invalidate);
        }
    }
}
