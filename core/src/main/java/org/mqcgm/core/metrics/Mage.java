package org.mqcgm.core.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Mean Amplitude of Glycemic Excursions, moving-average crossing version (Fernandes et al., J Diabetes
 * Sci Technol 2022;16:576; iglu {@code mage(version = "ma")}), spec section 8, ambiguities A16/A17.
 *
 * <p>Faithful port of {@code mage_ma()} / {@code mage_segment()} in {@code docs/spec/metrics-reference.R}
 * (itself a re-write of iglu 4.3.0 {@code mage_ma_single.R}):
 * <ol>
 *   <li>Interpolate onto a 5-minute grid (inter_gap 45 min, see {@link UniformGrid}); trim leading and
 *       trailing NA.</li>
 *   <li>Split into segments at NA runs longer than {@code maxGap} (180 min); shorter NA runs stay inside.</li>
 *   <li>Per segment (skipped if fewer than 7 or fewer than {@code longWindow} points, or SD &lt; 1):
 *       right-aligned moving averages of 5 and 32 points (NA ignored, the first w values take the value
 *       at w); crossing points of {@code MA_short - MA_long}: the first point, every sign change (also
 *       relative to the last crossing when NA interrupted the series), the last point.</li>
 *   <li>Between consecutive crossings the minimum (after a downward crossing) or maximum of the
 *       <em>original</em> glucose is taken, giving an alternating list of nadirs and peaks.</li>
 *   <li>With SD = the segment's sample SD: MAGE+ collects nadir-to-peak rises of at least one SD, each
 *       extended to the highest peak before a fall of more than one SD; MAGE- symmetrically.</li>
 *   <li>Per segment MAGE+ = mean rise, MAGE- = |mean fall|. The result combines segments weighted by their
 *       duration in hours.</li>
 * </ol>
 * The scans run in linear time: the oracle's {@code outer()} difference matrix is replaced by running
 * minima/maxima, which select the same turning points.
 *
 * <p>Service et al.'s original manual MAGE (Diabetes 1970;19:644) works day by day with that day's SD
 * (A16); that day-wise definition is ambiguous in the paper and is not implemented - use
 * {@link Direction#SERVICE} for the "first excursion decides" rule on each segment.
 *
 * @param value     MAGE in mg/dL ({@code NaN} if no segment produced an excursion)
 * @param direction how MAGE+ and MAGE- were combined
 * @param segments  the segments of the trace, in time order
 */
public record Mage(double value, Direction direction, List<Segment> segments) {

    public Mage {
        Objects.requireNonNull(direction, "direction");
        segments = List.copyOf(segments);
    }

    /** Combination of MAGE+ (nadir to peak) and MAGE- (peak to nadir) across segments (A17). */
    public enum Direction {
        /**
         * Reference (iglu default): every available MAGE+ and MAGE- value of every segment is one row,
         * weighted by its segment's duration.
         */
        AVG,
        /** Only MAGE+ values, weighted by segment duration. */
        PLUS,
        /** Only MAGE- values, weighted by segment duration. */
        MINUS,
        /**
         * Per segment the larger of MAGE+ and MAGE-. iglu drops a segment where one of them is missing;
         * here the available one is used.
         */
        MAX,
        /**
         * Per segment the direction of the first countable excursion (Service 1970): MAGE+ if the first
         * rise peaks no later than the first fall starts, else MAGE-.
         */
        SERVICE
    }

    /**
     * One segment of the trace between gaps longer than {@code maxGap}.
     *
     * @param start           first grid time of the segment
     * @param end             last grid time of the segment
     * @param hours           duration in hours (the weight)
     * @param evaluated       false if the segment was too short or too flat (SD &lt; 1) for MAGE
     * @param magePlus        mean nadir-to-peak amplitude, {@code NaN} if none
     * @param mageMinus       mean peak-to-nadir amplitude (positive), {@code NaN} if none
     * @param plusExcursions  number of counted rises
     * @param minusExcursions number of counted falls
     * @param plusFirst       true if the first counted excursion is a rise (for {@link Direction#SERVICE})
     */
    public record Segment(Instant start, Instant end, double hours, boolean evaluated, double magePlus,
                          double mageMinus, int plusExcursions, int minusExcursions, boolean plusFirst) {
    }

    /** Grid step of the MAGE grid; iglu always interpolates MAGE input to 5 minutes. */
    static final int GRID_MINUTES = 5;

    static Mage compute(GlucoseSeries series, DayClock clock, double interGapMinutes, MageOptions opt) {
        return compute(UniformGrid.build(series, GRID_MINUTES, interGapMinutes, clock), opt);
    }

    /**
     * MAGE on an already built 5-minute grid (the analysis reuses its main grid when dt0 is 5 min: the
     * oracle builds the identical grid twice).
     */
    static Mage compute(UniformGrid grid, MageOptions opt) {
        if (grid.dt0 != GRID_MINUTES) {
            throw new IllegalArgumentException("MAGE needs the 5-minute grid");
        }
        double[] y = grid.y;
        int first = -1;
        int last = -1;
        for (int i = 0; i < y.length; i++) {
            if (!Double.isNaN(y[i])) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        List<Segment> segments = new ArrayList<>();
        if (first < 0) {
            return new Mage(Double.NaN, opt.direction(), segments);
        }
        // split at NA runs longer than max_gap
        int segStart = first;
        int i = first;
        while (i <= last) {
            if (Double.isNaN(y[i])) {
                int runEnd = i;
                while (Double.isNaN(y[runEnd + 1])) {
                    runEnd++; // terminates: y[last] is not NA
                }
                int runLength = runEnd - i + 1;
                if ((double) runLength * grid.dt0 > opt.maxGapMinutes()) {
                    segments.add(segment(grid, segStart, i - 1, opt));
                    segStart = runEnd + 1;
                }
                i = runEnd + 1;
            } else {
                i++;
            }
        }
        segments.add(segment(grid, segStart, last, opt));
        return new Mage(combine(segments, opt.direction()), opt.direction(), segments);
    }

    private static Segment segment(UniformGrid grid, int a, int b, MageOptions opt) {
        double hours = (grid.x[b] - grid.x[a]) / 60;
        Instant start = Instant.ofEpochSecond(grid.epochSecond(a));
        Instant end = Instant.ofEpochSecond(grid.epochSecond(b));
        SegmentResult r = evaluate(grid.y, a, b + 1, opt.shortWindow(), opt.longWindow());
        if (r == null) {
            return new Segment(start, end, hours, false, Double.NaN, Double.NaN, 0, 0, false);
        }
        return new Segment(start, end, hours, true, r.plus, r.minus, r.nPlus, r.nMinus, r.plusFirst);
    }

    private record SegmentResult(double plus, double minus, int nPlus, int nMinus, boolean plusFirst) {
    }

    /** Port of the oracle's {@code roll_right()}: right-aligned mean ignoring NA, head filled. */
    private static double[] rollRight(double[] gl, int w) {
        int n = gl.length;
        double[] out = new double[n];
        for (int i = w - 1; i < n; i++) {
            out[i] = RNumerics.meanIgnoringNaN(gl, i - w + 1, i + 1);
        }
        for (int i = 0; i < w - 1; i++) {
            out[i] = out[w - 1];
        }
        return out;
    }

    /** Port of the oracle's {@code mage_segment()} on {@code y[from:to]}; null where R returns NULL. */
    static SegmentResult evaluate(double[] y, int from, int to, int shortMa, int longMa) {
        int n = to - from;
        double[] gl = new double[n];
        System.arraycopy(y, from, gl, 0, n);
        boolean allNa = true;
        for (double v : gl) {
            if (!Double.isNaN(v)) {
                allNa = false;
                break;
            }
        }
        if (allNa || n < 7 || n < longMa) {
            return null;
        }
        double sdv = RNumerics.sampleSdIgnoringNaN(gl, 0, n);
        if (!(sdv >= 1)) {
            return null; // R: sd < 1 -> NULL (an NA sd cannot occur for a segment of >= 32 points)
        }
        double[] ms = rollRight(gl, shortMa);
        double[] ml = rollRight(gl, longMa);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = ms[i] - ml[i];
        }

        // crossing points (0-based indices into gl) and their types (true = MAX, false = MIN)
        int[] cid = new int[n + 1];
        boolean[] cmax = new boolean[n + 1];
        int nc = 0;
        cid[nc] = 0;
        cmax[nc++] = d[0] > 0; // isTRUE(D[1] > 0)
        for (int i = 1; i < n; i++) {
            if (!Double.isNaN(gl[i]) && !Double.isNaN(gl[i - 1]) && !Double.isNaN(d[i]) && !Double.isNaN(d[i - 1])) {
                if (d[i] * d[i - 1] < 0) {
                    cid[nc] = i;
                    cmax[nc++] = !(d[i] < d[i - 1]);
                } else {
                    double prev = d[cid[nc - 1]];
                    if (!Double.isNaN(prev) && d[i] * prev < 0) {
                        cid[nc] = i;
                        cmax[nc++] = !(d[i] < prev);
                    }
                }
            }
        }
        cid[nc] = n - 1;
        cmax[nc++] = d[n - 1] > 0;

        // alternating extrema of the original glucose between crossings
        int nExt = nc - 1;
        double[] mm = new double[nExt];
        int[] ix = new int[nExt];
        for (int k = 0; k < nExt; k++) {
            int s1 = k == 0 ? cid[0] : ix[k - 1];
            int s2 = cid[k + 1];
            double best = Double.NaN;
            int bestIdx = -1;
            for (int p = s1; p <= s2; p++) {
                double v = gl[p];
                if (Double.isNaN(v)) {
                    continue;
                }
                if (bestIdx < 0 || (cmax[k] ? v > best : v < best)) {
                    best = v;
                    bestIdx = p;
                }
            }
            mm[k] = best;
            ix[k] = bestIdx;
        }

        int guard = 0;
        // MAGE+: nadir-to-peak rises >= SD, each extended to the highest peak before a fall > SD
        double[] plus = new double[nExt + 1];
        int nPlus = 0;
        int plusFirst = -1;
        int j = 0;
        int argMin = 0; // first index of the minimum of mm[pj..j]
        while (j < nExt && ++guard < 1_000_000) {
            double v = mm[j] - mm[argMin];
            int i0 = argMin;
            if (v >= sdv) {
                for (int k = j; k < nExt; k++) {
                    if (mm[k] > mm[j]) {
                        j = k;
                    }
                    if (mm[k] - mm[j] < -sdv || k == nExt - 1) {
                        plus[nPlus++] = mm[j] - mm[i0];
                        if (plusFirst < 0) {
                            plusFirst = j;
                        }
                        j = k; // pj = k as well
                        break;
                    }
                }
                argMin = j;
            } else {
                j++;
                if (j < nExt && mm[j] < mm[argMin]) {
                    argMin = j;
                }
            }
        }
        // MAGE-: peak-to-nadir falls >= SD, each extended to the lowest nadir before a rise > SD
        double[] minus = new double[nExt + 1];
        int nMinus = 0;
        int minusFirst = -1;
        j = 0;
        int pj = 0;
        int argMax = 0; // first index of the maximum of mm[pj..j]
        while (j < nExt && ++guard < 2_000_000) {
            double v = mm[j] - mm[argMax];
            int i0 = argMax;
            if (v <= -sdv) {
                for (int k = j; k < nExt; k++) {
                    if (mm[k] < mm[j]) {
                        j = k;
                    }
                    if (mm[k] - mm[j] > sdv || k == nExt - 1) {
                        minus[nMinus++] = mm[j] - mm[i0];
                        if (minusFirst < 0) {
                            minusFirst = i0;
                        }
                        pj = j;
                        j = k;
                        break;
                    }
                }
                argMax = pj;
                for (int p = pj + 1; p <= j; p++) {
                    if (mm[p] > mm[argMax]) {
                        argMax = p;
                    }
                }
            } else {
                j++;
                if (j < nExt && mm[j] > mm[argMax]) {
                    argMax = j;
                }
            }
        }
        double magePlus = nPlus > 0 ? RNumerics.mean(plus, 0, nPlus) : Double.NaN;
        double mageMinus = nMinus > 0 ? Math.abs(RNumerics.mean(minus, 0, nMinus)) : Double.NaN;
        // iglu: plus first if there is a rise and (no fall or the first rise's peak <= the first fall's peak)
        boolean isPlusFirst = nPlus > 0 && (nMinus == 0 || plusFirst <= minusFirst);
        return new SegmentResult(magePlus, mageMinus, nPlus, nMinus, isPlusFirst);
    }

    /** Duration-weighted combination of the per-segment values, R: {@code sum(v * h / sum(h))}. */
    static double combine(List<Segment> segments, Direction direction) {
        int cap = 2 * segments.size();
        double[] val = new double[cap];
        double[] hrs = new double[cap];
        int rows = 0;
        for (Segment s : segments) {
            if (!s.evaluated()) {
                continue;
            }
            double p = s.magePlus();
            double m = s.mageMinus();
            switch (direction) {
                case AVG -> {
                    if (!Double.isNaN(p)) {
                        val[rows] = p;
                        hrs[rows++] = s.hours();
                    }
                    if (!Double.isNaN(m)) {
                        val[rows] = m;
                        hrs[rows++] = s.hours();
                    }
                }
                case PLUS -> {
                    if (!Double.isNaN(p)) {
                        val[rows] = p;
                        hrs[rows++] = s.hours();
                    }
                }
                case MINUS -> {
                    if (!Double.isNaN(m)) {
                        val[rows] = m;
                        hrs[rows++] = s.hours();
                    }
                }
                case MAX -> {
                    double v = Double.isNaN(p) ? m : Double.isNaN(m) ? p : Math.max(p, m);
                    if (!Double.isNaN(v)) {
                        val[rows] = v;
                        hrs[rows++] = s.hours();
                    }
                }
                case SERVICE -> {
                    double v = s.plusFirst() ? p : m;
                    if (!Double.isNaN(v)) {
                        val[rows] = v;
                        hrs[rows++] = s.hours();
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        if (rows == 0) {
            return Double.NaN;
        }
        double total = RNumerics.sum(hrs, 0, rows);
        double[] terms = new double[rows];
        for (int r = 0; r < rows; r++) {
            terms[r] = val[r] * hrs[r] / total;
        }
        return RNumerics.sum(terms, 0, rows);
    }
}
