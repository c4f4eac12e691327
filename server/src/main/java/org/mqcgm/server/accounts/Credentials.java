package org.mqcgm.server.accounts;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Bearer secrets (session cookies, API tokens): 16 bytes of owner id followed by 32 random bytes (256 bits),
 * base64url-encoded. Carrying the owner id lets every lookup use the owner-first primary key — one shard when the
 * tables are distributed — while the random part makes guessing hopeless. Only SHA-256 of the whole secret is
 * stored, so a database leak yields no usable credential.
 *
 * @param ownerId the account the secret belongs to
 * @param hash    SHA-256 of the secret's bytes, as stored
 */
record Credentials(UUID ownerId, byte[] hash) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh secret for {@code ownerId}: the text to hand out once, and what to store. */
    record Issued(String secret, Credentials stored) {
    }

    static Issued issue(UUID ownerId, String prefix) {
        byte[] raw = ByteBuffer.allocate(48)
                .putLong(ownerId.getMostSignificantBits())
                .putLong(ownerId.getLeastSignificantBits())
                .put(randomBytes(32))
                .array();
        return new Issued(prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(raw),
                new Credentials(ownerId, sha256(raw)));
    }

    /** Parses a presented secret; empty when it does not have the shape of one of ours. */
    static Optional<Credentials> parse(String secret, String prefix) {
        if (secret == null || !secret.startsWith(prefix) || secret.length() != prefix.length() + 64) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(secret.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length != 48) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        return Optional.of(new Credentials(new UUID(b.getLong(), b.getLong()), sha256(raw)));
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A short, non-secret identifier of the credential for logs and the principal. */
    String shortId() {
        return java.util.HexFormat.of().formatHex(hash, 0, 6);
    }
}
