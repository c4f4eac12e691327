package org.mqcgm.core.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CGM Feature, Status, Session Start Time and Session Run Time scenarios (ble-cgms.md §1.2–§1.5). */
class CgmsCharacteristicsTest {

    private static DecodeError error(CgmsCharacteristic c, String hex, CodecContext ctx) {
        return CgmsCodec.decode(c, Hex.parse(hex), ctx).errorIfAny()
                .orElseThrow(() -> new AssertionError("accepted " + hex));
    }

    @Test
    void featureTellsTheCollectorToExpectCrc() {
        CgmFeature f = CgmsCodec.decodeFeature(Hex.parse("0d9001594bd7")).orElseThrow(); // feature_e2e

        assertThat(f.e2eCrcSupported()).isTrue();
        assertThat(f.features()).containsExactlyInAnyOrder(CgmFeature.Feature.CALIBRATION,
                CgmFeature.Feature.HYPO_ALERTS, CgmFeature.Feature.HYPER_ALERTS, CgmFeature.Feature.E2E_CRC,
                CgmFeature.Feature.CGM_TREND_INFORMATION, CgmFeature.Feature.CGM_QUALITY);
        assertThat(f.sampleType()).contains(SampleType.INTERSTITIAL_FLUID);
        assertThat(f.sampleLocation()).contains(SampleLocation.SUBCUTANEOUS_TISSUE);
        assertThat(CodecContext.fromFeature(f)).isEqualTo(CodecContext.E2E_CRC_SUPPORTED);
    }

    @Test
    void featureBuiltFromTypedValuesEncodesLikeTheVector() {
        CgmFeature f = CgmFeature.of(EnumSet.of(CgmFeature.Feature.CGM_TREND_INFORMATION),
                SampleType.INTERSTITIAL_FLUID, SampleLocation.SUBCUTANEOUS_TISSUE);

        assertThat(Hex.format(CgmsCodec.encodeFeature(f))).isEqualTo("00800059ffff"); // feature_no_e2e
        assertThat(CodecContext.fromFeature(f)).isEqualTo(CodecContext.E2E_CRC_NOT_SUPPORTED);
    }

