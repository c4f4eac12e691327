package org.mqcgm.core.ble;

import java.util.Objects;

/**
 * One CGM Specific Ops Control Point (0x2AAC) value (ble-cgms.md §1.7):
 * {@code op code | operand (fixed length per op code) | [E2E-CRC over op code + operand]}.
 * The CRC applies to writes and indications alike when CGM Feature bit 12 is set.
 *
 * @param operation  the op code and its operand
 * @param crcPresent whether an E2E-CRC follows
 */
public record SpecificOpsControlPoint(SocpOperation operation, boolean crcPresent) implements CgmsValue {

    public SpecificOpsControlPoint {
        Objects.requireNonNull(operation, "operation");
    }

    /** The operation framed for a sensor with or without E2E-CRC (see {@link CgmFeature#e2eCrcSupported()}). */
    public static SpecificOpsControlPoint of(SocpOperation operation, boolean withCrc) {
        return new SpecificOpsControlPoint(operation, withCrc);
    }

    @Override
    public CgmsCharacteristic characteristic() {
        return CgmsCharacteristic.SPECIFIC_OPS_CONTROL_POINT;
    }
}
