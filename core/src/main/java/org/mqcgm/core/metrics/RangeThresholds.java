package org.mqcgm.core.metrics;

import org.mqcgm.core.glucose.GlucoseUnit;

/**
 * Glucose thresholds (mg/dL) of the consensus ranges (Battelino et al., Diabetes Care 2019;42:1593) plus
 * the upper bound of the tight range TITR (70-140 mg/dL, ambiguity A9). They drive time in ranges, the
 * GRI components, daily summaries and the hypo-/hyperglycaemia episodes.
 *
 * <p>Band rules (spec section 1, identical to iglu):
 * very low {@code g < veryLow}; low {@code veryLow <= g < low}; in range {@code low <= g <= high};
 * tight {@code low <= g <= tightHigh}; high {@code high < g <= veryHigh}; very high {@code g > veryHigh}.
 * A non-integer value between 180 and 181 therefore counts as above range (ambiguity A6).
 *
 * @param veryLow   level-2 hypoglycaemia threshold (54 mg/dL)
 * @param low       level-1 hypoglycaemia threshold / lower bound of TIR (70 mg/dL)
 * @param high      upper bound of TIR / level-1 hyperglycaemia threshold (180 mg/dL)
 * @param veryHigh  level-2 hyperglycaemia threshold (250 mg/dL)
 * @param tightHigh upper bound of time in tight range (140 mg/dL)
 */
public record RangeThresholds(double veryLow, double low, double high, double veryHigh, double tightHigh) {

    public RangeThresholds {
        if (!(veryLow < low && low < tightHigh && tightHigh <= high && high < veryHigh)) {
            throw new IllegalArgumentException("thresholds must satisfy veryLow < low < tightHigh <= high < veryHigh");
        }
    }

    /** The consensus thresholds in mg/dL: 54 / 70 / 180 / 250 and 140 for TITR (reference mode). */
    public static RangeThresholds consensusMgdl() {
        return new RangeThresholds(54, 70, 180, 250, 140);
    }

    /**
     * The consensus thresholds as published for mmol/L, 3.0 / 3.9 / 10.0 / 13.9 and 7.8 mmol/L, expressed in
     * mg/dL with the 18.0182 factor (ambiguity A2). The published mmol/L values are rounded and are not
     * 54/70/180/250 divided by 18.0182 (3.9 mmol/L = 70.27 mg/dL). For readings recorded in mmol/L with
     * one decimal this option classifies exactly as the consensus tables do ("3.9-10.0 mmol/L"), which
     * is the clinically expected behaviour for mmol/L users; the reference mode keeps the mg/dL values.
     */
    public static RangeThresholds consensusMmolRounded() {
        double f = GlucoseUnit.MGDL_PER_MMOLL;
        return new RangeThresholds(3.0 * f, 3.9 * f, 10.0 * f, 13.9 * f, 7.8 * f);
    }
}
