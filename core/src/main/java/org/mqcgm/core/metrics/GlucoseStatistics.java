package org.mqcgm.core.metrics;

import org.mqcgm.core.glucose.GlucoseUnit;

import java.util.Arrays;

/**
 * Summary statistics of the deduplicated raw readings (spec section 2; as iglu, never on the grid).
 *
 * <ul>
 *   <li>SD is the <em>sample</em> standard deviation (n - 1), as R's {@code sd} used by iglu (A10);
 *       CV % = 100 * SD / mean (consensus target &le; 36 %).</li>
 *   <li>GMI % = 3.31 + 0.02392 * mean[mg/dL]; GMI mmol/mol = 12.71 + 4.70587 * mean[mmol/L]
 *       (Bergenstal et al., Diabetes Care 2018;41:2275). The IFCC conversion 10.929 * (GMI% - 2.15)
 *       gives slightly different numbers (A11); the paper's own mmol/mol regression is used.</li>
 *   <li>eA1c % = (mean + 46.7) / 28.7 (Nathan et al., ADAG, Diabetes Care 2008;31:1473).</li>
 *   <li>J-index = 0.001 * (mean + SD)^2 with mg/dL inputs (Wojcicki, Horm Metab Res 1995).</li>
 * </ul>
 *
 * @param readings    number of readings
 * @param meanMgdl    mean glucose
 * @param medianMgdl  median glucose (mean of the two middle values for an even count)
 * @param minMgdl     lowest reading
 * @param maxMgdl     highest reading
 * @param sdMgdl      sample standard deviation ({@code NaN} for a single reading)
 * @param cvPercent   coefficient of variation
 * @param gmiPercent  glucose management indicator, NGSP %
 * @param gmiMmolMol  glucose management indicator, IFCC mmol/mol
 * @param ea1cPercent estimated A1c (ADAG)
 * @param jIndex      J-index
 */
public record GlucoseStatistics(int readings, double meanMgdl, double medianMgdl, double minMgdl,
                                double maxMgdl, double sdMgdl, double cvPercent, double gmiPercent,
                                double gmiMmolMol, double ea1cPercent, double jIndex) {

    /** Mean in mmol/L (mg/dL value / 18.0182). */
    public double meanMmol() {
        return meanMgdl / GlucoseUnit.MGDL_PER_MMOLL;
    }

    /** SD in mmol/L (mg/dL value / 18.0182). */
    public double sdMmol() {
        return sdMgdl / GlucoseUnit.MGDL_PER_MMOLL;
    }

    static GlucoseStatistics compute(double[] g) {
        int n = g.length;
        double m = RNumerics.mean(g);
        double s = RNumerics.sampleSd(g);
        double[] sorted = Arrays.copyOf(g, n);
        RNumerics.sort(sorted, 0, n);
        double median = RNumerics.medianOfSorted(sorted, 0, n);
        double meanMmol = m / GlucoseUnit.MGDL_PER_MMOLL;
        double ms = m + s;
        return new GlucoseStatistics(n, m, median, sorted[0], sorted[n - 1], s,
                100 * s / m,
                3.31 + 0.02392 * m,
                12.71 + 4.70587 * meanMmol,
                (m + 46.7) / 28.7,
                0.001 * (ms * ms));
    }
}
