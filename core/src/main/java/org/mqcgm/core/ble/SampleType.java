package org.mqcgm.core.ble;

import java.util.Optional;

/** CGM sample type nibble (ble-cgms.md §1.2; also used in SOCP calibration values). Other codes are reserved. */
public enum SampleType {
    CAPILLARY_WHOLE_BLOOD(1), CAPILLARY_PLASMA(2), VENOUS_WHOLE_BLOOD(3), VENOUS_PLASMA(4),
    ARTERIAL_WHOLE_BLOOD(5), ARTERIAL_PLASMA(6), UNDETERMINED_WHOLE_BLOOD(7), UNDETERMINED_PLASMA(8),
    /** Interstitial fluid, the typical CGM sample type. */
    INTERSTITIAL_FLUID(9),
    CONTROL_SOLUTION(10);

    private final int code;

    SampleType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<SampleType> fromCode(int code) {
        for (SampleType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
