package org.mqcgm.server.cancellation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.SafeErrors;
import org.mqcgm.server.platform.security.AccountClosure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancelling accounts. {@link #request} closes the account at once (every credential stops) and queues its
 * erasure; {@link #eraseDue} — the recurring job, run on whichever node takes each queued row first ({@code FOR
 * UPDATE SKIP LOCKED}, so nodes never erase the same account twice or wait on each other) — erases one account per
 * transaction: it destroys the person's data key, deletes the account row (every table holding their rows references
 * it {@code on delete cascade}; the consent ledger allows it through {@code mqcgm.erasure}), leaves a tombstone that
 * does not name the account, writes the id to the {@link DeletionLedger} and, after the commit, confirms it to the
 * address read before the erasure.
 */
final class Cancellations {

    private static final Logger log = LoggerFactory.getLogger(Cancellations.class);

    /** The promise: an account is erased at most this long after its cancellation was confirmed (PR-87). */
    static final Duration PROMISE = Duration.ofHours(24);
    /** Operators are alarmed when a cancellation waits longer than this. */
    static final Duration ALARM = Duration.ofHours(20);
    /** Accounts erased per job run at most (the job runs again shortly). */
    static final int BATCH = 200;

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final AccountClosure accounts;
    private final DeletionLedger ledger;
    private final CancellationMail mail;
    private final Clock clock;
    private final AtomicLong oldestPendingSeconds = new AtomicLong();
    private final AtomicLong overdue = new AtomicLong();

    private final org.mqcgm.server.platform.consent.Consents consents;

    Cancellations(Jdbi jdbi, UserKeys keys, AccountClosure accounts, DeletionLedger ledger, CancellationMail mail,
                  Clock clock) {
        this(jdbi, keys, accounts, ledger, mail, clock, null);
    }

    /**
     * @param consents the consent port, to withdraw every consent when the account closes (the command-line
     *                 administration builds its own over the same ledger; null only in tests of other rules)
     */
    Cancellations(Jdbi jdbi, UserKeys keys, AccountClosure accounts, DeletionLedger ledger, CancellationMail mail,
                  Clock clock, org.mqcgm.server.platform.consent.Consents consents) {
        this.consents = consents;
        this.jdbi = jdbi;
        this.keys = keys;
        this.accounts = accounts;
        this.ledger = ledger;
        this.mail = mail;
        this.clock = clock;
    }

    /** Who asked for the cancellation. */
    enum Channel {
        SELF("self"), OPERATOR("operator");

        final String id;

        Channel(String id) {
            this.id = id;
        }
    }

    /**
     * Closes the account and queues its erasure, in one transaction; returns when the erasure will be complete at
     * the latest. Asking again keeps the first request (and its deadline).
     */
    Instant request(UUID owner, Channel channel, String reason) {
        Instant now = clock.instant();
        Instant completeBy = jdbi.inTransaction(h -> {
            accounts.close(h, owner);
            return h.createQuery("""
                            insert into account_cancellation (owner_id, requested_at, complete_by, channel, reason)
                            values (:owner, :now, :by, :channel, :reason)
                            on conflict (owner_id) do update set owner_id = account_cancellation.owner_id
                            returning complete_by""")
                    .bind("owner", owner).bind("now", utc(now)).bind("by", utc(now.plus(PROMISE)))
                    .bind("channel", channel.id).bind("reason", reason)
                    .mapTo(OffsetDateTime.class).one().toInstant();
        });
        // A closed account shares, publishes and processes nothing more while it waits for erasure: every consent
        // it gave is withdrawn now, so followers' and clinician links' access ends at once (their open streams
        // close on every node) and its community posts leave other people's feeds.
        if (consents != null) {
            for (org.mqcgm.server.platform.consent.Consents.Purpose purpose
                    : org.mqcgm.server.platform.consent.Consents.Purpose.optionalOnes()) {
                if (consents.granted(owner, purpose)) {
                    consents.record(owner, purpose, false, "cancellation");
                }
            }
        }
        // In the ledger from now on, not only once erased: if the database is lost before the job erases the
        // account, a restore of an older backup still erases it (the id may be listed twice; replay is idempotent).
        try {
            ledger.append(owner);
        } catch (RuntimeException e) {
            // The cancellation stands (the account is closed and queued); the erasure writes the ledger again and
            // cannot commit without it, so a broken ledger shows as a stuck erasure and its alarm.
            log.error("cannot write a requested cancellation to the deletion ledger: {}", SafeErrors.describe(e));
        }
        return completeBy;
    }

    /** The accounts whose cancellation waits for erasure (a restore erases them at once). */
    List<UUID> pendingAccounts() {
        return jdbi.withHandle(h -> h.createQuery("select owner_id from account_cancellation order by requested_at")
                .mapTo(UUID.class).list());
    }

