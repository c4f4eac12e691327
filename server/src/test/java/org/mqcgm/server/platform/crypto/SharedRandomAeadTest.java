package org.mqcgm.server.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Our AES-GCM encryption is Tink's format, byte for byte: each side opens what the other sealed. */
class SharedRandomAeadTest {

    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void tinkOpensWhatWeSealAndWeOpenWhatTinkSeals() throws Exception {
        KeysetHandle keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        Aead tink = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        Aead ours = SharedRandomAead.of(keyset, tink);
        assertThat(ours).isInstanceOf(SharedRandomAead.class);
        byte[] ad = "owner/context".getBytes(StandardCharsets.UTF_8);
        for (int size : new int[] {0, 1, 15, 16, 17, 1000}) {
            byte[] plaintext = new byte[size];
            new java.util.Random(size).nextBytes(plaintext);
            byte[] sealed = ours.encrypt(plaintext, ad);
            assertThat(sealed).hasSize(5 + 12 + size + 16);
            assertThat(tink.decrypt(sealed, ad)).isEqualTo(plaintext);
            assertThat(ours.decrypt(tink.encrypt(plaintext, ad), ad)).isEqualTo(plaintext);
        }
        byte[] sealed = ours.encrypt("120".getBytes(StandardCharsets.UTF_8), ad);
        // The associated data is authenticated: another context does not open it.
        assertThatThrownBy(() -> tink.decrypt(sealed, "owner/other".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GeneralSecurityException.class);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> tink.decrypt(sealed, ad)).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void noncesDoNotRepeatAcrossThreads() throws Exception {
        KeysetHandle keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        Aead ours = SharedRandomAead.of(keyset, keyset.getPrimitive(RegistryConfiguration.get(), Aead.class));
        Set<String> nonces = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2000; i++) {
                pool.submit(() -> {
                    byte[] c = ours.encrypt(new byte[8], new byte[0]);
                    nonces.add(java.util.HexFormat.of().formatHex(c, 5, 17));
                    return null;
                });
            }
        }
        assertThat(nonces).hasSize(2000);
    }
}
