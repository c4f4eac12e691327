package org.mqcgm.core.ble;

import java.util.Objects;
import java.util.Optional;

/**
 * Record Access Control Point (0x2A52) messages as used by CGMS (ble-cgms.md §1.6):
 * {@code op code | operator | [filter type 0x01 | uint16 time offset(s)]}. RACP never carries E2E-CRC.
 *
 * <p>Requests (report / delete / report number) carry a {@link Filter}; abort carries operator null;
 * the sensor answers with {@link NumberOfStoredRecordsResponse} or {@link ResponseCode}. Stored records
 * themselves arrive as CGM Measurement notifications.
 */
public sealed interface RecordAccessControlPoint extends CgmsValue {

    /** RACP filter type "time offset": the only one CGMS supports. */
    int FILTER_TYPE_TIME_OFFSET = 0x01;
    /** Generic RACP filter type "user facing time": not supported by CGMS (NCS answers 0x09). */
    int FILTER_TYPE_USER_FACING_TIME = 0x02;

    OpCode opCode();

    Operator operator();

    @Override
    default CgmsCharacteristic characteristic() {
        return CgmsCharacteristic.RECORD_ACCESS_CONTROL_POINT;
    }

    /** RACP op codes; 0 and 7..255 are reserved. */
    enum OpCode {
        REPORT_STORED_RECORDS(1, "report stored records"),
        DELETE_STORED_RECORDS(2, "delete stored records"),
        ABORT_OPERATION(3, "abort"),
        REPORT_NUMBER_OF_STORED_RECORDS(4, "report number of stored records"),
        NUMBER_OF_STORED_RECORDS_RESPONSE(5, "number of stored records response"),
        RESPONSE_CODE(6, "response code");

        private final int code;
        private final String label;

        OpCode(int code, String label) {
            this.code = code;
            this.label = label;
        }

        public int code() {
            return code;
        }

        public String label() {
            return label;
        }

        public static Optional<OpCode> fromCode(int code) {
            for (OpCode o : values()) {
                if (o.code == code) {
                    return Optional.of(o);
                }
            }
            return Optional.empty();
        }
    }

    /** RACP operators; 7..255 are reserved. */
    enum Operator {
        NULL(0, "null"),
        ALL_RECORDS(1, "all"),
        LESS_THAN_OR_EQUAL_TO(2, "<="),
        GREATER_THAN_OR_EQUAL_TO(3, ">="),
        WITHIN_RANGE_INCLUSIVE(4, "within range (inclusive)"),
        FIRST_RECORD(5, "first"),
        LAST_RECORD(6, "last");

        private final int code;
        private final String label;

        Operator(int code, String label) {
            this.code = code;
            this.label = label;
        }

        public int code() {
            return code;
        }

        public String label() {
            return label;
        }

        public static Optional<Operator> fromCode(int code) {
            for (Operator o : values()) {
                if (o.code == code) {
                    return Optional.of(o);
                }
            }
            return Optional.empty();
        }
    }

    /** RACP response code values; 0 and 10..255 are reserved. */
    enum ResponseValue {
        SUCCESS(1, "success"),
        OP_CODE_NOT_SUPPORTED(2, "op code not supported"),
        INVALID_OPERATOR(3, "invalid operator"),
        OPERATOR_NOT_SUPPORTED(4, "operator not supported"),
        INVALID_OPERAND(5, "invalid operand"),
        NO_RECORDS_FOUND(6, "no records found"),
        ABORT_UNSUCCESSFUL(7, "abort unsuccessful"),
        PROCEDURE_NOT_COMPLETED(8, "procedure not completed"),
        OPERAND_NOT_SUPPORTED(9, "operand not supported");

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

    /** Which stored records a request addresses: operator plus (for 2..4) time-offset operand(s). */
    sealed interface Filter {
        Operator operator();
    }

    /** Operator 0x01. */
    record AllRecords() implements Filter {
        @Override
        public Operator operator() {
            return Operator.ALL_RECORDS;
        }
    }

    /** Operator 0x05: the oldest record. */
    record FirstRecord() implements Filter {
        @Override
        public Operator operator() {
            return Operator.FIRST_RECORD;
        }
    }

