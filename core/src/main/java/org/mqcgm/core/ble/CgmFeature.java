package org.mqcgm.core.ble;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * CGM Feature (0x2AA8), always 6 bytes (ble-cgms.md §1.2):
 * {@code features uint24 | type (low nibble) + sample location (high nibble) | E2E-CRC uint16}.
 *
 * <p>The CRC field is always present; it is a real CRC over bytes 0..3 when feature bit 12
 * (E2E-CRC supported) is set, and 0xFFFF otherwise. Reserved feature bits 17–23 and reserved
 * type/location codes are kept raw so they survive a round trip.
 *
 * @param featureBits        24-bit feature field
 * @param typeCode           sample type nibble, see {@link SampleType}
 * @param sampleLocationCode sample location nibble, see {@link SampleLocation}
 */
public record CgmFeature(int featureBits, int typeCode, int sampleLocationCode) implements CgmsValue {

    /** Value length; the CRC field is always there. */
    public static final int LENGTH = 6;

    /** Feature bits 0–16; 17–23 are reserved. */
    public enum Feature {
        CALIBRATION(0), PATIENT_HIGH_LOW_ALERTS(1), HYPO_ALERTS(2), HYPER_ALERTS(3),
        RATE_OF_INCREASE_DECREASE_ALERTS(4), DEVICE_SPECIFIC_ALERT(5), SENSOR_MALFUNCTION_DETECTION(6),
        SENSOR_TEMPERATURE_HIGH_LOW_DETECTION(7), SENSOR_RESULT_HIGH_LOW_DETECTION(8), LOW_BATTERY_DETECTION(9),
        SENSOR_TYPE_ERROR_DETECTION(10), GENERAL_DEVICE_FAULT(11),
        /** Bit 12: the sensor appends E2E-CRC to Measurement, Status, SST, SRT and SOCP. */
        E2E_CRC(12),
        MULTIPLE_BOND(13), MULTIPLE_SESSIONS(14), CGM_TREND_INFORMATION(15), CGM_QUALITY(16);

        private final int bit;

        Feature(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }
    }

    public CgmFeature {
        if (featureBits < 0 || featureBits > 0xFFFFFF) {
            throw new IllegalArgumentException("feature bits out of 24-bit range: " + featureBits);
        }
        if (typeCode < 0 || typeCode > 0xF) {
            throw new IllegalArgumentException("type nibble out of range 0..15: " + typeCode);
        }
        if (sampleLocationCode < 0 || sampleLocationCode > 0xF) {
            throw new IllegalArgumentException("sample location nibble out of range 0..15: " + sampleLocationCode);
        }
    }

    public static CgmFeature of(Set<Feature> features, SampleType type, SampleLocation location) {
        int bits = 0;
        for (Feature f : features) {
            bits |= 1 << f.bit;
        }
        return new CgmFeature(bits, type.code(), location.code());
    }

    public boolean supports(Feature feature) {
        return (featureBits & 1 << feature.bit) != 0;
    }

    /** Feature bit 12. */
    public boolean e2eCrcSupported() {
        return supports(Feature.E2E_CRC);
    }

    public Set<Feature> features() {
        EnumSet<Feature> set = EnumSet.noneOf(Feature.class);
        for (Feature f : Feature.values()) {
            if (supports(f)) {
                set.add(f);
            }
        }
        return set;
    }

    /** Empty for reserved codes. */
    public Optional<SampleType> sampleType() {
        return SampleType.fromCode(typeCode);
    }

    /** Empty for reserved codes. */
    public Optional<SampleLocation> sampleLocation() {
        return SampleLocation.fromCode(sampleLocationCode);
    }

    @Override
    public CgmsCharacteristic characteristic() {
        return CgmsCharacteristic.CGM_FEATURE;
    }
}
