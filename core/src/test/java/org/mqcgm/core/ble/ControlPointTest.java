package org.mqcgm.core.ble;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mqcgm.core.ble.RecordAccessControlPoint.ReportNumberOfStoredRecords;
import org.mqcgm.core.ble.RecordAccessControlPoint.ReportStoredRecords;
import org.mqcgm.core.ble.RecordAccessControlPoint.TimeOffsetAtLeast;
import org.mqcgm.core.ble.SocpOperation.AlertLevel;

/** RACP (ble-cgms.md §1.6) and SOCP (§1.7) scenarios, following the collector flow of §4. */
class ControlPointTest {

    private static DecodeError racpError(String hex) {
        return CgmsCodec.decodeRecordAccessControlPoint(Hex.parse(hex)).errorIfAny()
                .orElseThrow(() -> new AssertionError("accepted " + hex));
    }

    private static DecodeError socpError(String hex, CodecContext ctx) {
        return CgmsCodec.decodeSpecificOpsControlPoint(Hex.parse(hex), ctx).errorIfAny()
                .orElseThrow(() -> new AssertionError("accepted " + hex));
    }

    @Test
    void backfillAfterReconnectAsksForRecordsAfterTheLastSeenOffset() {
        int lastSeen = 1440;

        byte[] count = CgmsCodec.encodeRecordAccessControlPoint(
                new ReportNumberOfStoredRecords(new TimeOffsetAtLeast(lastSeen + 1)));
        byte[] report = CgmsCodec.encodeRecordAccessControlPoint(
                new ReportStoredRecords(new TimeOffsetAtLeast(lastSeen + 1)));

        assertThat(Hex.format(count)).isEqualTo("040301a105");  // racp_number_ge
        assertThat(Hex.format(report)).isEqualTo("010301a105"); // racp_report_ge_time_offset
    }

    @Test
    void backfillEndsWithSuccessOrNoRecordsFound() {
        var success = CgmsCodec.decodeRecordAccessControlPoint(Hex.parse("06000101")).orElseThrow();
        var none = CgmsCodec.decodeRecordAccessControlPoint(Hex.parse("06000106")).orElseThrow();

        assertThat(success).isEqualTo(new RecordAccessControlPoint.ResponseCode(1,
                RecordAccessControlPoint.ResponseValue.SUCCESS));
        assertThat(none).isEqualTo(new RecordAccessControlPoint.ResponseCode(1,
                RecordAccessControlPoint.ResponseValue.NO_RECORDS_FOUND));
    }

    @Test
    void responseToAnUnknownRequestOpCodeIsStillDecoded() {
        var r = CgmsCodec.decodeRecordAccessControlPoint(Hex.parse("06000902")).orElseThrow();

        assertThat(CgmsJsonView.of(r)).isEqualTo(Map.of("op_code", 6, "op", "response code", "operator", "null",
                "request_op_code", 9, "response", "op code not supported"));
    }

