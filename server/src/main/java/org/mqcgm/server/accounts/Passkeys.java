package org.mqcgm.server.accounts;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.util.Base64UrlUtil;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.VerificationException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebAuthn passkeys (issue 16): registered from Settings, used as the second factor instead of a TOTP code, or to
 * sign in without a password (a discoverable credential with user verification). Attestation and assertion
 * parsing and verification (CBOR, COSE keys, signatures, origin, RP id hash, flags, sign counter) are webauthn4j's;
 * this class keeps the ceremonies' challenges (single use, five minutes), the credentials (owner first, the public
 * key and the last signature counter; the name encrypted with the person's key) and the account's random user
 * handle. The relying party is the host of {@code MQCGM_PUBLIC_URL}, the only accepted origin is its origin.
 */
public final class Passkeys {

    static final Duration CHALLENGE_LIFETIME = Duration.ofMinutes(5);
    static final int MAX_PER_ACCOUNT = 20;
    static final int NAME_MAX = 60;
    private static final String NAME_CONTEXT = "accounts.passkey-name";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger log = LoggerFactory.getLogger(Passkeys.class);
    private static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));

    /** What a ceremony's challenge is for. */
    enum Purpose {
        REGISTER("register"), SECOND_FACTOR("second-factor"), LOGIN("login");

        final String id;

        Purpose(String id) {
            this.id = id;
        }
    }

    /** A passkey as listed in Settings. */
    public record Passkey(UUID id, String name, Instant createdAt, Instant lastUsedAt, boolean synced) {
    }

    /** A registration's result as sent by the browser (base64url fields of the PublicKeyCredential). */
    record Attestation(byte[] clientDataJSON, byte[] attestationObject, Set<String> transports) {
    }

    /** An assertion as sent by the browser (base64url fields of the PublicKeyCredential). */
    record Assertion(byte[] credentialId, byte[] clientDataJSON, byte[] authenticatorData, byte[] signature,
                     byte[] userHandle) {
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final SecurityEvents events;
    private final Clock clock;
    private final String rpId;
    private final Origin origin;
    private final ObjectConverter converter = new ObjectConverter();
    private final WebAuthnManager webAuthn = WebAuthnManager.createNonStrictWebAuthnManager(converter);
    private final AttestedCredentialDataConverter credentialData = new AttestedCredentialDataConverter(converter);
    private final com.webauthn4j.converter.CollectedClientDataConverter clientData =
            new com.webauthn4j.converter.CollectedClientDataConverter(converter);

    Passkeys(Jdbi jdbi, UserKeys keys, SecurityEvents events, String publicUrl, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.events = events;
        this.clock = clock;
        URI uri = URI.create(publicUrl);
        this.rpId = uri.getHost();
        this.origin = new Origin(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
    }

    String rpId() {
        return rpId;
    }

    // ---------------------------------------------------------------- challenges

    /** A new challenge for {@code purpose} (of {@code owner}, null for a passwordless login), base64url. */
    String challenge(Purpose purpose, UUID owner) {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        Instant now = clock.instant();
        jdbi.useHandle(h -> {
            h.createUpdate("delete from passkey_challenge where expires_at < :now").bind("now", utc(now)).execute();
            h.createUpdate("""
                            insert into passkey_challenge (challenge_hash, purpose, owner_id, expires_at)
                            values (:hash, :purpose, :owner, :expires)""")
                    .bind("hash", sha256(challenge)).bind("purpose", purpose.id).bind("owner", owner)
                    .bind("expires", utc(now.plus(CHALLENGE_LIFETIME))).execute();
        });
        return Base64UrlUtil.encodeToString(challenge);
    }

    /**
     * Uses up the challenge the browser signed (read from its client data) for {@code purpose}: the challenge's
     * bytes and the owner it was issued to, or a 410 problem when it is unknown, used or expired.
     */
    private Issued consume(byte[] clientDataJSON, Purpose purpose) {
        byte[] challenge;
        try {
            com.webauthn4j.data.client.CollectedClientData data = clientData.convert(clientDataJSON);
            challenge = data == null || data.getChallenge() == null ? null : data.getChallenge().getValue();
        } catch (RuntimeException e) {
            challenge = null;
        }
        if (challenge == null) {
            throw invalid("clientDataJSON", "has no challenge");
        }
        byte[] c = challenge;
        Optional<Optional<UUID>> owner = jdbi.withHandle(h -> h.createQuery("""
                        delete from passkey_challenge
                        where challenge_hash = :hash and purpose = :purpose and expires_at > :now
                        returning owner_id""")
                .bind("hash", sha256(c)).bind("purpose", purpose.id).bind("now", utc(clock.instant()))
                .map((rs, ctx) -> Optional.ofNullable(rs.getObject("owner_id", UUID.class))).findOne());
        if (owner.isEmpty()) {
            throw new ProblemException(Problem.of(410, "passkey-challenge-gone", "Start again",
                    "This passkey request expired or was already used. Try again."));
        }
        return new Issued(c, owner.get().orElse(null));
    }

    private record Issued(byte[] challenge, UUID owner) {
    }

    private ServerProperty server(byte[] challenge) {
        return ServerProperty.builder().origin(origin).rpId(rpId).challenge(new DefaultChallenge(challenge)).build();
    }

    // ---------------------------------------------------------------- registration

    /** The account's user handle, made (random, 32 bytes) at its first passkey. */
    byte[] userHandle(UUID owner) {
        return jdbi.inTransaction(h -> {
            byte[] fresh = new byte[32];
            RANDOM.nextBytes(fresh);
            h.createUpdate("insert into passkey_user (owner_id, user_handle) values (:o, :u) on conflict do nothing")
                    .bind("o", owner).bind("u", fresh).execute();
            return h.createQuery("select user_handle from passkey_user where owner_id = :o").bind("o", owner)
                    .mapTo(byte[].class).one();
        });
    }

    /** The credential ids of the owner's passkeys (for excludeCredentials and allowCredentials). */
    List<Descriptor> descriptors(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select credential_id, transports from passkey where owner_id = :o order by created_at")
                .bind("o", owner)
                .map((rs, ctx) -> new Descriptor(Base64UrlUtil.encodeToString(rs.getBytes("credential_id")),
                        transports(rs.getString("transports"))))
                .list());
    }

    /** A credential as named in ceremony options. */
    record Descriptor(String id, List<String> transports) {
    }

    List<Long> algorithms() {
        return ALGORITHMS.stream().map(a -> a.getAlg().getValue()).toList();
    }

    /**
     * Verifies a new credential of {@code owner} (user verification and a discoverable credential are asked by
     * the options; user verification is required here) and stores it under {@code name}.
     */
    Passkey register(UUID owner, String name, Attestation attestation, ClientFacts client) {
        String cleaned = name(name);
        Issued issued = consume(attestation.clientDataJSON(), Purpose.REGISTER);
        if (!owner.equals(issued.owner())) {
            throw new ProblemException(Problem.of(410, "passkey-challenge-gone", "Start again",
                    "This passkey request expired or was already used. Try again."));
        }
        RegistrationData data;
        try {
            data = webAuthn.parse(new RegistrationRequest(attestation.attestationObject(),
                    attestation.clientDataJSON(), attestation.transports()));
            webAuthn.verify(data, new RegistrationParameters(server(issued.challenge()), ALGORITHMS, true, true));
        } catch (DataConversionException e) {
            throw invalid("attestationObject", "is not a WebAuthn attestation");
        } catch (VerificationException e) {
            throw refused("The passkey could not be verified (" + e.getClass().getSimpleName() + ").");
        }
        AuthenticatorData<?> auth = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData credential = auth.getAttestedCredentialData();
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        try {
            jdbi.useTransaction(h -> {
                int count = h.createQuery("select count(*) from passkey where owner_id = :o").bind("o", owner)
                        .mapTo(Integer.class).one();
                if (count >= MAX_PER_ACCOUNT) {
                    throw new ProblemException(Problem.validation("Too many passkeys.", List.of(
                            new Problem.FieldError("name", "max-items", "at most " + MAX_PER_ACCOUNT
                                    + " passkeys; remove one first"))));
                }
                h.createUpdate("""
                                insert into passkey (owner_id, id, credential_id, credential_data, sign_count,
                                                     uv_initialized, backup_eligible, backup_state, transports,
                                                     name_enc, created_at)
                                values (:o, :id, :cid, :data, :count, :uv, :be, :bs, :transports, :name, :now)""")
                        .bind("o", owner).bind("id", id).bind("cid", credential.getCredentialId())
                        .bind("data", credentialData.convert(credential)).bind("count", auth.getSignCount())
                        .bind("uv", auth.isFlagUV()).bind("be", auth.isFlagBE()).bind("bs", auth.isFlagBS())
                        .bind("transports", String.join(" ", attestation.transports() == null ? Set.of()
                                : attestation.transports()))
                        .bind("name", keys.encrypt(owner, NAME_CONTEXT, cleaned)).bind("now", utc(now))
                        .execute();
                events.record(h, owner, SecurityEvents.Kind.PASSKEY_ADDED, client, null);
            });
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            if (e.getCause() instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                throw new ProblemException(Problem.of(409, "passkey-exists", "Already registered",
                        "This passkey is already registered.").withErrors(List.of(
                        new Problem.FieldError("id", "unique", "is already registered"))));
            }
            throw e;
        }
        return new Passkey(id, cleaned, now, null, auth.isFlagBE());
    }

    // ---------------------------------------------------------------- authentication

    /** The owner a passwordless login's assertion names by its user handle; unknown: refused (401) and logged. */
    UUID ownerOf(Assertion assertion, ClientFacts client) {
        UUID owner = assertion.userHandle() == null ? null : jdbi.withHandle(h -> h.createQuery(
                        "select owner_id from passkey_user where user_handle = :u")
                .bind("u", assertion.userHandle()).mapTo(UUID.class).findOne().orElse(null));
        if (owner == null) {
            log.warn("security: passkey-unknown-credential (no account has this user handle) from {}",
                    client.ipPrefix());
            throw refused("This passkey is not registered here.");
        }
        return owner;
    }

    /** Uses up a challenge of {@code purpose} that {@code assertion} signed; its bytes and owner. */
    byte[] takeChallenge(Assertion assertion, Purpose purpose, UUID expectedOwner) {
        Issued issued = consume(assertion.clientDataJSON(), purpose);
        if (issued.owner() != null && !issued.owner().equals(expectedOwner)) {
            throw new ProblemException(Problem.of(410, "passkey-challenge-gone", "Start again",
                    "This passkey request expired or was already used. Try again."));
        }
        return issued.challenge();
    }

    /**
     * Verifies {@code assertion} as one of {@code owner}'s passkeys against {@code challenge}; updates its counter
     * and last use. An unknown credential or a counter that went back is refused (401) and recorded as a security
     * event; any other failure is a 401 too.
     */
    void verify(UUID owner, Assertion assertion, byte[] challenge, boolean userVerification, ClientFacts client) {
        Stored stored = jdbi.withHandle(h -> h.createQuery("""
                        select id, credential_data, sign_count, uv_initialized, backup_eligible, backup_state,
                               transports
                        from passkey where owner_id = :o and credential_id = :cid""")
                .bind("o", owner).bind("cid", assertion.credentialId())
                .map((rs, ctx) -> new Stored(rs.getObject("id", UUID.class), rs.getBytes("credential_data"),
                        rs.getLong("sign_count"), rs.getBoolean("uv_initialized"), rs.getBoolean("backup_eligible"),
                        rs.getBoolean("backup_state"), rs.getString("transports")))
                .findOne().orElse(null));
        if (stored == null) {
            events.record(owner, SecurityEvents.Kind.PASSKEY_REFUSED, client, "unknown passkey");
            log.warn("security: passkey-unknown-credential for an account from {}", client.ipPrefix());
            throw refused("This passkey is not registered for this account.");
        }
        Set<AuthenticatorTransport> transports = new LinkedHashSet<>();
        for (String t : transports(stored.transports())) {
            transports.add(AuthenticatorTransport.create(t));
        }
        CredentialRecordImpl record = new CredentialRecordImpl(null, stored.uvInitialized(), stored.backupEligible(),
                stored.backupState(), stored.signCount(), credentialData.convert(stored.data()), null, null, null,
                transports);
        AuthenticationData data;
        try {
            data = webAuthn.parse(new AuthenticationRequest(assertion.credentialId(), assertion.userHandle(),
                    assertion.authenticatorData(), assertion.clientDataJSON(), null, assertion.signature()));
            webAuthn.verify(data, new AuthenticationParameters(server(challenge), record,
                    List.of(assertion.credentialId()), userVerification, true));
        } catch (DataConversionException e) {
            throw invalid("authenticatorData", "is not a WebAuthn assertion");
        } catch (MaliciousCounterValueException e) {
            events.record(owner, SecurityEvents.Kind.PASSKEY_REFUSED, client, "signature counter went back");
            log.warn("security: passkey-counter-regression for an account from {}", client.ipPrefix());
            throw refused("This passkey's signature counter went back: it may have been cloned. It was refused.");
        } catch (VerificationException e) {
            throw refused("The passkey could not be verified (" + e.getClass().getSimpleName() + ").");
        }
        AuthenticatorData<?> auth = data.getAuthenticatorData();
        jdbi.useHandle(h -> h.createUpdate("""
                        update passkey set sign_count = :count, backup_state = :bs, last_used_at = :now,
                                           uv_initialized = uv_initialized or :uv
                        where owner_id = :o and id = :id""")
                .bind("count", auth.getSignCount()).bind("bs", auth.isFlagBS()).bind("uv", auth.isFlagUV())
                .bind("now", utc(clock.instant())).bind("o", owner).bind("id", stored.id()).execute());
    }

    private record Stored(UUID id, byte[] data, long signCount, boolean uvInitialized, boolean backupEligible,
                          boolean backupState, String transports) {
    }

    // ---------------------------------------------------------------- management

    List<Passkey> list(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, name_enc, created_at, last_used_at, backup_eligible from passkey
                        where owner_id = :o order by created_at""")
                .bind("o", owner)
                .map((rs, ctx) -> new Passkey(rs.getObject("id", UUID.class),
                        keys.decryptString(owner, NAME_CONTEXT, rs.getBytes("name_enc")),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        Optional.ofNullable(rs.getObject("last_used_at", OffsetDateTime.class))
                                .map(OffsetDateTime::toInstant).orElse(null),
                        rs.getBoolean("backup_eligible")))
                .list());
    }

    /** Whether the two-factor step of {@code challenge} (a login challenge) offers a passkey: its owner has one. */
    static boolean offered(Jdbi jdbi, String challenge) {
        return Credentials.parse(challenge, "").map(c -> jdbi.withHandle(h -> h.createQuery(
                        "select exists(select 1 from passkey where owner_id = :o)")
                .bind("o", c.ownerId()).mapTo(Boolean.class).one())).orElse(false);
    }

    boolean any(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select exists(select 1 from passkey where owner_id = :o)")
                .bind("o", owner).mapTo(Boolean.class).one());
    }

    /** Renames one of the owner's passkeys; false (before the name is checked) when the owner has no such one. */
    boolean rename(UUID owner, UUID id, String name) {
        boolean exists = jdbi.withHandle(h -> h.createQuery(
                        "select exists(select 1 from passkey where owner_id = :o and id = :id)")
                .bind("o", owner).bind("id", id).mapTo(Boolean.class).one());
        if (!exists) {
            return false;
        }
        String cleaned = name(name);
        return jdbi.withHandle(h -> h.createUpdate("update passkey set name_enc = :n where owner_id = :o and id = :id")
                .bind("n", keys.encrypt(owner, NAME_CONTEXT, cleaned)).bind("o", owner).bind("id", id)
                .execute()) == 1;
    }

    boolean remove(UUID owner, UUID id, ClientFacts client) {
        return jdbi.inTransaction(h -> {
            boolean removed = h.createUpdate("delete from passkey where owner_id = :o and id = :id")
                    .bind("o", owner).bind("id", id).execute() == 1;
            if (removed) {
                events.record(h, owner, SecurityEvents.Kind.PASSKEY_REMOVED, client, null);
            }
            return removed;
        });
    }

    /** Removes every passkey of the owner (a reported compromise: one may be the attacker's). */
    void removeAll(UUID owner) {
        jdbi.useHandle(h -> removeAll(h, owner));
    }

    private static void removeAll(Handle h, UUID owner) {
        h.createUpdate("delete from passkey where owner_id = :o").bind("o", owner).execute();
    }

    // ---------------------------------------------------------------- helpers

    /** A passkey's name: trimmed, 1 to {@value #NAME_MAX} characters, no control characters. */
    static String name(String raw) {
        String name = raw == null ? "" : raw.strip();
        if (name.isEmpty() || name.codePointCount(0, name.length()) > NAME_MAX
                || name.codePoints().anyMatch(Character::isISOControl)) {
            throw new ProblemException(Problem.validation("The passkey needs a name.", List.of(
                    new Problem.FieldError("name", "length", "must have 1 to " + NAME_MAX
                            + " characters, no line breaks"))));
        }
        return name;
    }

    private static List<String> transports(String stored) {
        return stored == null || stored.isBlank() ? List.of() : Arrays.asList(stored.trim().split(" "));
    }

    static ProblemException invalid(String field, String rule) {
        return new ProblemException(Problem.badRequest("The passkey response is not valid.",
                new Problem.FieldError(field, "webauthn", rule)));
    }

    static ProblemException refused(String detail) {
        return new ProblemException(Problem.of(401, "passkey-refused", "Passkey refused", detail));
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime utc(Instant i) {
        return Sessions.utc(i);
    }
}
