package org.mqcgm.server.sharing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.Notifications;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.Grant;
import org.mqcgm.server.platform.security.Grants;
import org.mqcgm.server.platform.security.ShareScope;

/**
 * The shares wearers give: invitations (a one-time code, only its SHA-256 stored, valid for
 * {@link #INVITATION_LIFETIME}), their acceptance by a follower, their end (revoked by the wearer, left by the
 * follower, reached its end date, either account deleted), and the {@link Grants} answer {@code AccessControl} asks
 * on every request for someone else's data. Each change is announced on {@link Grants#CHANGED} ("person/grantee")
 * so that open streams on every node are checked again at once.
 */
final class Shares implements Grants {

    static final Duration INVITATION_LIFETIME = Duration.ofDays(7);
    /** Bytes of randomness of an invitation code (256 bits; PR-24 asks for at least 128). */
    static final int CODE_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Alert thresholds for one follower (used by alerts, issue 13), kept encrypted. */
    record Alerts(Integer lowMgdl, Integer highMgdl) {
    }

    /** One share as the wearer sees it. */
    record Share(UUID owner, UUID id, UUID grantee, String granteeLabel, String contact, String channel,
                 Set<ShareScope> scopes, Integer historyDays, Alerts alerts, Instant created, Instant until,
                 Instant invitationExpires, Instant accepted, Instant ended, String endedBy) {

        /** {@code invited}, {@code active}, {@code ended} (revoked, left, account gone) or {@code expired}. */
        String status(Instant now) {
            if (ended != null) {
                return "ended";
            }
            if (until != null && !now.isBefore(until)) {
                return "expired";
            }
            if (accepted == null) {
                return now.isBefore(invitationExpires) ? "invited" : "expired";
            }
            return grantee == null ? "ended" : "active";
        }

        /** The scopes' API names in a stable order. */
        List<String> scopeIds() {
            return scopes.stream().sorted().map(ShareScope::id).toList();
        }
    }

    /** A new share and its invitation code (shown once, never stored). */
    record Created(Share share, String code) {
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final Consents consents;
    private final Clock clock;
    private final Clock dataClock;
    private final int maxFollowers;

    Shares(Jdbi jdbi, UserKeys keys, Consents consents, Clock clock, Clock dataClock, int maxFollowers) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.consents = consents;
        this.clock = clock;
        this.dataClock = dataClock;
        this.maxFollowers = maxFollowers;
    }

    int maxFollowers() {
        return maxFollowers;
    }

    /**
     * Creates a share and its invitation. The wearer's explicit choice (recipient × categories) is recorded in the
     * consent ledger as a grant of the sharing purpose, naming the share, the categories and the masked recipient
     * (PR-44). 409 {@code too-many-followers} when the wearer already has {@link #maxFollowers} shares in force
     * (active or invited).
     *
     * @param contact the e-mail address or phone number the invitation is sent to, or null for a link only
     * @param via     the channel of the request (web, api) for the ledger
     */
    Created create(UUID owner, Contact contact, Set<ShareScope> scopes, Instant until, Integer historyDays,
                   Alerts alerts, String via) {
        byte[] raw = new byte[CODE_BYTES];
        RANDOM.nextBytes(raw);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        jdbi.useTransaction(h -> {
            // One creation per wearer at a time, so that two at once cannot both pass the limit.
            h.execute("select pg_advisory_xact_lock(?)", owner.getMostSignificantBits() ^ owner.getLeastSignificantBits());
            int inForce = h.createQuery("""
                            select count(*) from share where owner_id = :owner and ended_at is null
                              and (until is null or until > :now)
                              and (accepted_at is not null and grantee_id is not null
                                   or accepted_at is null and invitation_expires > :now)""")
                    .bind("owner", owner).bind("now", at(now)).mapTo(Integer.class).one();
            if (inForce >= maxFollowers) {
                throw new ProblemException(Problem.of(409, "too-many-followers", "Too many followers",
                        "You already share with " + inForce + " people or invitations (at most " + maxFollowers
                                + "). Revoke a share first.").with("max", maxFollowers));
            }
            h.createUpdate("""
                            insert into share (owner_id, id, contact, contact_channel, scopes, history_days, alerts,
                                               created_at, until, invitation_hash, invitation_expires)
                            values (:owner, :id, :contact, :channel, :scopes, :days, :alerts, :now, :until, :hash,
                                    :expires)""")
                    .bind("owner", owner).bind("id", id)
                    .bind("contact", contact == null ? null : keys.encrypt(owner, "share.contact", contact.value()))
                    .bind("channel", contact == null ? null : contact.channel())
                    .bind("scopes", scopes.stream().sorted().map(ShareScope::id).collect(Collectors.joining(",")))
                    .bind("days", historyDays)
                    .bind("alerts", alerts == null ? null
                            : keys.encrypt(owner, "share.alerts", alerts.lowMgdl() + "," + alerts.highMgdl()))
                    .bind("now", at(now)).bind("until", until == null ? null : at(until))
                    .bind("hash", hash(code)).bind("expires", at(now.plus(INVITATION_LIFETIME)))
                    .execute();
        });
        consents.record(owner, Consents.Purpose.SHARING, true, ledgerDetail(via, id, scopes, contact, until,
                historyDays));
        return new Created(find(owner, id).orElseThrow(), code);
    }

