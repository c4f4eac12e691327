package org.mqcgm.server.platform.crypto;

import com.google.crypto.tink.subtle.Random;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;

/**
 * Keyed pseudonyms. One random 256-bit secret per deployment, stored in the database wrapped by the master key,
 * from which a sub-key per purpose is derived. {@link #pseudonym} gives a deterministic HMAC-SHA256 of a value: the
 * "blind index" that lets the server find an account by e-mail without storing the e-mail in clear (PR-10), and
 * later the device pseudonym that replaces raw install identifiers (PR-11).
 */
public final class DeploymentSecrets {

    static final byte[] CONTEXT = "mqcgm.deployment-secret".getBytes(StandardCharsets.UTF_8);

    /** A stored secret and the master key that wrapped it (null: not recorded). */
    record Stored(byte[] wrapped, String masterKeyId) {
    }

    private final byte[] root;
    private final MasterKey master;

    private DeploymentSecrets(byte[] root, MasterKey master) {
        this.root = root;
        this.master = master;
    }

    /** Loads the deployment secret, creating it on first start. */
    public static DeploymentSecrets loadOrCreate(Jdbi jdbi, MasterKey master) {
        return jdbi.inTransaction(h -> {
            h.execute("lock table deployment_secret in exclusive mode");
            Stored stored = h.createQuery("select wrapped, master_key_id from deployment_secret where name = 'root'")
                    .map((rs, ctx) -> new Stored(rs.getBytes(1), rs.getString(2))).findOne().orElse(null);
            byte[] wrapped = stored == null ? null : stored.wrapped();
            try {
                if (wrapped == null) {
                    byte[] fresh = Random.randBytes(32);
                    h.createUpdate("insert into deployment_secret (name, wrapped, master_key_id) values ('root', :w, :m)")
                            .bind("m", master.id())
                            .bind("w", master.aead().encrypt(fresh, CONTEXT)).execute();
                    return new DeploymentSecrets(fresh, master);
                }
                return new DeploymentSecrets(master.aead(stored.masterKeyId()).decrypt(wrapped, CONTEXT), master);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot unwrap the deployment secret (wrong master key?)", e);
            }
        });
    }

    /** HMAC-SHA256 of {@code value} under the sub-key for {@code purpose}. */
    public byte[] pseudonym(String purpose, String value) {
        byte[] subKey = hmac(root, ("purpose:" + purpose).getBytes(StandardCharsets.UTF_8));
        return hmac(subKey, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An AES-256-GCM key derived from the deployment secret for {@code purpose} (e.g. the file outbox's messages):
     * the same on every node and after a restart, wrapped by the master key like the secret it comes from.
     */
    public com.google.crypto.tink.Aead aead(String purpose) {
        try {
            return new com.google.crypto.tink.subtle.AesGcmJce(
                    hmac(root, ("key:" + purpose).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Encrypts data that belongs to no account yet (a sign-up waiting for its code) with the master key, bound to
     * {@code context}. Everything of an existing account is encrypted with that account's key instead.
     */
    public byte[] seal(String context, String plaintext) {
        try {
            return master.aead().encrypt(plaintext.getBytes(StandardCharsets.UTF_8),
                    ("sealed:" + context).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String open(String context, byte[] ciphertext) {
        try {
            return new String(master.aead().decrypt(ciphertext, ("sealed:" + context).getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open sealed " + context, e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
