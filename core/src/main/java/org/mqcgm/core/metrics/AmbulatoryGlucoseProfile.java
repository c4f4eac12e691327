package org.mqcgm.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ambulatory Glucose Profile percentiles (Bergenstal et al., Diabetes Technol Ther 2013;15:198; Johnson
 * et al., DTT 2019;21:S2-17), spec section 10, ambiguity A21.
 *
 * <p>Two unsmoothed profiles, both with R quantile type 7 and percentiles 5/25/50/75/95:
 * <ul>
 *   <li>{@link #grid()}: one bin per grid time of day (dt0 minutes) over the interpolated grid values, as
 *       iglu {@code plot_agp} before its loess smoothing. The grid point at 24:00 belongs to the 00:00
 *       bin.</li>
 *   <li>{@link #hourlyRaw()}: 24 one-hour bins of the raw readings ({@code hour = floor(minute of day / 60)}).</li>
 * </ul>
 * Time of day is UTC in the reference mode, the local clock time in local-day mode: on a DST spring-forward
 * day the skipped hour contributes nothing, on the autumn day the repeated hour contributes twice; each
 * value is still one observation at the clock time a patient experienced.
 *
 * <p>Display: the IDC AGP report smooths; {@link #smoothedHourly()} provides Tidepool's 1-4-1 weighted
 * average of neighbouring hourly bins wrapping at midnight. A chart should show no curve when the data are
 * insufficient (e.g. {@link DataSufficiency#meetsConsensus()} false, or less than 24 h of data).
 *
 * @param gridDt0Minutes grid step of the grid profile
 * @param grid           grid profile, bins ordered from 00:00
 * @param hourlyRaw      hourly raw-reading profile, 24 bins from 00:00
 */
public record AmbulatoryGlucoseProfile(int gridDt0Minutes, List<Bin> grid, List<Bin> hourlyRaw) {

    public AmbulatoryGlucoseProfile {
        grid = List.copyOf(grid);
        hourlyRaw = List.copyOf(hourlyRaw);
    }

    /** The percentiles reported (5th, 25th, 50th, 75th, 95th). */
    static final double[] PROBS = {0.05, 0.25, 0.5, 0.75, 0.95};

    /**
     * One time-of-day bin.
     *
     * @param startMinuteOfDay first minute of the bin (0 .. 1439)
     * @param values           number of values in the bin
     * @param p05              5th percentile ({@code NaN} if the bin is empty)
     * @param p25              25th percentile
     * @param p50              median
     * @param p75              75th percentile
     * @param p95              95th percentile
     */
    public record Bin(int startMinuteOfDay, int values, double p05, double p25, double p50, double p75,
                      double p95) {

        double percentile(int k) {
            return switch (k) {
                case 0 -> p05;
                case 1 -> p25;
                case 2 -> p50;
                case 3 -> p75;
                case 4 -> p95;
                default -> throw new IllegalArgumentException();
            };
        }
    }

    static AmbulatoryGlucoseProfile compute(UniformGrid g, GlucoseSeries s, DayClock clock) {
        int ppd = g.pointsPerDay;
        int[] gridBin = new int[g.size()];
        for (int m = 0; m < g.size(); m++) {
            gridBin[m] = Double.isNaN(g.y[m]) ? -1 : g.timeOfDayBin(m, clock);
        }
        List<Bin> grid = binned(g.y, gridBin, ppd, g.dt0);
        int[] hourBin = new int[s.size()];
        for (int i = 0; i < s.size(); i++) {
            hourBin[i] = clock.secondOfDay(s.seconds[i]) / 3600;
        }
        List<Bin> hourly = binned(s.mgdl, hourBin, 24, 60);
        return new AmbulatoryGlucoseProfile(g.dt0, grid, hourly);
    }

    /** Counting sort of the values into bins, then type-7 quantiles per bin. Bin -1 = skip. */
    private static List<Bin> binned(double[] values, int[] bin, int nBins, int minutesPerBin) {
        int[] start = new int[nBins + 1];
        for (int b : bin) {
            if (b >= 0) {
                start[b + 1]++;
            }
        }
        for (int b = 0; b < nBins; b++) {
            start[b + 1] += start[b];
        }
        double[] flat = new double[start[nBins]];
        int[] fill = Arrays.copyOf(start, nBins);
        for (int i = 0; i < values.length; i++) {
            if (bin[i] >= 0) {
                flat[fill[bin[i]]++] = values[i];
            }
        }
        List<Bin> out = new ArrayList<>(nBins);
        for (int b = 0; b < nBins; b++) {
            int from = start[b];
            int to = start[b + 1];
            RNumerics.sort(flat, from, to);
            out.add(new Bin(b * minutesPerBin, to - from,
                    RNumerics.quantileType7(flat, from, to, PROBS[0]),
                    RNumerics.quantileType7(flat, from, to, PROBS[1]),
                    RNumerics.quantileType7(flat, from, to, PROBS[2]),
                    RNumerics.quantileType7(flat, from, to, PROBS[3]),
                    RNumerics.quantileType7(flat, from, to, PROBS[4])));
        }
        return out;
    }

    /**
     * Display smoothing of the hourly profile: each percentile becomes the 1-4-1 weighted average of the
     * bin and its neighbours, wrapping at midnight (as Tidepool's AGP). Empty neighbours are left out of
     * the weights; an empty bin stays empty. Not part of the reference output.
     */
    public List<Bin> smoothedHourly() {
        int n = hourlyRaw.size();
        List<Bin> out = new ArrayList<>(n);
        for (int h = 0; h < n; h++) {
            Bin self = hourlyRaw.get(h);
            Bin prev = hourlyRaw.get((h + n - 1) % n);
            Bin next = hourlyRaw.get((h + 1) % n);
            double[] p = new double[5];
            for (int k = 0; k < 5; k++) {
                double c = self.percentile(k);
                if (Double.isNaN(c)) {
                    p[k] = Double.NaN;
                    continue;
                }
                double sum = 4 * c;
                double w = 4;
                double a = prev.percentile(k);
                double b = next.percentile(k);
                if (!Double.isNaN(a)) {
                    sum += a;
                    w += 1;
                }
                if (!Double.isNaN(b)) {
                    sum += b;
                    w += 1;
                }
                p[k] = sum / w;
            }
            out.add(new Bin(self.startMinuteOfDay(), self.values(), p[0], p[1], p[2], p[3], p[4]));
        }
        return out;
    }
}
