package org.mqcgm.core.ble;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decoding is total: arbitrary bytes give Ok or Invalid, never an exception, and whatever is accepted
 * re-encodes to exactly the same bytes (so nothing was guessed or dropped).
 */
class CgmsTotalityTest {

    private static final int RANDOM_ARRAYS = 200_000;
    private static final int MUTATIONS = 100_000;

    @ParameterizedTest(name = "{0}")
    @EnumSource(CgmsCharacteristic.class)
    void randomByteArraysNeverEscapeAsExceptions(CgmsCharacteristic characteristic) {
        Arbitrary any = new Arbitrary(0x181FL * 1_000 + characteristic.ordinal());
        for (int i = 0; i < RANDOM_ARRAYS; i++) {
            byte[] bytes = any.bytes(40);
            checkTotal(characteristic, bytes, any.context());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CgmsCharacteristic.class)
    void mutatedValidValuesNeverEscapeAsExceptions(CgmsCharacteristic characteristic) {
        // Random bytes rarely get past the first length check; mutations of valid encodings reach the
        // field decoders, CRC checks and range checks.
        Arbitrary any = new Arbitrary(0x2A52L * 1_000 + characteristic.ordinal());
        int accepted = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] bytes = CgmsCodec.encode(any.value(characteristic));
            int rounds = 1 + any.random().nextInt(3);
            for (int r = 0; r < rounds; r++) {
                bytes = any.mutate(bytes);
            }
            if (checkTotal(characteristic, bytes, any.context())) {
                accepted++;
            }
        }
        assertThat(accepted).as("some mutants are still valid").isPositive();
        assertThat(accepted).as("most mutants are rejected").isLessThan(MUTATIONS);
    }

    @Test
    void nullAndEmptyValuesAreInvalidNotExceptions() {
        for (CgmsCharacteristic c : CgmsCharacteristic.values()) {
            assertThat(CgmsCodec.decode(c.uuid16(), null, CodecContext.UNKNOWN).errorIfAny()).isPresent();
            assertThat(CgmsCodec.decode(c.uuid16(), new byte[0], null).errorIfAny())
                    .hasValueSatisfying(e -> assertThat(e.kind()).isEqualTo(DecodeError.Kind.TRUNCATED));
        }
    }

    @Test
    void unknownCharacteristicIsATypedError() {
        Decoded<CgmsValue> d = CgmsCodec.decode(0x2A18, new byte[] {1, 2, 3}, CodecContext.UNKNOWN);

        assertThat(d.errorIfAny()).hasValueSatisfying(e -> {
            assertThat(e.kind()).isEqualTo(DecodeError.Kind.UNKNOWN_CHARACTERISTIC);
            assertThat(e.reason()).isEqualTo("characteristic 0x2a18 is not part of CGMS");
        });
    }

    /** @return true if accepted */
    private static boolean checkTotal(CgmsCharacteristic characteristic, byte[] bytes, CodecContext ctx) {
        byte[] copy = bytes.clone();
        Decoded<CgmsValue> result;
        try {
            result = CgmsCodec.decode(characteristic.uuid16(), bytes, ctx);
        } catch (RuntimeException e) {
            throw new AssertionError(characteristic + " " + ctx.e2eCrc() + " threw on " + Hex.format(bytes), e);
        }
        assertThat(bytes).as("input not modified").isEqualTo(copy);
        switch (result) {
            case Decoded.Ok<CgmsValue> ok -> {
                byte[] again = CgmsCodec.encode(ok.value());
                if (!Arrays.equals(again, bytes)) {
                    throw new AssertionError(characteristic + " accepted " + Hex.format(bytes)
                            + " but re-encodes to " + Hex.format(again));
                }
                assertThat(CgmsJsonView.of(ok.value())).isNotNull();
                return true;
            }
            case Decoded.Invalid<CgmsValue> invalid -> {
                DecodeError e = invalid.error();
                assertThat(e.reason()).isNotBlank();
                assertThat(e.offset()).isBetween(0, bytes.length);
                return false;
            }
        }
    }
}