    /**
     * What the consent ledger keeps of a share's consent: the channel, the share, the exact categories, the window,
     * the end date and the recipient (masked: the ledger is not encrypted).
     */
    static String ledgerDetail(String via, UUID id, Set<ShareScope> scopes, Contact contact, Instant until,
                               Integer historyDays) {
        return via + " share " + id + " of [" + scopes.stream().sorted().map(ShareScope::id)
                .collect(Collectors.joining(",")) + "]"
                + (historyDays == null ? "" : " last " + historyDays + " days")
                + (until == null ? "" : " until " + until)
                + " to " + (contact == null ? "whoever accepts the link" : contact.masked());
    }

    /**
     * What the consent ledger keeps of a share's end (PR-44): a withdrawal of the sharing purpose about that one
     * share ({@link #subject}), naming who ended it, the categories and the masked recipient. It does not withdraw
     * the purpose: the person's other shares go on. An end date reached needs no event of its own: the grant
     * recorded when the share was made already names it ("until …").
     *
     * @param how "by the wearer", "by the follower", "replaced by share …"
     */
    static String endDetail(String via, Share s, String how) {
        return via + " share " + s.id() + " of [" + String.join(",", s.scopeIds()) + "]"
                + " to " + (s.contact() == null ? "whoever accepted the link"
                        : new Contact(s.channel(), s.contact()).masked())
                + " ended " + how;
    }

    /** The ledger subject of one share. */
    static String subject(UUID shareId) {
        return "share:" + shareId;
    }

    private void recordEnd(String via, Share s, String how) {
        consents.record(s.owner(), Consents.Purpose.SHARING, false, endDetail(via, s, how), subject(s.id()));
    }

    /** Why an invitation could not be accepted. */
    enum Refusal { UNKNOWN, USED_OR_EXPIRED, OWN }

    /** Thrown when an invitation is refused. */
    static final class Refused extends RuntimeException {
        final Refusal why;

        Refused(Refusal why) {
            super(why.name(), null, false, false);
            this.why = why;
        }
    }

    /**
     * Accepts an invitation for {@code grantee}: the share becomes active and the code is spent. A share the same
     * wearer gave the same follower before ends (one share per pair): it is recorded as ended by the wearer (their
     * new invitation replaced it; {@code ended_by = 'owner'}), and the consent ledger says "replaced by share …".
     *
     * @param label how the wearer will see the follower (their e-mail or phone), kept encrypted
     */
    Share accept(UUID grantee, String code, String label) {
        byte[] hash = hash(code);
        Instant now = clock.instant();
        List<Share> replaced = new java.util.ArrayList<>();
        Share accepted = jdbi.inTransaction(h -> {
            replaced.clear();
            Optional<Share> found = h.createQuery("select * from share where invitation_hash = :hash for update")
                    .bind("hash", hash).map(this::map).findOne();
            if (found.isEmpty()) {
                throw new Refused(Refusal.UNKNOWN);
            }
            Share s = found.get();
            if (s.owner().equals(grantee)) {
                throw new Refused(Refusal.OWN);
            }
            if (s.accepted() != null || s.ended() != null || !now.isBefore(s.invitationExpires())
                    || s.until() != null && !now.isBefore(s.until())) {
                throw new Refused(Refusal.USED_OR_EXPIRED);
            }
            replaced.addAll(h.createQuery("""
                            update share set ended_at = :now, ended_by = 'owner'
                            where owner_id = :owner and grantee_id = :grantee and ended_at is null returning *""")
                    .bind("now", at(now)).bind("owner", s.owner()).bind("grantee", grantee).map(this::map).list());
            h.createUpdate("""
                            update share set grantee_id = :grantee, grantee_label = :label, accepted_at = :now
                            where owner_id = :owner and id = :id""")
                    .bind("grantee", grantee).bind("label", keys.encrypt(s.owner(), "share.grantee", label))
                    .bind("now", at(now)).bind("owner", s.owner()).bind("id", s.id()).execute();
            changed(h, s.owner(), grantee);
            return s;
        });
        replaced.forEach(old -> recordEnd("invitation", old, "replaced by share " + accepted.id()
                + " (a new invitation the same follower accepted)"));
        return find(accepted.owner(), accepted.id()).orElseThrow();
    }

