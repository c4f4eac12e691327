package org.mqcgm.core.ble;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** CGM Measurement (0x2AA7) scenarios, ble-cgms.md §1.1. */
class CgmMeasurementTest {

    private static SFloat sf(String v) {
        return SFloat.parse(v);
    }

    private static Decoded<CgmMeasurementNotification> decode(String hex, CodecContext ctx) {
        return CgmsCodec.decodeMeasurement(Hex.parse(hex), ctx);
    }

    private static DecodeError error(String hex, CodecContext ctx) {
        return decode(hex, ctx).errorIfAny().orElseThrow(() -> new AssertionError("accepted " + hex));
    }

    @Test
    void severalRecordsInOneNotification() {
        CgmMeasurement first = CgmMeasurement.of(sf("110"), 100);
        CgmMeasurement second = CgmMeasurement.of(sf("112"), 105).withTrend(sf("0.4"));
        CgmMeasurement third = CgmMeasurement.of(sf("113.5"), 110).withQuality(sf("80")).withCrc(true);
        byte[] wire = CgmsCodec.encodeMeasurement(CgmMeasurementNotification.of(first, second, third));

        CgmMeasurementNotification decoded = CgmsCodec.decodeMeasurement(wire, CodecContext.UNKNOWN).orElseThrow();

        assertThat(decoded.records()).containsExactly(first, second, third);
        assertThat(wire).hasSize(6 + 8 + 10);
        assertThat(Hex.format(wire)).startsWith("06006e00640008017000690004f0"); // meas_two_records
    }

    @Test
    void fieldOrderIsAnnunciationOctetsBeforeTrendAndQuality() {
        CgmMeasurement r = CgmMeasurement.of(sf("250"), 1440)
                .withAnnunciation(SensorStatusAnnunciation.of(0x01, 0x02, 0x08))
                .withTrend(sf("2.1"))
                .withQuality(sf("90"));

        // size 13, flags 0xe3, glucose, offset, octets 0x20/0x40/0x80, trend, quality
        assertThat(Hex.format(CgmsCodec.encodeMeasurementRecord(r), " "))
                .isEqualTo("0d e3 fa 00 a0 05 01 02 08 15 f0 5a 00");
    }

    @Test
    void largestRecordIsFifteenBytesWithCrc() {
        byte[] wire = Hex.parse("0fe3fa00a00500000815f05a00727a"); // meas_full_crc

        CgmMeasurement r = CgmsCodec.decodeMeasurement(wire, CodecContext.E2E_CRC_SUPPORTED).orElseThrow()
                .records().get(0);

        assertThat(r.size()).isEqualTo(15);
        assertThat(CgmMeasurement.baseSize(0xE3)).isEqualTo(13);
        assertThat(r.annunciation().statusConditions())
                .containsExactly(SensorStatusAnnunciation.Status.RESULT_HIGHER_THAN_HYPER_LEVEL);
    }

    @Test
    void annunciationOctetsAreKeyedByFlagBitNotByName() {
        // meas_status_octets: octet(0x20)=0x02 battery low, octet(0x40)=0x04 calibration recommended,
        // octet(0x80)=0x05 below patient low + below hypo
        CgmMeasurement r = decode("09e037001400020405", CodecContext.UNKNOWN).orElseThrow().records().get(0);

        assertThat(r.annunciation().warnings()).containsExactly(SensorStatusAnnunciation.Warning.DEVICE_BATTERY_LOW);
        assertThat(r.annunciation().calTempConditions())
                .containsExactly(SensorStatusAnnunciation.CalTemp.CALIBRATION_RECOMMENDED);
        assertThat(r.annunciation().statusConditions()).containsExactly(
                SensorStatusAnnunciation.Status.RESULT_LOWER_THAN_PATIENT_LOW_LEVEL,
                SensorStatusAnnunciation.Status.RESULT_LOWER_THAN_HYPO_LEVEL);
    }

