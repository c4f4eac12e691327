package org.mqcgm.core.metrics;

/**
 * Continuous Overall Net Glycemic Action, CONGA(n) (McDonnell et al., Diabetes Technol Ther
 * 2005;7:253), spec section 6: the sample SD of {@code g(t) - g(t - n h)} over all grid points where both
 * values exist. As in iglu/the oracle the difference is taken on the grid vector with a lag of
 * {@code round(60 / dt0) * n} points. The oracle reports n = 1 (iglu's default is n = 24!, A15).
 */
final class Conga {

    private Conga() {
    }

    static double compute(UniformGrid grid, int hours) {
        int lag = (int) RNumerics.roundHalfEven(60.0 / grid.dt0) * hours;
        if (lag < 1) {
            lag = 1; // dt0 = 120 min would give a zero lag in R (an error); one grid step is the minimum
        }
        double[] y = grid.y;
        int n = y.length - lag;
        if (n <= 0) {
            return Double.NaN;
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = y[i + lag] - y[i]; // NaN propagates like R's NA
        }
        return RNumerics.sampleSdIgnoringNaN(d, 0, n);
    }
}
