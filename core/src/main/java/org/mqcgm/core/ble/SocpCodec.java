package org.mqcgm.core.ble;

import org.mqcgm.core.ble.SocpOperation.AlertLevel;
import org.mqcgm.core.ble.SocpOperation.AlertLevelResponse;
import org.mqcgm.core.ble.SocpOperation.CommunicationIntervalResponse;
import org.mqcgm.core.ble.SocpOperation.GetAlertLevel;
import org.mqcgm.core.ble.SocpOperation.GetCommunicationInterval;
import org.mqcgm.core.ble.SocpOperation.GetGlucoseCalibrationValue;
import org.mqcgm.core.ble.SocpOperation.GlucoseCalibrationValueResponse;
import org.mqcgm.core.ble.SocpOperation.OpCode;
import org.mqcgm.core.ble.SocpOperation.ResetDeviceSpecificAlert;
import org.mqcgm.core.ble.SocpOperation.ResponseCode;
import org.mqcgm.core.ble.SocpOperation.ResponseValue;
import org.mqcgm.core.ble.SocpOperation.SetAlertLevel;
import org.mqcgm.core.ble.SocpOperation.SetCommunicationInterval;
import org.mqcgm.core.ble.SocpOperation.SetGlucoseCalibrationValue;
import org.mqcgm.core.ble.SocpOperation.StartSession;
import org.mqcgm.core.ble.SocpOperation.StopSession;

/** CGM Specific Ops Control Point (0x2AAC) wire format, ble-cgms.md §1.7. */
final class SocpCodec {

    private SocpCodec() {
    }

    static SpecificOpsControlPoint decode(byte[] value, CodecContext ctx) {
        if (value.length == 0) {
            throw new DecodeFailure(DecodeError.Kind.TRUNCATED, 0, "truncated: empty SOCP value, op code missing");
        }
        int op = value[0] & 0xFF;
        OpCode opCode = OpCode.fromCode(op).orElseThrow(() -> new DecodeFailure(DecodeError.Kind.RESERVED_VALUE, 0,
                "SOCP op code " + Hex.number(op, 2) + " is reserved"));
        // The operand length is fixed by the op code, so the remaining length tells whether a CRC follows.
        int payload = 1 + opCode.operandLength();
        boolean crc = E2eFrames.crcPresent("SOCP op code " + op, value, payload, ctx);
        WireReader in = new WireReader(value, 1, payload);
        SocpOperation operation = switch (opCode) {
            case SET_COMMUNICATION_INTERVAL -> new SetCommunicationInterval(in.u8("communication interval"));
            case GET_COMMUNICATION_INTERVAL -> new GetCommunicationInterval();
            case COMMUNICATION_INTERVAL_RESPONSE -> new CommunicationIntervalResponse(in.u8("communication interval"));
            case SET_GLUCOSE_CALIBRATION_VALUE -> new SetGlucoseCalibrationValue(calibration(in));
            case GET_GLUCOSE_CALIBRATION_VALUE -> new GetGlucoseCalibrationValue(in.u16("calibration record number"));
            case GLUCOSE_CALIBRATION_VALUE_RESPONSE -> new GlucoseCalibrationValueResponse(calibration(in));
            case SET_PATIENT_HIGH_ALERT_LEVEL, SET_PATIENT_LOW_ALERT_LEVEL, SET_HYPO_ALERT_LEVEL, SET_HYPER_ALERT_LEVEL,
                    SET_RATE_OF_DECREASE_ALERT_LEVEL, SET_RATE_OF_INCREASE_ALERT_LEVEL ->
                    new SetAlertLevel(AlertLevel.of(opCode).orElseThrow(), in.sfloat("alert level"));
            case GET_PATIENT_HIGH_ALERT_LEVEL, GET_PATIENT_LOW_ALERT_LEVEL, GET_HYPO_ALERT_LEVEL, GET_HYPER_ALERT_LEVEL,
                    GET_RATE_OF_DECREASE_ALERT_LEVEL, GET_RATE_OF_INCREASE_ALERT_LEVEL ->
                    new GetAlertLevel(AlertLevel.of(opCode).orElseThrow());
            case PATIENT_HIGH_ALERT_LEVEL_RESPONSE, PATIENT_LOW_ALERT_LEVEL_RESPONSE, HYPO_ALERT_LEVEL_RESPONSE,
                    HYPER_ALERT_LEVEL_RESPONSE, RATE_OF_DECREASE_ALERT_LEVEL_RESPONSE,
                    RATE_OF_INCREASE_ALERT_LEVEL_RESPONSE ->
                    new AlertLevelResponse(AlertLevel.of(opCode).orElseThrow(), in.sfloat("alert level"));
            case RESET_DEVICE_SPECIFIC_ALERT -> new ResetDeviceSpecificAlert();
            case START_SESSION -> new StartSession();
            case STOP_SESSION -> new StopSession();
            case RESPONSE_CODE -> {
                int request = in.u8("request op code");
                int at = in.position();
                int code = in.u8("response code value");
                ResponseValue response = ResponseValue.fromCode(code).orElseThrow(() -> new DecodeFailure(
                        DecodeError.Kind.RESERVED_VALUE, at,
                        "SOCP response code value " + Hex.number(code, 2) + " is reserved"));
                yield new ResponseCode(request, response);
            }
        };
        in.expectEnd("SOCP op code " + op);
        return new SpecificOpsControlPoint(operation, crc);
    }

    private static CalibrationValue calibration(WireReader in) {
        SFloat concentration = in.sfloat("calibration glucose");
        int time = in.u16("calibration time");
        int typeLocation = in.u8("calibration type/sample location");
        int next = in.u16("next calibration time");
        int record = in.u16("calibration record number");
        int status = in.u8("calibration status");
        // Type is the LOW nibble, sample location the HIGH nibble (as in CGM Feature).
        return new CalibrationValue(concentration, time, typeLocation & 0x0F, typeLocation >>> 4, next, record, status);
    }

    static byte[] encode(SpecificOpsControlPoint value) {
        WireWriter out = new WireWriter();
        SocpOperation operation = value.operation();
        out.u8(operation.opCode().code());
        switch (operation) {
            case SetCommunicationInterval s -> out.u8(s.minutes());
            case CommunicationIntervalResponse r -> out.u8(r.minutes());
            case SetGlucoseCalibrationValue s -> writeCalibration(out, s.value());
            case GetGlucoseCalibrationValue g -> out.u16(g.recordNumber());
            case GlucoseCalibrationValueResponse r -> writeCalibration(out, r.value());
            case SetAlertLevel s -> out.sfloat(s.level());
            case AlertLevelResponse r -> out.sfloat(r.level());
            case ResponseCode r -> out.u8(r.requestOpCode()).u8(r.response().code());
            case GetCommunicationInterval g -> {
            }
            case GetAlertLevel g -> {
            }
            case ResetDeviceSpecificAlert r -> {
            }
            case StartSession s -> {
            }
            case StopSession s -> {
            }
        }
        if (value.crcPresent()) {
            out.crcFrom(0);
        }
        return out.toByteArray();
    }

    private static void writeCalibration(WireWriter out, CalibrationValue c) {
        out.sfloat(c.glucoseConcentration())
                .u16(c.calibrationTimeMinutes())
                .u8(c.sampleLocationCode() << 4 | c.typeCode())
                .u16(c.nextCalibrationTimeMinutes())
                .u16(c.recordNumber())
                .u8(c.status());
    }
}
