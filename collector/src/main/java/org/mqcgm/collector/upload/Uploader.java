package org.mqcgm.collector.upload;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.mqcgm.collector.CollectorMetrics;
import org.mqcgm.collector.queue.JournalEntry;
import org.mqcgm.collector.queue.ReadingJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the queue to one target: takes the oldest pending readings in batches, sends them, and moves the
 * target's upload position only after the target confirmed the batch (for the mqcgm API: a 200 or 422 answer
 * whose counts are read). Failures wait with {@link Backoff} and retry the same batch; a crash between the
 * answer and the acknowledgement only causes a resend, which the server counts as duplicates. Nothing is lost
 * and nothing is stored twice.
 */
public final class Uploader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Uploader.class);

    private final ReadingJournal journal;
    private final UploadTarget target;
    private final CollectorMetrics metrics;
    private final Backoff backoff;
    private final Thread thread;
    private final Object sleep = new Object();
    private volatile boolean closed;
    private int batchSize;

    public Uploader(ReadingJournal journal, UploadTarget target, CollectorMetrics metrics, Backoff backoff,
                    int batchSize) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.target = Objects.requireNonNull(target, "target");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        this.batchSize = batchSize;
        this.thread = new Thread(this::run, "uploader-" + target.id());
        this.thread.setDaemon(true);
    }

    public Uploader start() {
        thread.start();
        return this;
    }

    private void run() {
        boolean failing = false;
        while (!closed) {
            try {
                List<JournalEntry> batch = journal.pending(target.id(), batchSize);
                metrics.set(CollectorMetrics.QUEUE_PENDING, journal.pendingCount(target.id()), "target", target.id());
                if (batch.isEmpty()) {
                    journal.awaitPending(target.id(), 1000);
                    continue;
                }
                UploadTarget.Outcome outcome = target.upload(batch);
                if (outcome.tooLarge()) {
                    batchSize = Math.max(1, batchSize / 2);
                    log.info("upload to {}: batch too large, now {} per batch", target.id(), batchSize);
                    continue;
                }
                journal.ack(target.id(), batch.get(batch.size() - 1).seq());
                metrics.add(CollectorMetrics.UPLOADED, outcome.accepted(), "target", target.id());
                metrics.add(CollectorMetrics.UPLOAD_DUPLICATES, outcome.duplicates(), "target", target.id());
                metrics.add(CollectorMetrics.UPLOAD_REJECTED, outcome.rejected(), "target", target.id());
                metrics.set(CollectorMetrics.QUEUE_PENDING, journal.pendingCount(target.id()), "target", target.id());
                if (outcome.rejected() > 0) {
                    log.warn("upload to {}: {} readings refused by the target and dropped", target.id(),
                            outcome.rejected());
                }
                if (failing) {
                    log.info("upload to {} works again", target.id());
                    failing = false;
                }
                log.info("uploaded {} readings to {} ({} new, {} already there); {} waiting", batch.size(),
                        target.id(), outcome.accepted(), outcome.duplicates(), journal.pendingCount(target.id()));
                backoff.reset();
            } catch (IOException e) {
                metrics.increment(CollectorMetrics.UPLOAD_FAILURES, "target", target.id());
                Duration wait = backoff.next();
                if (!failing || backoff.failures() % 10 == 0) {
                    log.warn("upload to {} failed ({}); retrying in {} ms", target.id(), oneLine(e), wait.toMillis());
                }
                failing = true;
                pause(wait);
            } catch (InterruptedException e) {
                return;
            } catch (IllegalStateException e) {
                if (closed) {
                    return;
                }
                throw e;
            }
        }
    }

    private static String oneLine(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("[\\r\\n]+", " ");
    }

    private void pause(Duration d) {
        synchronized (sleep) {
            if (!closed) {
                try {
                    sleep.wait(Math.max(1, d.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (sleep) {
            sleep.notifyAll();
        }
        try {
            // no interrupt first: it would close the journal's FileChannel in the middle of a write
            thread.join(3_000);
            if (thread.isAlive()) {
                thread.interrupt();
            }
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
