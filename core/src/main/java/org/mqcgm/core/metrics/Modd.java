package org.mqcgm.core.metrics;

/**
 * Mean Of Daily Differences (Molnar et al., Diabetologia 1972;8:342), spec section 7: mean of
 * {@code |g(t) - g(t - 24 h)|} over all grid points where both values exist (iglu: consecutive rows of
 * the day-by-day matrix). The original paper used 48 h of manual readings.
 *
 * <p>Local-day mode keeps the absolute 24 h lag (1440 / dt0 grid points): across a DST change the pair
 * compares clock times one hour apart rather than mixing a 23 h or 25 h lag into the statistic.
 */
final class Modd {

    private Modd() {
    }

    static double compute(UniformGrid grid) {
        double[] y = grid.y;
        int lag = grid.pointsPerDay;
        double s = 0.0;
        double c = 0.0;
        int n = 0;
        for (int i = 0; i + lag < y.length; i++) {
            double d = Math.abs(y[i + lag] - y[i]);
            if (Double.isNaN(d)) {
                continue;
            }
            double t = s + d;
            c += Math.abs(s) >= d ? (s - t) + d : (d - t) + s;
            s = t;
            n++;
        }
        return n == 0 ? Double.NaN : RNumerics.divide(s, c, n);
    }
}
