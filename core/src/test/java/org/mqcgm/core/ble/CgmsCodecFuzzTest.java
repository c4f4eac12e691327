package org.mqcgm.core.ble;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Jazzer fuzz test of {@link CgmsCodec#decode(int, byte[], CodecContext)} for every characteristic and every
 * E2E-CRC context: no exception may escape, and every accepted value re-encodes to exactly its bytes.
 *
 * <p>Input layout: byte 0 selects the characteristic (0..6, anything else an unknown UUID), byte 1 the context,
 * the rest is the value. Under {@code mvn test} (and {@code ./mqcgm test}) it runs in regression mode over the
 * committed corpus in {@code CgmsCodecFuzzTestInputs/} (the 30 spec vectors plus what fuzzing found); run
 * {@code JAZZER_FUZZ=1 mvn -pl core test -Pfuzz-only} style sessions to explore (see docs/ble.md).
 */
class CgmsCodecFuzzTest {

    private static final CgmsCharacteristic[] CHARACTERISTICS = CgmsCharacteristic.values();
    private static final CodecContext[] CONTEXTS = {CodecContext.UNKNOWN, CodecContext.E2E_CRC_SUPPORTED,
        CodecContext.E2E_CRC_NOT_SUPPORTED};

    @FuzzTest(maxDuration = "30s")
    void decodeNeverThrowsAndRoundTrips(byte[] data) {
        if (data.length < 2) {
            return;
        }
        int selector = data[0] & 0xFF;
        int uuid = selector < CHARACTERISTICS.length ? CHARACTERISTICS[selector].uuid16() : 0x2A00 + selector;
        CodecContext ctx = CONTEXTS[(data[1] & 0xFF) % CONTEXTS.length];
        byte[] value = Arrays.copyOfRange(data, 2, data.length);
        Decoded<CgmsValue> decoded = CgmsCodec.decode(uuid, value, ctx);
        if (decoded instanceof Decoded.Ok<CgmsValue> ok) {
            assertThat(CgmsCodec.encode(ok.value())).isEqualTo(value);
            assertThat(CgmsJsonView.of(ok.value())).isNotNull();
        } else {
            assertThat(decoded.errorIfAny().orElseThrow().reason()).doesNotContain("\n");
        }
    }
}
