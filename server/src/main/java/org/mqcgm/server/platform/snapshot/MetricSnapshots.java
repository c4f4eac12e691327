package org.mqcgm.server.platform.snapshot;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A person's glucose metrics of the last N local days, anonymised for publishing (the community attaches one to a
 * post): no name, no account id, no date or time of day with a date — only how many days ("the last 14 days"), the
 * consensus metrics and the AGP percentiles by hour of day. The reports feature answers with the same engine and
 * the same period as {@code GET /api/v1/reports?from=<today - (N-1)>&to=<today>} (whole local days of the person's
 * zone, today included); the community takes it. The caller checks the person's consent to the processing of their
 * health data.
 */
public interface MetricSnapshots {

    /** The lengths offered, in days. */
    List<Integer> DAYS = List.of(7, 14, 30, 90);

    /**
     * The least "% time CGM active" (readings x interval / elapsed time) for a snapshot: the consensus' 70 %
     * (Battelino et al., Diabetes Care 2019;42:1593). Below it the metrics do not describe the period.
     */
    double MIN_ACTIVE_PERCENT = 70;

    /**
     * The metrics. Glucose in mg/dL, percentages 0–100, a value that cannot be computed null.
     *
     * @param days           the period: the last {@code days} local days, today included
     * @param readings       readings counted
     * @param daysWithData   days of the period with at least one reading
     * @param activePercent  % time CGM active over the elapsed part of the period
     * @param ranges         time in the consensus ranges
     * @param agp            the smoothed AGP percentiles at each whole hour of the day (0..23); empty unless the
     *                       period has at least 14 days with the sensor active at least 70 % (as the AGP report)
     */
    record Snapshot(int days, int readings, int daysWithData, double activePercent, Double meanMgdl,
                    Double sdMgdl, Double cvPercent, Double gmiPercent, Ranges ranges, List<Hour> agp) {
        public Snapshot {
            agp = List.copyOf(agp);
        }
    }

    /** Time in ranges: below 54, 54–69, below 70, 70–180, 181–250, above 250, above 180 mg/dL. */
    record Ranges(Double veryLowPercent, Double lowPercent, Double belowRangePercent, Double inRangePercent,
                  Double highPercent, Double veryHighPercent, Double aboveRangePercent) {
    }

    /** The AGP percentiles (mg/dL) at the start of one hour of the day. */
    record Hour(int hour, Double p05, Double p25, Double p50, Double p75, Double p95) {
    }

    /**
     * The person's snapshot of the last {@code days} days (one of {@link #DAYS}); empty when the sensor was active
     * less than {@link #MIN_ACTIVE_PERCENT} of the elapsed time (too few readings to describe the period).
     */
    Optional<Snapshot> last(UUID owner, int days);

    /** No glucose data on this server: never a snapshot. */
    MetricSnapshots NONE = (owner, days) -> Optional.empty();
}
