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
