package org.mqcgm.core.ble;

import java.util.Objects;

/**
 * Why a byte array is not a valid CGMS value.
 *
 * @param kind   machine-readable category
 * @param reason one-line human explanation (no line breaks)
 * @param offset byte offset inside the value where the problem was found (0 for whole-value problems)
 */
public record DecodeError(Kind kind, String reason, int offset) {

    /** Categories of decoding failures. */
    public enum Kind {
        /** Fewer bytes than the structure (or a Size byte) requires. */
        TRUNCATED,
        /** Length not allowed for the characteristic or op code (too long, trailing bytes, record Size below 6). */
        INVALID_LENGTH,
        /** CGM Measurement Size byte is neither base nor base+2 for the given Flags (ble-cgms.md §1.1). */
        SIZE_FLAGS_MISMATCH,
        /** E2E-CRC field does not match the computed CRC-16/MCRF4XX (or is not 0xFFFF where required). */
        BAD_CRC,
        /** The context says E2E-CRC is supported but the value carries none. */
        MISSING_CRC,
        /** The context says E2E-CRC is not supported but the value carries one. */
        UNEXPECTED_CRC,
        /** A reserved / RFU code point: reserved flag bits, SFLOAT 0x0801, unknown op code, operator or response code. */
        RESERVED_VALUE,
        /** Defined by the generic specification but not supported by CGMS (e.g. RACP filter type 0x02). */
        UNSUPPORTED,
        /** The operator/operand combination is not valid for the op code (e.g. RACP report with operator null). */
        INVALID_OPERAND,
        /** A numeric field lies outside its allowed range (date/time fields, time zone). */
        OUT_OF_RANGE,
        /** The characteristic UUID is not part of CGMS. */
        UNKNOWN_CHARACTERISTIC
    }

    public DecodeError {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        if (reason.indexOf('\n') >= 0 || reason.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("reason must be one line");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0");
        }
    }

    /** {@code KIND at byte N: reason}. */
    public String describe() {
        return kind + " at byte " + offset + ": " + reason;
    }
}