    /**
     * The wearer ends a share (it stays listed as ended), recorded in the consent ledger for that share;
     * false when it is not theirs or already ended.
     *
     * @param via the channel of the request (web, api) for the ledger
     */
    boolean revoke(UUID owner, UUID id, String via) {
        Optional<Share> ended = jdbi.inTransaction(h -> {
            Optional<Share> s = h.createQuery("""
                            update share set ended_at = :now, ended_by = 'owner'
                            where owner_id = :owner and id = :id and ended_at is null returning *""")
                    .bind("now", at(clock.instant())).bind("owner", owner).bind("id", id)
                    .map(this::map).findOne();
            s.map(Share::grantee).ifPresent(g -> changed(h, owner, g));
            return s;
        });
        ended.ifPresent(s -> recordEnd(via, s, "by the wearer"));
        return ended.isPresent();
    }

    /**
     * The follower stops following {@code person}, recorded in the person's consent ledger for that share; false
     * when they did not follow them.
     */
    boolean leave(UUID grantee, UUID person, String via) {
        List<Share> ended = jdbi.inTransaction(h -> {
            List<Share> list = h.createQuery("""
                            update share set ended_at = :now, ended_by = 'follower'
                            where owner_id = :person and grantee_id = :grantee and ended_at is null returning *""")
                    .bind("now", at(clock.instant())).bind("person", person).bind("grantee", grantee)
                    .map(this::map).list();
            if (!list.isEmpty()) {
                changed(h, person, grantee);
            }
            return list;
        });
        ended.forEach(s -> recordEnd(via, s, "by the follower"));
        return !ended.isEmpty();
    }

    private static void changed(Handle h, UUID person, UUID grantee) {
        Notifications.send(h, Grants.CHANGED, person + "/" + grantee);
    }

    /** The share an invitation code belongs to, whatever its state (the invitation page shows it before accepting). */
    Optional<Share> byCode(String code) {
        return jdbi.withHandle(h -> h.createQuery("select * from share where invitation_hash = :hash")
                .bind("hash", hash(code)).map(this::map).findOne());
    }

