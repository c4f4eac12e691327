package org.mqcgm.server.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.web.Language;

/**
 * Sign-up in two steps: an e-mail address or mobile number and a password, then the six-digit code sent there
 * (10 minutes, at most 5 tries, single use, stored as a keyed hash). The answer to the first step is the same
 * whether or not the identifier already has an account — the owner of an existing account gets a notice instead
 * of a code — so sign-up cannot be used to find out who uses mqcgm.
 */
public final class Registrations {

    static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    static final int MAX_TRIES = 5;
    private static final String SEAL_CONTEXT = "registration.identifier";

    private final Jdbi jdbi;
    private final AccountStore store;
    private final PasswordHasher hasher;
    private final SecretCodes codes;
    private final DeploymentSecrets secrets;
    private final AccountMail mail;
    private final SecurityEvents events;
    private final org.mqcgm.server.platform.consent.Consents consents;
    private final Clock clock;
    /** Where a confirmed sign-up's date of birth goes (the guardians feature applies the age rules, PR-77). */
    private volatile org.mqcgm.server.platform.profile.BirthDates birthDates =
            org.mqcgm.server.platform.profile.BirthDates.NONE;

    void birthDates(org.mqcgm.server.platform.profile.BirthDates birthDates) {
        this.birthDates = birthDates;
    }

    Registrations(Jdbi jdbi, AccountStore store, PasswordHasher hasher, SecretCodes codes, DeploymentSecrets secrets,
                  AccountMail mail, SecurityEvents events, org.mqcgm.server.platform.consent.Consents consents,
                  Clock clock) {
        this.consents = consents;
        this.jdbi = jdbi;
        this.store = store;
        this.hasher = hasher;
        this.codes = codes;
        this.secrets = secrets;
        this.mail = mail;
        this.events = events;
        this.clock = clock;
    }

    /** A started sign-up: the id to confirm it with, and where the code went (partly hidden). */
    public record Started(UUID id, String sentTo, String channel) {
    }

    /** Checks the input and sends the code (or, for a taken identifier, the notice). */
    public Started start(String rawIdentifier, String password, String timeZone, Language language) {
        return start(rawIdentifier, password, timeZone, language, false);
    }

    /**
     * @param healthDataConsent the separate, unticked "process my glucose data" box was ticked (PR-19, PR-32)
     */
    public Started start(String rawIdentifier, String password, String timeZone, Language language,
                         boolean healthDataConsent) {
        return start(rawIdentifier, password, timeZone, language, healthDataConsent, null);
    }

