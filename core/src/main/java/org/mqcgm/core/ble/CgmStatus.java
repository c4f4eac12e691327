package org.mqcgm.core.ble;

import java.util.Objects;

/**
 * CGM Status (0x2AA9), ble-cgms.md §1.3:
 * {@code time offset uint16 | warning octet | cal/temp octet | status octet | [E2E-CRC]}.
 * The octets are in the same order as in a CGM Measurement (flag order 0x20, 0x40, 0x80).
 *
 * @param timeOffsetMinutes minutes since session start
 * @param annunciation      all three octets present
 * @param crcPresent        whether an E2E-CRC follows
 */
public record CgmStatus(int timeOffsetMinutes, SensorStatusAnnunciation annunciation, boolean crcPresent)
        implements CgmsValue {

    /** Length without CRC. */
    public static final int PAYLOAD_LENGTH = 5;

    public CgmStatus {
        Objects.requireNonNull(annunciation, "annunciation");
        if (timeOffsetMinutes < 0 || timeOffsetMinutes > 0xFFFF) {
            throw new IllegalArgumentException("time offset out of range 0..65535: " + timeOffsetMinutes);
        }
        if (!annunciation.complete()) {
            throw new IllegalArgumentException("CGM Status always carries all three annunciation octets");
        }
    }

    @Override
    public CgmsCharacteristic characteristic() {
        return CgmsCharacteristic.CGM_STATUS;
    }
}
