package org.mqcgm.core.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Hypo- and hyperglycaemia episodes (Battelino et al., Diabetes Care 2019 and Lancet Diabetes Endocrinol
 * 2023;11:42), spec section 9, computed like iglu {@code episode_calculation} / the oracle's
 * {@code episodes()}.
 *
 * <p>Detection runs on the uniform grid (step dt0, gaps over 45 min left empty), separately inside each
 * stretch of consecutive grid values:
 * <ul>
 *   <li>a <b>start</b> is a run of at least {@code ceil(15 / dt0)} points beyond the threshold
 *       ({@code < 70}, {@code < 54}, {@code > 180}, {@code > 250});</li>
 *   <li>an <b>end</b> is a run of at least {@code ceil(15 / dt0)} points back on the safe side;</li>
 *   <li>an episode spans from its start to the point before the next end run, so short returns across
 *       the threshold stay inside; without an end it runs to the end of the stretch; several starts before
 *       one end merge into one episode;</li>
 *   <li>duration = number of grid points * dt0 (3 points at 5 min count as 15 min, A20);</li>
 *   <li>extended hypoglycaemia: a run below 70 of at least {@code 120 / dt0 + 1} points (&gt; 120 min).</li>
 * </ul>
 * Level-1 counts <em>include</em> episodes that reach level 2 (iglu "lv1"); the exclusive counts are
 * level-1 episodes that overlap no level-2 episode (as iglu 4.3.0 counts them, A19). Per-day rates divide
 * by the observed time: non-empty grid points * dt0 / 1440.
 *
 * @param lv1Hypo          level-1 hypoglycaemia (&lt; 70, including episodes reaching &lt; 54)
 * @param lv2Hypo          level-2 hypoglycaemia (&lt; 54)
 * @param lv1Hyper         level-1 hyperglycaemia (&gt; 180, including episodes reaching &gt; 250)
 * @param lv2Hyper         level-2 hyperglycaemia (&gt; 250)
 * @param extendedHypo     extended hypoglycaemia (&lt; 70 for more than 120 min)
 * @param lv1HypoExclusive level-1 hypo episodes that overlap no level-2 episode
 * @param lv1HyperExclusive level-1 hyper episodes that overlap no level-2 episode
 * @param gridDt0Minutes   grid step the episodes were detected on
 * @param observedDays     observed time in days (denominator of the per-day rates)
 */