    /**
     * @param birthDate the date of birth as the form sends it ({@code yyyy-mm-dd}); null where the caller does not
     *                  ask it (the account is then asked at its next login). The server computes the age from it;
     *                  an age a client sends is never read (PR-77).
     */
    public Started start(String rawIdentifier, String password, String timeZone, Language language,
                         boolean healthDataConsent, String birthDate) {
        List<Problem.FieldError> errors = new ArrayList<>();
        ZoneId birthZone = AccountStore.zone(timeZone == null || timeZone.isBlank() ? "UTC" : timeZone);
        LocalDate born = birthDate == null ? null : birthDate(birthDate, birthZone, clock, errors);
        Optional<Identifier> identifier = Identifier.parse(rawIdentifier);
        if (identifier.isEmpty()) {
            errors.add(new Problem.FieldError("identifier", "identifier",
                    "must be an e-mail address or a mobile number in international form (+86 …)"));
        }
        PasswordPolicy.check(password, identifier.map(i -> List.of(i.value())).orElse(List.of()), errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The account could not be created.", errors));
        }
        Identifier id = identifier.get();
        ZoneId zone = AccountStore.zone(timeZone == null || timeZone.isBlank() ? "UTC" : timeZone);
        boolean taken = store.findByIdentifier(id).isPresent();
        UUID registration = UUID.randomUUID();
        String code = SecretCodes.sixDigits();
        Instant now = clock.instant();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into registration (id, identifier_index, identifier_enc, channel, code_hash,
                                                  password_hash, time_zone, locale, created_at, expires_at,
                                                  health_data_consent, birth_date_enc)
                        values (:id, :index, :enc, :channel, :code, :password, :zone, :locale, :now, :expires,
                                :consent, :birth)""")
                .bind("consent", healthDataConsent)
                .bind("birth", born == null ? null : secrets.seal(BIRTH_CONTEXT, born.toString()))
                .bind("id", registration)
                .bind("index", store.index(id))
                .bind("enc", secrets.seal(SEAL_CONTEXT, id.value()))
                .bind("channel", id.channel() == org.mqcgm.server.platform.outbound.OutboundMessage.Channel.EMAIL
                        ? "email" : "sms")
                // For a taken identifier the stored code is one nobody ever receives.
                .bind("code", codes.hash("signup", registration.toString(), taken ? SecretCodes.token() : code))
                .bind("password", hasher.hash(password))
                .bind("zone", zone.getId())
                .bind("locale", language.tag())
                .bind("now", Sessions.utc(now))
                .bind("expires", Sessions.utc(now.plus(CODE_LIFETIME)))
                .execute());
        mail.send(id, language, taken ? AccountMail.Kind.ALREADY_REGISTERED : AccountMail.Kind.SIGNUP_CODE,
                taken ? null : code, null);
        return new Started(registration, mask(id), id.channel().name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Confirms a sign-up with its code and creates the account.
     *
     * @throws ProblemException 410 for an unknown, expired, used-up or already used code; 422 for a wrong code
     *                          with tries left; 409 when the identifier got an account meanwhile
     */
    public UUID confirm(UUID registrationId, String code) {
        Instant now = clock.instant();
        record Pending(byte[] index, byte[] identifierEnc, byte[] codeHash, String passwordHash, String zone,
                       String locale, int attempts, Instant expiresAt, boolean consumed, boolean consent,
                       byte[] birth) {
        }
        // One try is used up before the code is compared (one statement): parallel requests cannot share a try.
        Optional<Pending> pending = jdbi.withHandle(h -> h.createQuery("""
                        update registration set attempts = attempts + 1
                        where id = :id and consumed_at is null and expires_at > :now and attempts < :max
                        returning identifier_index, identifier_enc, code_hash, password_hash, time_zone, locale,
                                  attempts, expires_at, consumed_at is not null as consumed, health_data_consent,
                                  birth_date_enc""")
                .bind("id", registrationId).bind("now", Sessions.utc(now)).bind("max", MAX_TRIES)
                .map((rs, ctx) -> new Pending(rs.getBytes(1), rs.getBytes(2), rs.getBytes(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getInt(7),
                        rs.getObject(8, OffsetDateTime.class).toInstant(), rs.getBoolean(9), rs.getBoolean(10),
                        rs.getBytes(11)))
                .findOne());
        if (pending.isEmpty()) {
            throw codeGone();
        }
        Pending p = pending.get();
        if (!codes.matches(p.codeHash(), "signup", registrationId.toString(), code)) {
            int used = p.attempts();
            if (used >= MAX_TRIES) {
                throw codeGone();
            }
            throw wrongCode(MAX_TRIES - used);
        }
        // Single use, even under concurrent confirmations of the same code.
        int claimed = jdbi.withHandle(h -> h.createUpdate(
                        "update registration set consumed_at = :now where id = :id and consumed_at is null")
                .bind("now", Sessions.utc(now)).bind("id", registrationId).execute());
        if (claimed != 1) {
            throw codeGone();
        }
        Identifier identifier = Identifier.parse(secrets.open(SEAL_CONTEXT, p.identifierEnc())).orElseThrow();
        try {
            UUID account = store.insert(identifier, p.passwordHash(), AccountStore.zone(p.zone()),
                    Language.parse(p.locale()).orElse(Language.EN));
            events.record(account, SecurityEvents.Kind.ACCOUNT_CREATED, ClientFacts.NONE, identifier.channel().name());
            // The sign-up form cannot be sent without accepting the policy (PR-01): the ledger keeps that
            // acceptance with the version of the policy in force.
            consents.record(account, org.mqcgm.server.platform.consent.Consents.Purpose.POLICY, true, "signup");
            if (p.consent()) {
                consents.record(account, org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA, true,
                        "signup");
            }
            if (p.birth() != null) {
                // Under the age of majority the account waits for a guardian from here on (PR-77).
                birthDates.record(account, LocalDate.parse(secrets.open(BIRTH_CONTEXT, p.birth())),
                        org.mqcgm.server.platform.profile.BirthDates.Source.SIGNUP);
            }
            return account;
        } catch (AccountStore.IdentifierTaken e) {
            throw new ProblemException(Problem.of(409, "account-exists", "Account exists",
                    "An account with this e-mail address or phone number already exists. Log in instead.")
                    .withErrors(List.of(new Problem.FieldError("identifier", "unique", "is already registered"))));
        }
    }

    static final String BIRTH_CONTEXT = "registration.birth-date";

    /**
     * A date of birth as typed ({@code yyyy-mm-dd}), checked on the local date of {@code zone}: not in the future,
     * not before 1900. Problems are added to {@code errors} (field {@code birth_date}); null then.
     */
    static LocalDate birthDate(String raw, ZoneId zone, Clock clock, List<Problem.FieldError> errors) {
        if (raw == null || raw.isBlank()) {
            errors.add(new Problem.FieldError("birth_date", "required",
                    "is needed: under the age of majority a guardian must consent"));
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(raw.strip());
        } catch (java.time.format.DateTimeParseException e) {
            errors.add(new Problem.FieldError("birth_date", "date", "must be a date as YYYY-MM-DD"));
            return null;
        }
        if (date.isAfter(LocalDate.now(clock.withZone(zone)))) {
            errors.add(new Problem.FieldError("birth_date", "past", "must not be in the future"));
            return null;
        }
        if (date.isBefore(LocalDate.of(1900, 1, 1))) {
            errors.add(new Problem.FieldError("birth_date", "range", "must be after 1900-01-01"));
            return null;
        }
        return date;
    }

    static ProblemException codeGone() {
        return new ProblemException(Problem.of(410, "code-expired", "Code no longer valid",
                "This code has expired, was already used or was tried too often. Ask for a new one.")
                .withErrors(List.of(new Problem.FieldError("code", "expired", "is no longer valid"))));
    }

    static ProblemException wrongCode(int triesLeft) {
        return new ProblemException(Problem.of(422, "code-wrong", "Wrong code",
                        "The code is not correct. " + triesLeft + " tries left.")
                .withErrors(List.of(new Problem.FieldError("code", "match", "is not the code we sent")))
                .with("triesLeft", triesLeft));
    }

    /** Deletes sign-ups whose code expired more than a day ago (purge job). */
    int purge() {
        return jdbi.withHandle(h -> h.createUpdate("delete from registration where expires_at < :cutoff")
                .bind("cutoff", Sessions.utc(clock.instant().minus(Duration.ofDays(1)))).execute());
    }

    /** The identifier with most of it hidden, to show where the code went. */
    static String mask(Identifier id) {
        if (id instanceof Identifier.Email e) {
            String v = e.value();
            int at = v.indexOf('@');
            return v.charAt(0) + "•••" + v.substring(at);
        }
        String v = id.value();
        return v.substring(0, Math.min(3, v.length())) + "•••" + v.substring(Math.max(3, v.length() - 2));
    }
}
