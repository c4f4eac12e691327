package org.mqcgm.server.accounts;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.util.Base64;
import java.util.function.Function;
import org.mqcgm.server.ServerConfig.Argon2Cost;

/**
 * Argon2id password hashing (RFC 9106) with the configured cost and a pepper. Hashes are stored in the PHC string
 * format ({@code $argon2id$v=19$m=65536,t=3,p=1$salt$hash}), which records the parameters, so the cost can be raised
 * later and old hashes are upgraded at the next successful login ({@link #needsRehash}).
 *
 * <p>The pepper (ASVS V2.4.5): what is hashed is not the password but its HMAC-SHA256 under a key derived from the
 * deployment secret, which is kept wrapped by the master key (a file outside the database, or a KMS) — so a stolen
 * copy of the database alone does not let anyone test guesses against the hashes. Such hashes carry the prefix
 * {@value #PEPPERED}; an older hash without it is still verified as it was and replaced at the next login.
 */
public final class PasswordHasher {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    /** The prefix of a peppered hash. */
    static final String PEPPERED = "p1";

    private final Argon2Function function;
    /** The keyed hash of a password, or null without a pepper (benchmarks of the bare function). */
    private final Function<String, byte[]> pepper;
    /** A hash of a random password, verified against when the account does not exist (equal timing). */
    private final String decoy;

    /** Hashing without a pepper: only for measuring the bare function (the server always has one). */
    public PasswordHasher(Argon2Cost cost) {
        this(cost, null);
    }

    /** @param pepper the keyed hash (HMAC) of a password under the deployment's secret pepper key */
    public PasswordHasher(Argon2Cost cost, Function<String, byte[]> pepper) {
        this.function = Argon2Function.getInstance(cost.memoryKib(), cost.iterations(), cost.parallelism(),
                HASH_BYTES, Argon2.ID);
        this.pepper = pepper;
        this.decoy = hash("decoy-" + System.nanoTime());
    }

    /** The pepper key's purpose among the deployment secret's derived keys. */
    public static final String PEPPER_PURPOSE = "password-pepper";

    public String hash(String password) {
        if (pepper == null) {
            return Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult();
        }
        return PEPPERED + Password.hash(peppered(password)).addRandomSalt(SALT_BYTES).with(function).getResult();
    }

    private String peppered(String password) {
        return Base64.getEncoder().encodeToString(pepper.apply(password));
    }

    /** Checks a password against a stored hash, using the parameters recorded in the hash. */
    public boolean verify(String password, String storedHash) {
        try {
            if (storedHash.startsWith(PEPPERED + "$")) {
                if (pepper == null) {
                    return false;
                }
                String phc = storedHash.substring(PEPPERED.length());
                return Password.check(peppered(password), phc).with(Argon2Function.getInstanceFromHash(phc));
            }
            return Password.check(password, storedHash).with(Argon2Function.getInstanceFromHash(storedHash));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Spends the same time as a real verification, for unknown accounts (no account enumeration by timing). */
    public void verifyDecoy(String password) {
        verify(password, decoy);
    }

    /** True when the stored hash was made with other parameters than the configured ones, or without the pepper. */
    public boolean needsRehash(String storedHash) {
        try {
            boolean peppered = storedHash.startsWith(PEPPERED + "$");
            if (peppered != (pepper != null)) {
                return true;
            }
            Argon2Function stored = Argon2Function.getInstanceFromHash(
                    peppered ? storedHash.substring(PEPPERED.length()) : storedHash);
            return !stored.equals(function);
        } catch (RuntimeException e) {
            return true;
        }
    }
}
