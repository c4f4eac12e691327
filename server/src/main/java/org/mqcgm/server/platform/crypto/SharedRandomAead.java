package org.mqcgm.server.platform.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Tink AES-GCM primitive whose encryption draws its nonces from one shared {@link SecureRandom}.
 *
 * <p>Why: Tink (1.24) draws nonces from a {@code ThreadLocal<SecureRandom>}. Our request handlers run on virtual
 * threads, one new thread per request, so every encryption built and seeded a new {@code SecureRandom} (with a
 * provider lookup that reads the JDK's jar index): measured at about a third of the server's CPU time on
 * single-reading uploads (JFR, see docs/benchmarks.md). {@code SecureRandom} is thread-safe, so one instance serves
 * all threads.
 *
 * <p>What: ciphertexts are exactly Tink's AES-GCM format — output prefix (5 bytes for TINK keys), 12-byte random
 * nonce, ciphertext, 16-byte tag, associated data authenticated — produced by the JDK's AES-GCM; decryption is
 * Tink's own. Keys of any other type are left to Tink entirely. A test checks both directions against Tink.
 */
final class SharedRandomAead implements Aead {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;

    private final SecretKeySpec key;
    private final byte[] prefix;
    private final Aead tink;

    private SharedRandomAead(byte[] key, byte[] prefix, Aead tink) {
        this.key = new SecretKeySpec(key, "AES");
        this.prefix = prefix;
        this.tink = tink;
    }

    /** The keyset's primitive, with encryption by this class when its primary key is a standard AES-GCM key. */
    static Aead of(KeysetHandle keyset, Aead tink) {
        Key primary = keyset.getPrimary().getKey();
        if (primary instanceof AesGcmKey gcm && gcm.getParameters().getIvSizeBytes() == NONCE_BYTES
                && gcm.getParameters().getTagSizeBytes() == TAG_BYTES) {
            return new SharedRandomAead(gcm.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get()),
                    gcm.getOutputPrefix().toByteArray(), tink);
        }
        return tink;
    }

    @Override
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        byte[] out = new byte[prefix.length + NONCE_BYTES + plaintext.length + TAG_BYTES];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, prefix.length, NONCE_BYTES);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
        if (associatedData != null && associatedData.length > 0) {
            cipher.updateAAD(associatedData);
        }
        int written = cipher.doFinal(plaintext, 0, plaintext.length, out, prefix.length + NONCE_BYTES);
        if (written != plaintext.length + TAG_BYTES) {
            throw new GeneralSecurityException("unexpected AES-GCM output length");
        }
        return out;
    }

    @Override
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
        return tink.decrypt(ciphertext, associatedData);
    }
}
