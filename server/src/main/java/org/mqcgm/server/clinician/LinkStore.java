package org.mqcgm.server.clinician;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.UserKeys;

/**
 * The SQL of {@code clinician_link} and {@code clinician_link_view}. The token is stored only as its SHA-256, the
 * PIN as an Argon2id hash, the label encrypted with the owner's key.
 */
final class LinkStore {

    /** One link, as its owner sees it (never the token). */
    record Row(UUID owner, UUID id, String label, LocalDate firstDay, LocalDate lastDay, Instant created,
               Instant expires, Instant revoked, String pinHash, int pinFailures, long views) {

        boolean locked() {
            return pinFailures >= LinkTokenService.LOCK_AFTER;
        }
    }

    /** One view through a link. */
    record View(UUID linkId, String label, Instant at, String what) {
    }

    private final Jdbi jdbi;
    private final UserKeys keys;

    LinkStore(Jdbi jdbi, UserKeys keys) {
        this.jdbi = jdbi;
        this.keys = keys;
    }

    private static String context(UUID id) {
        return "clinician-link-label:" + id;
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    void create(UUID owner, UUID id, byte[] tokenHash, String label, LocalDate first, LocalDate last, Instant now,
                Instant expires, String pinHash) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into clinician_link (owner_id, id, token_hash, label_enc, first_day, last_day,
                                                    created_at, expires_at, pin_hash)
                        values (:owner, :id, :hash, :label, :first, :last, :now, :expires, :pin)""")
                .bind("owner", owner).bind("id", id).bind("hash", tokenHash)
                .bind("label", keys.encrypt(owner, context(id), label))
                .bind("first", first).bind("last", last).bind("now", utc(now)).bind("expires", utc(expires))
                .bind("pin", pinHash)
                .execute());
    }

    private static final String SELECT = """
            select l.owner_id, l.id, l.label_enc, l.first_day, l.last_day, l.created_at, l.expires_at,
                   l.revoked_at, l.pin_hash, l.pin_failures,
                   (select count(*) from clinician_link_view v where v.owner_id = l.owner_id and v.link_id = l.id)
                       as views
            from clinician_link l""";

    private Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        UUID owner = rs.getObject("owner_id", UUID.class);
        UUID id = rs.getObject("id", UUID.class);
        OffsetDateTime revoked = rs.getObject("revoked_at", OffsetDateTime.class);
        return new Row(owner, id, keys.decryptString(owner, context(id), rs.getBytes("label_enc")),
                rs.getObject("first_day", LocalDate.class), rs.getObject("last_day", LocalDate.class),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                revoked == null ? null : revoked.toInstant(), rs.getString("pin_hash"), rs.getInt("pin_failures"),
                rs.getLong("views"));
    }

    /** The owner's links, newest first. */
    List<Row> list(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " where l.owner_id = :owner order by l.created_at desc, l.id")
                .bind("owner", owner).map((rs, ctx) -> row(rs)).list());
    }

    Optional<Row> one(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " where l.owner_id = :owner and l.id = :id")
                .bind("owner", owner).bind("id", id).map((rs, ctx) -> row(rs)).findOne());
    }

    /** The link with this token hash, revoked or not. */
    Optional<Row> byToken(byte[] hash) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " where l.token_hash = :hash")
                .bind("hash", hash).map((rs, ctx) -> row(rs)).findOne());
    }

    /** Revokes the owner's link now; false when they have no such link (or it was revoked before). */
    boolean revoke(UUID owner, UUID id, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update clinician_link set revoked_at = :now
                        where owner_id = :owner and id = :id and revoked_at is null""")
                .bind("owner", owner).bind("id", id).bind("now", utc(now)).execute()) == 1;
    }

    /** Ends every running link of the owner now (it answers 410 from then on); returns how many. */
    int endAll(UUID owner, Instant now) {
        // The arithmetic on UTC timestamps is immutable: Citus refuses stable functions over columns in an UPDATE
        // of a reference table (timestamptz + interval depends on the session's time zone).
        return jdbi.withHandle(h -> h.createUpdate("""
                        update clinician_link set expires_at = greatest(:now,
                            ((created_at at time zone 'UTC') + interval '1 millisecond') at time zone 'UTC')
                        where owner_id = :owner and revoked_at is null and expires_at > :now""")
                .bind("owner", owner).bind("now", utc(now)).execute());
    }

    /** Whether the owner has this link (revoked or not). */
    boolean exists(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from clinician_link where owner_id = :owner"
                        + " and id = :id").bind("owner", owner).bind("id", id).mapTo(Integer.class).one()) == 1;
    }

    /**
     * Counts a wrong PIN, atomically across nodes: the failures in the current window (started by the first failure
     * at least {@code window} ago, else continued) and in all, after this one.
     */
    record Failures(int inWindow, int total) {
    }

    Failures pinFailed(UUID owner, UUID id, Instant now, java.time.Duration window) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update clinician_link set
                            pin_failures = pin_failures + 1,
                            pin_window_failures = case when pin_window_start is null
                                or pin_window_start <= :windowStart then 1 else pin_window_failures + 1 end,
                            pin_window_start = case when pin_window_start is null
                                or pin_window_start <= :windowStart then :now else pin_window_start end
                        where owner_id = :owner and id = :id
                        returning pin_window_failures, pin_failures""")
                .bind("owner", owner).bind("id", id).bind("now", utc(now))
                .bind("windowStart", utc(now.minus(window)))
                .map((rs, ctx) -> new Failures(rs.getInt(1), rs.getInt(2))).one());
    }

    /** The wrong PINs in the current window (0 when it has passed). */
    int pinFailuresInWindow(UUID owner, UUID id, Instant now, java.time.Duration window) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select case when pin_window_start is null or pin_window_start <= :windowStart then 0
                                    else pin_window_failures end
                        from clinician_link where owner_id = :owner and id = :id""")
                .bind("owner", owner).bind("id", id).bind("windowStart", utc(now.minus(window)))
                .mapTo(Integer.class).one());
    }

    void recordView(UUID owner, UUID link, Instant at, String what) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into clinician_link_view (owner_id, id, link_id, at, what)
                        values (:owner, :id, :link, :at, :what)""")
                .bind("owner", owner).bind("id", UUID.randomUUID()).bind("link", link).bind("at", utc(at))
                .bind("what", what).execute());
    }

    /** The owner's views through links since {@code since}, newest first, with each link's label. */
    List<View> views(UUID owner, Instant since, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select v.link_id, l.label_enc, v.at, v.what
                        from clinician_link_view v
                        join clinician_link l on l.owner_id = v.owner_id and l.id = v.link_id
                        where v.owner_id = :owner and v.at >= :since
                        order by v.at desc, v.id limit :limit""")
                .bind("owner", owner).bind("since", utc(since)).bind("limit", limit)
                .map((rs, ctx) -> {
                    UUID link = rs.getObject("link_id", UUID.class);
                    return new View(link, keys.decryptString(owner, context(link), rs.getBytes("label_enc")),
                            rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("what"));
                }).list());
    }

    long count(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from clinician_link where owner_id = :owner")
                .bind("owner", owner).mapTo(Long.class).one());
    }

    long viewCount(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from clinician_link_view where owner_id = :owner")
                .bind("owner", owner).mapTo(Long.class).one());
    }

    /**
     * Runs {@code attempt} while holding the link's lock (a transaction-scoped advisory lock, so across every
     * node): PIN attempts on one link are taken one at a time, and parallel requests cannot all pass the limits
     * before any failure is counted.
     */
    <T> T oneAtATime(UUID link, java.util.function.Supplier<T> attempt) {
        return jdbi.inTransaction(h -> {
            h.createQuery("select pg_advisory_xact_lock(:key)")
                    .bind("key", link.getMostSignificantBits() ^ link.getLeastSignificantBits())
                    .mapToMap().list();
            return attempt.get();
        });
    }
}
