package org.mqcgm.server.rights;

import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.mqcgm.server.platform.db.SafeErrors;
import org.mqcgm.server.platform.rights.PersonalData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued exports on this node: one thread claims the oldest queued export ({@link Exports#claim}, safe across
 * nodes), asks every feature's {@link PersonalData} to write its files in turn, reports progress after each, and
 * stores the archive. It is woken at once when this node queues an export and looks for work every
 * {@value #POLL_SECONDS} seconds anyway (exports queued on another node, exports of a node that stopped).
 *
 * <p>While an export runs, a timer reports every {@link #HEARTBEAT} that this node is still at it, so a long
 * feature is not mistaken for a dead node. Every write names the claim's attempt number (the fencing token): once
 * another node took the export up, this node's writes change nothing and it stops. Nothing a feature throws — an
 * {@link Error} included — ends the worker thread.
 */
final class ExportWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExportWorker.class);
    static final int POLL_SECONDS = 5;
    /** How often a running export reports that its node is alive (well under {@link Exports#STALE}). */
    static final java.time.Duration HEARTBEAT = java.time.Duration.ofSeconds(30);

    static final String README_INTRO = """
            mqcgm: a copy of everything this server holds about you

            This archive was made at your request. Each file below is one kind of data, in an open format:
            CSV (comma-separated, header row first, UTF-8) or JSON (UTF-8). Times are ISO-8601; glucose is in mg/dL.
            Secrets (your password hash, two-factor secret, token and session secrets) are never part of it.
            中文说明：本压缩包包含本服务器保存的关于您的全部数据。每个文件的说明见下（英文）。时间为 ISO-8601 格式，血糖单位为 mg/dL。""";

    private final Exports exports;
    private final Supplier<List<PersonalData>> sources;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private final java.util.concurrent.ScheduledExecutorService heartbeats =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("mqcgm-export-heartbeat").daemon().factory());
    private volatile boolean running = true;

    ExportWorker(Exports exports, Supplier<List<PersonalData>> sources) {
        this.exports = exports;
        this.sources = sources;
        this.thread = Thread.ofPlatform().name("mqcgm-exports").daemon().unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    /** Something was queued on this node: look now. */
    void wake() {
        wake.release();
    }

    private void loop() {
        while (running) {
            try {
                Optional<Exports.Job> job;
                while (running && (job = exports.claim()).isPresent()) {
                    run(job.get());
                }
                wake.tryAcquire(POLL_SECONDS, TimeUnit.SECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                if (!running) {
                    return;
                }
                log.warn("export worker: {}", SafeErrors.describe(e));
                try {
                    wake.tryAcquire(POLL_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Writes one export's archive under its claim; a failure marks it failed and keeps nothing of it. When the claim
     * turns out stale (another node took the export up), this node stops and leaves the export to the other.
     */
    void run(Exports.Job job) {
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicBoolean lost = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> beat = heartbeats.scheduleAtFixedRate(() -> {
            try {
                if (!exports.heartbeat(job)) {
                    lost.set(true);
                }
            } catch (RuntimeException e) {
                log.warn("export {} heartbeat: {}", job.id(), SafeErrors.describe(e));
            }
        }, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            List<PersonalData> all = sources.get();
            OutputStream out = exports.writer(job);
            ZipArchive zip = new ZipArchive(out, exports.now());
            for (int i = 0; i < all.size(); i++) {
                all.get(i).export(job.owner(), zip);
                if (lost.get() || !exports.progress(job, (i + 1.0) / (all.size() + 1))) {
                    throw new Exports.StaleClaim(job.id());
                }
            }
            zip.finish(README_INTRO);
            if (!exports.ready(job, Exports.size(out))) {
                throw new Exports.StaleClaim(job.id());
            }
            log.info("export {} ready: {} files, {} bytes in {} ms", job.id(), zip.files().size() + 1,
                    Exports.size(out), (System.nanoTime() - start) / 1_000_000);
        } catch (Throwable e) {
            if (stale(e)) {
                log.info("export {} (attempt {}) was taken up by another node; this node stops", job.id(),
                        job.attempt());
                return;
            }
            log.warn("export {} failed: {}", job.id(), SafeErrors.describe(e));
            try {
                exports.failed(job);
            } catch (RuntimeException again) {
                log.warn("export {} could not be marked failed: {}", job.id(), SafeErrors.describe(again));
            }
        } finally {
            beat.cancel(false);
        }
    }

    private static boolean stale(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Exports.StaleClaim) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        running = false;
        wake.release();
        heartbeats.shutdownNow();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