    /** Whether the account waits for erasure. */
    boolean pending(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from account_cancellation where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one()) > 0;
    }

    /**
     * The job: erases queued accounts, one transaction each, those tried fewest times first, then the oldest; returns
     * how many it erased. An account whose erasure fails is counted ({@code attempts}, {@code last_error}) in a
     * transaction of its own and the job goes on with the others; it fails at the end (with the first failure) so the
     * scheduler's log shows it, and the failed account is tried again at the next run.
     */
    int eraseDue() {
        int erased = 0;
        List<UUID> tried = new ArrayList<>();
        RuntimeException failure = null;
        try {
            while (tried.size() < BATCH) {
                UUID[] picked = new UUID[1];
                Optional<Erased> done;
                try {
                    done = eraseOne(tried, picked);
                } catch (RuntimeException e) {
                    if (picked[0] == null) {
                        throw e; // the queue itself cannot be read: nothing to go on with
                    }
                    tried.add(picked[0]);
                    recordFailure(picked[0], e);
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(SafeErrors.scrub(e));
                    }
                    continue;
                }
                if (done.isEmpty()) {
                    break;
                }
                tried.add(done.get().account());
                erased++;
                done.get().contact().ifPresent(mail::confirm);
            }
        } finally {
            // Also when an erasure failed: the gauges and the alarm tell operators a cancellation is stuck.
            measure();
        }
        if (failure != null) {
            log.warn("job erased {} account(s); {} erasure(s) failed and will be retried", erased,
                    1 + failure.getSuppressed().length);
            throw failure;
        }
        return erased;
    }

    private record Erased(UUID account, Optional<AccountClosure.Contact> contact) {
    }

    /** Counts a failed erasure, in its own transaction; the error is kept as its class (and SQL state) only. */
    private void recordFailure(UUID owner, RuntimeException e) {
        String error = SafeErrors.classOnly(e);
        try {
            jdbi.useTransaction(h -> h.createUpdate("""
                            update account_cancellation
                            set attempts = attempts + 1, last_attempt_at = :now, last_error = :error
                            where owner_id = :owner""")
                    .bind("now", utc(clock.instant()))
                    .bind("error", error.length() > 300 ? error.substring(0, 300) : error)
                    .bind("owner", owner)
                    .execute());
        } catch (RuntimeException again) {
            log.warn("cannot count a failed erasure: {}", SafeErrors.describe(again));
        }
    }

    private Optional<Erased> eraseOne(List<UUID> tried, UUID[] picked) {
        return jdbi.inTransaction(h -> {
            Optional<UUID> next = h.createQuery("""
                            select owner_id from account_cancellation where owner_id <> all(:tried)
                            order by attempts, requested_at
                            limit 1 for update skip locked""")
                    .bindArray("tried", UUID.class, tried)
                    .mapTo(UUID.class).findOne();
            if (next.isEmpty()) {
                return Optional.<Erased>empty();
            }
            UUID owner = next.get();
            picked[0] = owner;
            Optional<AccountClosure.Contact> contact = contact(owner);
            h.execute("set local mqcgm.erasure = 'on'");
            keys.destroy(h, owner);
            erase(h, owner);
            h.createUpdate("insert into cancellation_tombstone (id, erased_on) values (:id, :on)")
                    .bind("id", UUID.randomUUID())
                    .bind("on", LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC))
                    .execute();
            // On disk before the commit: a crash now leaves an id to erase again, never a missed erasure.
            ledger.append(owner);
            return Optional.of(new Erased(owner, contact));
        });
    }

    private void erase(org.jdbi.v3.core.Handle h, UUID owner) {
        accounts.erase(h, owner);
    }

    /** The address to confirm to, read while the key still exists; none when it cannot be read. */
    private Optional<AccountClosure.Contact> contact(UUID owner) {
        try {
            return accounts.contact(owner);
        } catch (RuntimeException e) {
            log.warn("cannot read the address of a cancelled account to confirm its erasure: {}",
                    SafeErrors.describe(e));
            return Optional.empty();
        }
    }

    /**
     * Erases accounts by id without the queue (restore replaying the deletion ledger); returns how many existed.
     */
    int eraseNow(Iterable<UUID> owners) {
        int n = 0;
        for (UUID owner : owners) {
            boolean existed = jdbi.inTransaction(h -> {
                h.execute("set local mqcgm.erasure = 'on'");
                keys.destroy(h, owner);
                return accounts.erase(h, owner);
            });
            if (existed) {
                n++;
            }
        }
        return n;
    }

    /** Updates the gauges and raises the alarm (an error in the log) when a cancellation waits too long. */
    void measure() {
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createQuery("""
                        select min(requested_at) as oldest, count(*) filter (where requested_at < :alarm) as overdue
                        from account_cancellation""")
                .bind("alarm", utc(now.minus(ALARM)))
                .map((rs, ctx) -> {
                    OffsetDateTime oldest = rs.getObject("oldest", OffsetDateTime.class);
                    oldestPendingSeconds.set(oldest == null ? 0
                            : Math.max(0, Duration.between(oldest.toInstant(), now).toSeconds()));
                    overdue.set(rs.getLong("overdue"));
                    return 0;
                }).one());
        if (overdue.get() > 0) {
            log.error("ALARM: {} account cancellation(s) waiting longer than {} hours (the promise is {} hours)",
                    overdue.get(), ALARM.toHours(), PROMISE.toHours());
        }
    }

    /** Age in seconds of the oldest cancellation waiting for erasure (0 when none waits). */
    long oldestPendingSeconds() {
        return oldestPendingSeconds.get();
    }

    /** How many cancellations wait longer than the alarm threshold. */
    long overdue() {
        return overdue.get();
    }

    static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
