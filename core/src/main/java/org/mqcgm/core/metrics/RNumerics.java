package org.mqcgm.core.metrics;

import java.util.Arrays;

/**
 * Numerical primitives that reproduce the arithmetic of the base-R reference oracle
 * ({@code docs/spec/metrics-reference.R}) closely enough that threshold decisions taken on derived
 * values (moving-average sign changes in MAGE, interpolated values compared with 54/70/180/250 mg/dL)
 * come out the same as in R.
 *
 * <p>R accumulates {@code mean()}, {@code sum()} and {@code var()} in {@code long double} (80-bit on
 * x86-64) and rounds the final result to {@code double}. Java has no extended type, so sums are
 * accumulated with Neumaier compensated summation (a double-double value {@code hi + lo}) and divisions
 * of that value by {@code n} are performed with an {@code fma}-based remainder correction. The result is
 * the correctly rounded mean in practically every case, which is also what R's extended-precision
 * two-pass mean yields.
 *
 * <p>All functions treat {@code NaN} as R's {@code NA}. Nothing here allocates except the explicit
 * copying helpers ({@link #sortedCopy}).
 */
final class RNumerics {

    private RNumerics() {
    }

    /** Divides the double-double value {@code hi + lo} by {@code n}, correctly rounded in practice. */
    static double divide(double hi, double lo, double n) {
        double q = hi / n;
        if (!Double.isFinite(q)) {
            return q;
        }
        // remainder of hi - q*n is exact with fma; add the low word and correct the quotient once
        double r = Math.fma(-q, n, hi) + lo;
        return q + r / n;
    }

