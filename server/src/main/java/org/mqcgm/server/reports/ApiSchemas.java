package org.mqcgm.server.reports;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The report as JSON ({@code GET /api/v1/reports}), one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step). Glucose in mg/dL (names end in {@code Mgdl}), percentages 0–100,
 * times ISO-8601 with the user's offset, values at full precision; a value that cannot be computed is {@code null}
 * (written, not left out, unless a record says otherwise).
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.ofEntries(
            Map.entry("Report", Report.class),
            Map.entry("ReportPeriod", Period.class),
            Map.entry("ReportSufficiency", Sufficiency.class),
            Map.entry("ReportMetrics", Metrics.class),
            Map.entry("ReportGri", Gri.class),
            Map.entry("ReportTimeInRanges", TimeInRanges.class),
            Map.entry("ReportTarget", Target.class),
            Map.entry("ReportAgp", Agp.class),
            Map.entry("ReportAgpBins", Bins.class),
            Map.entry("ReportDay", Day.class),
            Map.entry("ReportDayProfile", DayProfile.class),
            Map.entry("ReportEpisodes", Episodes.class),
            Map.entry("ReportEpisodeSummaries", EpisodeSummaries.class),
            Map.entry("ReportEpisodeSummary", EpisodeSummary.class),
            Map.entry("ReportEpisode", Episode.class),
            Map.entry("ReportComparison", Comparison.class),
            Map.entry("ReportChange", Change.class));

    private ApiSchemas() {
    }

    record Report(String reportId, String algorithmVersion, String reportVersion, String generatedAt, Period period,
                  String population, Sufficiency sufficiency, Metrics metrics, List<Target> targets, Agp agp,
                  List<Day> daily, Episodes episodes, Comparison comparison) {
    }

    record Period(String from, String to, String timeZone, String firstDay, String lastDay, double days) {
    }

    record Sufficiency(int readings, int daysWithData, double elapsedDays, int intervalMinutes, double activePercent,
                       boolean meetsConsensus, boolean agpCurvesShown, String rule) {
    }

    /** The metrics of a period; CONGA with the reference lag of one hour. */
    record Metrics(int readings, Double meanMgdl, Double meanMmol, Double medianMgdl, Double minMgdl, Double maxMgdl,
                   Double sdMgdl, Double cvPercent, Double gmiPercent, Double gmiMmolMol, Double ea1cPercent,
                   Double jIndex, TimeInRanges timeInRanges, Gri gri, Double lbgi, Double hbgi, Double adrr,
                   int adrrDays, Double conga1Mgdl, Double moddMgdl, Double mageMgdl) {
    }

    record Gri(Double value, String zone, Double hypoComponent, Double hyperComponent) {
    }

    record TimeInRanges(Double veryLowPercent, Double lowPercent, Double belowRangePercent, Double inRangePercent,
                        Double tightRangePercent, Double highPercent, Double veryHighPercent,
                        Double aboveRangePercent) {
    }

    record Target(String id, Integer lowMgdl, Integer highMgdl, String comparison, double limitPercent,
                  Double valuePercent, boolean met) {
    }

    /**
     * The AGP; without readings {@code binMinutes}, {@code grid} and {@code smoothed} are {@code null} and
     * {@code smoothing} is left out.
     */
    record Agp(boolean curvesShown, Integer binMinutes, Bins grid, Bins smoothed,
               @JsonInclude(JsonInclude.Include.NON_NULL) String smoothing) {
    }

    /** Percentile bins as parallel arrays. */
    record Bins(List<Integer> minuteOfDay, List<Integer> values, List<Double> p05, List<Double> p25,
                List<Double> p50, List<Double> p75, List<Double> p95) {
    }

    record Day(String date, int readings, Double meanMgdl, Double minMgdl, Double maxMgdl, Double inRangePercent,
               Double belowRangePercent, Double aboveRangePercent, DayProfile profile) {
    }

    /** The day's readings as parallel arrays: minutes since the day's start and mg/dL. */
    record DayProfile(int[] minuteOfDay, int[] mgdl) {
    }

    record Episodes(EpisodeSummaries summary, List<Episode> list) {
    }

    /** Per kind of episode; an empty object when the period has no readings. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EpisodeSummaries(EpisodeSummary hypoLevel1, EpisodeSummary hypoLevel2, EpisodeSummary hypoExtended,
                            EpisodeSummary hyperLevel1, EpisodeSummary hyperLevel2) {
    }

    record EpisodeSummary(int count, Double perDay, Double meanDurationMinutes) {
    }

    /** One episode: {@code nadirMgdl} for a hypo, {@code peakMgdl} for a hyper (the other is left out). */
    record Episode(String kind, int level, boolean extended, String start, String end, double durationMinutes,
                   Double meanMgdl, @JsonInclude(JsonInclude.Include.NON_NULL) Double nadirMgdl,
                   @JsonInclude(JsonInclude.Include.NON_NULL) Double peakMgdl) {
    }

    record Comparison(Period period, Sufficiency sufficiency, Metrics metrics, Change change) {
    }

    /** This period minus the comparison period. */
    record Change(Double inRangePercent, Double belowRangePercent, Double veryLowPercent, Double aboveRangePercent,
                  Double veryHighPercent, Double meanMgdl, Double gmiPercent, Double cvPercent, Double gri) {
    }
}
