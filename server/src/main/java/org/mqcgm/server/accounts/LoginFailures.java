package org.mqcgm.server.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Failed logins and the locks they cause, stored so they hold across server nodes.
 *
 * <ul>
 *   <li>Per account and client network: {@value #PER_CLIENT} failures in {@link #WINDOW} lock that network out of
 *       that account until the oldest of them is {@link #WINDOW} old. An attacker's failures lock out the
 *       attacker, not the owner at home.</li>
 *   <li>Per account from everywhere: {@value #PER_ACCOUNT} failures in {@link #ACCOUNT_WINDOW} lock the account
 *       for every network except the owner's known ones (networks it logged in from successfully in the last
 *       {@link #KNOWN_FOR}): this slows guessing spread over many addresses without locking the owner out.</li>
 * </ul>
 *
 * <p>An identifier that belongs to no account is counted and locked exactly the same way (its subject is a keyed
 * hash of the identifier), so the answers do not tell whether an account exists. Each attempt is counted
 * <em>before</em> the password (or code) is compared, inside a per-subject database lock, so parallel requests
 * cannot each get a guess past the limit; a correct attempt is {@linkplain #uncount uncounted} afterwards.
 */
final class LoginFailures {

    static final int PER_CLIENT = 10;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final int PER_ACCOUNT = 100;
    static final Duration ACCOUNT_WINDOW = Duration.ofHours(1);
    static final Duration KNOWN_FOR = Duration.ofDays(30);

    private final Jdbi jdbi;
    private final SecretCodes codes;
    private final Clock clock;

    LoginFailures(Jdbi jdbi, SecretCodes codes, Clock clock) {
        this.jdbi = jdbi;
        this.codes = codes;
        this.clock = clock;
    }

    /** Who is guessing at what: the subject (account or unknown identifier) and the client's network. */
    record Key(byte[] subject, byte[] client, UUID owner) {
    }

    Key forAccount(UUID owner, ClientFacts client) {
        return new Key(codes.hash("login-subject", "account", owner.toString()), clientKey(client), owner);
    }

    Key forUnknown(String identifier, ClientFacts client) {
        String id = identifier == null ? "" : identifier.trim().toLowerCase(Locale.ROOT);
        return new Key(codes.hash("login-subject", "identifier", id.substring(0, Math.min(id.length(), 320))),
                clientKey(client), null);
    }

    private byte[] clientKey(ClientFacts client) {
        return codes.hash("login-client", "", client.bucket());
    }

    /** The outcome of taking an attempt: locked until a time, or counted (and whether it reached a limit). */
    sealed interface Attempt {
        record Locked(Instant until) implements Attempt {
        }

        /** @param id the counted failure, removed again when the attempt succeeds */
        record Counted(UUID id, Key key, String limitReached) implements Attempt {
        }
    }

    /**
     * Takes an attempt: refused when the client is locked out of the subject, otherwise counted as a failure until
     * {@link #uncount} says otherwise.
     */
    Attempt attempt(Key key) {
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> {
            h.createQuery("select count(*) from (select pg_advisory_xact_lock(hashtextextended(encode(:s, 'hex'), 7))) l")
                    .bind("s", key.subject()).mapTo(Integer.class).one();
            Optional<Instant> locked = lockedUntil(h, key, now);
            if (locked.isPresent()) {
                return new Attempt.Locked(locked.get());
            }
            UUID id = UUID.randomUUID();
            h.createUpdate("insert into login_failure (subject, client, id, at) values (:s, :c, :id, :at)")
                    .bind("s", key.subject()).bind("c", key.client()).bind("id", id).bind("at", utc(now)).execute();
            String reached = null;
            if (count(h, key, true, now.minus(WINDOW)) == PER_CLIENT) {
                reached = PER_CLIENT + " failures in " + WINDOW.toMinutes() + " min from one network";
            } else if (count(h, key, false, now.minus(ACCOUNT_WINDOW)) == PER_ACCOUNT) {
                reached = PER_ACCOUNT + " failures in " + ACCOUNT_WINDOW.toMinutes() + " min from all networks";
            }
            return new Attempt.Counted(id, key, reached);
        });
    }

    /** The attempt was right: it is not a failure. */
    void uncount(Attempt.Counted attempt) {
        jdbi.useHandle(h -> h.createUpdate("delete from login_failure where subject = :s and id = :id")
                .bind("s", attempt.key().subject()).bind("id", attempt.id()).execute());
    }

    /** The owner logged in from this client's network: it becomes (or stays) a known one. */
    void known(Key key) {
        if (key.owner() == null) {
            return;
        }
        jdbi.useHandle(h -> {
            h.createUpdate("""
                            insert into login_known_client (owner_id, client, last_login_at) values (:o, :c, :at)
                            on conflict (owner_id, client) do update set last_login_at = excluded.last_login_at""")
                    .bind("o", key.owner()).bind("c", key.client()).bind("at", utc(clock.instant())).execute();
            // A sign-in is activity: the account is not "stopped using".
            h.createUpdate("update account set last_active_at = :at where id = :o and last_active_at < :at")
                    .bind("o", key.owner()).bind("at", utc(clock.instant())).execute();
        });
    }

    /** Forgets an account's failures (after a password reset). */
    void forget(UUID owner) {
        byte[] subject = forAccount(owner, ClientFacts.NONE).subject();
        jdbi.useHandle(h -> h.createUpdate("delete from login_failure where subject = :s").bind("s", subject).execute());
    }

    /** Forgets an account's failures up to {@code at} (a reviewed lockout's own; later ones still count). */
    void forgetUpTo(UUID owner, Instant at) {
        byte[] subject = forAccount(owner, ClientFacts.NONE).subject();
        jdbi.useHandle(h -> h.createUpdate("delete from login_failure where subject = :s and at <= :t")
                .bind("s", subject).bind("t", utc(at)).execute());
    }

    private Optional<Instant> lockedUntil(Handle h, Key key, Instant now) {
        Optional<Instant> perClient = nth(h, key, true, now.minus(WINDOW), PER_CLIENT).map(t -> t.plus(WINDOW));
        if (perClient.isPresent()) {
            return perClient;
        }
        if (key.owner() != null && known(h, key, now)) {
            return Optional.empty();
        }
        return nth(h, key, false, now.minus(ACCOUNT_WINDOW), PER_ACCOUNT).map(t -> t.plus(ACCOUNT_WINDOW));
    }

    private boolean known(Handle h, Key key, Instant now) {
        return h.createQuery("""
                        select 1 from login_known_client
                        where owner_id = :o and client = :c and last_login_at > :since""")
                .bind("o", key.owner()).bind("c", key.client()).bind("since", utc(now.minus(KNOWN_FOR)))
                .mapTo(Integer.class).findOne().isPresent();
    }

    /** The time of the n-th most recent failure since {@code since}, if there are n. */
    private static Optional<Instant> nth(Handle h, Key key, boolean perClient, Instant since, int n) {
        var q = h.createQuery("select at from login_failure where subject = :s and at > :since"
                        + (perClient ? " and client = :c" : "") + " order by at desc offset :skip limit 1")
                .bind("s", key.subject()).bind("since", utc(since)).bind("skip", n - 1);
        if (perClient) {
            q.bind("c", key.client());
        }
        return q.mapTo(OffsetDateTime.class).findOne().map(OffsetDateTime::toInstant);
    }

    private static int count(Handle h, Key key, boolean perClient, Instant since) {
        var q = h.createQuery("select count(*) from login_failure where subject = :s and at > :since"
                        + (perClient ? " and client = :c" : ""))
                .bind("s", key.subject()).bind("since", utc(since));
        if (perClient) {
            q.bind("c", key.client());
        }
        return q.mapTo(Integer.class).one();
    }

    /** Deletes failures older than a day and known networks unused for {@link #KNOWN_FOR} (purge job). */
    int purge() {
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createUpdate("delete from login_failure where at < :t")
                .bind("t", utc(now.minus(Duration.ofDays(1)))).execute()
                + h.createUpdate("delete from login_known_client where last_login_at < :t")
                .bind("t", utc(now.minus(KNOWN_FOR))).execute());
    }

    private static OffsetDateTime utc(Instant i) {
        return Sessions.utc(i);
    }
}
