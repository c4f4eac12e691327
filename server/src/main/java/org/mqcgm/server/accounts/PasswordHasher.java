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
 * {@code p<version>}; an older hash without it is still verified as it was and replaced at the next login.
 *
 * <p>The deployment secret is versioned (issue 16, V1.6.3): a hash records the version of its pepper key
 * ({@code p1$…} for version 1, {@code p2$…} for version 2, …). After the secret is rotated, a hash under an older
 * version is still verified while that version is kept, and re-made under the current one at the next login.
 */
public final class PasswordHasher {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private final Argon2Function function;
    /** The keyed hash of a password under a version of the pepper key, or null without a pepper (benchmarks). */
    private final java.util.function.BiFunction<Integer, String, byte[]> pepper;
    /** The current version of the pepper key. */
    private final java.util.function.IntSupplier current;
    /** A hash of a random password, verified against when the account does not exist (equal timing). */
    private final String decoy;

    /** Hashing without a pepper: only for measuring the bare function (the server always has one). */
    public PasswordHasher(Argon2Cost cost) {
        this(cost, (Function<String, byte[]>) null);
    }

    /** @param pepper the keyed hash (HMAC) of a password under the deployment's secret pepper key */
    public PasswordHasher(Argon2Cost cost, Function<String, byte[]> pepper) {
        this(cost, () -> 1, pepper == null ? null : (version, password) -> {
            if (version != 1) {
                throw new IllegalArgumentException("pepper version " + version + " is not kept");
            }
            return pepper.apply(password);
        });
    }

    /** Peppered with the deployment secret's current version; older kept versions verify. */
    public PasswordHasher(Argon2Cost cost, org.mqcgm.server.platform.crypto.DeploymentSecrets secrets) {
        this(cost, secrets::version, (version, password) -> secrets.pseudonym(version, PEPPER_PURPOSE, password));
    }

    private PasswordHasher(Argon2Cost cost, java.util.function.IntSupplier current,
                           java.util.function.BiFunction<Integer, String, byte[]> pepper) {
        this.function = Argon2Function.getInstance(cost.memoryKib(), cost.iterations(), cost.parallelism(),
                HASH_BYTES, Argon2.ID);
        this.pepper = pepper;
        this.current = current;
        this.decoy = hash("decoy-" + System.nanoTime());
    }

    /** The pepper version of a stored hash ({@code p<n>$…}), or 0 for a hash without a pepper. */
    static int pepperVersion(String storedHash) {
        int dollar = storedHash.indexOf('$');
        if (dollar < 2 || storedHash.charAt(0) != 'p') {
            return 0;
        }
        try {
            return Integer.parseInt(storedHash.substring(1, dollar));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The pepper key's purpose among the deployment secret's derived keys. */
    public static final String PEPPER_PURPOSE = "password-pepper";

    public String hash(String password) {
        if (pepper == null) {
            return Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult();
        }
        int version = current.getAsInt();
        return "p" + version + Password.hash(peppered(version, password)).addRandomSalt(SALT_BYTES).with(function)
                .getResult();
    }

    private String peppered(int version, String password) {
        return Base64.getEncoder().encodeToString(pepper.apply(version, password));
    }

    /** Checks a password against a stored hash, using the parameters recorded in the hash. */
    public boolean verify(String password, String storedHash) {
        try {
            int version = pepperVersion(storedHash);
            if (version > 0) {
                if (pepper == null) {
                    return false;
                }
                String phc = storedHash.substring(storedHash.indexOf('$'));
                return Password.check(peppered(version, password), phc)
                        .with(Argon2Function.getInstanceFromHash(phc));
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
            int version = pepperVersion(storedHash);
            boolean peppered = version > 0;
            if (peppered != (pepper != null) || peppered && version != current.getAsInt()) {
                return true;
            }
            Argon2Function stored = Argon2Function.getInstanceFromHash(
                    peppered ? storedHash.substring(storedHash.indexOf('$')) : storedHash);
            return !stored.equals(function);
        } catch (RuntimeException e) {
            return true;
        }
    }
}
