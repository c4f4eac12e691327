package org.mqcgm.core.metrics;

import java.util.Objects;

/**
 * Parameters of the moving-average MAGE algorithm (Fernandes et al., J Diabetes Sci Technol
 * 2022;16:576; iglu {@code mage_ma_single}, ambiguity A17).
 *
 * @param shortWindow   short moving-average window in 5-minute grid points (iglu default 5)
 * @param longWindow    long moving-average window in 5-minute grid points (iglu default 32)
 * @param maxGapMinutes missing stretches longer than this split the trace into independent segments
 *                      (iglu default 180 min)
 * @param direction     how MAGE+ and MAGE- are combined (default {@link Mage.Direction#AVG})
 */
public record MageOptions(int shortWindow, int longWindow, double maxGapMinutes, Mage.Direction direction) {

    public MageOptions {
        Objects.requireNonNull(direction, "direction");
        if (shortWindow < 1 || longWindow < 1) {
            throw new IllegalArgumentException("moving-average windows must be positive");
        }
        if (shortWindow >= longWindow) {
            // iglu swaps the windows with a warning; a misconfiguration is better reported early
            throw new IllegalArgumentException("shortWindow must be smaller than longWindow");
        }
    }

    /** The reference parameters: 5 / 32 points, 180 min, average of MAGE+ and MAGE-. */
    public static MageOptions reference() {
        return new MageOptions(5, 32, 180, Mage.Direction.AVG);
    }

    /** Same parameters with another direction. */
    public MageOptions withDirection(Mage.Direction newDirection) {
        return new MageOptions(shortWindow, longWindow, maxGapMinutes, newDirection);
    }
}
