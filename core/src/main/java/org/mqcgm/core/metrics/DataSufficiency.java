package org.mqcgm.core.metrics;

/**
 * Data sufficiency (spec section 1, ambiguity A8). The consensus (Battelino et al., Diabetes Care
 * 2019;42:1593) asks for at least 14 days of data with at least 70 % of the possible readings.
 *
 * <ul>
 *   <li>{@code activePercentIglu} - iglu {@code active_percent}:
 *       {@code theo = round(round(span_min) / dt0) + 1}; gaps are intervals with {@code round(dt) > dt0};
 *       {@code missing = round((sum(dt_gaps) - n_gaps * dt0) / dt0)};
 *       {@code active = 100 * (theo - missing) / theo}. All roundings are R's half-to-even.</li>
 *   <li>{@code percentOf14dExpected} = {@code 100 * n / (14 * 1440 / dt0)}: readings relative to a full
 *       14-day wear period (may exceed 100 for longer recordings).</li>
 * </ul>
 *
 * @param dt0Minutes            nominal sampling interval (grid step)
 * @param spanDays              (last - first) reading time in days
 * @param activePercentIglu     iglu active percent
 * @param percentOf14dExpected  readings as a percentage of a complete 14-day recording
 */
public record DataSufficiency(int dt0Minutes, double spanDays, double activePercentIglu,
                              double percentOf14dExpected) {

    /** Consensus minimum wear period in days. */
    public static final int CONSENSUS_MIN_DAYS = 14;
    /** Consensus minimum percentage of possible readings. */
    public static final double CONSENSUS_MIN_ACTIVE_PERCENT = 70.0;

    /**
     * True when the recording meets the consensus rule: at least 14 days of span (a 14-day wear period of
     * 5-minute data spans 13 days 23 h 55 min, so the span is compared with 14 days minus one interval)
     * and at least 70 % active.
     */
    public boolean meetsConsensus() {
        return spanDays * 1440 + dt0Minutes >= CONSENSUS_MIN_DAYS * 1440.0
                && activePercentIglu >= CONSENSUS_MIN_ACTIVE_PERCENT;
    }

    static DataSufficiency compute(GlucoseSeries s, int dt0) {
        int n = s.size();
        long[] t = s.seconds;
        double span = (double) (t[n - 1] - t[0]) / 60;
        double theo = RNumerics.roundHalfEven(RNumerics.roundHalfEven(span) / dt0) + 1;
        // sum of the long intervals, accumulated like R's sum() (extended precision)
        double sum = 0.0;
        double comp = 0.0;
        int nBig = 0;
        for (int i = 0; i + 1 < n; i++) {
            double td = (double) (t[i + 1] - t[i]) / 60; // R: diff(t) / 60
            if (RNumerics.roundHalfEven(td) > dt0) {
                double u = sum + td;
                comp += Math.abs(sum) >= Math.abs(td) ? (sum - u) + td : (td - u) + sum;
                sum = u;
                nBig++;
            }
        }
        double missing = RNumerics.roundHalfEven(((sum + comp) - (double) nBig * dt0) / dt0);
        double active = 100 * (theo - missing) / theo;
        double expected = 100.0 * n / (14.0 * 1440 / dt0);
        return new DataSufficiency(dt0, span / 1440, active, expected);
    }
}
