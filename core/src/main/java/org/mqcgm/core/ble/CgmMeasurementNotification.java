package org.mqcgm.core.ble;

import java.util.List;

/**
 * One CGM Measurement (0x2AA7) characteristic value: one or more records back to back
 * (ble-cgms.md §1.1; each record starts with its own Size byte). Stored records requested through
 * RACP arrive the same way.
 *
 * @param records at least one record, in wire order
 */
public record CgmMeasurementNotification(List<CgmMeasurement> records) implements CgmsValue {

    public CgmMeasurementNotification {
        records = List.copyOf(records);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a CGM Measurement value holds at least one record");
        }
    }

    public static CgmMeasurementNotification of(CgmMeasurement... records) {
        return new CgmMeasurementNotification(List.of(records));
    }

    @Override
    public CgmsCharacteristic characteristic() {
        return CgmsCharacteristic.CGM_MEASUREMENT;
    }
}
