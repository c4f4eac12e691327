package org.mqcgm.server.push;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.outbound.WebPush;
import org.mqcgm.server.platform.push.PushBindings;
import org.mqcgm.server.platform.push.PushNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PushNotifications} over standard Web Push: {@link #send} queues one message per live subscription in
 * {@code push_message} (so a restart loses nothing) and starts delivering at once on a background thread; each
 * attempt goes through {@link WebPush} (and so {@code HttpTransfers}) and is written to {@code push_delivery}
 * (when, the push service's host, the outcome and status; never the payload). 201/202 delivered; 404/410 remove the
 * subscription; 429/5xx and unreachable services are tried again after the service's {@code Retry-After} or an
 * exponential backoff, whichever is later, at most {@link #MAX_ATTEMPTS} times and never after the message's TTL;
 * anything else fails. Claims ({@code claimed_until}, {@code for update skip locked}) make each attempt happen on
 * one node only; the {@code push-delivery} job picks up what is due after a restart or on another node.
 */
final class Deliveries implements PushNotifications, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
    static final String CONTEXT = "push.message";
    static final int MAX_ATTEMPTS = 6;
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(30);
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    /** How long a node holds a claimed message before another may try it (a node that died mid-attempt). */
    static final Duration CLAIM = Duration.ofMinutes(2);
    static final int BATCH = 100;
    /** Delivery log entries are kept this long. */
    static final Duration KEEP_LOG = Duration.ofDays(90);

    private record Queued(UUID owner, UUID id, UUID subscription, byte[] payload, String urgency, int ttlSeconds,
                          String topic, int attempts, Instant createdAt) {
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final ObjectMapper mapper;
    private final Subscriptions subscriptions;
    private final PushBindings bindings;
    private final WebPush webPush;
    private final org.mqcgm.server.platform.egress.Egress egress;
    private final Clock clock;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "push-retry-timer");
        t.setDaemon(true);
        return t;
    });

    Deliveries(Jdbi jdbi, UserKeys keys, ObjectMapper mapper, Subscriptions subscriptions, PushBindings bindings,
               WebPush webPush, org.mqcgm.server.platform.egress.Egress egress, Clock clock) {
        this.egress = egress;
        this.jdbi = jdbi;
        this.keys = keys;
        this.mapper = mapper;
        this.subscriptions = subscriptions;
        this.bindings = bindings;
        this.webPush = webPush;
        this.clock = clock;
    }

    @Override
    public int send(UUID owner, Notification n) {
        Instant now = clock.instant();
        Subscriptions.Pruned pruned = subscriptions.prune(owner, bindings);
        for (Subscriptions.Stored dead : pruned.removed()) {
            record(owner, null, dead.id(), dead.host(), now, 0, "removed", null);
        }
        List<Subscriptions.Stored> live = pruned.live();
        if (live.isEmpty()) {
            return 0;
        }
        byte[] payload = payload(n);
        String urgency = n.urgent() ? WebPush.Urgency.HIGH.name() : WebPush.Urgency.NORMAL.name();
        int ttl = (int) Math.min(Integer.MAX_VALUE, Math.max(0, n.ttl().toSeconds()));
        String topic = topic(n.tag());
        // A subscription removed since it was read (a logout, the person's own removal, a 410 from its push
        // service) is skipped, not an error that would cost the person's other devices their notification: the
        // row is read locked (FOR KEY SHARE waits for a delete in progress, then finds nothing) and the message
        // inserted only when it is still there.
        int queued = jdbi.inTransaction(h -> {
            int inserted = 0;
            for (Subscriptions.Stored s : live) {
                inserted += h.createUpdate("""
                                insert into push_message (owner_id, id, subscription_id, payload, urgency, ttl_seconds,
                                                          topic, next_at, created_at)
                                select :o, :id, s.id, :p, :u, :ttl, :topic, :now, :now
                                  from (select id from push_subscription where owner_id = :o and id = :s
                                        for key share) s""")
                        .bind("o", owner).bind("id", UUID.randomUUID()).bind("s", s.id())
                        .bind("p", keys.encrypt(owner, CONTEXT, payload)).bind("u", urgency).bind("ttl", ttl)
                        .bind("topic", topic).bind("now", Subscriptions.utc(now)).execute();
            }
            return inserted;
        });
        kick();
        return queued;
    }

    /** What the service worker receives: {@code {title, body, tag, url, urgent}} and, when set, {@code detail}. */
    byte[] payload(Notification n) {
        var node = mapper.createObjectNode().put("title", n.title()).put("body", n.body()).put("tag", n.tag())
                .put("url", n.url()).put("urgent", n.urgent());
        if (n.detail() != null) {
            node.put("detail", n.detail());
        }
        byte[] json = node.toString().getBytes(StandardCharsets.UTF_8);
        if (json.length > WebPush.MAX_PAYLOAD) {
            throw new IllegalArgumentException("a notification holds at most " + WebPush.MAX_PAYLOAD + " bytes");
        }
        return json;
    }

    /**
     * RFC 8030 §5.4: the tag itself when it fits the topic alphabet (1–32 URL-safe base64 characters), else the first
     * 32 characters of its SHA-256 in base64url; none without a tag.
     */
    static String topic(String tag) {
        if (tag == null || tag.isEmpty()) {
            return null;
        }
        if (tag.matches("[A-Za-z0-9_-]{1,32}")) {
            return tag;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(tag.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts delivering what is due, in the background, now. */
    void kick() {
        try {
            executor.execute(this::deliverDueSafely);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // shutting down: the job picks it up after the restart
        }
    }

    private void deliverDueSafely() {
        try {
            deliverDue();
        } catch (RuntimeException e) {
            log.warn("push delivery pass failed: {}", org.mqcgm.server.platform.db.SafeErrors.describe(e));
        }
    }

    /** Claims every message due now and attempts each (in parallel); returns how many were attempted. */
    int deliverDue() {
        int total = 0;
        while (true) {
            List<Queued> claimed = claim();
            if (claimed.isEmpty()) {
                return total;
            }
            List<java.util.concurrent.Future<?>> running = claimed.stream()
                    .<java.util.concurrent.Future<?>>map(q -> executor.submit(() -> attempt(q))).toList();
            for (java.util.concurrent.Future<?> f : running) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return total;
                } catch (java.util.concurrent.ExecutionException e) {
                    log.warn("push attempt failed: {}", org.mqcgm.server.platform.db.SafeErrors.describe(
                            e.getCause() instanceof RuntimeException r ? r : new RuntimeException(e.getCause())));
                }
            }
            total += claimed.size();
            if (claimed.size() < BATCH) {
                return total;
            }
        }
    }

    private List<Queued> claim() {
        Instant now = clock.instant();
        return jdbi.inTransaction(h -> h.createQuery("""
                        update push_message m set claimed_until = :until
                        from (select owner_id, id from push_message
                              where next_at <= :now and (claimed_until is null or claimed_until < :now)
                              order by next_at limit :batch for update skip locked) due
                        where m.owner_id = due.owner_id and m.id = due.id
                        returning m.owner_id, m.id, m.subscription_id, m.payload, m.urgency, m.ttl_seconds, m.topic,
                                  m.attempts, m.created_at""")
                .bind("until", Subscriptions.utc(now.plus(CLAIM))).bind("now", Subscriptions.utc(now))
                .bind("batch", BATCH)
                .map((rs, ctx) -> new Queued(rs.getObject("owner_id", UUID.class), rs.getObject("id", UUID.class),
                        rs.getObject("subscription_id", UUID.class), rs.getBytes("payload"), rs.getString("urgency"),
                        rs.getInt("ttl_seconds"), rs.getString("topic"), rs.getInt("attempts"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .list());
    }

    /** One attempt of one message. */
    private void attempt(Queued q) {
        Instant now = clock.instant();
        int attempt = q.attempts() + 1;
        Optional<Subscriptions.Stored> found = subscriptions.one(q.owner(), q.subscription());
        if (found.isEmpty()) {
            done(q); // the subscription went meanwhile (its messages go with it)
            return;
        }
        Subscriptions.Stored s = found.get();
        if (!Subscriptions.alive(s, bindings, now)) {
            subscriptions.delete(q.owner(), s.id());
            record(q.owner(), q.id(), s.id(), s.host(), now, attempt, "removed", null);
            return;
        }
        Duration left = Duration.between(now, q.createdAt().plusSeconds(q.ttlSeconds()));
        if (q.attempts() > 0 && left.isNegative()) {
            done(q);
            record(q.owner(), q.id(), s.id(), s.host(), now, attempt - 1, "expired", null);
            return;
        }
        WebPush.Outcome outcome;
        try {
            byte[] payload = keys.decrypt(q.owner(), CONTEXT, q.payload());
            // Through the egress gateway, which logs the hand-over to the person's push service (PR-43).
            outcome = egress.push(q.owner(), webPush, s.subscription(), new WebPush.Message(payload,
                    left.isNegative() ? Duration.ZERO : left, WebPush.Urgency.valueOf(q.urgency()), q.topic()));
        } catch (RuntimeException e) {
            // Counted like any failed attempt, so a message that cannot be sent is given up after MAX_ATTEMPTS
            // instead of being claimed again for ever.
            log.warn("a push attempt failed: {}", org.mqcgm.server.platform.db.SafeErrors.describe(e));
            outcome = new WebPush.Outcome.RetryLater(null, "error");
        }
        Instant at = clock.instant();
        switch (outcome) {
            case WebPush.Outcome.Delivered d -> {
                done(q);
                record(q.owner(), q.id(), s.id(), s.host(), at, attempt, "delivered", d.status());
            }
            case WebPush.Outcome.Gone g -> {
                subscriptions.delete(q.owner(), s.id());
                record(q.owner(), q.id(), s.id(), s.host(), at, attempt, "removed", g.status());
            }
            case WebPush.Outcome.RetryLater r -> {
                Integer status = status(r.reason());
                if (attempt >= MAX_ATTEMPTS) {
                    done(q);
                    record(q.owner(), q.id(), s.id(), s.host(), at, attempt, "failed", status);
                } else {
                    Duration wait = backoff(attempt, r.after());
                    later(q, attempt, at.plus(wait));
                    record(q.owner(), q.id(), s.id(), s.host(), at, attempt, "retry", status);
                    wakeAfter(wait);
                }
            }
            case WebPush.Outcome.Failed f -> {
                done(q);
                record(q.owner(), q.id(), s.id(), s.host(), at, attempt, "failed", status(f.reason()));
            }
        }
    }

    /**
     * The wait before attempt {@code attempt + 1}: 30 s doubling with each attempt (at most an hour), and never
     * sooner than the push service's {@code Retry-After}.
     */
    static Duration backoff(int attempt, Duration retryAfter) {
        Duration exponential = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 16));
        if (exponential.compareTo(MAX_BACKOFF) > 0) {
            exponential = MAX_BACKOFF;
        }
        return retryAfter != null && retryAfter.compareTo(exponential) > 0 ? retryAfter : exponential;
    }

    private static Integer status(String reason) {
        if (reason != null && reason.startsWith("answered ")) {
            try {
                return Integer.parseInt(reason.substring("answered ".length()).trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private void wakeAfter(Duration wait) {
        try {
            timer.schedule(this::kick, Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // shutting down
        }
    }

    private void done(Queued q) {
        jdbi.useHandle(h -> h.createUpdate("delete from push_message where owner_id = :o and id = :id")
                .bind("o", q.owner()).bind("id", q.id()).execute());
    }

    private void later(Queued q, int attempts, Instant next) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update push_message set attempts = :a, next_at = :next, claimed_until = null
                        where owner_id = :o and id = :id""")
                .bind("a", attempts).bind("next", Subscriptions.utc(next)).bind("o", q.owner()).bind("id", q.id())
                .execute());
    }

    private void record(UUID owner, UUID message, UUID subscription, String host, Instant at, int attempt,
                        String outcome, Integer status) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into push_delivery (owner_id, id, message_id, subscription_id, at, attempt, outcome,
                                                   status, host)
                        values (:o, :id, :m, :s, :at, :attempt, :outcome, :status, :host)""")
                .bind("o", owner).bind("id", UUID.randomUUID())
                .bind("m", message == null ? new UUID(0, 0) : message).bind("s", subscription)
                .bind("at", Subscriptions.utc(at)).bind("attempt", attempt).bind("outcome", outcome)
                .bind("status", status).bind("host", host).execute());
    }

    /** The owner's delivery log, newest first. */
    List<ApiSchemas.PushDelivery> log(UUID owner, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select at, subscription_id, host, outcome, status, attempt from push_delivery
                        where owner_id = :o order by at desc, id limit :limit""")
                .bind("o", owner).bind("limit", limit)
                .map((rs, ctx) -> new ApiSchemas.PushDelivery(
                        rs.getObject("at", OffsetDateTime.class).toInstant().toString(),
                        rs.getString("subscription_id"), rs.getString("host"), rs.getString("outcome"),
                        (Integer) rs.getObject("status"), rs.getInt("attempt")))
                .list());
    }

    int logCount(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from push_delivery where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    /** Drops log entries older than {@link #KEEP_LOG}. */
    int purgeLog() {
        return jdbi.withHandle(h -> h.createUpdate("delete from push_delivery where at < :cutoff")
                .bind("cutoff", Subscriptions.utc(clock.instant().minus(KEEP_LOG))).execute());
    }

    @Override
    public void close() {
        timer.shutdownNow();
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
