package org.mqcgm.server.accounts;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;

/**
 * One-time codes and link tokens. Six-digit codes have little entropy, so they are stored as a keyed hash
 * (HMAC-SHA256 under a deployment secret, bound to what they are for): a database leak alone does not let anyone
 * test the million candidates offline.
 */
final class SecretCodes {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DeploymentSecrets secrets;

    SecretCodes(DeploymentSecrets secrets) {
        this.secrets = secrets;
    }

    /** A uniformly random six-digit code ("000000"–"999999"). */
    static String sixDigits() {
        return String.format(java.util.Locale.ROOT, "%06d", RANDOM.nextInt(1_000_000));
    }

    /** A 256-bit random token for links and challenges. */
    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The stored form of {@code code} issued for {@code purpose} to {@code subject} (a registration or account). */
    byte[] hash(String purpose, String subject, String code) {
        return secrets.pseudonym("code:" + purpose, subject + ":" + (code == null ? "" : code.trim()));
    }

    boolean matches(byte[] stored, String purpose, String subject, String code) {
        if (stored == null) {
            return false;
        }
        // Under any kept version of the deployment secret: a code issued before a rotation still works (V1.6.3).
        boolean match = false;
        for (byte[] candidate : secrets.pseudonyms("code:" + purpose, subject + ":" + (code == null ? "" : code.trim()))) {
            match |= MessageDigest.isEqual(stored, candidate);
        }
        return match;
    }
}
