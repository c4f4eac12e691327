package org.mqcgm.core.ble;

import java.util.Optional;

/** The CGMS characteristics this codec handles (ble-cgms.md §1). */
public enum CgmsCharacteristic {
    /** CGM Measurement, notify; one or more records per value (§1.1). */
    CGM_MEASUREMENT(0x2AA7, "CGM Measurement"),
    /** CGM Feature, read; always 6 bytes (§1.2). */
    CGM_FEATURE(0x2AA8, "CGM Feature"),
    /** CGM Status, read; 5 or 7 bytes (§1.3). */
    CGM_STATUS(0x2AA9, "CGM Status"),
    /** CGM Session Start Time, read/write; 9 or 11 bytes (§1.4). */
    SESSION_START_TIME(0x2AAA, "CGM Session Start Time"),
    /** CGM Session Run Time, read; 2 or 4 bytes (§1.5). */
    SESSION_RUN_TIME(0x2AAB, "CGM Session Run Time"),
    /** Record Access Control Point, write/indicate; never carries E2E-CRC (§1.6). */
    RECORD_ACCESS_CONTROL_POINT(0x2A52, "Record Access Control Point"),
    /** CGM Specific Ops Control Point, write/indicate; E2E-CRC when supported (§1.7). */
    SPECIFIC_OPS_CONTROL_POINT(0x2AAC, "CGM Specific Ops Control Point");

    /** Continuous Glucose Monitoring Service UUID. */
    public static final int SERVICE_UUID16 = 0x181F;

    private final int uuid16;
    private final String displayName;

    CgmsCharacteristic(int uuid16, String displayName) {
        this.uuid16 = uuid16;
        this.displayName = displayName;
    }

    public int uuid16() {
        return uuid16;
    }

    public String displayName() {
        return displayName;
    }

    public static Optional<CgmsCharacteristic> fromUuid16(int uuid16) {
        for (CgmsCharacteristic c : values()) {
            if (c.uuid16 == uuid16) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