    @Test
    void featureWithoutE2eMustCarryFfffInTheCrcField() {
        DecodeError e = error(CgmsCharacteristic.CGM_FEATURE, "008000591234", CodecContext.UNKNOWN);

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.BAD_CRC);
        assertThat(e.reason()).contains("0x3412").contains("expected 0xffff");
    }

    @Test
    void featureWithE2eRejectsAWrongCrc() {
        assertThat(error(CgmsCharacteristic.CGM_FEATURE, "0d900159ffff", CodecContext.UNKNOWN).kind())
                .isEqualTo(DecodeError.Kind.BAD_CRC);
    }

    @Test
    void featureIsAlwaysSixBytes() {
        assertThat(error(CgmsCharacteristic.CGM_FEATURE, "0d900159", CodecContext.UNKNOWN).kind())
                .isEqualTo(DecodeError.Kind.TRUNCATED);
        assertThat(error(CgmsCharacteristic.CGM_FEATURE, "00800059ffff00", CodecContext.UNKNOWN).kind())
                .isEqualTo(DecodeError.Kind.INVALID_LENGTH);
    }

    @Test
    void featureIgnoresTheContextBecauseItDefinesIt() {
        assertThat(CgmsCodec.decode(CgmsCharacteristic.CGM_FEATURE, Hex.parse("00800059ffff"),
                CodecContext.E2E_CRC_SUPPORTED).isOk()).isTrue();
    }

    @Test
    void statusCarriesTheThreeOctetsInMeasurementOrder() {
        CgmStatus s = new CgmStatus(1440, SensorStatusAnnunciation.of(0x01, 0x08, 0x80), true);
        byte[] wire = CgmsCodec.encodeStatus(s);

        assertThat(Hex.format(wire)).startsWith("a0050108 80".replace(" ", ""));
        assertThat(wire).hasSize(7);
        CgmStatus back = CgmsCodec.decodeStatus(wire, CodecContext.E2E_CRC_SUPPORTED).orElseThrow();
        assertThat(back).isEqualTo(s);
        assertThat(back.annunciation().warnings()).containsExactly(SensorStatusAnnunciation.Warning.SESSION_STOPPED);
        assertThat(CgmsJsonView.status(back)).containsExactly(
                Map.entry("time_offset_min", 1440),
                Map.entry("annunciation_octet_0x20_warning", 1),
                Map.entry("annunciation_octet_0x40_cal_temp", 8),
                Map.entry("annunciation_octet_0x80_status", 128),
                Map.entry("crc_present", true));
    }

    @Test
    void statusOfSixBytesIsNeitherWithNorWithoutCrc() {
        DecodeError e = error(CgmsCharacteristic.CGM_STATUS, "a00501088000", CodecContext.UNKNOWN);

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.INVALID_LENGTH);
        assertThat(e.reason()).isEqualTo("CGM Status must be 5 bytes, or 7 with E2E-CRC; got 6");
    }

    @Test
    void sessionStartTimeGivesTheUtcInstantOfTheSession() {
        // sst_no_crc: 2024-03-10 08:30 local, TZ +4 (60 min), DST code 4 (+60 min) -> UTC+2
        SessionStartTime t = CgmsCodec.decodeSessionStartTime(Hex.parse("e807030a081e000404"), CodecContext.UNKNOWN)
                .orElseThrow();

        assertThat(t.localDateTime()).contains(LocalDateTime.of(2024, 3, 10, 8, 30));
        assertThat(t.utcOffset()).contains(ZoneOffset.ofHours(2));
        assertThat(t.sessionStart()).contains(Instant.parse("2024-03-10T06:30:00Z"));
        assertThat(t.timeOf(1440)).contains(Instant.parse("2024-03-11T06:30:00Z"));
    }

    @Test
    void collectorWritesItsLocalTimeAsSessionStartTime() {
        SessionStartTime t = SessionStartTime.of(LocalDateTime.of(2025, 12, 31, 23, 59, 59), -20,
                SessionStartTime.DstOffset.STANDARD_TIME).withCrc(true);

        assertThat(Hex.format(CgmsCodec.encodeSessionStartTime(t))).isEqualTo("e9070c1f173b3bec00451c"); // sst_crc
    }

    @Test
    void unknownTimeZoneAndDstLeaveTheInstantUnknown() {
        SessionStartTime t = CgmsCodec.decodeSessionStartTime(Hex.parse("e807030a081e0080ff"), CodecContext.UNKNOWN)
                .orElseThrow();

        assertThat(t.timeZoneMinutes()).isEmpty();
        assertThat(t.sessionStart()).isEmpty();
        assertThat(CgmsJsonView.sessionStartTime(t))
                .containsEntry("time_zone_15min_units", -128)
                .containsEntry("time_zone_minutes", null)
                .containsEntry("dst_offset_code", 255)
                .containsEntry("dst_minutes", null);
    }

    @Test
    void sessionStartTimeOutOfRangeFieldsAreRejected() {
        Map<String, String> cases = Map.of(
                "e8070d0a081e000404", "month 13 out of range 1..12 (0 = unknown)",
                "e807021e081e000404", "day 30 does not exist in month 2 of 2024",
                "e807031f181e000404", "hours 24 out of range 0..23",
                "e807030a083c000404", "minutes 60 out of range 0..59",
                "e807030a081e3c0404", "seconds 60 out of range 0..59",
                "e807030a081e003904", "time zone 57 out of range -48..56 (-128 = unknown)",
                "0100030a081e000404", "year 1 out of range 1582..9999 (0 = unknown)");
        cases.forEach((hex, reason) -> {
            DecodeError e = error(CgmsCharacteristic.SESSION_START_TIME, hex, CodecContext.UNKNOWN);
            assertThat(e.kind()).as(hex).isEqualTo(DecodeError.Kind.OUT_OF_RANGE);
            assertThat(e.reason()).isEqualTo(reason);
        });
        assertThatThrownBy(() -> new SessionStartTime(2023, 2, 29, 0, 0, 0, 0,
                SessionStartTime.DstOffset.STANDARD_TIME, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reservedDstCodeIsRejected() {
        DecodeError e = error(CgmsCharacteristic.SESSION_START_TIME, "e807030a081e000403", CodecContext.UNKNOWN);

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.RESERVED_VALUE);
        assertThat(e.offset()).isEqualTo(8);
    }

    @Test
    void sessionStartTimeCrcIsVerified() {
        assertThat(error(CgmsCharacteristic.SESSION_START_TIME, "e9070c1f173b3bec00451d", CodecContext.UNKNOWN)
                .kind()).isEqualTo(DecodeError.Kind.BAD_CRC);
    }

    @Test
    void sessionRunTimeRoundTripsWithAndWithoutCrc() {
        for (boolean crc : new boolean[] {false, true}) {
            SessionRunTime r = new SessionRunTime(24 * 14, crc);
            byte[] wire = CgmsCodec.encodeSessionRunTime(r);

            assertThat(wire).hasSize(crc ? 4 : 2);
            assertThat(CgmsCodec.decodeSessionRunTime(wire, CodecContext.UNKNOWN).orElseThrow()).isEqualTo(r);
            assertThat(CgmsJsonView.sessionRunTime(r)).containsEntry("run_time_hours", 336);
        }
        assertThat(error(CgmsCharacteristic.SESSION_RUN_TIME, "50", CodecContext.UNKNOWN).kind())
                .isEqualTo(DecodeError.Kind.TRUNCATED);
    }
}
