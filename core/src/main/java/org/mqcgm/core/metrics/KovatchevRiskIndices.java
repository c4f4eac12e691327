package org.mqcgm.core.metrics;

/**
 * Low/High Blood Glucose Index and Average Daily Risk Range (Kovatchev et al., Diabetes Care 1997/1998;
 * ADRR: Diabetes Care 2006;29:2433), spec section 4.
 *
 * <pre>
 * f(BG) = 1.509 * ((ln BG)^1.084 - 5.381)      (BG in mg/dL; f = 0 at about 112.5 mg/dL)
 * r(BG) = 10 * f^2;  rl = r if f &lt; 0 else 0;  rh = r if f &gt; 0 else 0
 * LBGI = mean(rl);  HBGI = mean(rh)
 * ADRR = mean over days of (max_day rl + max_day rh)
 * </pre>
 * iglu writes the constant as 22.77 instead of 10 * 1.509^2 = 22.7708 (relative difference 4e-5, A12);
 * the exact symmetrisation is used here. Kovatchev required at least 3 SMBG readings a day on at least 14
 * days for ADRR; the reference mode (like iglu) uses every day with at least one reading (A13), the
 * minimum is configurable.
 *
 * @param lbgi     low blood glucose index
 * @param hbgi     high blood glucose index
 * @param adrr     average daily risk range ({@code NaN} when no day qualifies)
 * @param adrrDays number of days that entered ADRR
 */
public record KovatchevRiskIndices(double lbgi, double hbgi, double adrr, int adrrDays) {

    private static final int MEMO_SIZE = 1024;

    /** Kovatchev's symmetrising transform f(BG) for a mg/dL value. */
    public static double symmetrized(double mgdl) {
        return 1.509 * (Math.pow(Math.log(mgdl), 1.084) - 5.381);
    }

    static KovatchevRiskIndices compute(double[] g, DayGroups days, int minReadingsPerDay) {
        int n = g.length;
        double[] rl = new double[n];
        double[] rh = new double[n];
        // CGM readings are mostly whole mg/dL values: compute f once per distinct integer (same arithmetic,
        // identical results) instead of a log and a pow per reading
        double[] memo = new double[MEMO_SIZE];
        java.util.Arrays.fill(memo, Double.NaN);
        for (int i = 0; i < n; i++) {
            double v = g[i];
            double f;
            if (v >= 1 && v < MEMO_SIZE && v == Math.rint(v)) {
                int k = (int) v;
                f = memo[k];
                if (Double.isNaN(f)) {
                    f = symmetrized(v);
                    memo[k] = f;
                }
            } else {
                f = symmetrized(v);
            }
            double r = 10 * (f * f);
            rl[i] = f < 0 ? r : 0;
            rh[i] = f > 0 ? r : 0;
        }
        double[] dayRange = new double[days.count()];
        int used = 0;
        for (int d = 0; d < days.count(); d++) {
            if (days.size(d) < minReadingsPerDay) {
                continue;
            }
            double maxL = Double.NEGATIVE_INFINITY;
            double maxH = Double.NEGATIVE_INFINITY;
            for (int k = days.start[d]; k < days.start[d + 1]; k++) {
                int i = days.order[k];
                maxL = Math.max(maxL, rl[i]);
                maxH = Math.max(maxH, rh[i]);
            }
            dayRange[used++] = maxL + maxH;
        }
        return new KovatchevRiskIndices(RNumerics.mean(rl), RNumerics.mean(rh),
                RNumerics.mean(dayRange, 0, used), used);
    }
}
