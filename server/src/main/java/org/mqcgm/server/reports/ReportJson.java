package org.mqcgm.server.reports;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.metrics.AmbulatoryGlucoseProfile.Bin;
import org.mqcgm.core.metrics.CgmResult;
import org.mqcgm.core.metrics.DailySummary;
import org.mqcgm.core.metrics.Episodes;
import org.mqcgm.core.metrics.GlucoseStatistics;
import org.mqcgm.core.metrics.TimeInRanges;

/**
 * The report as JSON ({@code GET /api/v1/reports}): builds the {@link ApiSchemas} records. Glucose in mg/dL (names
 * end in {@code Mgdl}), percentages 0–100, times ISO-8601 with the user's offset, values at full precision; a value
 * that cannot be computed is {@code null}.
 */
final class ReportJson {

    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    private ReportJson() {
    }

    static ApiSchemas.Report of(Report r) {
        ZoneId zone = r.period().zone();
        ApiSchemas.Comparison comparison = new ApiSchemas.Comparison(period(r.comparison().period()),
                sufficiency(r.comparison().sufficiency()),
                r.comparison().result() == null ? null : metrics(r.comparison().result()),
                r.result() == null || r.comparison().result() == null ? null
                        : change(r.result(), r.comparison().result()));
        return new ApiSchemas.Report(r.id().toString(), r.algorithmVersion(), r.reportVersion(),
                time(r.generatedAt(), zone), period(r.period()), r.population().id(), sufficiency(r.sufficiency()),
                r.result() == null ? null : metrics(r.result()),
                r.targets().stream().map(ReportJson::target).toList(), agp(r),
                r.days().stream().map(ReportJson::day).toList(), episodes(r, zone), comparison);
    }

    static String time(Instant t, ZoneId zone) {
        return LOCAL.format(t.atZone(zone));
    }

    /** NaN (not computable) becomes null. */
    static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    private static ApiSchemas.Period period(ReportPeriod p) {
        return new ApiSchemas.Period(LOCAL.format(p.from()), LOCAL.format(p.to()), p.zone().getId(),
                p.firstDay().toString(), p.lastDay().toString(), p.days());
    }

    private static ApiSchemas.Sufficiency sufficiency(Report.Sufficiency s) {
        return new ApiSchemas.Sufficiency(s.readings(), s.daysWithData(), s.elapsedDays(), s.dt0Minutes(),
                s.activePercent(), s.meetsConsensus(), s.meetsConsensus(),
                "AGP curves are drawn when the period has at least 14 days and the sensor was active at least"
                        + " 70 % of the elapsed time (Battelino et al., Diabetes Care 2019;42:1593)");
    }

    static ApiSchemas.Metrics metrics(CgmResult r) {
        GlucoseStatistics s = r.statistics();
        if (r.variability().congaHours() != 1) {
            // The server always analyses with the reference options (CONGA over one hour): the field is conga1Mgdl.
            throw new IllegalStateException("CONGA lag " + r.variability().congaHours() + " h has no API field");
        }
        ApiSchemas.Gri gri = new ApiSchemas.Gri(num(r.gri().gri()),
                r.gri().zone() == null ? null : r.gri().zone().name(), num(r.gri().hypoComponent()),
                num(r.gri().hyperComponent()));
        return new ApiSchemas.Metrics(s.readings(), num(s.meanMgdl()), num(s.meanMmol()), num(s.medianMgdl()),
                num(s.minMgdl()), num(s.maxMgdl()), num(s.sdMgdl()), num(s.cvPercent()), num(s.gmiPercent()),
                num(s.gmiMmolMol()), num(s.ea1cPercent()), num(s.jIndex()), ranges(r.timeInRanges()), gri,
                num(r.risk().lbgi()), num(r.risk().hbgi()), num(r.risk().adrr()), r.risk().adrrDays(),
                num(r.variability().conga()), num(r.variability().modd()), num(r.variability().mage().value()));
    }

    private static ApiSchemas.TimeInRanges ranges(TimeInRanges t) {
        return new ApiSchemas.TimeInRanges(num(t.veryLowPercent()), num(t.lowPercent()), num(t.belowRangePercent()),
                num(t.inRangePercent()), num(t.tightRangePercent()), num(t.highPercent()), num(t.veryHighPercent()),
                num(t.aboveRangePercent()));
    }

    private static ApiSchemas.Target target(Report.TargetResult t) {
        return new ApiSchemas.Target(t.target().id(), t.target().lowMgdl(), t.target().highMgdl(),
                t.target().comparison().symbol(), t.target().limit(), num(t.value()), t.met());
    }