    @Test
    void rfuAnnunciationBitsArePreservedButNotInterpreted() {
        CgmMeasurement r = CgmMeasurement.of(sf("100"), 1)
                .withAnnunciation(new SensorStatusAnnunciation(OptionalInt.of(0xC1), OptionalInt.empty(), OptionalInt.empty()));
        byte[] wire = CgmsCodec.encodeMeasurementRecord(r);

        CgmMeasurement decoded = CgmsCodec.decodeMeasurement(wire, CodecContext.UNKNOWN).orElseThrow().records().get(0);

        assertThat(decoded.annunciation().warning()).hasValue(0xC1);
        assertThat(decoded.annunciation().warnings()).containsExactly(SensorStatusAnnunciation.Warning.SESSION_STOPPED);
    }

    @Test
    void measurementWithCrcRejectsCorruptedByte() {
        // With the CGM Feature saying E2E-CRC is supported, every single-byte corruption is caught.
        byte[] good = Hex.parse("0fe3fa00a00500000815f05a00727a");
        for (int i = 0; i < good.length; i++) {
            for (int v = 0; v < 256; v++) {
                if (v == (good[i] & 0xFF)) {
                    continue;
                }
                byte[] bad = good.clone();
                bad[i] = (byte) v;
                assertThat(CgmsCodec.decodeMeasurement(bad, CodecContext.E2E_CRC_SUPPORTED).isOk())
                        .as("byte %d set to 0x%02x: %s", i, v, Hex.format(bad)).isFalse();
            }
        }
    }

