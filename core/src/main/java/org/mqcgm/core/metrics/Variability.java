package org.mqcgm.core.metrics;

import java.util.Objects;

/**
 * Grid-based glycaemic variability (spec sections 5-8).
 *
 * @param gridDt0Minutes      step of the uniform grid (minutes)
 * @param gridDays            number of grid days
 * @param interGapMinutes     longest gap that was interpolated
 * @param congaHours          CONGA lag n (hours)
 * @param conga               CONGA(n), mg/dL: SD of the n-hour differences on the grid (McDonnell 2005)
 * @param modd                MODD, mg/dL: mean absolute 24 h difference on the grid (Molnar 1972)
 * @param mage                MAGE ({@link Mage})
 */
public record Variability(int gridDt0Minutes, int gridDays, double interGapMinutes, int congaHours, double conga,
                          double modd, Mage mage) {

    public Variability {
        Objects.requireNonNull(mage, "mage");
    }
}
