package org.mqcgm.core.ble;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every vector of {@code vectors.json} (ble-cgms.md §5), decoded with an unknown E2E-CRC context. */
class CgmsVectorsTest {

    /** The {@code expect} strings of reject vectors and the error kind each must produce. */
    private static final Map<String, DecodeError.Kind> REJECT_KINDS = Map.of(
            "reject: truncated", DecodeError.Kind.TRUNCATED,
            "reject: E2E-CRC mismatch", DecodeError.Kind.BAD_CRC,
            "reject: reserved SFLOAT", DecodeError.Kind.RESERVED_VALUE,
            "reject: size inconsistent with flags", DecodeError.Kind.SIZE_FLAGS_MISMATCH);

    static Stream<Vectors.Vector> acceptVectors() {
        return Vectors.all().stream().filter(Vectors.Vector::accept);
    }

    static Stream<Vectors.Vector> rejectVectors() {
        return Vectors.all().stream().filter(v -> !v.accept());
    }

    @Test
    void vectorFileHasThirtyVectorsIncludingFourMalformed() {
        List<Vectors.Vector> all = Vectors.all();
        assertThat(all).hasSize(30);
        assertThat(all.stream().filter(v -> !v.accept())).hasSize(4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptVectors")
    void acceptVectorDecodesToExactlyTheExpectedJson(Vectors.Vector v) {
        Decoded<CgmsValue> decoded = CgmsCodec.decode(v.characteristic(), v.bytes(), CodecContext.UNKNOWN);

        assertThat(decoded.errorIfAny()).as(v.meaning()).isEmpty();
        JsonShape.assertMatches(v.decoded(), CgmsJsonView.of(decoded.orElseThrow()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptVectors")
    void acceptVectorReEncodesToTheSameBytes(Vectors.Vector v) {
        CgmsValue value = CgmsCodec.decode(v.characteristic(), v.bytes(), CodecContext.UNKNOWN).orElseThrow();

        assertThat(Hex.format(CgmsCodec.encode(value))).isEqualTo(v.hex());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectVectors")
    void rejectVectorYieldsTheExpectedErrorKindAndReason(Vectors.Vector v) {
        Decoded<CgmsValue> decoded = CgmsCodec.decode(v.characteristic(), v.bytes(), CodecContext.UNKNOWN);

        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        DecodeError error = decoded.errorIfAny().orElseThrow();
        assertThat(REJECT_KINDS).as("known expect string").containsKey(v.expect());
        assertThat(error.kind()).isEqualTo(REJECT_KINDS.get(v.expect()));
        assertThat(error.reason()).isEqualTo(v.rejection());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptVectors")
    void acceptVectorWithCrcAlsoDecodesUnderTheMatchingFeatureContext(Vectors.Vector v) {
        // The collector's normal mode: context from the CGM Feature. Vectors carrying a CRC must pass
        // with E2E-CRC supported, vectors without one with E2E-CRC not supported (RACP and Feature ignore it).
        String json = v.decoded().toString();
        boolean hasCrc = json.contains("\"crc_present\":true");
        CodecContext ctx = hasCrc ? CodecContext.E2E_CRC_SUPPORTED : CodecContext.E2E_CRC_NOT_SUPPORTED;

        Decoded<CgmsValue> decoded = CgmsCodec.decode(v.characteristic(), v.bytes(), ctx);

        assertThat(decoded.errorIfAny()).isEmpty();
    }
}
