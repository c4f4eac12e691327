package org.mqcgm.core.ble;

import org.mqcgm.core.ble.RecordAccessControlPoint.AbortOperation;
import org.mqcgm.core.ble.RecordAccessControlPoint.AllRecords;
import org.mqcgm.core.ble.RecordAccessControlPoint.DeleteStoredRecords;
import org.mqcgm.core.ble.RecordAccessControlPoint.Filter;
import org.mqcgm.core.ble.RecordAccessControlPoint.FirstRecord;
import org.mqcgm.core.ble.RecordAccessControlPoint.LastRecord;
import org.mqcgm.core.ble.RecordAccessControlPoint.NumberOfStoredRecordsResponse;
import org.mqcgm.core.ble.RecordAccessControlPoint.OpCode;
import org.mqcgm.core.ble.RecordAccessControlPoint.Operator;
import org.mqcgm.core.ble.RecordAccessControlPoint.ReportNumberOfStoredRecords;
import org.mqcgm.core.ble.RecordAccessControlPoint.ReportStoredRecords;
import org.mqcgm.core.ble.RecordAccessControlPoint.ResponseCode;
import org.mqcgm.core.ble.RecordAccessControlPoint.ResponseValue;
import org.mqcgm.core.ble.RecordAccessControlPoint.TimeOffsetAtLeast;
import org.mqcgm.core.ble.RecordAccessControlPoint.TimeOffsetAtMost;
import org.mqcgm.core.ble.RecordAccessControlPoint.TimeOffsetRange;

/** Record Access Control Point (0x2A52) wire format for CGMS, ble-cgms.md §1.6. No E2E-CRC. */
final class RacpCodec {

    private RacpCodec() {
    }

    static RecordAccessControlPoint decode(byte[] value) {
        if (value.length < 2) {
            throw new DecodeFailure(DecodeError.Kind.TRUNCATED, value.length,
                    "truncated: RACP needs op code and operator (2 bytes), got " + value.length);
        }
        WireReader in = new WireReader(value, 0, value.length);
        int op = in.u8("op code");
        int operatorCode = in.u8("operator");
        OpCode opCode = OpCode.fromCode(op).orElseThrow(() -> new DecodeFailure(DecodeError.Kind.RESERVED_VALUE, 0,
                "RACP op code " + Hex.number(op, 2) + " is reserved"));
        Operator operator = Operator.fromCode(operatorCode).orElseThrow(() -> new DecodeFailure(
                DecodeError.Kind.RESERVED_VALUE, 1, "RACP operator " + Hex.number(operatorCode, 2) + " is reserved"));
        RecordAccessControlPoint message = switch (opCode) {
            case REPORT_STORED_RECORDS -> new ReportStoredRecords(filter(opCode, operator, in));
            case DELETE_STORED_RECORDS -> new DeleteStoredRecords(filter(opCode, operator, in));
            case REPORT_NUMBER_OF_STORED_RECORDS -> new ReportNumberOfStoredRecords(filter(opCode, operator, in));
            case ABORT_OPERATION -> {
                requireNullOperator(opCode, operator);
                yield new AbortOperation();
            }
            case NUMBER_OF_STORED_RECORDS_RESPONSE -> {
                requireNullOperator(opCode, operator);
                yield new NumberOfStoredRecordsResponse(in.u16("number of records"));
            }
            case RESPONSE_CODE -> {
                requireNullOperator(opCode, operator);
                int request = in.u8("request op code");
                int responseAt = in.position();
                int code = in.u8("response code value");
                ResponseValue response = ResponseValue.fromCode(code).orElseThrow(() -> new DecodeFailure(
                        DecodeError.Kind.RESERVED_VALUE, responseAt,
                        "RACP response code value " + Hex.number(code, 2) + " is reserved"));
                yield new ResponseCode(request, response);
            }
        };
        in.expectEnd("RACP " + opCode.label());
        return message;
    }

    private static void requireNullOperator(OpCode opCode, Operator operator) {
        if (operator != Operator.NULL) {
            throw new DecodeFailure(DecodeError.Kind.INVALID_OPERAND, 1,
                    "RACP " + opCode.label() + " requires operator null, got '" + operator.label() + "'");
        }
    }

    private static Filter filter(OpCode opCode, Operator operator, WireReader in) {
        return switch (operator) {
            case NULL -> throw new DecodeFailure(DecodeError.Kind.INVALID_OPERAND, 1,
                    "RACP " + opCode.label() + " requires an operator other than null");
            case ALL_RECORDS -> new AllRecords();
            case FIRST_RECORD -> new FirstRecord();
            case LAST_RECORD -> new LastRecord();
            case LESS_THAN_OR_EQUAL_TO -> {
                filterType(in);
                yield new TimeOffsetAtMost(in.u16("time offset operand"));
            }
            case GREATER_THAN_OR_EQUAL_TO -> {
                filterType(in);
                yield new TimeOffsetAtLeast(in.u16("time offset operand"));
            }
            case WITHIN_RANGE_INCLUSIVE -> {
                filterType(in);
                int at = in.position();
                int min = in.u16("range minimum");
                int max = in.u16("range maximum");
                if (min > max) {
                    throw new DecodeFailure(DecodeError.Kind.INVALID_OPERAND, at,
                            "RACP range minimum " + min + " greater than maximum " + max);
                }
                yield new TimeOffsetRange(min, max);
            }
        };
    }

    /** CGMS supports only filter type 0x01 (time offset) [NCS-RACP]. */
    private static void filterType(WireReader in) {
        int at = in.position();
        int type = in.u8("filter type");
        if (type == RecordAccessControlPoint.FILTER_TYPE_TIME_OFFSET) {
            return;
        }
        if (type == RecordAccessControlPoint.FILTER_TYPE_USER_FACING_TIME) {
            throw new DecodeFailure(DecodeError.Kind.UNSUPPORTED, at,
                    "RACP filter type 0x02 (user facing time) is not supported by CGMS");
        }
        throw new DecodeFailure(DecodeError.Kind.RESERVED_VALUE, at,
                "RACP filter type " + Hex.number(type, 2) + " is reserved");
    }

    static byte[] encode(RecordAccessControlPoint message) {
        WireWriter out = new WireWriter();
        out.u8(message.opCode().code()).u8(message.operator().code());
        switch (message) {
            case ReportStoredRecords r -> writeOperand(out, r.filter());
            case DeleteStoredRecords r -> writeOperand(out, r.filter());
            case ReportNumberOfStoredRecords r -> writeOperand(out, r.filter());
            case AbortOperation a -> {
                // op code and operator only
            }
            case NumberOfStoredRecordsResponse n -> out.u16(n.numberOfRecords());
            case ResponseCode r -> out.u8(r.requestOpCode()).u8(r.response().code());
        }
        return out.toByteArray();
    }

    private static void writeOperand(WireWriter out, Filter filter) {
        switch (filter) {
            case AllRecords a -> {
            }
            case FirstRecord f -> {
            }
            case LastRecord l -> {
            }
            case TimeOffsetAtMost m -> out.u8(RecordAccessControlPoint.FILTER_TYPE_TIME_OFFSET).u16(m.maximum());
            case TimeOffsetAtLeast m -> out.u8(RecordAccessControlPoint.FILTER_TYPE_TIME_OFFSET).u16(m.minimum());
            case TimeOffsetRange r -> out.u8(RecordAccessControlPoint.FILTER_TYPE_TIME_OFFSET)
                    .u16(r.minimum()).u16(r.maximum());
        }
    }
}
