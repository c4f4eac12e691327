package org.mqcgm.core.metrics;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Preprocessing report (spec section 0) and the cleaning step itself.
 *
 * <p>Rules (oracle choices):
 * <ol>
 *   <li>Rows the source could not parse are already missing from the recording; they count in
 *       {@code nRows} but not in {@code nValidRows}. Samples whose value is not finite or not positive are
 *       dropped here as invalid as well (a glucose concentration must be positive; the oracle never
 *       receives such values).</li>
 *   <li>Readings are sorted by time.</li>
 *   <li>Readings in the same second are merged into one reading with the arithmetic mean of their values
 *       (iglu {@code check_data_time}; ambiguity A4 - iglu's CGMS2DayByDay keeps the last one and its
 *       mean/SD functions do not deduplicate at all). Sub-second parts of timestamps are ignored.</li>
 * </ol>
 *
 * @param nRows              rows in the source
 * @param nValidRows         rows with a parsable time and a valid value
 * @param nDuplicatesMerged  valid rows removed by merging same-second duplicates
 * @param first              first reading time
 * @param last               last reading time
 */
public record Preprocessing(int nRows, int nValidRows, int nDuplicatesMerged, Instant first, Instant last) {

    /** Number of readings after merging duplicates. */
    public int nReadings() {
        return nValidRows - nDuplicatesMerged;
    }

    /** Result of {@link #prepare}: the report plus the cleaned series. */
    record Prepared(Preprocessing report, GlucoseSeries series) {
    }

    static Prepared prepare(CgmRecording recording) {
        List<GlucoseSample> samples = recording.samples();
        int n = samples.size();
        long[] sec = new long[n];
        double[] val = new double[n];
        int valid = 0;
        for (GlucoseSample s : samples) {
            double v = s.mgdl();
            if (Double.isFinite(v) && v > 0) {
                sec[valid] = s.time().getEpochSecond();
                val[valid] = v;
                valid++;
            }
        }
        if (valid == 0) {
            throw new IllegalArgumentException("no valid glucose readings");
        }
        sortStableByTime(sec, val, valid);

        // merge same-second duplicates into their mean
        long[] outSec = new long[valid];
        double[] outVal = new double[valid];
        int m = 0;
        int i = 0;
        while (i < valid) {
            int j = i + 1;
            while (j < valid && sec[j] == sec[i]) {
                j++;
            }
            outSec[m] = sec[i];
            outVal[m] = j - i == 1 ? val[i] : RNumerics.mean(val, i, j);
            m++;
            i = j;
        }
        GlucoseSeries series = new GlucoseSeries(Arrays.copyOf(outSec, m), Arrays.copyOf(outVal, m));
        Preprocessing report = new Preprocessing(recording.rowsRead(), valid, valid - m,
                Instant.ofEpochSecond(outSec[0]), Instant.ofEpochSecond(outSec[m - 1]));
        return new Prepared(report, series);
    }

    /** Stable sort of the first {@code n} (time, value) pairs by time (R {@code order()} is stable). */
    private static void sortStableByTime(long[] sec, double[] val, int n) {
        boolean sorted = true;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            if (i > 0 && sec[i] < sec[i - 1]) {
                sorted = false;
            }
            min = Math.min(min, sec[i]);
            max = Math.max(max, sec[i]);
        }
        if (sorted) {
            return;
        }
        long[] secCopy = Arrays.copyOf(sec, n);
        double[] valCopy = Arrays.copyOf(val, n);
        if (max - min < (1L << 39) && n < (1 << 24)) {
            // pack (time offset, original index) into one long: sorting it is a stable sort by time
            long[] key = new long[n];
            for (int i = 0; i < n; i++) {
                key[i] = ((secCopy[i] - min) << 24) | i;
            }
            Arrays.sort(key);
            for (int i = 0; i < n; i++) {
                int idx = (int) (key[i] & 0xFFFFFF);
                sec[i] = secCopy[idx];
                val[i] = valCopy[idx];
            }
        } else {
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            Arrays.sort(idx, (a, b) -> Long.compare(secCopy[a], secCopy[b]));
            for (int i = 0; i < n; i++) {
                sec[i] = secCopy[idx[i]];
                val[i] = valCopy[idx[i]];
            }
        }
    }
}
