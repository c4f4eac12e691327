package org.mqcgm.core.ble;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The 10-byte SOCP calibration operand of Set Glucose Calibration Value (0x04) and its response
 * (0x06), ble-cgms.md §1.7:
 * {@code SFLOAT concentration | uint16 time | type (low nibble) + location (high nibble) | uint16 next time | uint16 record number | uint8 status}.
 *
 * <p>The location nibble is the HIGH nibble (Nordic Android's {@code setCalibrationValue} shifts it
 * by 8, which is wrong). Reserved type/location codes and status bits 3–7 are kept raw.
 *
 * @param glucoseConcentration        calibration glucose in mg/dL
 * @param calibrationTimeMinutes      time offset of the calibration
 * @param typeCode                    sample type nibble, see {@link SampleType}
 * @param sampleLocationCode          sample location nibble, see {@link SampleLocation}
 * @param nextCalibrationTimeMinutes  time offset when the next calibration is due
 * @param recordNumber                calibration data record number
 * @param status                      calibration status bits
 */
public record CalibrationValue(
        SFloat glucoseConcentration,
        int calibrationTimeMinutes,
        int typeCode,
        int sampleLocationCode,
        int nextCalibrationTimeMinutes,
        int recordNumber,
        int status) {

    /** Operand length. */
    public static final int LENGTH = 10;

    /** Calibration status bits; 3–7 are reserved. */
    public enum StatusBit {
        CALIBRATION_DATA_REJECTED(0), CALIBRATION_DATA_OUT_OF_RANGE(1), CALIBRATION_PROCESS_PENDING(2);

        private final int bit;

        StatusBit(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }
    }

    public CalibrationValue {
        Objects.requireNonNull(glucoseConcentration, "glucoseConcentration");
        checkRange("calibration time", calibrationTimeMinutes, 0xFFFF);
        checkRange("type nibble", typeCode, 0xF);
        checkRange("sample location nibble", sampleLocationCode, 0xF);
        checkRange("next calibration time", nextCalibrationTimeMinutes, 0xFFFF);
        checkRange("record number", recordNumber, 0xFFFF);
        checkRange("calibration status", status, 0xFF);
    }

    private static void checkRange(String what, int v, int max) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(what + " out of range 0.." + max + ": " + v);
        }
    }

    public Optional<SampleType> sampleType() {
        return SampleType.fromCode(typeCode);
    }

    public Optional<SampleLocation> sampleLocation() {
        return SampleLocation.fromCode(sampleLocationCode);
    }

    public Set<StatusBit> statusBits() {
        EnumSet<StatusBit> set = EnumSet.noneOf(StatusBit.class);
        for (StatusBit b : StatusBit.values()) {
            if ((status & 1 << b.bit) != 0) {
                set.add(b);
            }
        }
        return set;
    }
}
