package org.mqcgm.server.accounts;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import org.mqcgm.server.ServerConfig.Argon2Cost;

/**
 * Argon2id password hashing (RFC 9106) with the configured cost. Hashes are stored in the PHC string format
 * ({@code $argon2id$v=19$m=65536,t=3,p=1$salt$hash}), which records the parameters, so the cost can be raised
 * later and old hashes are upgraded at the next successful login ({@link #needsRehash}).
 */
public final class PasswordHasher {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final Argon2Function function;
    /** A hash of a random password, verified against when the account does not exist (equal timing). */
    private final String decoy;

    public PasswordHasher(Argon2Cost cost) {
        this.function = Argon2Function.getInstance(cost.memoryKib(), cost.iterations(), cost.parallelism(),
                HASH_BYTES, Argon2.ID);
        this.decoy = hash("decoy-" + System.nanoTime());
    }

    public String hash(String password) {
        return Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult();
    }

    /** Checks a password against a stored hash, using the parameters recorded in the hash. */
    public boolean verify(String password, String storedHash) {
        try {
            return Password.check(password, storedHash).with(Argon2Function.getInstanceFromHash(storedHash));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Spends the same time as a real verification, for unknown accounts (no account enumeration by timing). */
    public void verifyDecoy(String password) {
        verify(password, decoy);
    }

    /** True when the stored hash was made with other parameters than the configured ones. */
    public boolean needsRehash(String storedHash) {
        try {
            Argon2Function stored = Argon2Function.getInstanceFromHash(storedHash);
            return !stored.equals(function);
        } catch (RuntimeException e) {
            return true;
        }
    }
}
