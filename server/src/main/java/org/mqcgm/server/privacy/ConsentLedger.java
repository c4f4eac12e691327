package org.mqcgm.server.privacy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.consent.Consents;

/**
 * The consent ledger: an append-only list of grants and withdrawals (who, which purpose, when, through which
 * channel, under which policy version). The current state of a purpose is its latest event; earlier events stay
 * as the record of what was allowed when (PR-67). Answers are cached briefly and dropped on every change, on every
 * node (NOTIFY).
 *
 * <p>What {@link #granted} answers follows the purpose registry ({@link Consents.Purpose}): a contract purpose is
 * always allowed; a consent-based one needs its latest event (or that of the purpose it is part of) to be a grant,
 * and — after a major policy change — the acceptance of that version (PR-83).
 */
public final class ConsentLedger implements Consents {

    /**
     * One entry of the ledger.
     *
     * @param subject null for a choice about the whole purpose; otherwise what the event is about within the purpose
     *                (e.g. {@code share:<id>}: one share's end), which never decides the purpose
     */
    public record Event(Instant at, Purpose purpose, boolean granted, String channel, String policyVersion,
                        String subject) {

        public Event(Instant at, Purpose purpose, boolean granted, String channel, String policyVersion) {
            this(at, purpose, granted, channel, policyVersion, null);
        }

        /** Whether it is a choice about the whole purpose (these decide {@link ConsentLedger#granted}). */
        public boolean purposeWide() {
            return subject == null;
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final PolicyVersions versions;
    private final Cache<String, Boolean> cache = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofSeconds(30))
            .build();
    /** A choice loaded while it changed is not kept (see {@link org.mqcgm.server.platform.db.StaleGuard}). */
    private final org.mqcgm.server.platform.db.StaleGuard guard = new org.mqcgm.server.platform.db.StaleGuard();
    /** The highest policy version number each person accepted. */
    private final Cache<UUID, Integer> accepted = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofSeconds(30))
            .build();

