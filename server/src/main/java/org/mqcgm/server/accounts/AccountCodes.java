package org.mqcgm.server.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * One-time codes of existing accounts (password reset, change of e-mail or phone): six digits for typing and,
 * for resets, a 256-bit link token; 10 minutes, at most 5 tries, single use; stored as keyed hashes. Issuing a new
 * code of a purpose voids the older ones.
 */
final class AccountCodes {

    static final Duration LIFETIME = Duration.ofMinutes(10);
    static final int MAX_TRIES = 5;

    enum Purpose {
        PASSWORD_RESET("password-reset"), EMAIL_CHANGE("email-change"), PHONE_CHANGE("phone-change");

        final String id;

        Purpose(String id) {
            this.id = id;
        }
    }

    /** A freshly issued code: what to send. */
    record Issued(String code, String link) {
    }

    /** A live code found for checking. */
    record Live(UUID id, byte[] codeHash, byte[] linkHash, byte[] targetEnc, int attempts) {
    }

    private final Jdbi jdbi;
    private final SecretCodes codes;
    private final Clock clock;

    AccountCodes(Jdbi jdbi, SecretCodes codes, Clock clock) {
        this.jdbi = jdbi;
        this.codes = codes;
        this.clock = clock;
    }

    Issued issue(UUID owner, Purpose purpose, byte[] targetEnc, boolean withLink) {
        String code = SecretCodes.sixDigits();
        UUID id = UUID.randomUUID();
        String link = withLink ? Credentials.issue(owner, "").secret() + "." + id : null;
        Instant now = clock.instant();
        jdbi.useTransaction(h -> {
            h.createUpdate("update one_time_code set consumed_at = :now where owner_id = :owner and purpose = :p"
                            + " and consumed_at is null")
                    .bind("now", Sessions.utc(now)).bind("owner", owner).bind("p", purpose.id).execute();
            h.createUpdate("""
                            insert into one_time_code (owner_id, id, purpose, code_hash, link_hash, target_enc,
                                                       created_at, expires_at)
                            values (:owner, :id, :p, :code, :link, :target, :now, :expires)""")
                    .bind("owner", owner)
                    .bind("id", id)
                    .bind("p", purpose.id)
                    .bind("code", codes.hash(purpose.id, owner + "/" + id, code))
                    .bind("link", link == null ? null : codes.hash(purpose.id + "-link", owner + "/" + id, link))
                    .bind("target", targetEnc)
                    .bind("now", Sessions.utc(now))
                    .bind("expires", Sessions.utc(now.plus(LIFETIME)))
                    .execute();
        });
        return new Issued(code, link);
    }

    /** The newest live code of a purpose, if any. */
    Optional<Live> live(UUID owner, Purpose purpose) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, code_hash, link_hash, target_enc, attempts from one_time_code
                        where owner_id = :owner and purpose = :p and consumed_at is null and expires_at > :now
                          and attempts < :max
                        order by created_at desc limit 1""")
                .bind("owner", owner)
                .bind("p", purpose.id)
                .bind("now", Sessions.utc(clock.instant()))
                .bind("max", MAX_TRIES)
                .map((rs, ctx) -> new Live(rs.getObject("id", UUID.class), rs.getBytes("code_hash"),
                        rs.getBytes("link_hash"), rs.getBytes("target_enc"), rs.getInt("attempts")))
                .findOne());
    }

    /** The code a link belongs to, if the link is live. Links look like {@code <owner-credential>.<code id>}. */
    Optional<UUID> ownerOfLink(String link, Purpose purpose) {
        if (link == null) {
            return Optional.empty();
        }
        int dot = link.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        Optional<Credentials> c = Credentials.parse(link.substring(0, dot), "");
        if (c.isEmpty()) {
            return Optional.empty();
        }
        return live(c.get().ownerId(), purpose)
                .filter(l -> l.linkHash() != null && codes.matches(l.linkHash(), purpose.id + "-link",
                        c.get().ownerId() + "/" + l.id(), link))
                .map(l -> c.get().ownerId());
    }

    /** The outcome of one try: whether the code matched, and the tries left after this one. */
    record Check(boolean matches, int triesLeft) {
    }

    /**
     * Uses up one try of the live code (one statement, so parallel requests cannot share a try), then compares
     * {@code code} with it. No try left, or the code used meanwhile: no match and no tries left.
     */
    Check check(UUID owner, Purpose purpose, Live live, String code) {
        Optional<Integer> used = jdbi.withHandle(h -> h.createQuery("""
                        update one_time_code set attempts = attempts + 1
                        where owner_id = :owner and id = :id and consumed_at is null and expires_at > :now
                          and attempts < :max
                        returning attempts""")
                .bind("owner", owner).bind("id", live.id()).bind("now", Sessions.utc(clock.instant()))
                .bind("max", MAX_TRIES)
                .mapTo(Integer.class).findOne());
        if (used.isEmpty()) {
            return new Check(false, 0);
        }
        return new Check(codes.matches(live.codeHash(), purpose.id, owner + "/" + live.id(), code),
                MAX_TRIES - used.get());
    }

    /** Marks a code used; false when another request used it first. */
    boolean consume(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createUpdate("update one_time_code set consumed_at = :now"
                        + " where owner_id = :owner and id = :id and consumed_at is null")
                .bind("now", Sessions.utc(clock.instant())).bind("owner", owner).bind("id", id).execute()) == 1;
    }

    /** Deletes codes that expired more than a day ago (purge job). */
    int purge() {
        OffsetDateTime cutoff = Sessions.utc(clock.instant().minus(Duration.ofDays(1)));
        return jdbi.withHandle(h -> h.createUpdate("delete from one_time_code where expires_at < :c")
                .bind("c", cutoff).execute()
                + h.createUpdate("delete from login_challenge where expires_at < :c").bind("c", cutoff).execute());
    }
}