    /** R {@code mean(x[from:to])}; {@code NaN} if the range is empty or contains {@code NaN}. */
    static double mean(double[] x, int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return Double.NaN;
        }
        double s = 0.0;
        double c = 0.0;
        for (int i = from; i < to; i++) {
            double v = x[i];
            double t = s + v;
            c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
            s = t;
        }
        return divide(s, c, n);
    }

    /** R {@code mean(x, na.rm = TRUE)} on a range; {@code NaN} if no non-NA value (R gives NaN too). */
    static double meanIgnoringNaN(double[] x, int from, int to) {
        double s = 0.0;
        double c = 0.0;
        int n = 0;
        for (int i = from; i < to; i++) {
            double v = x[i];
            if (Double.isNaN(v)) {
                continue;
            }
            double t = s + v;
            c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
            s = t;
            n++;
        }
        return n == 0 ? Double.NaN : divide(s, c, n);
    }

    /** R {@code mean(x)} of a whole array. */
    static double mean(double[] x) {
        return mean(x, 0, x.length);
    }

    /** R {@code sum(x)} with extended-precision accumulation. */
    static double sum(double[] x, int from, int to) {
        double s = 0.0;
        double c = 0.0;
        for (int i = from; i < to; i++) {
            double v = x[i];
            double t = s + v;
            c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
            s = t;
        }
        return s + c;
    }

    /**
     * R {@code sd(x, na.rm = TRUE)}: sample standard deviation (n - 1 denominator, ambiguity A10), computed
     * like R's {@code cov.c}: two-pass mean, then the sum of squared deviations. {@code NaN} when fewer
     * than two non-NA values.
     */
    static double sampleSdIgnoringNaN(double[] x, int from, int to) {
        double m = meanIgnoringNaN(x, from, to);
        if (Double.isNaN(m)) {
            return Double.NaN;
        }
        double s = 0.0;
        double c = 0.0;
        int n = 0;
        for (int i = from; i < to; i++) {
            double v = x[i];
            if (Double.isNaN(v)) {
                continue;
            }
            double d = (v - m) * (v - m);
            double t = s + d;
            c += Math.abs(s) >= Math.abs(d) ? (s - t) + d : (d - t) + s;
            s = t;
            n++;
        }
        if (n < 2) {
            return Double.NaN;
        }
        return Math.sqrt(divide(s, c, n - 1));
    }

    /** Sample SD of a whole array without NA. */
    static double sampleSd(double[] x) {
        return sampleSdIgnoringNaN(x, 0, x.length);
    }

    /** Whole numbers below this are sorted by counting (mg/dL values are 20–600; up to 4095 covers any). */
    static final int COUNTING_LIMIT = 4096;
    /** Below this length a comparison sort is as fast as counting. */
    private static final int COUNTING_FROM = 256;

    /**
     * Sorts {@code x[from:to]} ascending with exactly {@link Arrays#sort(double[], int, int)}'s result. Glucose in
     * mg/dL is a whole number: such arrays are sorted by counting, in linear time (the AGP's hourly bins and the
     * median of 90 days of readings spent most of the report's time in comparison sorts). Anything else — fractions,
     * negative numbers including -0.0, NaN — goes to {@code Arrays.sort}.
     */
    static void sort(double[] x, int from, int to) {
        if (to - from < COUNTING_FROM || !smallWholeNumbers(x, from, to)) {
            Arrays.sort(x, from, to);
            return;
        }
        int[] count = new int[COUNTING_LIMIT];
        for (int i = from; i < to; i++) {
            count[(int) x[i]]++;
        }
        int k = from;
        for (int v = 0; v < COUNTING_LIMIT; v++) {
            for (int c = count[v]; c > 0; c--) {
                x[k++] = v;
            }
        }
    }

    private static boolean smallWholeNumbers(double[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            // The sign bit test rejects -0.0, which Arrays.sort orders before 0.0.
            if (!(v < COUNTING_LIMIT) || (Double.doubleToRawLongBits(v) & Long.MIN_VALUE) != 0 || v != (int) v) {
                return false;
            }
        }
        return true;
    }

    /** Copy of {@code x[from:to]} without NaN, sorted ascending. */
    static double[] sortedCopy(double[] x, int from, int to) {
        double[] out = new double[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(x[i])) {
                out[n++] = x[i];
            }
        }
        if (n != out.length) {
            out = Arrays.copyOf(out, n);
        }
        sort(out, 0, n);
        return out;
    }

    /** R {@code median()} of an ascending sorted range (mean of the two middle values for even n). */
    static double medianOfSorted(double[] sorted, int from, int to) {
        int n = to - from;
        if (n == 0) {
            return Double.NaN;
        }
        int half = n / 2;
        if ((n & 1) == 1) {
            return sorted[from + half];
        }
        // R: mean(c(a, b)); (a + b) / 2 is the correctly rounded value because halving is exact
        return (sorted[from + half - 1] + sorted[from + half]) / 2.0;
    }

    /**
     * R {@code quantile(x, p, type = 7)} on an ascending sorted range (Hyndman and Fan type 7, linear
     * interpolation between order statistics; the same as Excel PERCENTILE.INC and numpy's default;
     * ambiguity A21). Reproduces R's arithmetic: {@code index = 1 + (n - 1) * p},
     * {@code q = (1 - h) * x[lo] + h * x[hi]} only where {@code index > lo} and {@code x[hi] != x[lo]}.
     *
     * @return {@code NaN} for an empty range (R returns NA)
     */
    static double quantileType7(double[] sorted, int from, int to, double p) {
        int n = to - from;
        if (n == 0) {
            return Double.NaN;
        }
        double index = 1 + Math.max(n - 1, 0) * p;
        double lo = Math.floor(index);
        double hi = Math.ceil(index);
        double qs = sorted[from + (int) lo - 1];
        double xhi = sorted[from + (int) hi - 1];
        if (index > lo && xhi != qs) {
            double h = index - lo;
            qs = (1 - h) * qs + h * xhi;
        }
        return qs;
    }

    /** R {@code round(x)} with digits = 0: IEEE round-half-to-even (ambiguity A8). */
    static double roundHalfEven(double x) {
        return Math.rint(x);
    }
}
