package org.mqcgm.core.metrics;

import java.util.Arrays;

/**
 * Readings grouped by calendar day of the analysis zone (UTC in the reference mode, spec A3, A13).
 * Groups are listed in ascending date order; within a group readings keep their time order. The
 * grouping is by each reading's own local date, so it stays correct when local time runs backwards at
 * a DST change.
 */
final class DayGroups {

    /** Epoch day of each group, ascending. */
    final long[] epochDays;
    /** Group g covers {@code order[start[g]] .. order[start[g + 1] - 1]}; length = groups + 1. */
    final int[] start;
    /** Reading indices in day order. */
    final int[] order;

    private DayGroups(long[] epochDays, int[] start, int[] order) {
        this.epochDays = epochDays;
        this.start = start;
        this.order = order;
    }

    int count() {
        return epochDays.length;
    }

    int size(int group) {
        return start[group + 1] - start[group];
    }

    /** Copy of {@code values} permuted into day order, so that each day is a contiguous range. */
    double[] gather(double[] values) {
        double[] out = new double[order.length];
        for (int k = 0; k < order.length; k++) {
            out[k] = values[order[k]];
        }
        return out;
    }

    static DayGroups of(GlucoseSeries s, DayClock clock) {
        int n = s.size();
        long[] day = new long[n];
        boolean monotone = true;
        for (int i = 0; i < n; i++) {
            day[i] = clock.epochDay(s.seconds[i]);
            if (i > 0 && day[i] < day[i - 1]) {
                monotone = false;
            }
        }
        int[] order = new int[n];
        if (monotone) {
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
        } else {
            long min = Arrays.stream(day).min().orElse(0);
            long[] key = new long[n];
            for (int i = 0; i < n; i++) {
                key[i] = ((day[i] - min) << 32) | i;
            }
            Arrays.sort(key);
            for (int k = 0; k < n; k++) {
                order[k] = (int) (key[k] & 0xFFFFFFFFL);
            }
        }
        int groups = 0;
        for (int k = 0; k < n; k++) {
            if (k == 0 || day[order[k]] != day[order[k - 1]]) {
                groups++;
            }
        }
        long[] days = new long[groups];
        int[] start = new int[groups + 1];
        int g = -1;
        for (int k = 0; k < n; k++) {
            if (k == 0 || day[order[k]] != day[order[k - 1]]) {
                g++;
                days[g] = day[order[k]];
                start[g] = k;
            }
        }
        start[groups] = n;
        return new DayGroups(days, start, order);
    }
}
