package org.mqcgm.core.ble;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** encode → decode → equal, over seeded random values of every characteristic. */
class CgmsRoundTripPropertyTest {

    private static final int RUNS = 20_000;

    @ParameterizedTest(name = "{0}")
    @EnumSource(CgmsCharacteristic.class)
    void randomValuesSurviveEncodeThenDecode(CgmsCharacteristic characteristic) {
        Arbitrary any = new Arbitrary(0x2AA7L * 31 + characteristic.ordinal());
        for (int i = 0; i < RUNS; i++) {
            CgmsValue value = any.value(characteristic);
            byte[] wire = CgmsCodec.encode(value);

            Decoded<CgmsValue> decoded = CgmsCodec.decode(characteristic.uuid16(), wire, CodecContext.UNKNOWN);

            assertThat(decoded.errorIfAny()).as("%s %s", value, Hex.format(wire)).isEmpty();
            assertThat(decoded.orElseThrow()).isEqualTo(value);
            assertThat(CgmsJsonView.of(value)).isNotNull();
        }
    }

    @Test
    void everyMeasurementFlagCombinationRoundTripsWithAndWithoutCrc() {
        Arbitrary any = new Arbitrary(42);
        for (int flags = 0; flags < 256; flags++) {
            if ((flags & CgmMeasurement.FLAGS_RESERVED) != 0) {
                continue;
            }
            for (boolean crc : new boolean[] {false, true}) {
                CgmMeasurement record = recordWithFlags(any, flags, crc);
                byte[] wire = CgmsCodec.encodeMeasurementRecord(record);
                CodecContext ctx = crc ? CodecContext.E2E_CRC_SUPPORTED : CodecContext.E2E_CRC_NOT_SUPPORTED;

                CgmMeasurementNotification decoded = CgmsCodec.decodeMeasurement(wire, ctx).orElseThrow();

                assertThat(record.flags()).isEqualTo(flags);
                assertThat(wire[0] & 0xFF).isEqualTo(wire.length).isEqualTo(record.size());
                assertThat(wire[1] & 0xFF).isEqualTo(flags);
                assertThat(decoded.records()).containsExactly(record);
            }
        }
    }

    private static CgmMeasurement recordWithFlags(Arbitrary any, int flags, boolean crc) {
        CgmMeasurement r = CgmMeasurement.of(any.sfloat(), any.random().nextInt(0x10000)).withCrc(crc);
        if ((flags & CgmMeasurement.FLAG_TREND) != 0) {
            r = r.withTrend(any.sfloat());
        }
        if ((flags & CgmMeasurement.FLAG_QUALITY) != 0) {
            r = r.withQuality(any.sfloat());
        }
        java.util.Random random = any.random();
        return r.withAnnunciation(new SensorStatusAnnunciation(
                (flags & CgmMeasurement.FLAG_WARNING) != 0 ? java.util.OptionalInt.of(random.nextInt(256))
                        : java.util.OptionalInt.empty(),
                (flags & CgmMeasurement.FLAG_CAL_TEMP) != 0 ? java.util.OptionalInt.of(random.nextInt(256))
                        : java.util.OptionalInt.empty(),
                (flags & CgmMeasurement.FLAG_STATUS) != 0 ? java.util.OptionalInt.of(random.nextInt(256))
                        : java.util.OptionalInt.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = CgmsCharacteristic.class, names = {"CGM_STATUS", "SESSION_START_TIME", "SESSION_RUN_TIME",
            "SPECIFIC_OPS_CONTROL_POINT"})
    void valuesWithCrcDecodeUnderSupportedContextAndWithoutUnderNotSupported(CgmsCharacteristic characteristic) {
        Arbitrary any = new Arbitrary(7 + characteristic.ordinal());
        for (int i = 0; i < RUNS; i++) {
            CgmsValue value = any.value(characteristic);
            boolean crc = CgmsJsonView.of(value) instanceof java.util.Map<?, ?> m && Boolean.TRUE.equals(m.get("crc_present"));
            CodecContext right = crc ? CodecContext.E2E_CRC_SUPPORTED : CodecContext.E2E_CRC_NOT_SUPPORTED;
            CodecContext wrong = crc ? CodecContext.E2E_CRC_NOT_SUPPORTED : CodecContext.E2E_CRC_SUPPORTED;
            byte[] wire = CgmsCodec.encode(value);

            assertThat(CgmsCodec.decode(characteristic, wire, right).orElseThrow()).isEqualTo(value);
            assertThat(CgmsCodec.decode(characteristic, wire, wrong).errorIfAny().orElseThrow().kind())
                    .isEqualTo(crc ? DecodeError.Kind.UNEXPECTED_CRC : DecodeError.Kind.MISSING_CRC);
        }
    }
}
