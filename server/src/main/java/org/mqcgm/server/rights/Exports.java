package org.mqcgm.server.rights;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.mqcgm.server.platform.crypto.UserKeys;

/**
 * The export requests and their archives ({@code export_job}, {@code export_chunk}). An archive is stored in chunks
 * of {@value #CHUNK} bytes, each encrypted with the owner's data key and bound to its export and position, so a
 * chunk cannot be moved, reordered or read without the key.
 */
final class Exports {

    /** How long a ready archive can be downloaded. */
    static final Duration KEPT = Duration.ofDays(7);
    /**
     * A running export whose node stopped reporting for this long is taken up again by another node (the worker
     * reports every {@link ExportWorker#HEARTBEAT} while it runs).
     */
    static final Duration STALE = Duration.ofMinutes(5);
    /** An export whose node stopped this many times (it crashed or hung on it) is marked failed, not tried again. */
    static final int MAX_ATTEMPTS = 3;
    static final int CHUNK = 1 << 20;
    /** How many times an archive can be downloaded (PR-70). */
    static final int DOWNLOADS = 5;

    enum Status { QUEUED, RUNNING, READY, FAILED, EXPIRED;

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One export request as stored; {@link #status(Instant)} says what it is at a given time. */
    record Job(UUID owner, UUID id, Status stored, double progress, Instant createdAt, Instant finishedAt,
               Instant expiresAt, Long archiveBytes, int downloads, int attempt) {

        Status status(Instant now) {
            return stored == Status.READY && (expiresAt != null && !now.isBefore(expiresAt) || downloads >= DOWNLOADS)
                    ? Status.EXPIRED : stored;
        }
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final Clock clock;

    Exports(Jdbi jdbi, UserKeys keys, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    private static OffsetDateTime at(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static final RowMapper<Job> JOB = (rs, ctx) -> new Job(rs.getObject("owner_id", UUID.class),
            rs.getObject("id", UUID.class), Status.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT)),
            rs.getDouble("progress"), instant(rs.getObject("created_at", OffsetDateTime.class)),
            instant(rs.getObject("finished_at", OffsetDateTime.class)),
            instant(rs.getObject("expires_at", OffsetDateTime.class)),
            rs.getObject("archive_bytes") == null ? null : rs.getLong("archive_bytes"), rs.getInt("downloads"),
            rs.getInt("attempts"));

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static final String COLUMNS =
            "owner_id, id, status, progress, created_at, finished_at, expires_at, archive_bytes, downloads, attempts";

    /** Queues an export; empty when the owner has one queued or running already (one at a time). */
    Optional<UUID> queue(UUID owner) {
        UUID id = UUID.randomUUID();
        int inserted = jdbi.withHandle(h -> h.createUpdate("""
                        insert into export_job (owner_id, id, status, created_at) values (:owner, :id, 'queued', :now)
                        on conflict (owner_id) where status in ('queued', 'running') do nothing""")
                .bind("owner", owner).bind("id", id).bind("now", at(now())).execute());
        return inserted == 1 ? Optional.of(id) : Optional.empty();
    }

    /** Self-service exports a person may ask for in {@link #WINDOW} (PR-75: more is a 429, not a refusal). */
    static final int PER_WINDOW = 3;
    static final Duration WINDOW = Duration.ofHours(24);

    /**
     * When the owner may ask for the next export, if the last {@link #PER_WINDOW} exports (failed ones do not count:
     * they were not the person's doing) were all asked for in the last {@link #WINDOW}; empty when they may now.
     */
    Optional<Instant> nextAllowed(UUID owner) {
        Instant now = now();
        java.util.List<Instant> recent = jdbi.withHandle(h -> h.createQuery("""
                        select created_at from export_job
                        where owner_id = :owner and created_at > :since and status <> 'failed'
                        order by created_at desc limit :n""")
                .bind("owner", owner).bind("since", at(now.minus(WINDOW))).bind("n", PER_WINDOW)
                .map((rs, ctx) -> rs.getObject(1, OffsetDateTime.class).toInstant()).list());
        return recent.size() < PER_WINDOW ? Optional.empty()
                : Optional.of(recent.get(PER_WINDOW - 1).plus(WINDOW));
    }

    /** The owner's export that is queued or running, if any. */
    Optional<Job> active(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS
                        + " from export_job where owner_id = :owner and status in ('queued', 'running')")
                .bind("owner", owner).map(JOB).findOne());
    }

