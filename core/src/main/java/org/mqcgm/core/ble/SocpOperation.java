package org.mqcgm.core.ble;

import java.util.Objects;
import java.util.Optional;

/**
 * CGM Specific Ops Control Point operations (ble-cgms.md §1.7). Each op code has a fixed operand
 * length, which is what lets a decoder tell an operand from a trailing E2E-CRC.
 */
public sealed interface SocpOperation {

    OpCode opCode();

    /** SOCP op codes 1..28 with their operand lengths; 0 and 29..255 are reserved. */
    enum OpCode {
        SET_COMMUNICATION_INTERVAL(1, 1),
        GET_COMMUNICATION_INTERVAL(2, 0),
        COMMUNICATION_INTERVAL_RESPONSE(3, 1),
        SET_GLUCOSE_CALIBRATION_VALUE(4, CalibrationValue.LENGTH),
        GET_GLUCOSE_CALIBRATION_VALUE(5, 2),
        GLUCOSE_CALIBRATION_VALUE_RESPONSE(6, CalibrationValue.LENGTH),
        SET_PATIENT_HIGH_ALERT_LEVEL(7, 2),
        GET_PATIENT_HIGH_ALERT_LEVEL(8, 0),
        PATIENT_HIGH_ALERT_LEVEL_RESPONSE(9, 2),
        SET_PATIENT_LOW_ALERT_LEVEL(10, 2),
        GET_PATIENT_LOW_ALERT_LEVEL(11, 0),
        PATIENT_LOW_ALERT_LEVEL_RESPONSE(12, 2),
        SET_HYPO_ALERT_LEVEL(13, 2),
        GET_HYPO_ALERT_LEVEL(14, 0),
        HYPO_ALERT_LEVEL_RESPONSE(15, 2),
        SET_HYPER_ALERT_LEVEL(16, 2),
        GET_HYPER_ALERT_LEVEL(17, 0),
        HYPER_ALERT_LEVEL_RESPONSE(18, 2),
        SET_RATE_OF_DECREASE_ALERT_LEVEL(19, 2),
        GET_RATE_OF_DECREASE_ALERT_LEVEL(20, 0),
        RATE_OF_DECREASE_ALERT_LEVEL_RESPONSE(21, 2),
        SET_RATE_OF_INCREASE_ALERT_LEVEL(22, 2),
        GET_RATE_OF_INCREASE_ALERT_LEVEL(23, 0),
        RATE_OF_INCREASE_ALERT_LEVEL_RESPONSE(24, 2),
        RESET_DEVICE_SPECIFIC_ALERT(25, 0),
        START_SESSION(26, 0),
        STOP_SESSION(27, 0),
        RESPONSE_CODE(28, 2);

        private final int code;
        private final int operandLength;

        OpCode(int code, int operandLength) {
            this.code = code;
            this.operandLength = operandLength;
        }

        public int code() {
            return code;
        }

        /** Operand bytes after the op code (excluding CRC). */
        public int operandLength() {
            return operandLength;
        }

        public static Optional<OpCode> fromCode(int code) {
            OpCode[] all = values();
            return code >= 1 && code <= all.length ? Optional.of(all[code - 1]) : Optional.empty();
        }
    }

    /** The six alert levels; each has Set (base), Get (base+1) and Response (base+2) op codes. */
    enum AlertLevel {
        /** mg/dL. */
        PATIENT_HIGH(7),
        /** mg/dL. */
        PATIENT_LOW(10),
        /** mg/dL. */
        HYPO(13),
        /** mg/dL. */
        HYPER(16),
        /** (mg/dL)/min. */
        RATE_OF_DECREASE(19),
        /** (mg/dL)/min. */
        RATE_OF_INCREASE(22);

        private final int setOpCode;

        AlertLevel(int setOpCode) {
            this.setOpCode = setOpCode;
        }

        public OpCode setOpCode() {
            return OpCode.fromCode(setOpCode).orElseThrow();
        }

        public OpCode getOpCode() {
            return OpCode.fromCode(setOpCode + 1).orElseThrow();
        }

        public OpCode responseOpCode() {
            return OpCode.fromCode(setOpCode + 2).orElseThrow();
        }

