package org.mqcgm.server.reports;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.metrics.AmbulatoryGlucoseProfile;
import org.mqcgm.core.metrics.CgmAnalysis;
import org.mqcgm.core.metrics.CgmOptions;
import org.mqcgm.core.metrics.CgmResult;
import org.mqcgm.core.metrics.DailySummary;
import org.mqcgm.core.metrics.DataSufficiency;
import org.mqcgm.core.metrics.Episodes;
import org.mqcgm.core.metrics.GlucoseSample;

/**
 * Builds reports: reads the readings of the period and of the previous period in one query, runs the metrics
 * engine on each (local days in the user's zone; otherwise the engine's reference options), derives targets,
 * sufficiency, the smoothed AGP curve, daily profiles and episodes, and logs the report with its algorithm version.
 */
public final class Reports {

    /** Version of this feature's rules: AGP smoothing, sufficiency rule, targets. */
    public static final String REPORT_VERSION =
            "mqcgm-report/1.0 (AGP: 1-hour triangular smoothing wrapping at midnight; curves when >= 14 days and >= 70 % active)";

    /** Where a report gets its readings: those the user has not excluded from statistics (PR-62). */
    @FunctionalInterface
    public interface ReadingSource {
        List<Reading> forStatistics(UUID owner, Instant from, Instant to);
    }

    private final ReadingSource store;
    private final ReportLog log;
    private final Clock dataClock;

    public Reports(ReadingSource store, ReportLog log, Clock dataClock) {
        this.store = store;
        this.log = log;
        this.dataClock = dataClock;
    }

    public Clock clock() {
        return dataClock;
    }

    /** Computes the report of {@code owner} for {@code period} and logs it as delivered in {@code format}. */
    public Report build(UUID owner, ReportPeriod period, Population population, ReportLog.Format format) {
        Instant now = dataClock.instant();
        ReportPeriod previous = period.previous();
        List<Reading> both = store.forStatistics(owner, previous.from().toInstant(), period.to().toInstant());
        Instant split = period.from().toInstant();
        int cut = 0;
        while (cut < both.size() && both.get(cut).time().isBefore(split)) {
            cut++;
        }
        List<Reading> current = onePerSecond(both.subList(cut, both.size()));
        List<Reading> before = onePerSecond(both.subList(0, cut));
        Report report = compute(UUID.randomUUID(), now, period, population, current, before);
        log.record(owner, report, format);
        return report;
    }

    /** The report of given readings; pure (no database), for tests and benchmarks. */
    static Report compute(UUID id, Instant now, ReportPeriod period, Population population, List<Reading> current,
                          List<Reading> previousReadings) {
        ZoneId zone = period.zone();
        CgmResult result = analyze(current, zone);
        ReportPeriod previous = period.previous();
        CgmResult previousResult = analyze(previousReadings, zone);
        List<AmbulatoryGlucoseProfile.Bin> smoothed = result == null ? List.of()
                : AgpCurve.smooth(result.agp().grid(), result.agp().gridDt0Minutes());
        return new Report(id, now, CgmAnalysis.ALGORITHM_VERSION, REPORT_VERSION, period, population, current,
                result, sufficiency(period, current, result, now), targets(population, current, result), smoothed,
                days(period, current, result, now), episodes(result),
                new Report.Comparison(previous, previousResult,
                        sufficiency(previous, previousReadings, previousResult, now)));
    }

    static CgmResult analyze(List<Reading> readings, ZoneId zone) {
        if (readings.isEmpty()) {
            return null;
        }
        List<GlucoseSample> samples = new ArrayList<>(readings.size());
        for (Reading r : readings) {
            samples.add(new GlucoseSample(r.time(), r.mgdl()));
        }
        return CgmAnalysis.analyze(samples, CgmOptions.reference().withZone(zone));
    }

    /** Readings sorted by time, keeping the first of several in the same second (the engine's resolution). */
    static List<Reading> onePerSecond(List<Reading> sorted) {
        List<Reading> out = new ArrayList<>(sorted.size());
        long last = Long.MIN_VALUE;
        for (Reading r : sorted) {
            long s = r.time().getEpochSecond();
            if (s != last) {
                out.add(r);
                last = s;
            }
        }
        return out;
    }