    /** Operator 0x06: the most recent record. */
    record LastRecord() implements Filter {
        @Override
        public Operator operator() {
            return Operator.LAST_RECORD;
        }
    }

    /** Operator 0x02 with filter type time offset: records with time offset &le; {@code maximum}. */
    record TimeOffsetAtMost(int maximum) implements Filter {
        public TimeOffsetAtMost {
            checkU16("time offset", maximum);
        }

        @Override
        public Operator operator() {
            return Operator.LESS_THAN_OR_EQUAL_TO;
        }
    }

    /** Operator 0x03 with filter type time offset: records with time offset &ge; {@code minimum} (backfill). */
    record TimeOffsetAtLeast(int minimum) implements Filter {
        public TimeOffsetAtLeast {
            checkU16("time offset", minimum);
        }

        @Override
        public Operator operator() {
            return Operator.GREATER_THAN_OR_EQUAL_TO;
        }
    }

    /** Operator 0x04 with filter type time offset: {@code minimum} &le; time offset &le; {@code maximum}. */
    record TimeOffsetRange(int minimum, int maximum) implements Filter {
        public TimeOffsetRange {
            checkU16("time offset", minimum);
            checkU16("time offset", maximum);
            if (minimum > maximum) {
                throw new IllegalArgumentException("range minimum " + minimum + " > maximum " + maximum);
            }
        }

        @Override
        public Operator operator() {
            return Operator.WITHIN_RANGE_INCLUSIVE;
        }
    }

    /** Op code 0x01. */
    record ReportStoredRecords(Filter filter) implements RecordAccessControlPoint {
        public ReportStoredRecords {
            Objects.requireNonNull(filter, "filter");
        }

        @Override
        public OpCode opCode() {
            return OpCode.REPORT_STORED_RECORDS;
        }

        @Override
        public Operator operator() {
            return filter.operator();
        }
    }

    /** Op code 0x02. */
    record DeleteStoredRecords(Filter filter) implements RecordAccessControlPoint {
        public DeleteStoredRecords {
            Objects.requireNonNull(filter, "filter");
        }

        @Override
        public OpCode opCode() {
            return OpCode.DELETE_STORED_RECORDS;
        }

        @Override
        public Operator operator() {
            return filter.operator();
        }
    }

    /** Op code 0x03 with operator null: {@code 03 00}. */
    record AbortOperation() implements RecordAccessControlPoint {
        @Override
        public OpCode opCode() {
            return OpCode.ABORT_OPERATION;
        }

        @Override
        public Operator operator() {
            return Operator.NULL;
        }
    }

    /** Op code 0x04. */
    record ReportNumberOfStoredRecords(Filter filter) implements RecordAccessControlPoint {
        public ReportNumberOfStoredRecords {
            Objects.requireNonNull(filter, "filter");
        }

        @Override
        public OpCode opCode() {
            return OpCode.REPORT_NUMBER_OF_STORED_RECORDS;
        }

        @Override
        public Operator operator() {
            return filter.operator();
        }
    }

    /** Op code 0x05: {@code 05 00 <uint16 count>}. */
    record NumberOfStoredRecordsResponse(int numberOfRecords) implements RecordAccessControlPoint {
        public NumberOfStoredRecordsResponse {
            checkU16("number of records", numberOfRecords);
        }

        @Override
        public OpCode opCode() {
            return OpCode.NUMBER_OF_STORED_RECORDS_RESPONSE;
        }

        @Override
        public Operator operator() {
            return Operator.NULL;
        }
    }

    /**
     * Op code 0x06: {@code 06 00 <request op code> <response code>}. The request op code is kept raw:
     * an "op code not supported" answer echoes an op code this codec does not know.
     */
    record ResponseCode(int requestOpCode, ResponseValue response) implements RecordAccessControlPoint {
        public ResponseCode {
            if (requestOpCode < 0 || requestOpCode > 0xFF) {
                throw new IllegalArgumentException("request op code out of range 0..255: " + requestOpCode);
            }
            Objects.requireNonNull(response, "response");
        }

        @Override
        public OpCode opCode() {
            return OpCode.RESPONSE_CODE;
        }

        @Override
        public Operator operator() {
            return Operator.NULL;
        }
    }

    private static void checkU16(String what, int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException(what + " out of range 0..65535: " + v);
        }
    }
}
