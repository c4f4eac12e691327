package org.mqcgm.core.ble;

import java.util.Optional;

/** CGM sample location nibble (ble-cgms.md §1.2; also used in SOCP calibration values). Other codes are reserved. */
public enum SampleLocation {
    FINGER(1), ALTERNATE_SITE_TEST(2), EARLOBE(3), CONTROL_SOLUTION(4),
    /** Subcutaneous tissue, the typical CGM location. */
    SUBCUTANEOUS_TISSUE(5),
    NOT_AVAILABLE(15);

    private final int code;

    SampleLocation(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<SampleLocation> fromCode(int code) {
        for (SampleLocation l : values()) {
            if (l.code == code) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
