package org.mqcgm.core.ble;

/**
 * CGM Session Run Time (0x2AAB), ble-cgms.md §1.5: {@code uint16 hours | [E2E-CRC]}.
 *
 * @param hours      expected run time of the session in hours
 * @param crcPresent whether an E2E-CRC follows
 */
public record SessionRunTime(int hours, boolean crcPresent) implements CgmsValue {

    /** Length without CRC. */
    public static final int PAYLOAD_LENGTH = 2;

    public SessionRunTime {
        if (hours < 0 || hours > 0xFFFF) {
            throw new IllegalArgumentException("run time out of range 0..65535: " + hours);
        }
    }

    @Override
    public CgmsCharacteristic characteristic() {
        return CgmsCharacteristic.SESSION_RUN_TIME;
    }
}
