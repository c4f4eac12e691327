package org.mqcgm.server.reports;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.metrics.AmbulatoryGlucoseProfile.Bin;
import org.mqcgm.core.metrics.CgmResult;
import org.mqcgm.core.metrics.DailySummary;
import org.mqcgm.core.metrics.Episodes;
import org.mqcgm.core.metrics.GlucoseStatistics;
import org.mqcgm.core.metrics.TimeInRanges;

/**
 * The report as JSON ({@code GET /api/v1/reports}). Glucose in mg/dL (names end in {@code Mgdl}), percentages
 * 0–100, times ISO-8601 with the user's offset, values at full precision; a value that cannot be computed is
 * {@code null}.
 */
final class ReportJson {

    static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    private ReportJson() {
    }

    static Map<String, Object> of(Report r) {
        ZoneId zone = r.period().zone();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reportId", r.id().toString());
        m.put("algorithmVersion", r.algorithmVersion());
        m.put("reportVersion", r.reportVersion());
        m.put("generatedAt", time(r.generatedAt(), zone));
        m.put("period", period(r.period()));
        m.put("population", r.population().id());
        m.put("sufficiency", sufficiency(r.sufficiency()));
        m.put("metrics", r.result() == null ? null : metrics(r.result()));
        m.put("targets", r.targets().stream().map(ReportJson::target).toList());
        m.put("agp", agp(r));
        m.put("daily", r.days().stream().map(ReportJson::day).toList());
        m.put("episodes", episodes(r, zone));
        Map<String, Object> cmp = new LinkedHashMap<>();
        cmp.put("period", period(r.comparison().period()));
        cmp.put("sufficiency", sufficiency(r.comparison().sufficiency()));
        cmp.put("metrics", r.comparison().result() == null ? null : metrics(r.comparison().result()));
        cmp.put("change", r.result() == null || r.comparison().result() == null ? null
                : change(r.result(), r.comparison().result()));
        m.put("comparison", cmp);
        return m;
    }

    static String time(Instant t, ZoneId zone) {
        return LOCAL.format(t.atZone(zone));
    }

    /** NaN (not computable) becomes null. */
    static Double num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    private static Map<String, Object> period(ReportPeriod p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", LOCAL.format(p.from()));
        m.put("to", LOCAL.format(p.to()));
        m.put("timeZone", p.zone().getId());
        m.put("firstDay", p.firstDay().toString());
        m.put("lastDay", p.lastDay().toString());
        m.put("days", p.days());
        return m;
    }

    private static Map<String, Object> sufficiency(Report.Sufficiency s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("readings", s.readings());
        m.put("daysWithData", s.daysWithData());
        m.put("elapsedDays", s.elapsedDays());
        m.put("intervalMinutes", s.dt0Minutes());
        m.put("activePercent", s.activePercent());
        m.put("meetsConsensus", s.meetsConsensus());
        m.put("agpCurvesShown", s.meetsConsensus());
        m.put("rule", "AGP curves are drawn when the period has at least 14 days and the sensor was active at least"
                + " 70 % of the elapsed time (Battelino et al., Diabetes Care 2019;42:1593)");
        return m;
    }

    static Map<String, Object> metrics(CgmResult r) {
        GlucoseStatistics s = r.statistics();
        TimeInRanges t = r.timeInRanges();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("readings", s.readings());
        m.put("meanMgdl", num(s.meanMgdl()));
        m.put("meanMmol", num(s.meanMmol()));
        m.put("medianMgdl", num(s.medianMgdl()));
        m.put("minMgdl", num(s.minMgdl()));
        m.put("maxMgdl", num(s.maxMgdl()));
        m.put("sdMgdl", num(s.sdMgdl()));
        m.put("cvPercent", num(s.cvPercent()));
        m.put("gmiPercent", num(s.gmiPercent()));
        m.put("gmiMmolMol", num(s.gmiMmolMol()));
        m.put("ea1cPercent", num(s.ea1cPercent()));
        m.put("jIndex", num(s.jIndex()));
        m.put("timeInRanges", ranges(t));
        Map<String, Object> gri = new LinkedHashMap<>();
        gri.put("value", num(r.gri().gri()));
        gri.put("zone", r.gri().zone() == null ? null : r.gri().zone().name());
        gri.put("hypoComponent", num(r.gri().hypoComponent()));
        gri.put("hyperComponent", num(r.gri().hyperComponent()));
        m.put("gri", gri);
        m.put("lbgi", num(r.risk().lbgi()));
        m.put("hbgi", num(r.risk().hbgi()));
        m.put("adrr", num(r.risk().adrr()));
        m.put("adrrDays", r.risk().adrrDays());
        m.put("conga" + r.variability().congaHours() + "Mgdl", num(r.variability().conga()));
        m.put("moddMgdl", num(r.variability().modd()));
        m.put("mageMgdl", num(r.variability().mage().value()));
        return m;
    }

    private static Map<String, Object> ranges(TimeInRanges t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("veryLowPercent", num(t.veryLowPercent()));
        m.put("lowPercent", num(t.lowPercent()));
        m.put("belowRangePercent", num(t.belowRangePercent()));
        m.put("inRangePercent", num(t.inRangePercent()));
        m.put("tightRangePercent", num(t.tightRangePercent()));
        m.put("highPercent", num(t.highPercent()));
        m.put("veryHighPercent", num(t.veryHighPercent()));
        m.put("aboveRangePercent", num(t.aboveRangePercent()));
        return m;
    }