    @Test
    void abortWithAnOperatorOtherThanNullIsAnInvalidOperand() {
        DecodeError e = racpError("0301");

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.INVALID_OPERAND);
        assertThat(e.reason()).isEqualTo("RACP abort requires operator null, got 'all'");
    }

    @Test
    void reportWithTheNullOperatorIsAnInvalidOperand() {
        assertThat(racpError("0100").kind()).isEqualTo(DecodeError.Kind.INVALID_OPERAND);
    }

    @Test
    void userFacingTimeFilterIsNotSupportedByCgms() {
        DecodeError e = racpError("010302a105");

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.UNSUPPORTED);
        assertThat(e.offset()).isEqualTo(2);
    }

    @Test
    void rangeWithMinimumAboveMaximumIsAnInvalidOperand() {
        assertThat(racpError("010401c8006400").kind()).isEqualTo(DecodeError.Kind.INVALID_OPERAND);
    }

    @Test
    void reservedRacpCodesAreRejected() {
        assertThat(racpError("0001").reason()).isEqualTo("RACP op code 0x00 is reserved");
        assertThat(racpError("0701").kind()).isEqualTo(DecodeError.Kind.RESERVED_VALUE);
        assertThat(racpError("0107").reason()).isEqualTo("RACP operator 0x07 is reserved");
        assertThat(racpError("010303a105").kind()).isEqualTo(DecodeError.Kind.RESERVED_VALUE);
        assertThat(racpError("0600010a").kind()).isEqualTo(DecodeError.Kind.RESERVED_VALUE);
    }

    @Test
    void racpLengthMustMatchTheOperator() {
        assertThat(racpError("01").kind()).isEqualTo(DecodeError.Kind.TRUNCATED);
        assertThat(racpError("010301a1").kind()).isEqualTo(DecodeError.Kind.TRUNCATED);
        assertThat(racpError("010101").kind()).isEqualTo(DecodeError.Kind.INVALID_LENGTH);
        assertThat(racpError("05000c0000").kind()).isEqualTo(DecodeError.Kind.INVALID_LENGTH);
    }

    @Test
    void racpIgnoresTheE2eContextBecauseItNeverCarriesCrc() {
        assertThat(CgmsCodec.decode(CgmsCharacteristic.RECORD_ACCESS_CONTROL_POINT, Hex.parse("0101"),
                CodecContext.E2E_CRC_SUPPORTED).isOk()).isTrue();
    }

    @Test
    void startSessionWithCrcMatchesTheSpecExample() {
        byte[] wire = CgmsCodec.encodeSpecificOpsControlPoint(
                SpecificOpsControlPoint.of(new SocpOperation.StartSession(), true));

        assertThat(Hex.format(wire)).isEqualTo("1a5cb0");
    }

    @Test
    void startSessionWithoutCrcIsRejectedWhenTheFeatureRequiresCrc() {
        DecodeError e = socpError("1a", CodecContext.E2E_CRC_SUPPORTED);

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.MISSING_CRC);
    }

    @Test
    void socpCrcIsVerified() {
        DecodeError e = socpError("1a5cb1", CodecContext.UNKNOWN);

        assertThat(e.kind()).isEqualTo(DecodeError.Kind.BAD_CRC);
        assertThat(e.reason()).isEqualTo("E2E-CRC mismatch: field 0xb15c computed 0xb05c");
    }

    @Test
    void sensorConfirmsStartAndStopSession() {
        assertThat(CgmsCodec.decodeSpecificOpsControlPoint(Hex.parse("1c1a01"), CodecContext.UNKNOWN).orElseThrow())
                .isEqualTo(SpecificOpsControlPoint.of(new SocpOperation.ResponseCode(26,
                        SocpOperation.ResponseValue.SUCCESS), false));
        assertThat(Hex.format(CgmsCodec.encodeSpecificOpsControlPoint(SpecificOpsControlPoint.of(
                new SocpOperation.ResponseCode(27, SocpOperation.ResponseValue.SUCCESS), false)))).isEqualTo("1c1b01");
    }

    @Test
    void disablingPeriodicCommunicationSendsZeroNotFf() {
        byte[] wire = CgmsCodec.encodeSpecificOpsControlPoint(SpecificOpsControlPoint.of(
                new SocpOperation.SetCommunicationInterval(SocpOperation.INTERVAL_DISABLED), false));

        assertThat(Hex.format(wire)).isEqualTo("0100");
    }

    @Test
    void calibrationValuePutsTheSampleLocationInTheHighNibble() {
        CalibrationValue c = new CalibrationValue(SFloat.parse("105"), 120, SampleType.CAPILLARY_PLASMA.code(),
                SampleLocation.FINGER.code(), 720, 3, 0);
        byte[] wire = CgmsCodec.encodeSpecificOpsControlPoint(
                SpecificOpsControlPoint.of(new SocpOperation.SetGlucoseCalibrationValue(c), false));

        assertThat(Hex.format(wire, " ")).isEqualTo("04 69 00 78 00 12 d0 02 03 00 00");
        var back = CgmsCodec.decodeSpecificOpsControlPoint(wire, CodecContext.UNKNOWN).orElseThrow();
        assertThat(back.operation()).isEqualTo(new SocpOperation.SetGlucoseCalibrationValue(c));
        assertThat(c.sampleType()).contains(SampleType.CAPILLARY_PLASMA);
        assertThat(c.sampleLocation()).contains(SampleLocation.FINGER);
    }

    @Test
    void calibrationResponseJsonNamesEveryOperandField() {
        CalibrationValue c = new CalibrationValue(SFloat.parse("105.5"), 120, 9, 5, 720, 3, 0x05);
        var view = CgmsJsonView.of(SpecificOpsControlPoint.of(new SocpOperation.GlucoseCalibrationValueResponse(c), true));

        assertThat(view).isEqualTo(Map.ofEntries(
                Map.entry("op_code", 6), Map.entry("crc_present", true),
                Map.entry("calibration_glucose_mg_dl", new BigDecimal("105.5")),
                Map.entry("calibration_time_min", 120), Map.entry("calibration_type", 9),
                Map.entry("calibration_sample_location", 5), Map.entry("next_calibration_time_min", 720),
                Map.entry("calibration_record_number", 3), Map.entry("calibration_status", 5)));
        assertThat(c.statusBits()).containsExactlyInAnyOrder(CalibrationValue.StatusBit.CALIBRATION_DATA_REJECTED,
                CalibrationValue.StatusBit.CALIBRATION_PROCESS_PENDING);
    }

    @Test
    void everyAlertLevelHasSetGetAndResponseOpCodes() {
        int expectedSet = 7;
        for (AlertLevel a : AlertLevel.values()) {
            assertThat(a.setOpCode().code()).isEqualTo(expectedSet);
            assertThat(a.getOpCode().code()).isEqualTo(expectedSet + 1);
            assertThat(a.responseOpCode().code()).isEqualTo(expectedSet + 2);
            assertThat(AlertLevel.of(a.responseOpCode())).contains(a);
            expectedSet += 3;
        }
        assertThat(expectedSet).isEqualTo(25);
    }

    @Test
    void hypoAlertLevelResponseWithCrc() {
        var v = CgmsCodec.decodeSpecificOpsControlPoint(Hex.parse("0f46004261"), CodecContext.E2E_CRC_SUPPORTED)
                .orElseThrow();

        assertThat(v.operation()).isEqualTo(new SocpOperation.AlertLevelResponse(AlertLevel.HYPO, SFloat.parse("70")));
    }

    @Test
    void reservedSocpCodesAreRejected() {
        assertThat(socpError("00", CodecContext.UNKNOWN).reason()).isEqualTo("SOCP op code 0x00 is reserved");
        assertThat(socpError("1d", CodecContext.UNKNOWN).kind()).isEqualTo(DecodeError.Kind.RESERVED_VALUE);
        assertThat(socpError("1c1a06", CodecContext.UNKNOWN).reason())
                .isEqualTo("SOCP response code value 0x06 is reserved");
        assertThat(socpError("0d0108", CodecContext.UNKNOWN).reason())
                .isEqualTo("alert level SFLOAT uses reserved value 0x0801");
    }

    @Test
    void socpOperandLengthIsFixedByTheOpCode() {
        assertThat(socpError("01", CodecContext.UNKNOWN).kind()).isEqualTo(DecodeError.Kind.TRUNCATED);
        assertThat(socpError("010500", CodecContext.UNKNOWN).kind()).isEqualTo(DecodeError.Kind.INVALID_LENGTH);
        assertThat(socpError("1a5cb000", CodecContext.UNKNOWN).kind()).isEqualTo(DecodeError.Kind.INVALID_LENGTH);
        assertThat(socpError("", CodecContext.UNKNOWN).kind()).isEqualTo(DecodeError.Kind.TRUNCATED);
    }
}
