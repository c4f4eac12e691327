package org.mqcgm.core.metrics;

import org.mqcgm.core.glucose.GlucoseUnit;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Entry point of the CGM metrics engine: turns a list of glucose samples into every metric of
 * {@code docs/spec/metrics.md} in one pass.
 *
 * <pre>{@code
 * CgmRecording rec = CgmCsvReader.read(reader);                  // or CgmRecording.of(MG_DL, samples)
 * CgmResult r = CgmAnalysis.analyze(rec, CgmOptions.reference());
 * double tir = r.timeInRanges().inRangePercent();
 * Map<String, Object> json = r.toExpectedShape("my-case");       // same shape as *.expected.json
 * }</pre>
 *
 * <h2>Reference mode</h2>
 * {@link CgmOptions#reference()} reproduces the base-R oracle {@code docs/spec/metrics-reference.R}
 * within the tolerances of the shared test vectors. The oracle's "day" is the UTC calendar day (A3).
 *
 * <h2>Local days and DST</h2>
 * With {@link CgmOptions#withZone(java.time.ZoneId)} days are local calendar days. The engine never shifts
 * readings in time; it only labels them:
 * <ul>
 *   <li>a local day runs from one local start of day to the next, so it lasts 23 h or 25 h on DST change
 *       dates; daily summaries and ADRR (maxima per day) are reading-based and need no correction;</li>
 *   <li>the uniform grid is anchored at the local start of the first day and advances in absolute dt0
 *       steps (no duplicated or missing grid points at DST changes); CONGA, MODD (absolute 24 h lag), MAGE
 *       and episodes are therefore unaffected by DST; with whole-hour offsets the grid instants equal the
 *       UTC grid's;</li>
 *   <li>AGP bins use each value's local clock time: the skipped spring hour has no values that day, the
 *       repeated autumn hour has two.</li>
 * </ul>
 *
 * <p>Pure and thread-safe: no I/O, no shared state; every call allocates its own working arrays
 * (linear in the number of readings).
 */
public final class CgmAnalysis {

    /** Version tag of the algorithms; changes whenever any reference value could change. */
    public static final String ALGORITHM_VERSION = "mqcgm-metrics/1.0 (oracle-compatible)";

    private CgmAnalysis() {
    }

    /**
     * Analyses samples given in mg/dL; every sample counts as one source row.
     *
     * @param samples readings in any order; same-second duplicates are averaged
     * @param options engine options, {@link CgmOptions#reference()} for the reference mode
     * @throws IllegalArgumentException if no sample has a finite positive value
     */
    public static CgmResult analyze(List<GlucoseSample> samples, CgmOptions options) {
        return analyze(CgmRecording.of(GlucoseUnit.MG_DL, samples), options);
    }

    /**
     * Analyses a recording (e.g. from {@link org.mqcgm.core.metrics.io.CgmCsvReader}).
     *
     * @throws IllegalArgumentException if the recording has no valid reading
     */
    public static CgmResult analyze(CgmRecording recording, CgmOptions options) {
        Objects.requireNonNull(recording, "recording");
        Objects.requireNonNull(options, "options");
        Preprocessing.Prepared prepared = Preprocessing.prepare(recording);
        GlucoseSeries series = prepared.series();
        double[] g = series.mgdl;
        DayClock clock = new DayClock(options.zone());

        int dt0 = UniformGrid.nominalIntervalMinutes(series);
        DataSufficiency sufficiency = DataSufficiency.compute(series, dt0);

        double[] weights = options.rangeBasis() == TimeInRanges.Basis.TIME_WEIGHTED
                ? TimeInRanges.timeWeights(series, dt0) : null;
        TimeInRanges ranges = TimeInRanges.compute(g, weights, 0, g.length, options.thresholds());
        GlycemicRiskIndex gri = GlycemicRiskIndex.of(ranges);
        GlucoseStatistics stats = GlucoseStatistics.compute(g);
        DayGroups days = DayGroups.of(series, clock);
        KovatchevRiskIndices risk = KovatchevRiskIndices.compute(g, days, options.adrrMinReadingsPerDay());
        List<DailySummary> daily = daily(g, weights, days, options.thresholds());

        UniformGrid grid = UniformGrid.build(series, dt0, options.interGapMinutes(), clock);
        Mage mage = grid.dt0 == Mage.GRID_MINUTES
                ? Mage.compute(grid, options.mage())
                : Mage.compute(series, clock, options.interGapMinutes(), options.mage());
        Variability variability = new Variability(grid.dt0, grid.ndays, options.interGapMinutes(),
                options.congaHours(), Conga.compute(grid, options.congaHours()), Modd.compute(grid), mage);
        Episodes episodes = Episodes.compute(grid, options.thresholds(), options.episodes());
        AmbulatoryGlucoseProfile agp = AmbulatoryGlucoseProfile.compute(grid, series, clock);

        return new CgmResult(ALGORITHM_VERSION, recording.inputUnit(), options, prepared.report(), sufficiency,
                stats, ranges, gri, risk, variability, episodes, agp, daily);
    }

    private static List<DailySummary> daily(double[] g, double[] weights, DayGroups days, RangeThresholds thr) {
        double[] byDay = days.gather(g);
        double[] wByDay = weights == null ? null : days.gather(weights);
        List<DailySummary> out = new ArrayList<>(days.count());
        for (int d = 0; d < days.count(); d++) {
            int from = days.start[d];
            int to = days.start[d + 1];
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = from; k < to; k++) {
                min = Math.min(min, byDay[k]);
                max = Math.max(max, byDay[k]);
            }
            out.add(new DailySummary(LocalDate.ofEpochDay(days.epochDays[d]), to - from,
                    RNumerics.mean(byDay, from, to), min, max,
                    TimeInRanges.compute(byDay, wByDay, from, to, thr)));
        }
        return out;
    }
}