    @Test
    void corruptedPayloadByteIsReportedAsCrcMismatch() {
        DecodeError e = error("0800790005000de8", CodecContext.E2E_CRC_SUPPORTED); // glucose 0x78 -> 0x79

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.BAD_CRC);
        assertThat(e.offset()).isEqualTo(6);
        assertThat(e.reason()).startsWith("E2E-CRC mismatch: field 0xe80d computed 0x");
    }

    @Test
    void withoutFeatureContextAFlagsFlipCanTurnTheCrcIntoATrendValue() {
        // Protocol quirk: CRC presence is inferred from Size. Flipping Flags 0x00 -> 0x01 in
        // meas_crc makes base = 8 = Size, so the CRC bytes 0d e8 read as trend -20.35 (mg/dL)/min.
        String flipped = "0801780005000de8";

        CgmMeasurement guessed = decode(flipped, CodecContext.UNKNOWN).orElseThrow().records().get(0);
        DecodeError withFeature = error(flipped, CodecContext.E2E_CRC_SUPPORTED);

        assertThat(guessed.trend().flatMap(SFloat::decimal)).contains(new BigDecimal("-20.35"));
        assertThat(withFeature.kind()).isEqualTo(DecodeError.Kind.MISSING_CRC);
    }

    @Test
    void recordWithoutCrcIsRejectedWhenTheFeatureRequiresOne() {
        DecodeError e = error("060078000500", CodecContext.E2E_CRC_SUPPORTED);

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.MISSING_CRC);
    }

    @Test
    void recordWithCrcIsRejectedWhenTheFeatureSaysNoCrc() {
        DecodeError e = error("0800780005000de8", CodecContext.E2E_CRC_NOT_SUPPORTED);

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.UNEXPECTED_CRC);
    }

    @Test
    void reservedFlagBitsAreRejected() {
        DecodeError e = error("060478000500", CodecContext.UNKNOWN);

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.RESERVED_VALUE);
        assertThat(e.reason()).isEqualTo("flags 0x04 set reserved bits 2-4");
        assertThat(e.offset()).isEqualTo(1);
    }

    @Test
    void sizeByteBelowSixIsRejectedInsteadOfLoopingForever() {
        assertThat(error("00", CodecContext.UNKNOWN).kind()).isEqualTo(DecodeError.Kind.INVALID_LENGTH);
        assertThat(error("000078000500", CodecContext.UNKNOWN).kind()).isEqualTo(DecodeError.Kind.INVALID_LENGTH);
        assertThat(error("050078000500", CodecContext.UNKNOWN).reason())
                .isEqualTo("record size 5 below the minimum of 6");
    }

    @Test
    void invalidSecondRecordRejectsTheWholeNotificationAndPointsAtIt() {
        DecodeError e = error("060078000500" + "0a0178000500f1", CodecContext.UNKNOWN);

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.TRUNCATED);
        assertThat(e.offset()).isEqualTo(6);
        assertThat(e.reason()).isEqualTo("truncated: size byte says 10, only 7 bytes left");
    }

    @Test
    void trailingByteAfterTheLastRecordIsTruncation() {
        DecodeError e = error("06007800050006", CodecContext.UNKNOWN);

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.TRUNCATED);
        assertThat(e.reason()).isEqualTo("truncated: size byte says 6, only 1 bytes left");
    }

    @Test
    void emptyNotificationIsTruncated() {
        assertThat(error("", CodecContext.UNKNOWN).kind()).isEqualTo(DecodeError.Kind.TRUNCATED);
    }

    @Test
    void reservedSfloatInTrendOrQualityNamesTheField() {
        assertThat(error("08017800050001 08".replace(" ", ""), CodecContext.UNKNOWN).reason())
                .isEqualTo("trend SFLOAT uses reserved value 0x0801");
        assertThat(error("0802780005000108", CodecContext.UNKNOWN).reason())
                .isEqualTo("quality SFLOAT uses reserved value 0x0801");
    }

    @Test
    void specialGlucoseValuesAreAcceptedWithoutANumber() {
        Map<String, String> cases = Map.of(
                "0600fe071e00", "+INFINITY",
                "060002081e00", "-INFINITY",
                "060000081e00", "NRes",
                "0600ff071e00", "NaN");
        cases.forEach((hex, label) -> {
            CgmMeasurement r = decode(hex, CodecContext.UNKNOWN).orElseThrow().records().get(0);
            assertThat(r.glucoseConcentration().decimal()).isEmpty();
            assertThat(CgmsJsonView.measurementRecord(r).get("glucose_mg_dl")).isEqualTo(label);
        });
    }

    @Test
    void jsonViewListsOnlyTheFieldsThatArePresent() {
        CgmMeasurement r = CgmMeasurement.of(sf("98"), 10).withTrend(sf("-1.5"));

        assertThat(CgmsJsonView.measurementRecord(r)).containsExactly(
                Map.entry("flags", "0x01"),
                Map.entry("glucose_mg_dl", new BigDecimal("98")),
                Map.entry("time_offset_min", 10),
                Map.entry("trend_mg_dl_per_min", new BigDecimal("-1.5")),
                Map.entry("crc_present", false));
    }

    @Test
    void collectorComputesAbsoluteTimeFromSessionStartAndOffset() {
        SessionStartTime sst = CgmsCodec.decodeSessionStartTime(Hex.parse("e807030a081e000404"), CodecContext.UNKNOWN)
                .orElseThrow();
        CgmMeasurement r = decode("0800780005000de8", CodecContext.UNKNOWN).orElseThrow().records().get(0);

        assertThat(sst.timeOf(r.timeOffsetMinutes())).contains(java.time.Instant.parse("2024-03-10T06:35:00Z"));
    }

    @Test
    void recordsWithAndWithoutOptionalFieldsCompareByValue() {
        CgmMeasurement a = new CgmMeasurement(sf("120"), 5, SensorStatusAnnunciation.NONE, Optional.empty(),
                Optional.empty(), false);

        assertThat(a).isEqualTo(CgmMeasurement.of(sf("120"), 5));
        assertThat(Set.of(a.flags())).containsExactly(0);
        assertThat(List.of(a.size())).containsExactly(6);
    }
}
