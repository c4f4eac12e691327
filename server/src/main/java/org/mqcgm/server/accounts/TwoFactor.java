package org.mqcgm.server.accounts;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Optional two-factor authentication: TOTP (RFC 6238) with an authenticator app, and ten single-use recovery codes
 * for a lost phone. The secret is kept encrypted with the user's key; a new one waits apart and becomes active only
 * after a code from the app is confirmed, so setting up a new phone never turns the current one off.
 */
public final class TwoFactor {

    static final int RECOVERY_CODES = 10;
    private static final String RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AccountStore store;
    private final SecretCodes codes;
    private final Jdbi jdbi;
    private final Clock clock;

    TwoFactor(AccountStore store, SecretCodes codes, Jdbi jdbi, Clock clock) {
        this.store = store;
        this.codes = codes;
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * What the enrolment page shows.
     *
     * @param secret base32 secret for manual entry
     * @param uri    the otpauth URI
     * @param qrSvg  the URI as a QR code (SVG, no script, no style)
     */
    public record Enrolment(String secret, String uri, String qrSvg) {
    }

    /**
     * Starts (or restarts) enrolment with a new secret, kept pending: an active second factor stays active until a
     * code from the new secret is confirmed.
     */
    Enrolment start(UUID owner, String accountLabel) {
        byte[] secret = Totp.newSecret();
        store.setPendingTotp(owner, secret);
        return enrolment(secret, accountLabel);
    }

    /** The pending enrolment, to show again (e.g. after a wrong code), if one was started. */
    java.util.Optional<Enrolment> pending(UUID owner, String accountLabel) {
        return store.pendingTotp(owner).map(p -> enrolment(p.secret(), accountLabel));
    }

    private static Enrolment enrolment(byte[] secret, String label) {
        String uri = Totp.uri(secret, label);
        return new Enrolment(Totp.base32(secret).replaceAll("(.{4})", "$1 ").trim(), uri,
                org.mqcgm.server.platform.web.QrCodes.svg(uri));
    }

    /**
     * Confirms a code of the pending secret; it becomes the active one (replacing any earlier one) and new
     * recovery codes are returned (shown once).
     */
    List<String> enable(UUID owner, String code) {
        AccountStore.PendingTotp pending = store.pendingTotp(owner).orElseThrow(Registrations::codeGone);
        OptionalLong step = Totp.verify(pending.secret(), code, Totp.step(clock.instant().getEpochSecond()), -1);
        if (step.isEmpty() || !store.activatePendingTotp(owner, pending.stored(), step.getAsLong())) {
            throw Registrations.wrongCode(1);
        }
        return newRecoveryCodes(owner);
    }

    /** Checks a second-factor code at login or confirmation: a TOTP code or an unused recovery code. */
    Result verify(UUID owner, String code) {
        AccountStore.TotpState state = store.totp(owner).filter(AccountStore.TotpState::enabled).orElse(null);
        if (state == null || code == null) {
            return Result.WRONG;
        }
        String c = code.trim().toLowerCase(java.util.Locale.ROOT);
        if (c.replace(" ", "").matches("[0-9]{6}")) {
            long now = Totp.step(clock.instant().getEpochSecond());
            OptionalLong step = Totp.verify(state.secret(), c, now, state.lastStep());
            if (step.isPresent() && store.useTotpStep(owner, step.getAsLong())) {
                return Result.TOTP;
            }
            // Not accepted, yet a code of the window: its step was used already — a replay (issue 16).
            return Totp.verify(state.secret(), c, now, -1).isPresent() ? Result.REUSED : Result.WRONG;
        }
        int used = jdbi.withHandle(h -> h.createUpdate("update recovery_code set used_at = now()"
                        + " where owner_id = :owner and code_hash = :hash and used_at is null")
                .bind("owner", owner).bind("hash", codes.hash("recovery", owner.toString(), normalise(c))).execute());
        return used == 1 ? Result.RECOVERY_CODE : Result.WRONG;
    }

    /** The outcome of a code: accepted (TOTP, recovery code), wrong, or a TOTP code accepted once already. */
    enum Result {
        TOTP, RECOVERY_CODE, WRONG, REUSED;

        boolean accepted() {
            return this == TOTP || this == RECOVERY_CODE;
        }
    }

    void disable(UUID owner) {
        store.disableTotp(owner);
    }

    int unusedRecoveryCodes(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select count(*) from recovery_code where owner_id = :o and used_at is null")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    List<String> newRecoveryCodes(UUID owner) {
        List<String> plain = new ArrayList<>();
        jdbi.useTransaction(h -> {
            h.createUpdate("delete from recovery_code where owner_id = :o").bind("o", owner).execute();
            for (int i = 0; i < RECOVERY_CODES; i++) {
                StringBuilder sb = new StringBuilder();
                for (int j = 0; j < 10; j++) {
                    sb.append(RECOVERY_ALPHABET.charAt(RANDOM.nextInt(RECOVERY_ALPHABET.length())));
                    if (j == 4) {
                        sb.append('-');
                    }
                }
                plain.add(sb.toString());
                h.createUpdate("insert into recovery_code (owner_id, code_hash) values (:o, :h)")
                        .bind("o", owner).bind("h", codes.hash("recovery", owner.toString(), normalise(sb.toString())))
                        .execute();
            }
        });
        return plain;
    }

    private static String normalise(String code) {
        return code.replace("-", "").replace(" ", "");
    }
}
