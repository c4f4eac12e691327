package org.mqcgm.server.guardians;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.db.Notifications;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.profile.BirthDates;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.security.Holds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dates of birth, minors' accounts and their guardians (PR-77, PR-78). The age is computed here from the date of
 * birth in the person's home zone, never taken from a client. An account under the age of majority waits
 * ({@code minor.state = 'pending'}) until a guardian, reached at a contact other than the child's and proven by a
 * one-time code, consents per purpose; the consents go to the child's ledger naming the guardian. At the age of
 * majority (a daily job) control passes to the person and both are told.
 */
final class Guardians implements BirthDates {

    private static final Logger log = LoggerFactory.getLogger(Guardians.class);
    static final String HOLDS_CHANGED = "mqcgm_holds_changed";
    static final Duration INVITATION_LIFETIME = Duration.ofDays(7);
    static final int MAX_TRIES = 5;
    static final String BIRTH_CONTEXT = "birth-date";
    static final String CONTACT_CONTEXT = "guardian.contact";
    /** What a guardian consents to on the child's behalf; the rest stays off for minors (PR-78). */
    static final List<Purpose> GUARDIAN_PURPOSES = List.of(Purpose.HEALTH_DATA, Purpose.SHARING);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final DeploymentSecrets secrets;
    private final Consents consents;
    private final Clock clock;
    private final int majority;
    private final Function<UUID, ZoneId> zones;
    private final AccountClosure accounts;
    private final GuardianMail mail;
    private final BiConsumer<UUID, String> deleteAccount;
    private final Cache<UUID, State> states = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofSeconds(30)).build();

    Guardians(Jdbi jdbi, UserKeys keys, DeploymentSecrets secrets, Consents consents, Clock clock, int majority,
              Function<UUID, ZoneId> zones, AccountClosure accounts, GuardianMail mail,
              BiConsumer<UUID, String> deleteAccount) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.secrets = secrets;
        this.consents = consents;
        this.clock = clock;
        this.majority = majority;
        this.zones = zones;
        this.accounts = accounts;
        this.mail = mail;
        this.deleteAccount = deleteAccount;
    }

    int majority() {
        return majority;
    }

    /** What holds an account and whether it is a minor's, read together (cached briefly, dropped on change). */
    record State(boolean minor, boolean pending, boolean suspended) {
        Optional<Holds.Hold> hold() {
            return suspended ? Optional.of(Holds.Hold.ACCOUNT_SUSPENDED)
                    : pending ? Optional.of(Holds.Hold.GUARDIAN_CONSENT_REQUIRED) : Optional.empty();
        }
    }

    State state(UUID person) {
        return states.get(person, p -> jdbi.withHandle(h -> h.createQuery("""
                        select (select state from minor where owner_id = :p) as minor_state,
                               exists (select 1 from child_report where reported_account = :p and outcome is null)
                                   as suspended""")
                .bind("p", p)
                .map((rs, ctx) -> new State(rs.getString(1) != null, "pending".equals(rs.getString(1)),
                        rs.getBoolean(2)))
                .one()));
    }

    /** Listens for changes made on other nodes. */
    void listen(Notifications notifications) {
        notifications.on(HOLDS_CHANGED, payload -> {
            try {
                states.invalidate(UUID.fromString(payload));
            } catch (IllegalArgumentException e) {
                states.invalidateAll();
            }
        }, states::invalidateAll);
    }

    /** Announces a change of a person's state to every node (at commit) and forgets it here. */
    void changed(Handle h, UUID person) {
        Notifications.send(h, HOLDS_CHANGED, person.toString());
        states.invalidate(person);
    }

    void forget(UUID person) {
        states.invalidate(person);
    }

    // ---- dates of birth ----

    /** Parses a date of birth as typed (ISO {@code yyyy-mm-dd}, as a date field sends it). */
    static LocalDate parse(String raw, String field) {
        if (raw == null || raw.isBlank()) {
            throw invalid(field, "required", "is needed: the date of birth decides whether a guardian must consent");
        }
        try {
            return LocalDate.parse(raw.strip());
        } catch (DateTimeException e) {
            throw invalid(field, "date", "must be a date as YYYY-MM-DD");
        }
    }

    static ProblemException invalid(String field, String rule, String message) {
        return new ProblemException(Problem.validation("The date of birth " + message + ".",
                List.of(new Problem.FieldError(field, rule, message))));
    }

    /** Checks that a date of birth is plausible in the person's zone (not in the future, not before 1900). */
    void check(LocalDate birthDate, ZoneId zone, String field) {
        if (birthDate.isAfter(LocalDate.now(clock.withZone(zone)))) {
            throw invalid(field, "past", "must not be in the future");
        }
        if (birthDate.isBefore(LocalDate.of(1900, 1, 1))) {
            throw invalid(field, "range", "must be after 1900-01-01");
        }
    }

    /** The age in whole years on today's date in {@code zone}. */
    int age(LocalDate birthDate, ZoneId zone) {
        return Period.between(birthDate, LocalDate.now(clock.withZone(zone))).getYears();
    }

    @Override
    public void record(UUID person, LocalDate birthDate, Source source) {
        ZoneId zone = zones.apply(person);
        check(birthDate, zone, "birth_date");
        boolean minor = age(birthDate, zone) < majority;
        Instant now = clock.instant();
        jdbi.useTransaction(h -> {
            boolean wasMinor = h.createQuery("select owner_id from minor where owner_id = :p for update")
                    .bind("p", person).mapTo(UUID.class).findOne().isPresent();
            if (wasMinor && !minor) {
                // A minor cannot make themselves an adult: that would end the guardian's consent without anyone
                // checking. Support corrects a wrong date.
                throw new ProblemException(Problem.of(409, "birth-date-locked", "Date of birth cannot be changed",
                                "This account is a minor's account. A wrong date of birth is corrected by support,"
                                        + " not here.")
                        .withErrors(List.of(new Problem.FieldError("birth_date", "locked",
                                "cannot make a minor's account an adult's"))));
            }
            h.createUpdate("""
                            insert into birth_date (owner_id, birth_date_enc, source, recorded_at)
                            values (:p, :enc, :source, :now)
                            on conflict (owner_id) do update set birth_date_enc = excluded.birth_date_enc,
                                source = excluded.source, recorded_at = excluded.recorded_at""")
                    .bind("p", person)
                    .bind("enc", keys.encrypt(person, BIRTH_CONTEXT, birthDate.toString()))
                    .bind("source", source.name().toLowerCase(Locale.ROOT))
                    .bind("now", utc(now))
                    .execute();
            if (minor && !wasMinor) {
                // Under the age of majority: the account waits for a guardian (a date edited to a minor's age
                // puts an active account on hold the same way, PR-79).
                h.createUpdate("insert into minor (owner_id, state, since) values (:p, 'pending', :now)")
                        .bind("p", person).bind("now", utc(now)).execute();
                changed(h, person);
            }
        });
        if (minor) {
            log.info("an account under the age of majority waits for a guardian's consent");
        }
    }

    @Override
    public boolean known(UUID person) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from birth_date where owner_id = :p")
                .bind("p", person).mapTo(Integer.class).one()) > 0;
    }

    Optional<LocalDate> birthDate(UUID person) {
        return jdbi.withHandle(h -> h.createQuery("select birth_date_enc from birth_date where owner_id = :p")
                .bind("p", person).mapTo(byte[].class).findOne())
                .map(enc -> LocalDate.parse(keys.decryptString(person, BIRTH_CONTEXT, enc)));
    }

    // ---- inviting a guardian ----

    /** An invitation sent: where the code went (partly hidden). */
    record Invited(UUID id, String sentTo) {
    }

    /**
     * Invites a guardian for the minor {@code child} at {@code rawContact} (an e-mail address or mobile number that
     * is not the child's own): a link and a one-time code go there.
     */
    Invited invite(UUID child, String rawContact, Function<String, Optional<String>> normalise) {
        if (!state(child).pending()) {
            throw new ProblemException(Problem.of(409, "no-guardian-needed", "No guardian needed",
                    "Only an account waiting for a guardian's consent invites a guardian."));
        }
        String contact = normalise.apply(rawContact).orElseThrow(() -> new ProblemException(Problem.validation(
                "The guardian's contact is not valid.", List.of(new Problem.FieldError("contact", "identifier",
                        "must be an e-mail address or a mobile number in international form (+86 …)")))));
        AccountClosure.Contact own = accounts.contact(child).orElseThrow(() -> new ProblemException(Problem.notFound()));
        if (contact.equals(own.email()) || contact.equals(own.phone())) {
            throw new ProblemException(Problem.validation("The guardian must be reached at their own contact.",
                    List.of(new Problem.FieldError("contact", "different-from-child",
                            "must be the guardian's own e-mail address or phone number, not the child's"))));
        }
        UUID id = UUID.randomUUID();
        String code = String.format(Locale.ROOT, "%06d", RANDOM.nextInt(1_000_000));
        boolean email = contact.contains("@");
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into guardian_invitation (owner_id, id, contact_enc, channel, code_hash, created_at,
                                                         expires_at)
                        values (:child, :id, :contact, :channel, :code, :now, :expires)""")
                .bind("child", child).bind("id", id)
                .bind("contact", keys.encrypt(child, CONTACT_CONTEXT, contact))
                .bind("channel", email ? "email" : "sms")
                .bind("code", codeHash(id, code))
                .bind("now", utc(now)).bind("expires", utc(now.plus(INVITATION_LIFETIME)))
                .execute());
        mail.invitation(contact, own.language(), id, code);
        return new Invited(id, mask(contact));
    }

    private byte[] codeHash(UUID invitation, String code) {
        return secrets.pseudonym("code:guardian", invitation + ":" + (code == null ? "" : code.strip()));
    }

    /** Under any kept version of the deployment secret: a code sent before a rotation still works (V1.6.3). */
    private boolean codeMatches(byte[] stored, UUID invitation, String code) {
        boolean match = false;
        for (byte[] candidate : secrets.pseudonyms("code:guardian",
                invitation + ":" + (code == null ? "" : code.strip()))) {
            match |= MessageDigest.isEqual(stored, candidate);
        }
        return match;
    }

    /** An invitation as the invited guardian sees it: whose account (partly hidden) and until when. */
    record Invitation(UUID id, UUID child, String childContact, boolean open) {
    }

    Optional<Invitation> invitation(UUID id) {
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, accepted_at is null and expires_at > :now and attempts < :max as open
                        from guardian_invitation where id = :id""")
                .bind("id", id).bind("now", utc(now)).bind("max", MAX_TRIES)
                .map((rs, ctx) -> new Invitation(id, rs.getObject(1, UUID.class), null, rs.getBoolean(2)))
                .findOne())
                .map(i -> new Invitation(i.id(), i.child(), accounts.contact(i.child())
                        .map(c -> mask(c.email() != null ? c.email() : c.phone())).orElse("•••"), i.open()));
    }

    /**
     * The guardian's answer: the code sent to them, their declaration that they are the child's parent or legal
     * guardian, and the purposes they consent to. The consents go to the child's ledger naming the guardian; the
     * child's account becomes active.
     */
    void accept(UUID invitationId, UUID guardian, String code, Set<Purpose> purposes, boolean declaration) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (!declaration) {
            errors.add(new Problem.FieldError("declaration", "required",
                    "confirm that you are the child's parent or legal guardian"));
        }
        if (!purposes.contains(Purpose.HEALTH_DATA)) {
            errors.add(new Problem.FieldError("purpose", "health-data",
                    "without consent to the processing of glucose data the child cannot use mqcgm"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The consent was not recorded.", errors));
        }
        Invitation invitation = invitation(invitationId).orElseThrow(Guardians::codeGone);
        UUID child = invitation.child();
        if (child.equals(guardian)) {
            throw new ProblemException(Problem.of(403, "guardian-is-child", "Not your own guardian",
                    "A guardian consents from their own account, not from the child's."));
        }
        if (state(guardian).minor()) {
            throw new ProblemException(Problem.of(403, "guardian-minor", "A guardian must be an adult",
                    "A minor's account cannot consent for another minor."));
        }
        Instant now = clock.instant();
        record Try(byte[] hash, int attempts) {
        }
        // One try is used up before the code is compared (one statement): parallel requests cannot share a try.
        Try t = jdbi.withHandle(h -> h.createQuery("""
                        update guardian_invitation set attempts = attempts + 1
                        where id = :id and accepted_at is null and expires_at > :now and attempts < :max
                        returning code_hash, attempts""")
                .bind("id", invitationId).bind("now", utc(now)).bind("max", MAX_TRIES)
                .map((rs, ctx) -> new Try(rs.getBytes(1), rs.getInt(2))).findOne())
                .orElseThrow(Guardians::codeGone);
        if (!codeMatches(t.hash(), invitationId, code)) {
            if (t.attempts() >= MAX_TRIES) {
                throw codeGone();
            }
            throw new ProblemException(Problem.of(422, "code-wrong", "Wrong code",
                            "The code is not correct. " + (MAX_TRIES - t.attempts()) + " tries left.")
                    .withErrors(List.of(new Problem.FieldError("code", "match", "is not the code we sent")))
                    .with("triesLeft", MAX_TRIES - t.attempts()));
        }
        boolean accepted = jdbi.inTransaction(h -> {
            if (h.createUpdate("update guardian_invitation set accepted_at = :now where id = :id"
                    + " and accepted_at is null").bind("now", utc(now)).bind("id", invitationId).execute() != 1) {
                return false;
            }
            h.createUpdate("""
                            insert into guardianship (owner_id, guardian_id, since) values (:child, :guardian, :now)
                            on conflict (owner_id, guardian_id) do update set since = excluded.since,
                                ended_at = null, end_reason = null""")
                    .bind("child", child).bind("guardian", guardian).bind("now", utc(now)).execute();
            // The child's ledger: each purpose the guardian was asked about, granted or not, naming the guardian —
            // in this transaction (the ledger joins the thread's handle), before the hold is lifted: the hold never
            // ends without the guardian's choices recorded.
            for (Purpose purpose : GUARDIAN_PURPOSES) {
                consents.record(child, purpose, purposes.contains(purpose), channel(guardian));
            }
            h.createUpdate("update minor set state = 'consented', since = :now where owner_id = :child")
                    .bind("child", child).bind("now", utc(now)).execute();
            changed(h, child);
            return true;
        });
        if (!accepted) {
            throw codeGone();
        }
        forget(child);
        accounts.contact(child).ifPresent(c -> mail.consented(c, true));
        accounts.contact(guardian).ifPresent(c -> mail.consented(c, false));
    }

    /** The ledger channel of a guardian's choice: it names the guardian's account. */
    static String channel(UUID guardian) {
        return "guardian:" + guardian;
    }

    static ProblemException codeGone() {
        return new ProblemException(Problem.of(410, "code-expired", "Invitation no longer valid",
                        "This invitation has expired, was already used or its code was tried too often. Ask the"
                                + " child to invite you again.")
                .withErrors(List.of(new Problem.FieldError("code", "expired", "is no longer valid"))));
    }

    // ---- guardians' view ----

    /** A child of a guardian: live, or ended (and why). */
    record Child(UUID id, String label, Instant since, Instant endedAt, String endReason) {
        boolean live() {
            return endedAt == null;
        }
    }

    List<Child> children(UUID guardian) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, since, ended_at, end_reason from guardianship
                        where guardian_id = :g order by since""")
                .bind("g", guardian)
                .map((rs, ctx) -> new Child(rs.getObject(1, UUID.class), null,
                        rs.getObject(2, OffsetDateTime.class).toInstant(),
                        rs.getObject(3, OffsetDateTime.class) == null ? null
                                : rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4)))
                .list()).stream()
                .map(c -> new Child(c.id(), accounts.contact(c.id()).map(x -> mask(x.email() != null ? x.email()
                        : x.phone())).orElse("•••"), c.since(), c.endedAt(), c.endReason()))
                .toList();
    }

    /** The guardians of a child now (live guardianships). */
    List<UUID> guardiansOf(UUID child) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select guardian_id from guardianship where owner_id = :c and ended_at is null")
                .bind("c", child).mapTo(UUID.class).list());
    }

    /**
     * The guardianship of {@code guardian} over {@code child} for acting on the child's behalf: 404 when there
     * never was one (nothing tells a stranger the account exists), 403 once it ended (the age of majority: the
     * person controls their account now).
     */
    Child liveGuardianship(UUID guardian, UUID child) {
        Child c = children(guardian).stream().filter(x -> x.id().equals(child)).findFirst()
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        if (!c.live()) {
            throw new ProblemException(Problem.of(403, "guardianship-ended", "Guardianship ended",
                            "majority".equals(c.endReason())
                                    ? "This person has reached the age of majority: they control their account now."
                                    : "You no longer act for this account.")
                    .with("code", "GUARDIANSHIP_ENDED"));
        }
        return c;
    }

    /**
     * The guardian withdraws their consent: it is recorded in the child's ledger naming the guardian, the
     * guardianship ends and the child's account is closed at once and erased by the cancellation job (PR-78:
     * within 24 hours).
     */
    void withdraw(UUID guardian, UUID child) {
        liveGuardianship(guardian, child);
        for (Purpose purpose : GUARDIAN_PURPOSES) {
            consents.record(child, purpose, false, channel(guardian));
        }
        jdbi.useHandle(h -> h.createUpdate("""
                        update guardianship set ended_at = :now, end_reason = 'withdrawn'
                        where owner_id = :c and ended_at is null""")
                .bind("c", child).bind("now", utc(clock.instant())).execute());
        deleteAccount.accept(child, "guardian withdrew consent");
    }

    // ---- the age of majority ----

    /**
     * The daily job: every minor who has reached the age of majority in their home zone controls their account
     * from now on. Their guardians' access ends and both are told. Returns how many passed.
     */
    int passControlAtMajority() {
        record Row(UUID owner, byte[] birthEnc) {
        }
        List<Row> minors = jdbi.withHandle(h -> h.createQuery("""
                        select m.owner_id, b.birth_date_enc from minor m
                        join birth_date b on b.owner_id = m.owner_id""")
                .map((rs, ctx) -> new Row(rs.getObject(1, UUID.class), rs.getBytes(2))).list());
        int passed = 0;
        for (Row r : minors) {
            try {
                LocalDate birth = LocalDate.parse(keys.decryptString(r.owner(), BIRTH_CONTEXT, r.birthEnc()));
                if (age(birth, zones.apply(r.owner())) < majority) {
                    continue;
                }
                List<UUID> guardians = jdbi.inTransaction(h -> {
                    if (h.createUpdate("delete from minor where owner_id = :p").bind("p", r.owner()).execute() != 1) {
                        return List.<UUID>of();
                    }
                    changed(h, r.owner());
                    return h.createQuery("""
                                    update guardianship set ended_at = :now, end_reason = 'majority'
                                    where owner_id = :p and ended_at is null returning guardian_id""")
                            .bind("p", r.owner()).bind("now", utc(clock.instant())).mapTo(UUID.class).list();
                });
                forget(r.owner());
                accounts.contact(r.owner()).ifPresent(c -> mail.majority(c, true));
                for (UUID g : guardians) {
                    accounts.contact(g).ifPresent(c -> mail.majority(c, false));
                }
                passed++;
            } catch (RuntimeException e) {
                log.warn("the age of majority of one account could not be checked: {}",
                        org.mqcgm.server.platform.db.SafeErrors.describe(e));
            }
        }
        return passed;
    }

    static String mask(String contact) {
        if (contact == null) {
            return "•••";
        }
        int at = contact.indexOf('@');
        if (at > 0) {
            return contact.charAt(0) + "•••" + contact.substring(at);
        }
        return contact.substring(0, Math.min(3, contact.length())) + "•••"
                + contact.substring(Math.max(3, contact.length() - 2));
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
