package org.mqcgm.server.reports;

import java.util.ArrayList;
import java.util.List;
import org.mqcgm.core.metrics.AmbulatoryGlucoseProfile.Bin;

/**
 * The curve the AGP chart draws: the engine's unsmoothed time-of-day percentiles (one bin per grid step, the
 * tested reference) smoothed with a one-hour triangular moving window that wraps at midnight, so 23:55 and 00:00
 * meet. Empty bins stay empty and are left out of their neighbours' averages.
 */
final class AgpCurve {

    /** Half-width of the smoothing window in minutes. */
    static final int HALF_WINDOW_MINUTES = 30;

    private AgpCurve() {
    }

    static List<Bin> smooth(List<Bin> grid, int dt0Minutes) {
        int n = grid.size();
        int h = Math.max(1, HALF_WINDOW_MINUTES / dt0Minutes);
        List<Bin> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Bin self = grid.get(i);
            if (self.values() == 0) {
                out.add(self);
                continue;
            }
            double[] sum = new double[5];
            double weight = 0;
            for (int k = -h; k <= h; k++) {
                Bin b = grid.get(Math.floorMod(i + k, n));
                if (b.values() == 0) {
                    continue;
                }
                double w = h + 1 - Math.abs(k);
                sum[0] += w * b.p05();
                sum[1] += w * b.p25();
                sum[2] += w * b.p50();
                sum[3] += w * b.p75();
                sum[4] += w * b.p95();
                weight += w;
            }
            out.add(new Bin(self.startMinuteOfDay(), self.values(), sum[0] / weight, sum[1] / weight,
                    sum[2] / weight, sum[3] / weight, sum[4] / weight));
        }
        return out;
    }
}
