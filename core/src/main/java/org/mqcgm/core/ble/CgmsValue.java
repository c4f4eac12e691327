package org.mqcgm.core.ble;

/** A decoded value of one CGMS characteristic. */
public sealed interface CgmsValue
        permits CgmMeasurementNotification, CgmFeature, CgmStatus, SessionStartTime, SessionRunTime,
        RecordAccessControlPoint, SpecificOpsControlPoint {

    /** The characteristic this value belongs to. */
    CgmsCharacteristic characteristic();
}