    public ConsentLedger(Jdbi jdbi, Clock clock, PolicyVersions versions) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.versions = versions;
    }

    @Override
    public boolean granted(UUID owner, Purpose purpose) {
        return switch (purpose.basis()) {
            case CONTRACT, OPERATIONS_SECURITY, LEGAL_OBLIGATION -> true;
            case ACCEPTANCE -> latest(owner, purpose);
            case CONSENT -> latest(owner, purpose.decidedBy()) && !mustAcceptPolicy(owner);
        };
    }

    /** The latest recorded choice about the purpose (false when none). */
    private boolean latest(UUID owner, Purpose purpose) {
        long seen = guard.mark();
        String key = owner + "/" + purpose.id();
        boolean choice = cache.get(key, k -> jdbi.withHandle(h -> h.createQuery("""
                        select granted from consent_event
                        where owner_id = :owner and purpose = :purpose and subject is null
                        order by at desc, id desc limit 1""")
                .bind("owner", owner).bind("purpose", purpose.id())
                .mapTo(Boolean.class).findOne().orElse(false)));
        if (guard.changedSince(seen)) {
            cache.invalidate(key);
        }
        return choice;
    }

    @Override
    public boolean mustAcceptPolicy(UUID owner) {
        int required = versions.requiredNumber();
        return required > 0 && acceptedNumber(owner) < required;
    }

    /** The highest policy version number the person has accepted (0 when none). */
    int acceptedNumber(UUID owner) {
        return accepted.get(owner, o -> jdbi.withHandle(h -> versions.acceptedNumber(h, o)));
    }

    @Override
    public void rememberDoNotTrack(UUID owner, String signal) {
        String key = owner + "/" + Purpose.TRACKING.id();
        if (Boolean.TRUE.equals(optedOut.getIfPresent(key))) {
            return;
        }
        jdbi.useTransaction(h -> {
            h.execute("select pg_advisory_xact_lock(hashtextextended(?, 0))", key);
            Boolean latest = h.createQuery("""
                            select granted from consent_event
                            where owner_id = :owner and purpose = :purpose and subject is null
                            order by at desc, id desc limit 1""")
                    .bind("owner", owner).bind("purpose", Purpose.TRACKING.id())
                    .mapTo(Boolean.class).findOne().orElse(null);
            if (latest == null || latest) {
                record(h, owner, Purpose.TRACKING, false, signal);
            }
        });
        optedOut.put(key, true);
    }

    @Override
    public List<UUID> grantedBy(Purpose purpose) {
        List<UUID> latestGrants = jdbi.withHandle(h -> h.createQuery("""
                        select owner_id from (
                            select distinct on (owner_id) owner_id, granted from consent_event
                            where purpose = :purpose and subject is null
                            order by owner_id, at desc, id desc) latest
                        where granted""")
                .bind("purpose", purpose.decidedBy().id()).mapTo(UUID.class).list());
        return latestGrants.stream().filter(o -> granted(o, purpose)).toList();
    }

    /** Accounts whose tracking opt-out is known to be recorded (saves a query per page of a DNT browser). */
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> optedOut =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).build();

    /** Records a grant or a withdrawal under the policy version in force. */
    @Override
    public void record(UUID owner, Purpose purpose, boolean granted, String channel) {
        jdbi.useHandle(h -> record(h, owner, purpose, granted, channel));
    }

    public void record(Handle h, UUID owner, Purpose purpose, boolean granted, String channel) {
        record(h, owner, purpose, granted, channel, versions.current().version(), null);
    }

    /** Records an event about one subject of a purpose (one share's end): listed, never deciding the purpose. */
    @Override
    public void record(UUID owner, Purpose purpose, boolean granted, String channel, String subject) {
        jdbi.useHandle(h -> record(h, owner, purpose, granted, channel, versions.current().version(), subject));
    }

    /** Records the acceptance of a given policy version (the re-consent page names the version it showed). */
    void acceptPolicy(UUID owner, String version, String channel) {
        jdbi.useHandle(h -> record(h, owner, Purpose.POLICY, true, channel, version, null));
    }

    private void record(Handle h, UUID owner, Purpose purpose, boolean granted, String channel, String version,
                        String subject) {
        h.createUpdate("""
                        insert into consent_event (owner_id, id, purpose, granted, at, channel, policy_version,
                                                   subject)
                        values (:owner, :id, :purpose, :granted, :at, :channel, :version, :subject)""")
                .bind("owner", owner)
                .bind("id", UUID.randomUUID())
                .bind("purpose", purpose.id())
                .bind("granted", granted)
                .bind("at", clock.instant().atOffset(ZoneOffset.UTC))
                .bind("channel", channel)
                .bind("version", version)
                .bind("subject", subject)
                .execute();
        String key = owner + "/" + purpose.id();
        org.mqcgm.server.platform.db.Notifications.send(h, Consents.CHANGED, key);
        forget(key);
        // Again once the choice is visible to others: a request on this node that read the old choice in between
        // (this transaction not yet committed) would otherwise have cached it until the listener's notice.
        org.mqcgm.server.platform.db.StaleGuard.againAfterCommit(h, () -> forget(key));
    }

    private void forget(String key) {
        guard.invalidating();
        cache.invalidate(key);
        optedOut.invalidate(key);
        if (key.endsWith("/" + Purpose.POLICY.id())) {
            try {
                accepted.invalidate(UUID.fromString(key.substring(0, key.indexOf('/'))));
            } catch (IllegalArgumentException e) {
                // not an owner id: nothing of ours
            }
        }
    }

    /** A change on any node (a withdrawal above all) takes effect on this node's cache at once. */
    public void listen(org.mqcgm.server.platform.db.Notifications notifications) {
        notifications.on(Consents.CHANGED, this::forget, () -> {
            cache.invalidateAll();
            accepted.invalidateAll();
        });
    }

    /** The owner's ledger, newest first. */
    public List<Event> history(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select at, purpose, granted, channel, policy_version, subject from consent_event
                        where owner_id = :owner order by at desc, id desc""")
                .bind("owner", owner)
                .map((rs, ctx) -> new Event(rs.getObject("at", OffsetDateTime.class).toInstant(),
                        Purpose.parse(rs.getString("purpose")).orElseThrow(), rs.getBoolean("granted"),
                        rs.getString("channel"), rs.getString("policy_version"),
                        rs.getString("subject")))
                .list());
    }
}