        /** The alert level an op code 7..24 refers to. */
        public static Optional<AlertLevel> of(OpCode op) {
            for (AlertLevel a : values()) {
                if (op.code() >= a.setOpCode && op.code() <= a.setOpCode + 2) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    /** SOCP response code values; 0 and 6..255 are reserved. */
    enum ResponseValue {
        SUCCESS(1, "success"),
        OP_CODE_NOT_SUPPORTED(2, "op code not supported"),
        INVALID_OPERAND(3, "invalid operand"),
        PROCEDURE_NOT_COMPLETED(4, "procedure not completed"),
        PARAMETER_OUT_OF_RANGE(5, "parameter out of range");

        private final int code;
        private final String label;

        ResponseValue(int code, String label) {
            this.code = code;
            this.label = label;
        }

        public int code() {
            return code;
        }

        public String label() {
            return label;
        }

        public static Optional<ResponseValue> fromCode(int code) {
            for (ResponseValue r : values()) {
                if (r.code == code) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    /** Communication interval value that disables periodic communication. */
    int INTERVAL_DISABLED = 0x00;
    /** Communication interval value meaning "fastest supported" (RivieraWaves). */
    int INTERVAL_FASTEST = 0xFF;
    /** Get Glucose Calibration Value record number meaning "last record". */
    int CALIBRATION_RECORD_LAST = 0xFFFF;

    /**
     * Op 0x01. {@code minutes} 0 disables periodic communication, 0xFF asks for the fastest
     * supported interval (Nordic Android's {@code disablePeriodicCommunication} wrongly sends 0xFF).
     */
    record SetCommunicationInterval(int minutes) implements SocpOperation {
        public SetCommunicationInterval {
            checkU8("communication interval", minutes);
        }

        @Override
        public OpCode opCode() {
            return OpCode.SET_COMMUNICATION_INTERVAL;
        }
    }

    /** Op 0x02. */
    record GetCommunicationInterval() implements SocpOperation {
        @Override
        public OpCode opCode() {
            return OpCode.GET_COMMUNICATION_INTERVAL;
        }
    }

    /** Op 0x03. */
    record CommunicationIntervalResponse(int minutes) implements SocpOperation {
        public CommunicationIntervalResponse {
            checkU8("communication interval", minutes);
        }

        @Override
        public OpCode opCode() {
            return OpCode.COMMUNICATION_INTERVAL_RESPONSE;
        }
    }

    /** Op 0x04. */
    record SetGlucoseCalibrationValue(CalibrationValue value) implements SocpOperation {
        public SetGlucoseCalibrationValue {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public OpCode opCode() {
            return OpCode.SET_GLUCOSE_CALIBRATION_VALUE;
        }
    }

    /** Op 0x05; {@code recordNumber} 0xFFFF = last record. */
    record GetGlucoseCalibrationValue(int recordNumber) implements SocpOperation {
        public GetGlucoseCalibrationValue {
            if (recordNumber < 0 || recordNumber > 0xFFFF) {
                throw new IllegalArgumentException("record number out of range 0..65535: " + recordNumber);
            }
        }

        @Override
        public OpCode opCode() {
            return OpCode.GET_GLUCOSE_CALIBRATION_VALUE;
        }
    }

    /** Op 0x06. */
    record GlucoseCalibrationValueResponse(CalibrationValue value) implements SocpOperation {
        public GlucoseCalibrationValueResponse {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public OpCode opCode() {
            return OpCode.GLUCOSE_CALIBRATION_VALUE_RESPONSE;
        }
    }

    /** Ops 7, 10, 13, 16, 19, 22. */
    record SetAlertLevel(AlertLevel alert, SFloat level) implements SocpOperation {
        public SetAlertLevel {
            Objects.requireNonNull(alert, "alert");
            Objects.requireNonNull(level, "level");
        }

        @Override
        public OpCode opCode() {
            return alert.setOpCode();
        }
    }

    /** Ops 8, 11, 14, 17, 20, 23. */
    record GetAlertLevel(AlertLevel alert) implements SocpOperation {
        public GetAlertLevel {
            Objects.requireNonNull(alert, "alert");
        }

        @Override
        public OpCode opCode() {
            return alert.getOpCode();
        }
    }

    /** Ops 9, 12, 15, 18, 21, 24. */
    record AlertLevelResponse(AlertLevel alert, SFloat level) implements SocpOperation {
        public AlertLevelResponse {
            Objects.requireNonNull(alert, "alert");
            Objects.requireNonNull(level, "level");
        }

        @Override
        public OpCode opCode() {
            return alert.responseOpCode();
        }
    }

    /** Op 0x19. */
    record ResetDeviceSpecificAlert() implements SocpOperation {
        @Override
        public OpCode opCode() {
            return OpCode.RESET_DEVICE_SPECIFIC_ALERT;
        }
    }

    /** Op 0x1A: start a session; the sensor answers {@code 1C 1A 01}. */
    record StartSession() implements SocpOperation {
        @Override
        public OpCode opCode() {
            return OpCode.START_SESSION;
        }
    }

    /** Op 0x1B: stop the session. */
    record StopSession() implements SocpOperation {
        @Override
        public OpCode opCode() {
            return OpCode.STOP_SESSION;
        }
    }

    /** Op 0x1C: {@code 1C <request op code> <response code>}; the request op code is kept raw. */
    record ResponseCode(int requestOpCode, ResponseValue response) implements SocpOperation {
        public ResponseCode {
            checkU8("request op code", requestOpCode);
            Objects.requireNonNull(response, "response");
        }

        @Override
        public OpCode opCode() {
            return OpCode.RESPONSE_CODE;
        }
    }

    private static void checkU8(String what, int v) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException(what + " out of range 0..255: " + v);
        }
    }
}
