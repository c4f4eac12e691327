package org.mqcgm.core.metrics;

/**
 * Time in ranges - International Consensus on Time in Range (Battelino et al., Diabetes Care
 * 2019;42:1593), spec section 1. All values are percentages (0-100) of the readings, computed on the
 * deduplicated raw readings (not the interpolated grid).
 *
 * <p>Band rules (see {@link RangeThresholds}): very low {@code < 54}; low {@code 54 <= g < 70}; in range
 * {@code 70 <= g <= 180}; high {@code 180 < g <= 250} (so 180.5 is high, A6); very high {@code > 250};
 * tight range (TITR) {@code 70 <= g <= 140}. Totals: below range {@code < 70} (= very low + low),
 * above range {@code > 180} (= high + very high). The five bands sum to 100.
 *
 * <p>Consensus targets for T1D/T2D: TIR &gt; 70 %, TBR&lt;70 &lt; 4 %, TBR&lt;54 &lt; 1 %, TAR&gt;180 &lt; 25 %,
 * TAR&gt;250 &lt; 5 %. TITR has no consensus target yet (A9).
 *
 * @param basis              how readings were weighted (A7)
 * @param readings           number of readings the percentages refer to
 * @param veryLowPercent     TBR level 2, {@code tbr_lt54}
 * @param lowPercent         TBR level 1, {@code tbr_54_69}
 * @param belowRangePercent  TBR total, {@code tbr_lt70}
 * @param inRangePercent     TIR, {@code tir_70_180}
 * @param tightRangePercent  TITR, {@code titr_70_140}
 * @param highPercent        TAR level 1, {@code tar_181_250}
 * @param veryHighPercent    TAR level 2, {@code tar_gt250}
 * @param aboveRangePercent  TAR total, {@code tar_gt180}
 */
public record TimeInRanges(Basis basis, int readings,
                           double veryLowPercent, double lowPercent, double belowRangePercent,
                           double inRangePercent, double tightRangePercent,
                           double highPercent, double veryHighPercent, double aboveRangePercent) {

    /** Weighting of readings in the percentages (ambiguity A7). */
    public enum Basis {
        /**
         * Reference: {@code 100 * (#readings in range) / (#readings)}. The consensus gives no
         * time-weighting rule; with regular sampling both bases agree.
         */
        READING_COUNT,
        /**
         * Each reading weighs the time until the next reading, capped at the nominal interval dt0 (the last
         * reading weighs dt0). Readings before a gap do not stand for the whole gap, and bursts of closely
         * spaced readings (e.g. after a sensor backfill) are not over-counted; arguably closer to "time"
         * in range for irregular data.
         */
        TIME_WEIGHTED
    }

    /**
     * Time in ranges of plain glucose values (mg/dL), each reading counting once: what a day view shows next to
     * its chart, by the same band rules as the reports.
     *
     * @param mgdl       the values (not modified)
     * @param thresholds the person's targets
     */
    public static TimeInRanges of(double[] mgdl, RangeThresholds thresholds) {
        return compute(mgdl, null, 0, mgdl.length, thresholds);
    }

    /**
     * Computes the ranges over {@code g[from:to]}.
     *
     * @param weights per-reading weights (same indexing as {@code g}) or {@code null} for count-based
     */
    static TimeInRanges compute(double[] g, double[] weights, int from, int to, RangeThresholds thr) {
        double vlow = 0;
        double low = 0;
        double below = 0;
        double in = 0;
        double tight = 0;
        double high = 0;
        double vhigh = 0;
        double above = 0;
        double total = 0;
        for (int i = from; i < to; i++) {
            double v = g[i];
            double w = weights == null ? 1.0 : weights[i];
            total += w;
            if (v < thr.veryLow()) {
                vlow += w;
            } else if (v < thr.low()) {
                low += w;
            }
            if (v < thr.low()) {
                below += w;
            }
            if (v >= thr.low() && v <= thr.high()) {
                in += w;
            }
            if (v >= thr.low() && v <= thr.tightHigh()) {
                tight += w;
            }
            if (v > thr.high() && v <= thr.veryHigh()) {
                high += w;
            }
            if (v > thr.veryHigh()) {
                vhigh += w;
            }
            if (v > thr.high()) {
                above += w;
            }
        }
        int n = to - from;
        // R: 100 * mean(logical) = 100 * (count / n); counts are exact in double
        return new TimeInRanges(weights == null ? Basis.READING_COUNT : Basis.TIME_WEIGHTED, n,
                pct(vlow, total), pct(low, total), pct(below, total), pct(in, total), pct(tight, total),
                pct(high, total), pct(vhigh, total), pct(above, total));
    }

    private static double pct(double part, double total) {
        return total == 0 ? Double.NaN : 100 * (part / total);
    }

    /**
     * Per-reading time weights for {@link Basis#TIME_WEIGHTED}: minutes to the next reading capped at
     * {@code capMinutes}; the last reading weighs {@code capMinutes}.
     */
    static double[] timeWeights(GlucoseSeries s, double capMinutes) {
        int n = s.size();
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double dt = i + 1 < n ? (s.seconds[i + 1] - s.seconds[i]) / 60.0 : capMinutes;
            w[i] = Math.min(dt, capMinutes);
        }
        return w;
    }

    /** Sum of the five consensus bands (100 up to rounding). */
    public double fiveBandSum() {
        return veryLowPercent + lowPercent + inRangePercent + highPercent + veryHighPercent;
    }
}