    private static Map<String, Object> target(Report.TargetResult t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.target().id());
        m.put("lowMgdl", t.target().lowMgdl());
        m.put("highMgdl", t.target().highMgdl());
        m.put("comparison", t.target().comparison().symbol());
        m.put("limitPercent", t.target().limit());
        m.put("valuePercent", num(t.value()));
        m.put("met", t.met());
        return m;
    }

    private static Map<String, Object> agp(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("curvesShown", r.sufficiency().meetsConsensus());
        if (r.result() == null) {
            m.put("binMinutes", null);
            m.put("grid", null);
            m.put("smoothed", null);
            return m;
        }
        m.put("binMinutes", r.result().agp().gridDt0Minutes());
        m.put("grid", bins(r.result().agp().grid()));
        m.put("smoothed", bins(r.agpSmoothed()));
        m.put("smoothing", "triangular moving window of ±" + AgpCurve.HALF_WINDOW_MINUTES
                + " minutes over the grid bins, wrapping at midnight");
        return m;
    }

    /** Percentile bins as parallel arrays. */
    private static Map<String, Object> bins(List<Bin> bins) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minuteOfDay", bins.stream().map(Bin::startMinuteOfDay).toList());
        m.put("values", bins.stream().map(Bin::values).toList());
        m.put("p05", column(bins, Bin::p05));
        m.put("p25", column(bins, Bin::p25));
        m.put("p50", column(bins, Bin::p50));
        m.put("p75", column(bins, Bin::p75));
        m.put("p95", column(bins, Bin::p95));
        return m;
    }

    private static List<Double> column(List<Bin> bins, ToDoubleFunction<Bin> f) {
        List<Double> out = new ArrayList<>(bins.size());
        for (Bin b : bins) {
            out.add(num(f.applyAsDouble(b)));
        }
        return out;
    }

    private static Map<String, Object> day(Report.DayProfile d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", d.date().toString());
        DailySummary s = d.summary();
        m.put("readings", d.readings().size());
        m.put("meanMgdl", s == null ? null : num(s.meanMgdl()));
        m.put("minMgdl", s == null ? null : num(s.minMgdl()));
        m.put("maxMgdl", s == null ? null : num(s.maxMgdl()));
        m.put("inRangePercent", s == null ? null : num(s.ranges().inRangePercent()));
        m.put("belowRangePercent", s == null ? null : num(s.ranges().belowRangePercent()));
        m.put("aboveRangePercent", s == null ? null : num(s.ranges().aboveRangePercent()));
        int[] minutes = new int[d.readings().size()];
        int[] mgdl = new int[d.readings().size()];
        for (int i = 0; i < minutes.length; i++) {
            Reading r = d.readings().get(i);
            minutes[i] = (int) ((r.time().getEpochSecond() - d.start().toEpochSecond()) / 60);
            mgdl[i] = r.mgdl();
        }
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("minuteOfDay", minutes);
        profile.put("mgdl", mgdl);
        m.put("profile", profile);
        return m;
    }

    private static Map<String, Object> episodes(Report r, ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        if (r.result() != null) {
            Episodes e = r.result().episodes();
            summary.put("hypoLevel1", summary(e.lv1Hypo()));
            summary.put("hypoLevel2", summary(e.lv2Hypo()));
            summary.put("hypoExtended", summary(e.extendedHypo()));
            summary.put("hyperLevel1", summary(e.lv1Hyper()));
            summary.put("hyperLevel2", summary(e.lv2Hyper()));
        }
        m.put("summary", summary);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Report.Episode e : r.episodes()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("kind", e.kind());
            x.put("level", e.level());
            x.put("extended", e.extended());
            x.put("start", time(e.start(), zone));
            x.put("end", time(e.end(), zone));
            x.put("durationMinutes", e.durationMinutes());
            x.put("meanMgdl", num(e.meanMgdl()));
            x.put(e.kind().equals("hypo") ? "nadirMgdl" : "peakMgdl", num(e.extremeMgdl()));
            list.add(x);
        }
        m.put("list", list);
        return m;
    }

    private static Map<String, Object> summary(Episodes.EpisodeSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", s.count());
        m.put("perDay", num(s.perDay()));
        m.put("meanDurationMinutes", num(s.meanDurationMinutes()));
        return m;
    }

    private static Map<String, Object> change(CgmResult now, CgmResult before) {
        Map<String, Object> m = new LinkedHashMap<>();
        TimeInRanges a = now.timeInRanges();
        TimeInRanges b = before.timeInRanges();
        m.put("inRangePercent", num(a.inRangePercent() - b.inRangePercent()));
        m.put("belowRangePercent", num(a.belowRangePercent() - b.belowRangePercent()));
        m.put("veryLowPercent", num(a.veryLowPercent() - b.veryLowPercent()));
        m.put("aboveRangePercent", num(a.aboveRangePercent() - b.aboveRangePercent()));
        m.put("veryHighPercent", num(a.veryHighPercent() - b.veryHighPercent()));
        m.put("meanMgdl", num(now.statistics().meanMgdl() - before.statistics().meanMgdl()));
        m.put("gmiPercent", num(now.statistics().gmiPercent() - before.statistics().gmiPercent()));
        m.put("cvPercent", num(now.statistics().cvPercent() - before.statistics().cvPercent()));
        m.put("gri", num(now.gri().gri() - before.gri().gri()));
        return m;
    }
}
