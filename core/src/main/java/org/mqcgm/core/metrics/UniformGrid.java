package org.mqcgm.core.metrics;

import java.util.Arrays;

/**
 * Uniform time grid with gap-aware linear interpolation: the port of iglu {@code CGMS2DayByDay}
 * (Broll et al., PLoS One 2021;16:e0248560) as re-written in the oracle's {@code make_grid()} (spec
 * section 5). Used by CONGA, MODD, MAGE, episodes and the AGP grid percentiles.
 *
 * <ul>
 *   <li>{@code dt0} = R {@code round(median(diff(t / 60)))} minutes, half-to-even (A8); if 1440 is not a
 *       multiple of it: values above 20 become 20, others are rounded to a multiple of 5.</li>
 *   <li>Grid points {@code x_k = day0 + k * dt0}, {@code k = 1 .. ndays * 1440 / dt0}, where {@code day0} is
 *       the start of the first (UTC, or local) day, so the first point is 00:00 + dt0 and a grid "day" is
 *       (00:00, 24:00]; {@code ndays = ceil(span_days + 1)}.</li>
 *   <li>Values are linearly interpolated with R's {@code approx()} arithmetic
 *       ({@code y_i + (y_j - y_i) * ((v - x_i) / (x_j - x_i))}, bit-identical), NA outside
 *       [first, last] and NA strictly inside any gap longer than {@code interGap} minutes (45, A14).</li>
 * </ul>
 *
 * <p>Local-day mode: the grid is anchored at the local start of the first day but always advances in
 * absolute {@code dt0} steps; on DST days a local day therefore holds 23 h or 25 h of grid points, and
 * time-of-day bins are assigned from each point's local clock time. If the anchored grid would end before
 * the last reading (possible when the first day is a 25 h day) whole days are appended.
 */
final class UniformGrid {

    /** Grid step in minutes; divides 1440. */
    final int dt0;
    /** Number of grid points per 24 h. */
    final int pointsPerDay;
    /** Number of grid "days" (rows of iglu's day-by-day matrix). */
    final int ndays;
    /** Grid times in epoch minutes ({@code x[m] = day0 + dt0 * (m + 1)}). */
    final double[] x;
    /** Interpolated glucose, {@code NaN} = NA. */
    final double[] y;
    private final boolean utcAnchored;

    private UniformGrid(int dt0, int ndays, double[] x, double[] y, boolean utcAnchored) {
        this.dt0 = dt0;
        this.pointsPerDay = 1440 / dt0;
        this.ndays = ndays;
        this.x = x;
        this.y = y;
        this.utcAnchored = utcAnchored;
    }

    /**
     * Nominal sampling interval dt0 (minutes) as the oracle derives it. Series with fewer than two readings
     * have no interval; 5 min is assumed (the oracle cannot process them at all).
     */
    static int nominalIntervalMinutes(GlucoseSeries s) {
        int n = s.size();
        if (n < 2) {
            return 5;
        }
        double[] tm = s.minutes();
        double[] td = new double[n - 1];
        for (int i = 0; i < n - 1; i++) {
            td[i] = tm[i + 1] - tm[i];
        }
        Arrays.sort(td);
        int dt0 = (int) RNumerics.roundHalfEven(RNumerics.medianOfSorted(td, 0, td.length));
        if (dt0 < 1) {
            dt0 = 1; // sub-minute sampling: the oracle would fail (1440 %% 0); one minute is the finest grid
        }
        if (1440 % dt0 != 0) {
            if (dt0 > 20) {
                dt0 = 20;
            } else {
                int r = dt0 % 5;
                dt0 = r > 2 ? dt0 + 5 - r : dt0 - r;
            }
        }
        return dt0;
    }

    static UniformGrid build(GlucoseSeries s, int dt0, double interGapMinutes, DayClock clock) {
        int n = s.size();
        double[] tm = s.minutes();
        double first = tm[0];
        double last = tm[n - 1];
        int ndays = (int) Math.ceil((last - first) / 1440 + 1);
        double day0 = clock.startOfDay(clock.epochDay(s.seconds[0])) / 60.0;
        int ppd = 1440 / dt0;
        while (day0 + (double) dt0 * ((long) ndays * ppd) < last) {
            ndays++; // only in local-day mode with a 25 h first day
        }
        int np = ndays * ppd;
        double[] x = new double[np];
        double[] y = new double[np];
        int i = 0;
        for (int m = 0; m < np; m++) {
            double v = day0 + (double) dt0 * (m + 1);
            x[m] = v;
            if (v < first || v > last) {
                y[m] = Double.NaN;
                continue;
            }
            if (n == 1) {
                y[m] = s.mgdl[0];
                continue;
            }
            while (i + 1 < n - 1 && tm[i + 1] <= v) {
                i++;
            }
            int j = i + 1;
            double yi = s.mgdl[i];
            double yj = s.mgdl[j];
            if (v == tm[j]) {
                y[m] = yj;
            } else if (v == tm[i]) {
                y[m] = yi;
            } else {
                y[m] = yi + (yj - yi) * ((v - tm[i]) / (tm[j] - tm[i]));
            }
        }
        // NA strictly inside gaps longer than inter_gap
        for (int k = 0; k + 1 < n; k++) {
            if (tm[k + 1] - tm[k] > interGapMinutes) {
                int m = (int) Math.max(0, Math.floor((tm[k] - day0) / dt0) - 1);
                for (; m < np && x[m] < tm[k + 1]; m++) {
                    if (x[m] > tm[k]) {
                        y[m] = Double.NaN;
                    }
                }
            }
        }
        return new UniformGrid(dt0, ndays, x, y, clock.isUtc());
    }

    int size() {
        return y.length;
    }

    /** Number of grid points with a value. */
    int observedPoints() {
        int c = 0;
        for (double v : y) {
            if (!Double.isNaN(v)) {
                c++;
            }
        }
        return c;
    }

    /** Epoch second of grid point {@code m}. */
    long epochSecond(int m) {
        return Math.round(x[m] * 60.0);
    }

    /**
     * Time-of-day bin (0 .. pointsPerDay - 1) of grid point {@code m}: the UTC (or local) minute of day
     * divided by dt0. In UTC mode this is iglu's matrix column, shifted so that bin 0 is 00:00.
     */
    int timeOfDayBin(int m, DayClock clock) {
        if (utcAnchored && clock.isUtc()) {
            return (m + 1) % pointsPerDay;
        }
        return clock.secondOfDay(epochSecond(m)) / (60 * dt0);
    }
}