    private static ApiSchemas.Agp agp(Report r) {
        if (r.result() == null) {
            return new ApiSchemas.Agp(r.sufficiency().meetsConsensus(), null, null, null, null);
        }
        return new ApiSchemas.Agp(r.sufficiency().meetsConsensus(), r.result().agp().gridDt0Minutes(),
                bins(r.result().agp().grid()), bins(r.agpSmoothed()),
                "triangular moving window of ±" + AgpCurve.HALF_WINDOW_MINUTES
                        + " minutes over the grid bins, wrapping at midnight");
    }

    /** Percentile bins as parallel arrays. */
    private static ApiSchemas.Bins bins(List<Bin> bins) {
        return new ApiSchemas.Bins(bins.stream().map(Bin::startMinuteOfDay).toList(),
                bins.stream().map(Bin::values).toList(), column(bins, Bin::p05), column(bins, Bin::p25),
                column(bins, Bin::p50), column(bins, Bin::p75), column(bins, Bin::p95));
    }

    private static List<Double> column(List<Bin> bins, ToDoubleFunction<Bin> f) {
        List<Double> out = new ArrayList<>(bins.size());
        for (Bin b : bins) {
            out.add(num(f.applyAsDouble(b)));
        }
        return out;
    }

    private static ApiSchemas.Day day(Report.DayProfile d) {
        DailySummary s = d.summary();
        int[] minutes = new int[d.readings().size()];
        int[] mgdl = new int[d.readings().size()];
        for (int i = 0; i < minutes.length; i++) {
            Reading r = d.readings().get(i);
            minutes[i] = (int) ((r.time().getEpochSecond() - d.start().toEpochSecond()) / 60);
            mgdl[i] = r.mgdl();
        }
        return new ApiSchemas.Day(d.date().toString(), d.readings().size(),
                s == null ? null : num(s.meanMgdl()),
                s == null ? null : num(s.minMgdl()),
                s == null ? null : num(s.maxMgdl()),
                s == null ? null : num(s.ranges().inRangePercent()),
                s == null ? null : num(s.ranges().belowRangePercent()),
                s == null ? null : num(s.ranges().aboveRangePercent()),
                new ApiSchemas.DayProfile(minutes, mgdl));
    }

    private static ApiSchemas.Episodes episodes(Report r, ZoneId zone) {
        ApiSchemas.EpisodeSummaries summary = new ApiSchemas.EpisodeSummaries(null, null, null, null, null);
        if (r.result() != null) {
            Episodes e = r.result().episodes();
            summary = new ApiSchemas.EpisodeSummaries(summary(e.lv1Hypo()), summary(e.lv2Hypo()),
                    summary(e.extendedHypo()), summary(e.lv1Hyper()), summary(e.lv2Hyper()));
        }
        List<ApiSchemas.Episode> list = new ArrayList<>();
        for (Report.Episode e : r.episodes()) {
            boolean hypo = e.kind().equals("hypo");
            list.add(new ApiSchemas.Episode(e.kind(), e.level(), e.extended(), time(e.start(), zone),
                    time(e.end(), zone), e.durationMinutes(), num(e.meanMgdl()),
                    hypo ? num(e.extremeMgdl()) : null, hypo ? null : num(e.extremeMgdl())));
        }
        return new ApiSchemas.Episodes(summary, list);
    }

    private static ApiSchemas.EpisodeSummary summary(Episodes.EpisodeSummary s) {
        return new ApiSchemas.EpisodeSummary(s.count(), num(s.perDay()), num(s.meanDurationMinutes()));
    }

    private static ApiSchemas.Change change(CgmResult now, CgmResult before) {
        TimeInRanges a = now.timeInRanges();
        TimeInRanges b = before.timeInRanges();
        return new ApiSchemas.Change(num(a.inRangePercent() - b.inRangePercent()),
                num(a.belowRangePercent() - b.belowRangePercent()),
                num(a.veryLowPercent() - b.veryLowPercent()),
                num(a.aboveRangePercent() - b.aboveRangePercent()),
                num(a.veryHighPercent() - b.veryHighPercent()),
                num(now.statistics().meanMgdl() - before.statistics().meanMgdl()),
                num(now.statistics().gmiPercent() - before.statistics().gmiPercent()),
                num(now.statistics().cvPercent() - before.statistics().cvPercent()),
                num(now.gri().gri() - before.gri().gri()));
    }
}
