package org.mqcgm.server.glucose;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * Commit coalescing of live uploads: concurrent small uploads (of different wearers, or of the same one) are
 * gathered for up to {@link Settings#waitMicros} or {@link Settings#maxItems} items and committed in one
 * transaction, so many uploads share one WAL flush; each caller waits for that commit and gets its own result.
 *
 * <ul>
 *   <li><b>Isolation.</b> Items are validated before they are queued. If anything fails inside the shared
 *       transaction (an item's own error, a deadlock, a lost connection) the transaction is rolled back and every
 *       item of the batch is run again in a transaction of its own: an item that fails then fails alone, with its
 *       own error, and the others are stored. An item's work is therefore written to be run again from scratch.</li>
 *   <li><b>Ordering and idempotency.</b> An item does exactly what an uncoalesced upload does in its transaction
 *       (the same statements, {@code ON CONFLICT DO NOTHING}, the Idempotency-Key replay); items of one owner keep
 *       their arrival order; items are taken in owner order, so two committers always lock wearers' rows in the same
 *       order (no deadlock between batches).</li>
 *   <li><b>Durability.</b> A caller is answered only after the commit that holds its readings returned.</li>
 *   <li><b>Bounds.</b> A fixed queue ({@link Settings#queue} items): a caller that finds it full waits up to a
 *       second, then gets a 503 problem with Retry-After. A fixed number of committer threads. {@link #close()}
 *       stops taking items, commits what is queued, and stops the threads.</li>
 * </ul>
 */
final class UploadCommitter implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(UploadCommitter.class);

    /**
     * The settings ({@code MQCGM_UPLOAD_COALESCE*}, from the environment or the config file).
     *
     * @param enabled    coalesce live uploads ({@code MQCGM_UPLOAD_COALESCE=on|off}, default on)
     * @param committers committer threads, each committing one batch at a time
     *                   ({@code MQCGM_UPLOAD_COALESCE_COMMITTERS}, default 4: each holds a pooled
     *                   connection while it commits)
     * @param maxItems   uploads committed together at most ({@code MQCGM_UPLOAD_COALESCE_MAX}, default 64)
     * @param waitMicros how long a committer waits for more uploads after the first of a batch
     *                   ({@code MQCGM_UPLOAD_COALESCE_WAIT_US}, default 1000)
     * @param queue      uploads waiting at most ({@code MQCGM_UPLOAD_COALESCE_QUEUE}, default 4096)
     */
    record Settings(boolean enabled, int committers, int maxItems, long waitMicros, int queue) {

        static final Settings DEFAULT = new Settings(true, 4, 64, 1000, 4096);

        Settings {
            if (committers < 1 || committers > 64) {
                throw new IllegalArgumentException("MQCGM_UPLOAD_COALESCE_COMMITTERS must be 1 to 64");
            }
            if (maxItems < 1 || maxItems > 10_000) {
                throw new IllegalArgumentException("MQCGM_UPLOAD_COALESCE_MAX must be 1 to 10000");
            }
            if (waitMicros < 0 || waitMicros > 100_000) {
                throw new IllegalArgumentException("MQCGM_UPLOAD_COALESCE_WAIT_US must be 0 to 100000");
            }
            if (queue < 1 || queue > 1_000_000) {
                throw new IllegalArgumentException("MQCGM_UPLOAD_COALESCE_QUEUE must be 1 to 1000000");
            }
        }

        /** The settings of a flat map of {@code MQCGM_*} settings; absent ones take their defaults. */
        static Settings from(Map<String, String> s) {
            String on = s.getOrDefault("MQCGM_UPLOAD_COALESCE", "on").trim().toLowerCase(java.util.Locale.ROOT);
            if (!on.equals("on") && !on.equals("off")) {
                throw new IllegalArgumentException("MQCGM_UPLOAD_COALESCE must be on or off (got '" + on + "')");
            }
            return new Settings(on.equals("on"), number(s, "MQCGM_UPLOAD_COALESCE_COMMITTERS", DEFAULT.committers),
                    number(s, "MQCGM_UPLOAD_COALESCE_MAX", DEFAULT.maxItems),
                    number(s, "MQCGM_UPLOAD_COALESCE_WAIT_US", (int) DEFAULT.waitMicros),
                    number(s, "MQCGM_UPLOAD_COALESCE_QUEUE", DEFAULT.queue));
        }

        private static int number(Map<String, String> s, String key, int absent) {
            String v = s.get(key);
            if (v == null || v.isBlank()) {
                return absent;
            }
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number (got '" + v + "')");
            }
        }
    }

    /** One queued upload: its owner (for the lock order), its work in a transaction, and its caller's answer. */
    private record Item<T>(UUID owner, Function<Handle, T> work, CompletableFuture<T> done) {
    }

    private final Jdbi jdbi;
    private final Settings settings;
    private final BlockingQueue<Item<?>> queue;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closing;
    /** Uploads per shared commit, for operators ({@code mqcgm.uploads.coalesced}). */
    private final io.micrometer.core.instrument.DistributionSummary perCommit;

    UploadCommitter(Jdbi jdbi, Settings settings, io.micrometer.core.instrument.MeterRegistry meters) {
        this.jdbi = jdbi;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queue());
        this.perCommit = io.micrometer.core.instrument.DistributionSummary.builder("mqcgm.uploads.coalesced")
                .description("live uploads committed in one transaction").register(meters);
        io.micrometer.core.instrument.Gauge.builder("mqcgm.uploads.queued", queue, java.util.Collection::size)
                .description("live uploads waiting for their commit").register(meters);
        for (int i = 0; i < settings.committers(); i++) {
            Thread t = new Thread(this::run, "upload-committer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /**
     * Runs {@code work} in a transaction shared with other uploads and returns its result once that transaction
     * committed; rethrows what the work threw when it was run alone.
     */
    <T> T commit(UUID owner, Function<Handle, T> work) {
        Item<T> item = new Item<>(owner, work, new CompletableFuture<>());
        try {
            if (closing || !queue.offer(item, 1, TimeUnit.SECONDS)) {
                throw new ProblemException(Problem.of(503, "uploads-busy", "Too many uploads at once",
                        "The server is taking more uploads than it can store right now; nothing of this one was "
                                + "stored. Send it again shortly.").with("retryAfter", 1));
            }
            return item.done().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ProblemException(Problem.of(503, "uploads-busy", "Too many uploads at once",
                    "The upload was not confirmed in time; send it again (readings already stored are not stored "
                            + "twice).").with("retryAfter", 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the upload's commit", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void run() {
        List<Item<?>> batch = new ArrayList<>(settings.maxItems());
        while (true) {
            try {
                Item<?> first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, settings.maxItems() - batch.size());
                long deadline = System.nanoTime() + settings.waitMicros() * 1000;
                while (batch.size() < settings.maxItems()) {
                    long left = deadline - System.nanoTime();
                    Item<?> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    queue.drainTo(batch, settings.maxItems() - batch.size());
                }
                commit(batch);
            } catch (InterruptedException e) {
                // close() interrupts only after the queue is empty; answer anything taken, then stop
                commit(batch);
                return;
            } catch (RuntimeException | Error e) {
                for (Item<?> i : batch) {
                    i.done().completeExceptionally(e);
                }
                log.error("upload committer failed a batch: {}",
                        org.mqcgm.server.platform.db.SafeErrors.describe(e));
            } finally {
                batch.clear();
            }
        }
    }

    /** Commits {@code batch} in one transaction; if that fails, each item in a transaction of its own. */
    private void commit(List<Item<?>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        // Owner order (stable: one owner's uploads keep their arrival order) — the same lock order in every batch.
        batch.sort(Comparator.comparing(Item::owner));
        Object[] results = new Object[batch.size()];
        try {
            jdbi.useTransaction(h -> {
                for (int i = 0; i < batch.size(); i++) {
                    results[i] = batch.get(i).work().apply(h);
                }
            });
        } catch (RuntimeException shared) {
            if (batch.size() > 1) {
                log.debug("a coalesced upload commit failed; committing its {} uploads one by one", batch.size());
            }
            for (Item<?> item : batch) {
                alone(item);
            }
            return;
        }
        perCommit.record(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i]);
        }
    }

    /** Uploads waiting for a committer now. */
    int queued() {
        return queue.size();
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Item<T> item, Object result) {
        item.done().complete((T) result);
    }

    private <T> void alone(Item<T> item) {
        try {
            item.done().complete(jdbi.inTransaction(h -> item.work().apply(h)));
        } catch (RuntimeException | Error e) {
            item.done().completeExceptionally(e);
        }
    }

    /** Stops taking uploads, commits those queued, and stops the committers (waiting up to 10 s). */
    @Override
    public void close() {
        closing = true;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        Item<?> left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new ProblemException(Problem.of(503, "shutting-down",
                    "Shutting down", "The server is stopping; nothing of this upload was stored. Send it again.")
                    .with("retryAfter", 1)));
        }
    }
}
