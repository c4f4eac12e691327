package org.mqcgm.core.metrics;

/**
 * The cleaned reading series every metric works on: strictly increasing whole-second timestamps and
 * their mg/dL values (after dropping invalid rows, sorting and merging duplicates, see
 * {@link Preprocessing}). Package-private and array-based to keep the engine allocation-light; the
 * arrays are never exposed outside the package and never modified after construction.
 */
final class GlucoseSeries {

    /** Epoch seconds, strictly increasing. */
    final long[] seconds;
    /** Glucose in mg/dL, same length as {@link #seconds}. */
    final double[] mgdl;

    GlucoseSeries(long[] seconds, double[] mgdl) {
        if (seconds.length != mgdl.length) {
            throw new IllegalArgumentException("length mismatch");
        }
        this.seconds = seconds;
        this.mgdl = mgdl;
    }

    int size() {
        return seconds.length;
    }

    /** R's {@code t / 60}: reading times in (fractional) epoch minutes, as the grid code uses them. */
    double[] minutes() {
        double[] tm = new double[seconds.length];
        for (int i = 0; i < tm.length; i++) {
            tm[i] = (double) seconds[i] / 60.0;
        }
        return tm;
    }
}
