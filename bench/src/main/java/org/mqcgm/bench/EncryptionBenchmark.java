package org.mqcgm.bench;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.util.concurrent.TimeUnit;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encrypting one reading (a 12-byte payload) the way a request does it: on a fresh virtual thread, as every HTTP
 * request runs on one. Tink's own AES-GCM draws its nonce from a per-thread SecureRandom, built anew on each new
 * thread; ours (UserKeys' primitive) shares one. Same key, same output format. Run: see docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--sun-misc-unsafe-memory-access=allow"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class EncryptionBenchmark {

    Aead tink;
    Aead ours;
    final byte[] plaintext = new byte[12];
    final byte[] context = new byte[32];

    @Setup
    public void setUp() throws Exception {
        AeadConfig.register();
        KeysetHandle keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        tink = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        ours = UserKeys.primitive(keyset);
    }

    private static byte[] onNewVirtualThread(Aead aead, byte[] plaintext, byte[] context) throws Exception {
        byte[][] out = new byte[1][];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                out[0] = aead.encrypt(plaintext, context);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        t.join();
        return out[0];
    }

    @Benchmark
    public byte[] tinkOnANewVirtualThread() throws Exception {
        return onNewVirtualThread(tink, plaintext, context);
    }

    @Benchmark
    public byte[] oursOnANewVirtualThread() throws Exception {
        return onNewVirtualThread(ours, plaintext, context);
    }
}