    Optional<Share> find(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from share where owner_id = :owner and id = :id")
                .bind("owner", owner).bind("id", id).map(this::map).findOne());
    }

    /** Every share the wearer gave, newest first. */
    List<Share> given(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select * from share where owner_id = :owner order by created_at desc, id")
                .bind("owner", owner).map(this::map).list());
    }

    /** The shares in force that others gave {@code grantee}. */
    List<Share> following(UUID grantee) {
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from share where grantee_id = :grantee and ended_at is null
                          and (until is null or until > :now) order by accepted_at""")
                .bind("grantee", grantee).bind("now", at(now)).map(this::map).list());
    }

    /**
     * Whether {@code owner} shares {@code scope} with anyone now or has an open invitation for it (whoever accepts
     * will see what is there), under their consent to sharing.
     */
    boolean sharesInForce(UUID owner, ShareScope scope) {
        if (!consents.granted(owner, Consents.Purpose.SHARING)) {
            return false;
        }
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createQuery("""
                        select exists (select 1 from share where owner_id = :owner and ended_at is null
                          and (until is null or until > :now)
                          and (',' || scopes || ',') like :scope
                          and (accepted_at is not null and grantee_id is not null
                               or accepted_at is null and invitation_expires > :now))""")
                .bind("owner", owner).bind("now", at(now)).bind("scope", "%," + scope.id() + ",%")
                .mapTo(Boolean.class).one());
    }

    /**
     * The followers {@code owner} shares {@code scope} with now (accepted, in force), under their consent to sharing
     * (the alerts feature escalates urgent lows to those who share alerts).
     */
    List<UUID> granteesOf(UUID owner, ShareScope scope) {
        if (!consents.granted(owner, Consents.Purpose.SHARING)) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("""
                        select distinct grantee_id from share where owner_id = :owner and ended_at is null
                          and accepted_at is not null and grantee_id is not null
                          and (until is null or until > :now) and (',' || scopes || ',') like :scope""")
                .bind("owner", owner).bind("now", at(clock.instant())).bind("scope", "%," + scope.id() + ",%")
                .mapTo(UUID.class).list());
    }

    /**
     * Every share others gave {@code grantee}, in force or ended (what "My data" counts and the export lists), the
     * oldest first.
     */
    List<Share> followed(UUID grantee) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select * from share where grantee_id = :grantee order by accepted_at, id")
                .bind("grantee", grantee).map(this::map).list());
    }

    /** How many shares the person gave and how many they hold from others (for "My data"). */
    long countGiven(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from share where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
    }

    long countFollowing(UUID grantee) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from share where grantee_id = :g")
                .bind("g", grantee).mapTo(Long.class).one());
    }

    @Override
    public Optional<Grant> active(UUID person, UUID grantee) {
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, scopes, history_days, until from share
                        where owner_id = :person and grantee_id = :grantee and ended_at is null
                          and accepted_at is not null and (until is null or until > :now)
                        order by accepted_at desc limit 1""")
                .bind("person", person).bind("grantee", grantee).bind("now", at(now))
                .map((rs, ctx) -> {
                    Integer days = (Integer) rs.getObject("history_days");
                    OffsetDateTime until = rs.getObject("until", OffsetDateTime.class);
                    return new Grant(rs.getObject("id", UUID.class), person, grantee, scopes(rs.getString("scopes")),
                            days == null ? null : dataClock.instant().minus(Duration.ofDays(days)),
                            until == null ? null : until.toInstant());
                }).findOne());
    }

    /** Reads are logged by the access log; this store only answers grants. */
    @Override
    public void recordRead(Grant grant, ShareScope scope, String what) {
        throw new UnsupportedOperationException("the access log records reads");
    }

    private Share map(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        UUID owner = rs.getObject("owner_id", UUID.class);
        byte[] contact = rs.getBytes("contact");
        byte[] label = rs.getBytes("grantee_label");
        byte[] alerts = rs.getBytes("alerts");
        Alerts a = null;
        if (alerts != null) {
            String[] parts = keys.decryptString(owner, "share.alerts", alerts).split(",");
            a = new Alerts(parts[0].equals("null") ? null : Integer.valueOf(parts[0]),
                    parts[1].equals("null") ? null : Integer.valueOf(parts[1]));
        }
        return new Share(owner, rs.getObject("id", UUID.class), rs.getObject("grantee_id", UUID.class),
                label == null ? null : keys.decryptString(owner, "share.grantee", label),
                contact == null ? null : keys.decryptString(owner, "share.contact", contact),
                rs.getString("contact_channel"), scopes(rs.getString("scopes")),
                (Integer) rs.getObject("history_days"), a, instant(rs, "created_at"), instant(rs, "until"),
                instant(rs, "invitation_expires"), instant(rs, "accepted_at"), instant(rs, "ended_at"),
                rs.getString("ended_by"));
    }

    static Set<ShareScope> scopes(String list) {
        Set<ShareScope> out = EnumSet.noneOf(ShareScope.class);
        Arrays.stream(list.split(",")).filter(s -> !s.isEmpty())
                .forEach(s -> ShareScope.parse(s).ifPresent(out::add));
        return out;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime at(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    static byte[] hash(String code) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where an invitation is sent: an e-mail address or an E.164 phone number. */
    record Contact(String channel, String value) {

        static Optional<Contact> parse(String text) {
            String v = text.trim();
            if (v.matches("\\+[1-9][0-9]{6,14}")) {
                return Optional.of(new Contact("sms", v));
            }
            if (v.length() <= 254 && v.matches("[^@\\s<>\"(),;:]+@[^@\\s<>\"(),;:]+\\.[^@\\s<>\"(),;:]+")) {
                return Optional.of(new Contact("email", v.toLowerCase(java.util.Locale.ROOT)));
            }
            return Optional.empty();
        }

        String masked() {
            return new org.mqcgm.server.platform.outbound.OutboundMessage(outboundChannel(), value, "", "")
                    .maskedRecipient();
        }

        org.mqcgm.server.platform.outbound.OutboundMessage.Channel outboundChannel() {
            return channel.equals("sms") ? org.mqcgm.server.platform.outbound.OutboundMessage.Channel.SMS
                    : org.mqcgm.server.platform.outbound.OutboundMessage.Channel.EMAIL;
        }
    }
}
