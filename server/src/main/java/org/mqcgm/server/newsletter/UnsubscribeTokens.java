package org.mqcgm.server.newsletter;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;

/**
 * The signed per-person token of the unsubscribe link: the person's id and an HMAC-SHA256 of it under the
 * deployment's secret (sub-key "newsletter-unsubscribe"), base64url. Nobody can make one for another person, and
 * changing a character breaks the signature. It only ever unsubscribes: it cannot sign in or subscribe.
 */
final class UnsubscribeTokens {

    private static final String PURPOSE = "newsletter-unsubscribe";
    private final DeploymentSecrets secrets;

    UnsubscribeTokens(DeploymentSecrets secrets) {
        this.secrets = secrets;
    }

    String of(UUID person) {
        ByteBuffer b = ByteBuffer.allocate(48);
        b.putLong(person.getMostSignificantBits()).putLong(person.getLeastSignificantBits());
        b.put(secrets.pseudonym(PURPOSE, person.toString()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** The person of a genuine token; empty for a malformed, forged or tampered one. */
    Optional<UUID> verify(String token) {
        if (token == null || !token.matches("[A-Za-z0-9_-]{64}")) {
            return Optional.empty();
        }
        byte[] raw = Base64.getUrlDecoder().decode(token);
        ByteBuffer b = ByteBuffer.wrap(raw);
        UUID person = new UUID(b.getLong(), b.getLong());
        byte[] mac = new byte[32];
        b.get(mac);
        // Under any kept version of the deployment secret: links mailed before a rotation keep working until the old
        // version is retired (issue 16, V1.6.3).
        boolean genuine = false;
        for (byte[] candidate : secrets.pseudonyms(PURPOSE, person.toString())) {
            genuine |= MessageDigest.isEqual(mac, candidate);
        }
        return genuine ? Optional.of(person) : Optional.empty();
    }
}
