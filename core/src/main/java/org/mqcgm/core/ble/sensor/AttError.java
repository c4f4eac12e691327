package org.mqcgm.core.ble.sensor;

/**
 * An ATT error response to a read or write (Bluetooth Core Vol 3 Part F §3.4.1.1; CGMS application errors
 * 0x80/0x81, ble-cgms.md §1.7; common profile error codes 0xFD–0xFF).
 */
public final class AttError extends RuntimeException {

    public static final int READ_NOT_PERMITTED = 0x02;
    public static final int WRITE_NOT_PERMITTED = 0x03;
    public static final int INSUFFICIENT_AUTHENTICATION = 0x05;
    public static final int ATTRIBUTE_NOT_FOUND = 0x0A;
    public static final int INVALID_ATTRIBUTE_VALUE_LENGTH = 0x0D;
    /** CGMS: E2E-CRC supported but the written value has none. */
    public static final int MISSING_CRC = 0x80;
    /** CGMS: the written value's E2E-CRC does not match. */
    public static final int INVALID_CRC = 0x81;
    public static final int CCCD_IMPROPERLY_CONFIGURED = 0xFD;
    public static final int PROCEDURE_ALREADY_IN_PROGRESS = 0xFE;
    public static final int OUT_OF_RANGE = 0xFF;

    private final int code;

    public AttError(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The ATT error code, 0x01..0xFF. */
    public int code() {
        return code;
    }

    @Override
    public String getMessage() {
        return String.format(java.util.Locale.ROOT, "ATT error 0x%02x: %s", code, super.getMessage());
    }
}