    /** One export of the owner's; empty for anyone else's id. */
    Optional<Job> find(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS
                        + " from export_job where owner_id = :owner and id = :id")
                .bind("owner", owner).bind("id", id).map(JOB).findOne());
    }

    /** The owner's newest export, if any. */
    Optional<Job> latest(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS
                        + " from export_job where owner_id = :owner order by created_at desc, id limit 1")
                .bind("owner", owner).map(JOB).findOne());
    }

    long count(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from export_job where owner_id = :owner")
                .bind("owner", owner).mapTo(Long.class).one());
    }

    java.util.List<Job> all(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS
                        + " from export_job where owner_id = :owner order by created_at, id")
                .bind("owner", owner).map(JOB).list());
    }

    /**
     * This claim of an export was superseded: another node took the export up (its attempt number, the fencing
     * token, moved on) or it ended. Whatever the stale worker writes is refused; it stops.
     */
    static final class StaleClaim extends RuntimeException {
        StaleClaim(UUID id) {
            super("export " + id + " was taken up again elsewhere", null, false, false);
        }
    }

    /**
     * Claims the oldest queued export (or a running one whose node stopped reporting) for this node, and drops the
     * chunks an earlier, interrupted attempt wrote. Safe across nodes: the row is locked and skipped by every other
     * claimer until this transaction ends. The returned {@link Job#attempt} is the claim's fencing token: every later
     * write of the export names it and changes nothing once another claim has been made. An export whose node
     * stopped on it {@value #MAX_ATTEMPTS} times is marked failed instead of being claimed again.
     */
    Optional<Job> claim() {
        Instant now = now();
        return jdbi.inTransaction(h -> {
            h.createUpdate("""
                            with dead as (
                                update export_job set status = 'failed', finished_at = :now
                                where (owner_id, id) in (
                                    select owner_id, id from export_job
                                    where status = 'running' and heartbeat_at < :stale and attempts >= :max
                                    for update skip locked)
                                returning owner_id, id)
                            delete from export_chunk c using dead
                            where c.owner_id = dead.owner_id and c.export_id = dead.id""")
                    .bind("now", at(now)).bind("stale", at(now.minus(STALE))).bind("max", MAX_ATTEMPTS).execute();
            Optional<Job> job = h.createQuery("""
                            update export_job set status = 'running', started_at = :now, heartbeat_at = :now,
                                   progress = 0, attempts = attempts + 1
                            where (owner_id, id) = (
                                select owner_id, id from export_job
                                where status = 'queued'
                                   or (status = 'running' and heartbeat_at < :stale and attempts < :max)
                                order by created_at limit 1 for update skip locked)
                            returning\s""" + COLUMNS)
                    .bind("now", at(now)).bind("stale", at(now.minus(STALE))).bind("max", MAX_ATTEMPTS)
                    .map(JOB).findOne();
            job.ifPresent(j -> h.createUpdate("delete from export_chunk where owner_id = :owner and export_id = :id")
                    .bind("owner", j.owner()).bind("id", j.id()).execute());
            return job;
        });
    }

    /** Records progress (and that the node is alive); false when the claim is stale. */
    boolean progress(Job claim, double progress) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update export_job set progress = :p, heartbeat_at = :now
                        where owner_id = :owner and id = :id and status = 'running' and attempts = :attempt""")
                .bind("p", Math.max(0, Math.min(1, progress))).bind("now", at(now()))
                .bind("owner", claim.owner()).bind("id", claim.id()).bind("attempt", claim.attempt())
                .execute()) == 1;
    }

    /** Records that the node is still working on the export; false when the claim is stale. */
    boolean heartbeat(Job claim) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update export_job set heartbeat_at = :now
                        where owner_id = :owner and id = :id and status = 'running' and attempts = :attempt""")
                .bind("now", at(now())).bind("owner", claim.owner()).bind("id", claim.id())
                .bind("attempt", claim.attempt()).execute()) == 1;
    }

    /** Marks the archive ready; false (nothing changed) when the claim is stale. */
    boolean ready(Job claim, long bytes) {
        Instant now = now();
        return jdbi.withHandle(h -> h.createUpdate("""
                        update export_job set status = 'ready', progress = 1, finished_at = :now, expires_at = :expires,
                               archive_bytes = :bytes
                        where owner_id = :owner and id = :id and status = 'running' and attempts = :attempt""")
                .bind("now", at(now)).bind("expires", at(now.plus(KEPT))).bind("bytes", bytes)
                .bind("owner", claim.owner()).bind("id", claim.id()).bind("attempt", claim.attempt())
                .execute()) == 1;
    }

    /**
     * Marks an export failed and drops whatever part of its archive was written; nothing changes (false) when the
     * claim is stale: the archive is then another node's.
     */
    boolean failed(Job claim) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("""
                            update export_job set status = 'failed', finished_at = :now
                            where owner_id = :owner and id = :id and status = 'running' and attempts = :attempt""")
                    .bind("now", at(now())).bind("owner", claim.owner()).bind("id", claim.id())
                    .bind("attempt", claim.attempt()).execute();
            if (n == 1) {
                h.createUpdate("delete from export_chunk where owner_id = :owner and export_id = :id")
                        .bind("owner", claim.owner()).bind("id", claim.id()).execute();
            }
            return n == 1;
        });
    }

    /**
     * Deletes the archives of exports that expired (and of failed ones) and marks them expired; returns how many
     * exports lost their archive.
     */
    int purgeExpired() {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("""
                            update export_job set status = 'expired'
                            where status = 'ready' and (expires_at <= :now or downloads >= :max)""")
                    .bind("max", DOWNLOADS)
                    .bind("now", at(now())).execute();
            h.createUpdate("""
                    delete from export_chunk c using export_job j
                    where j.owner_id = c.owner_id and j.id = c.export_id and j.status in ('expired', 'failed')""")
                    .execute();
            return n;
        });
    }

    /**
     * Counts one download of a ready, unexpired archive; false when it may not be downloaded any more (7 days passed,
     * or {@value #DOWNLOADS} downloads made). Counted before the download, so parallel requests cannot exceed it.
     */
    boolean countDownload(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update export_job set downloads = downloads + 1
                        where owner_id = :owner and id = :id and status = 'ready' and expires_at > :now
                          and downloads < :max""")
                .bind("owner", owner).bind("id", id).bind("now", at(now())).bind("max", DOWNLOADS).execute()) == 1;
    }

    private static String context(UUID id, int seq) {
        return "rights.export:" + id + ":" + seq;
    }

    /**
     * Where an export's archive is written under a claim: chunks encrypted and inserted as they fill, each only
     * while the claim holds ({@link StaleClaim} otherwise).
     */
    OutputStream writer(Job claim) {
        return new ChunkWriter(claim);
    }

    /** Writes the owner's archive to {@code out}, chunk by chunk. */
    void read(UUID owner, UUID id, OutputStream out) throws IOException {
        int chunks = jdbi.withHandle(h -> h.createQuery(
                        "select count(*) from export_chunk where owner_id = :owner and export_id = :id")
                .bind("owner", owner).bind("id", id).mapTo(Integer.class).one());
        for (int seq = 0; seq < chunks; seq++) {
            int s = seq;
            byte[] data = jdbi.withHandle(h -> h.createQuery("""
                            select data from export_chunk where owner_id = :owner and export_id = :id and seq = :seq""")
                    .bind("owner", owner).bind("id", id).bind("seq", s).mapTo(byte[].class).one());
            out.write(keys.decrypt(owner, context(id, seq), data));
        }
    }

    private final class ChunkWriter extends OutputStream {
        private final UUID owner;
        private final UUID id;
        private final int attempt;
        private final byte[] buffer = new byte[CHUNK];
        private int used;
        private int seq;
        private long total;
        private boolean closed;

        ChunkWriter(Job claim) {
            this.owner = claim.owner();
            this.id = claim.id();
            this.attempt = claim.attempt();
        }

        @Override
        public void write(int b) {
            if (used == buffer.length) {
                store();
            }
            buffer[used++] = (byte) b;
            total++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (used == buffer.length) {
                    store();
                }
                int n = Math.min(len, buffer.length - used);
                System.arraycopy(b, off, buffer, used, n);
                used += n;
                off += n;
                len -= n;
                total += n;
            }
        }

        private void store() {
            byte[] sealed = keys.encrypt(owner, context(id, seq), java.util.Arrays.copyOf(buffer, used));
            int s = seq;
            // The job's row is share-locked while the chunk goes in: a new claim (which locks it for update and
            // drops the chunks) waits for this insert, or this insert sees the new attempt and writes nothing.
            jdbi.useTransaction(h -> {
                Optional<Integer> current = h.createQuery("""
                                select attempts from export_job
                                where owner_id = :owner and id = :id and status = 'running' for share""")
                        .bind("owner", owner).bind("id", id).mapTo(Integer.class).findOne();
                if (current.isEmpty() || current.get() != attempt) {
                    throw new StaleClaim(id);
                }
                h.createUpdate("""
                                insert into export_chunk (owner_id, export_id, seq, data)
                                values (:owner, :id, :seq, :data)""")
                        .bind("owner", owner).bind("id", id).bind("seq", s).bind("data", sealed).execute();
            });
            seq++;
            used = 0;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (used > 0) {
                    store();
                }
            }
        }

        long total() {
            return total;
        }
    }

    static long size(OutputStream writer) {
        return ((ChunkWriter) writer).total();
    }
}