    static Report.Sufficiency sufficiency(ReportPeriod period, List<Reading> readings, CgmResult result, Instant now) {
        int dt0 = result == null ? 5 : result.sufficiency().dt0Minutes();
        double elapsed = period.elapsedMinutes(now);
        double active = elapsed <= 0 ? 0 : Math.min(100, 100.0 * readings.size() * dt0 / elapsed);
        Set<LocalDate> days = new HashSet<>();
        for (Reading r : readings) {
            days.add(r.time().atZone(period.zone()).toLocalDate());
        }
        boolean meets = period.days() >= DataSufficiency.CONSENSUS_MIN_DAYS
                && active >= DataSufficiency.CONSENSUS_MIN_ACTIVE_PERCENT;
        return new Report.Sufficiency(period.days(), elapsed / 1440, readings.size(), days.size(), dt0, active, meets);
    }

    static List<Report.TargetResult> targets(Population population, List<Reading> readings, CgmResult result) {
        if (result == null) {
            return List.of();
        }
        List<Report.TargetResult> out = new ArrayList<>();
        for (Population.Target t : population.targets()) {
            double value;
            if (t.id().equals("cv")) {
                value = result.statistics().cvPercent();
            } else {
                int in = 0;
                for (Reading r : readings) {
                    if (t.contains(r.mgdl())) {
                        in++;
                    }
                }
                value = 100 * ((double) in / readings.size()); // as the engine: 100 * (count / n)
            }
            out.add(new Report.TargetResult(t, value, t.met(value)));
        }
        return out;
    }

    static List<Report.DayProfile> days(ReportPeriod period, List<Reading> readings, CgmResult result, Instant now) {
        ZoneId zone = period.zone();
        Map<LocalDate, DailySummary> summaries = new HashMap<>();
        if (result != null) {
            for (DailySummary d : result.daily()) {
                summaries.put(d.date(), d);
            }
        }
        LocalDate last = period.lastDay();
        LocalDate today = now.atZone(zone).toLocalDate();
        if (today.isBefore(last)) {
            last = today;
        }
        List<Report.DayProfile> out = new ArrayList<>();
        int i = 0;
        for (LocalDate d = period.firstDay(); !d.isAfter(last); d = d.plusDays(1)) {
            ZonedDateTime start = d.atStartOfDay(zone);
            ZonedDateTime end = d.plusDays(1).atStartOfDay(zone);
            int from = i;
            while (i < readings.size() && readings.get(i).time().isBefore(end.toInstant())) {
                i++;
            }
            out.add(new Report.DayProfile(d, start, end, readings.subList(from, i), summaries.get(d)));
        }
        return out;
    }

    /**
     * Level-1 episodes (hypo below 70, hyper above 180 mg/dL), each marked level 2 when it overlaps a level-2
     * episode and, for hypos, extended when it overlaps an extended (more than 2 hours) one.
     */
    static List<Report.Episode> episodes(CgmResult result) {
        if (result == null) {
            return List.of();
        }
        Episodes e = result.episodes();
        List<Report.Episode> out = new ArrayList<>();
        for (Episodes.Episode ep : e.lv1Hypo().episodes()) {
            out.add(episode("hypo", ep, overlaps(ep, e.lv2Hypo()), overlaps(ep, e.extendedHypo())));
        }
        for (Episodes.Episode ep : e.lv1Hyper().episodes()) {
            out.add(episode("hyper", ep, overlaps(ep, e.lv2Hyper()), false));
        }
        out.sort(Comparator.comparing(Report.Episode::start));
        return out;
    }

    private static Report.Episode episode(String kind, Episodes.Episode ep, boolean level2, boolean extended) {
        return new Report.Episode(kind, level2 ? 2 : 1, extended, ep.start(), ep.end(), ep.durationMinutes(),
                ep.meanGlucose(), ep.extremeGlucose());
    }

    private static boolean overlaps(Episodes.Episode ep, Episodes.EpisodeSummary others) {
        for (Episodes.Episode o : others.episodes()) {
            if (!o.start().isAfter(ep.end()) && !o.end().isBefore(ep.start())) {
                return true;
            }
        }
        return false;
    }
}
