package org.mqcgm.core.metrics;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Summary of one calendar day (UTC day in the reference mode, local day otherwise; spec section 10
 * "Daily curves"). Local days on DST change dates contain 23 or 25 hours of readings; all values are
 * reading-based, so no correction is needed.
 *
 * @param date     calendar date in the analysis zone
 * @param readings number of readings that day
 * @param meanMgdl mean glucose
 * @param minMgdl  lowest reading
 * @param maxMgdl  highest reading
 * @param ranges   time in ranges of the day ({@code tir_70_180}, {@code tbr_lt70}, {@code tar_gt180}, ...)
 */
public record DailySummary(LocalDate date, int readings, double meanMgdl, double minMgdl, double maxMgdl,
                           TimeInRanges ranges) {

    public DailySummary {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(ranges, "ranges");
    }
}
