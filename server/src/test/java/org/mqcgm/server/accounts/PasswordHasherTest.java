package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.ServerConfig;

class PasswordHasherTest {

    @Test
    @Tag("PR-06")
    void defaultCostIsArgon2idWithAtLeast64MiBAndThreePasses() {
        PasswordHasher hasher = new PasswordHasher(ServerConfig.Argon2Cost.DEFAULT);
        String hash = hasher.hash("correct horse battery staple");
        assertThat(hash).startsWith("$argon2id$v=19$m=65536,t=3,p=1$").doesNotContain("correct horse");
        assertThat(hasher.verify("correct horse battery staple", hash)).isTrue();
        assertThat(hasher.verify("correct horse battery stapl", hash)).isFalse();
        assertThat(hasher.needsRehash(hash)).isFalse();
    }

    @Test
    void hashesMadeWithOtherParametersAreFlaggedForRehash() {
        PasswordHasher cheap = new PasswordHasher(new ServerConfig.Argon2Cost(1024, 1, 1));
        String old = cheap.hash("a long enough password");
        PasswordHasher current = new PasswordHasher(new ServerConfig.Argon2Cost(2048, 2, 1));
        assertThat(current.verify("a long enough password", old)).isTrue();
        assertThat(current.needsRehash(old)).isTrue();
        assertThat(current.needsRehash(current.hash("x"))).isFalse();
        assertThat(current.verify("anything", "not a hash")).isFalse();
    }

    @Test
    void hashesArePepperedSoTheHashAloneCannotCheckAGuessAndOldHashesAreUpgraded() {
        ServerConfig.Argon2Cost cost = new ServerConfig.Argon2Cost(1024, 1, 1);
        java.util.function.Function<String, byte[]> pepper = pw -> hmac("deployment pepper", pw);
        PasswordHasher hasher = new PasswordHasher(cost, pepper);
        String hash = hasher.hash("a long enough password");
        assertThat(hash).startsWith("p1$argon2id$");
        assertThat(hasher.verify("a long enough password", hash)).isTrue();
        assertThat(hasher.verify("a long enough passwore", hash)).isFalse();
        assertThat(hasher.needsRehash(hash)).isFalse();
        // Who has the hashes (a copy of the database) but not the pepper cannot test a guess against them.
        assertThat(new PasswordHasher(cost, pw -> hmac("another pepper", pw))
                .verify("a long enough password", hash)).isFalse();
        assertThat(new PasswordHasher(cost).verify("a long enough password", hash)).isFalse();
        // A hash from before the pepper still logs in, and is replaced at that login.
        String old = new PasswordHasher(cost).hash("a long enough password");
        assertThat(hasher.verify("a long enough password", old)).isTrue();
        assertThat(hasher.needsRehash(old)).isTrue();
    }

    private static byte[] hmac(String key, String value) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "HmacSHA256"));
            return mac.doFinal(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void emailAddressesAreNormalisedOrRejected() {
        assertThat(EmailAddress.parse("  Ann.Lee@Example.ORG ")).map(EmailAddress::value).contains("ann.lee@example.org");
        assertThat(EmailAddress.parse("ａｎｎ@example.org")).map(EmailAddress::value).contains("ann@example.org");
        assertThat(EmailAddress.parse("no-at-sign")).isEmpty();
        assertThat(EmailAddress.parse("a@b")).isEmpty();
        assertThat(EmailAddress.parse("a..b@example.org")).isEmpty();
        assertThat(EmailAddress.parse("x".repeat(250) + "@example.org")).isEmpty();
        assertThat(EmailAddress.parse(null)).isEmpty();
    }
}