public record Episodes(EpisodeSummary lv1Hypo, EpisodeSummary lv2Hypo, EpisodeSummary lv1Hyper,
                       EpisodeSummary lv2Hyper, EpisodeSummary extendedHypo, EpisodeSummary lv1HypoExclusive,
                       EpisodeSummary lv1HyperExclusive, int gridDt0Minutes, double observedDays) {

    /** Threshold that ends a level-2 episode (ambiguity A18). */
    public enum EndRule {
        /**
         * Reference (oracle, iglu, 2023 consensus table): each level ends at its own threshold, e.g. a
         * level-2 hypo ends after 15 min at or above 54 mg/dL.
         */
        OWN_THRESHOLD,
        /**
         * 2019 consensus text: level-2 episodes too end only after 15 min back at or above 70 mg/dL (hypo)
         * or at or below 180 mg/dL (hyper). Clinically this avoids splitting one prolonged low that hovers
         * around 54 mg/dL into several level-2 episodes.
         */
        LEVEL1_THRESHOLD
    }

    /**
     * One episode on the grid.
     *
     * @param start           grid time of the first point of the episode
     * @param end             grid time of the last point of the episode
     * @param gridPoints      number of grid points
     * @param durationMinutes gridPoints * dt0 (A20)
     * @param meanGlucose     mean of the grid values inside the episode
     * @param extremeGlucose  nadir (hypo) or peak (hyper) grid value
     */
    public record Episode(Instant start, Instant end, int gridPoints, double durationMinutes, double meanGlucose,
                          double extremeGlucose) {
    }

    /**
     * Episodes of one kind.
     *
     * @param count               number of episodes
     * @param perDay              count / observed days
     * @param meanDurationMinutes mean duration ({@code NaN} without episodes)
     * @param meanGlucose         mean over episodes of the episode's mean glucose ({@code NaN} without episodes)
     * @param episodes            the episodes in time order
     */
    public record EpisodeSummary(int count, double perDay, double meanDurationMinutes, double meanGlucose,
                                 List<Episode> episodes) {
        public EpisodeSummary {
            episodes = List.copyOf(episodes);
        }
    }

    static Episodes compute(UniformGrid grid, RangeThresholds thr, EpisodeOptions opt) {
        int dt0 = grid.dt0;
        double dn = Math.ceil(opt.minDurationMinutes() / dt0);
        double en = Math.ceil(opt.endDurationMinutes() / dt0);
        double extN = opt.extendedMinutes() / dt0 + 1;
        boolean l1End = opt.endRule() == EndRule.LEVEL1_THRESHOLD;
        List<int[]> lv1Hypo = detect(grid.y, true, thr.low(), thr.low(), dn, en);
        List<int[]> lv2Hypo = detect(grid.y, true, thr.veryLow(), l1End ? thr.low() : thr.veryLow(), dn, en);
        List<int[]> lv1Hyper = detect(grid.y, false, thr.high(), thr.high(), dn, en);
        List<int[]> lv2Hyper = detect(grid.y, false, thr.veryHigh(), l1End ? thr.high() : thr.veryHigh(), dn, en);
        List<int[]> ext = detect(grid.y, true, thr.low(), thr.low(), extN, en);
        double days = (double) grid.observedPoints() * dt0 / 1440;
        return new Episodes(
                summarize(grid, lv1Hypo, days, true),
                summarize(grid, lv2Hypo, days, true),
                summarize(grid, lv1Hyper, days, false),
                summarize(grid, lv2Hyper, days, false),
                summarize(grid, ext, days, true),
                summarize(grid, exclusive(lv1Hypo, lv2Hypo, grid.size()), days, true),
                summarize(grid, exclusive(lv1Hyper, lv2Hyper, grid.size()), days, false),
                dt0, days);
    }

    /**
     * Port of the oracle's {@code event_class()} applied to every NA-free stretch of {@code y}.
     *
     * @return episodes as {@code [from, to)} grid index ranges
     */
    static List<int[]> detect(double[] y, boolean below, double startThr, double endThr, double startRun,
                              double endRun) {
        List<int[]> out = new ArrayList<>();
        int n = y.length;
        int a = 0;
        while (a < n) {
            if (Double.isNaN(y[a])) {
                a++;
                continue;
            }
            int b = a;
            while (b < n && !Double.isNaN(y[b])) {
                b++;
            }
            detectInStretch(y, a, b, below, startThr, endThr, startRun, endRun, out);
            a = b;
        }
        return out;
    }

    private static void detectInStretch(double[] y, int a, int b, boolean below, double startThr, double endThr,
                                        double startRun, double endRun, List<int[]> out) {
        // start positions of qualifying end runs, ascending
        int[] ends = new int[b - a + 1];
        int ne = 0;
        int i = a;
        while (i < b) {
            boolean safe = below ? !(y[i] < endThr) : !(y[i] > endThr);
            int r = i;
            while (r < b && (below ? !(y[r] < endThr) : !(y[r] > endThr)) == safe) {
                r++;
            }
            if (safe && r - i >= endRun) {
                ends[ne++] = i;
            }
            i = r;
        }
        int e = 0;
        int lastEnd = -1;
        i = a;
        while (i < b) {
            boolean beyond = below ? y[i] < startThr : y[i] > startThr;
            int r = i;
            while (r < b && (below ? y[r] < startThr : y[r] > startThr) == beyond) {
                r++;
            }
            if (beyond && r - i >= startRun) {
                while (e < ne && ends[e] <= i) {
                    e++;
                }
                int episodeEnd = e < ne ? ends[e] : b;
                if (episodeEnd != lastEnd) { // several starts before one end: keep the first
                    out.add(new int[] {i, episodeEnd});
                    lastEnd = episodeEnd;
                }
            }
            i = r;
        }
    }

    /** Level-1 episodes that share no grid point with any level-2 episode. */
    private static List<int[]> exclusive(List<int[]> lv1, List<int[]> lv2, int n) {
        boolean[] inL2 = new boolean[n];
        for (int[] ep : lv2) {
            for (int k = ep[0]; k < ep[1]; k++) {
                inL2[k] = true;
            }
        }
        List<int[]> out = new ArrayList<>();
        for (int[] ep : lv1) {
            boolean overlaps = false;
            for (int k = ep[0]; k < ep[1] && !overlaps; k++) {
                overlaps = inL2[k];
            }
            if (!overlaps) {
                out.add(ep);
            }
        }
        return out;
    }

    private static EpisodeSummary summarize(UniformGrid grid, List<int[]> eps, double days, boolean hypo) {
        int count = eps.size();
        List<Episode> list = new ArrayList<>(count);
        long points = 0;
        double[] means = new double[count];
        for (int k = 0; k < count; k++) {
            int[] ep = eps.get(k);
            int len = ep[1] - ep[0];
            points += len;
            double mean = RNumerics.mean(grid.y, ep[0], ep[1]);
            means[k] = mean;
            double extreme = grid.y[ep[0]];
            for (int m = ep[0]; m < ep[1]; m++) {
                extreme = hypo ? Math.min(extreme, grid.y[m]) : Math.max(extreme, grid.y[m]);
            }
            list.add(new Episode(Instant.ofEpochSecond(grid.epochSecond(ep[0])),
                    Instant.ofEpochSecond(grid.epochSecond(ep[1] - 1)), len, (double) len * grid.dt0, mean, extreme));
        }
        double meanDuration = count == 0 ? Double.NaN : ((double) points / count) * grid.dt0;
        double meanGlucose = count == 0 ? Double.NaN : RNumerics.mean(means, 0, count);
        return new EpisodeSummary(count, count / days, meanDuration, meanGlucose, list);
    }
}
