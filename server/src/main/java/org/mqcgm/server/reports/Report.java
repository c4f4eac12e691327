package org.mqcgm.server.reports;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.metrics.AmbulatoryGlucoseProfile;
import org.mqcgm.core.metrics.CgmResult;
import org.mqcgm.core.metrics.DailySummary;

/**
 * One computed report: everything the JSON, the web page and the PDF show. Glucose values are mg/dL; the views
 * convert for display.
 *
 * @param id               id under which the report was logged
 * @param generatedAt      when it was computed (data clock)
 * @param algorithmVersion version of the metrics engine ({@code CgmAnalysis.ALGORITHM_VERSION})
 * @param reportVersion    version of this feature's own rules (smoothing, sufficiency, targets)
 * @param period           the period
 * @param population       whose targets were applied
 * @param readings         the readings of the period, oldest first, one per second
 * @param result           the engine's result, null when the period has no readings
 * @param sufficiency      how complete the data are
 * @param targets          each consensus target of the population with the value reached (empty without data)
 * @param agpSmoothed      the AGP percentiles the chart draws (smoothed, wrapping at midnight); empty without data
 * @param days             one profile per local day of the period up to today
 * @param episodes         hypo- and hyperglycaemia episodes in time order
 * @param comparison       the previous period of equal length
 */
public record Report(UUID id, Instant generatedAt, String algorithmVersion, String reportVersion,
                     ReportPeriod period, Population population, List<Reading> readings, CgmResult result,
                     Sufficiency sufficiency, List<TargetResult> targets,
                     List<AmbulatoryGlucoseProfile.Bin> agpSmoothed, List<DayProfile> days,
                     List<Episode> episodes, Comparison comparison) {

    public Report {
        Objects.requireNonNull(period, "period");
        readings = List.copyOf(readings);
        targets = List.copyOf(targets);
        agpSmoothed = List.copyOf(agpSmoothed);
        days = List.copyOf(days);
        episodes = List.copyOf(episodes);
    }

    public boolean hasData() {
        return result != null;
    }

    /**
     * Data sufficiency of a period. The consensus asks for at least 14 days with the sensor active at least 70 %
     * of the time (Battelino 2019); the AGP curves are drawn only then ({@link #meetsConsensus}).
     *
     * @param periodDays     length of the period in days
     * @param elapsedDays    the part of the period that has passed
     * @param readings       number of readings
     * @param daysWithData   local days with at least one reading
     * @param dt0Minutes     the sensor's nominal interval (median, rounded; 5 when unknown)
     * @param activePercent  readings x interval / elapsed time, at most 100: "% time CGM is active"
     * @param meetsConsensus period of at least 14 days and active at least 70 %
     */
    public record Sufficiency(double periodDays, double elapsedDays, int readings, int daysWithData, int dt0Minutes,
                              double activePercent, boolean meetsConsensus) {
    }

    /** A consensus target and the value reached: percent of readings, or the CV in percent. */
    public record TargetResult(Population.Target target, double value, boolean met) {
    }

    /**
     * One local day (midnight to midnight; 23 or 25 hours on DST change days).
     *
     * @param summary the engine's daily summary, null when the day has no readings
     */
    public record DayProfile(LocalDate date, ZonedDateTime start, ZonedDateTime end, List<Reading> readings,
                             DailySummary summary) {
        public DayProfile {
            readings = List.copyOf(readings);
        }
    }

    /**
     * A hypo- or hyperglycaemia episode (level 1 = below 70 / above 180 mg/dL for at least 15 minutes).
     *
     * @param kind      {@code hypo} or {@code hyper}
     * @param level     2 when the episode reaches a level-2 episode (below 54 / above 250 mg/dL)
     * @param extended  hypo only: below 70 mg/dL for more than 120 minutes
     * @param extremeMgdl nadir (hypo) or peak (hyper)
     */
    public record Episode(String kind, int level, boolean extended, Instant start, Instant end,
                          double durationMinutes, double meanMgdl, double extremeMgdl) {
    }

    /**
     * The previous period of equal length.
     *
     * @param result null when it has no readings
     */
    public record Comparison(ReportPeriod period, CgmResult result, Sufficiency sufficiency) {
    }
}
