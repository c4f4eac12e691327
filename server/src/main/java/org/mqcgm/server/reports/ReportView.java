package org.mqcgm.server.reports;

import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.metrics.CgmResult;
import org.mqcgm.core.metrics.Episodes;
import org.mqcgm.core.metrics.GlucoseStatistics;
import org.mqcgm.core.metrics.TimeInRanges;
import org.mqcgm.server.platform.web.Messages;

/**
 * What the web page and the PDF show of a report, formatted for one language and unit: glucose in mg/dL as whole
 * numbers or in mmol/L with one decimal, percentages with one decimal ({@link #pct}), times of day local.
 *
 * @param title         page title
 * @param periodLabel   "first day – last day (n days)"
 * @param unit          the unit symbol
 * @param hasData       false when the period has no readings (then only the notices and the days are filled)
 * @param sufficient    true when the data meet the consensus minimum (and the AGP curves are drawn)
 * @param stats         glucose statistics
 * @param targetsTitle  heading of the targets, naming the population
 * @param targets       the population's targets with the values reached
 * @param bands         the five time-in-range bands, very high first
 * @param tirBarSvg     the stacked bar
 * @param agpSvg        the AGP chart
 * @param days          the daily profiles
 * @param daysNote      a note when only the last days are shown (PDF), else empty
 * @param episodes      the episode summary
 * @param previousLabel the previous period
 * @param comparison    this period against the previous one (empty when either has no data)
 * @param footer        algorithm and report versions
 */
public record ReportView(String title, String periodLabel, String unit, boolean hasData, boolean sufficient,
                         List<Stat> stats, String targetsTitle, List<TargetRow> targets, List<Band> bands,
                         String tirBarSvg, String agpSvg, List<DayCell> days, String daysNote,
                         List<EpisodeRow> episodes, String previousLabel, List<CompareRow> comparison,
                         String footer) {

    /** One statistic: label, formatted value, unit (may be empty), a note (may be empty), a test id. */
    public record Stat(String label, String value, String unit, String note, String testId) {
    }

    public record TargetRow(String label, String goal, String value, boolean met, String metText, String testId) {
    }

    /** A time-in-range band: CSS class, label, percent, time per day. */
    public record Band(String cls, String label, String pct, String perDay, String testId) {
    }

    public record DayCell(String date, String weekday, String tir, String svg, boolean hasData) {
    }

    public record EpisodeRow(String label, String count, String perDay, String duration, String testId) {
    }

    public record CompareRow(String label, String now, String before, String change) {
    }

    /** Percent with one decimal, the format of every percentage on the page and in the PDF. */
    public static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Glucose in the display unit: whole mg/dL, or mmol/L with one decimal. */
    public static String glucose(double mgdl, GlucoseUnit unit) {
        if (Double.isNaN(mgdl)) {
            return "–";
        }
        return unit == GlucoseUnit.MG_DL ? String.format(Locale.ROOT, "%.0f", mgdl)
                : String.format(Locale.ROOT, "%.1f", mgdl / GlucoseUnit.MGDL_PER_MMOLL);
    }

    private static String signed(String formatted, double v) {
        return v > 0 && !formatted.startsWith("-") ? "+" + formatted : formatted;
    }

    /**
     * @param maxDays at most this many days (the last ones) are drawn as daily profiles
     */
    static ReportView of(Report r, Messages msg, GlucoseUnit unit, ReportCharts charts, int maxDays) {
        String u = unit.symbol();
        String periodLabel = msg.t("reports.period", r.period().firstDay().toString(), r.period().lastDay().toString(),
                days(r.period().days()));
        Report.Sufficiency suff = r.sufficiency();
        List<Stat> stats = new ArrayList<>();
        stats.add(new Stat(msg.t("reports.stats.active"), pct(suff.activePercent()), "%", "", "stat-active"));
        stats.add(new Stat(msg.t("reports.stats.days"), Integer.toString(suff.daysWithData()), "", "", "stat-days"));
        stats.add(new Stat(msg.t("reports.stats.readings"), Integer.toString(suff.readings()), "", "", "stat-readings"));
        List<TargetRow> targets = new ArrayList<>();
        List<Band> bands = new ArrayList<>();
        List<EpisodeRow> episodes = new ArrayList<>();
        List<CompareRow> comparison = new ArrayList<>();
        String tirBar = "";
        CgmResult res = r.result();
        if (res != null) {
            GlucoseStatistics s = res.statistics();
            stats.add(new Stat(msg.t("reports.stats.mean"), glucose(s.meanMgdl(), unit), u, "", "stat-mean"));
            stats.add(new Stat(msg.t("reports.stats.gmi"), pct(s.gmiPercent()), "%",
                    String.format(Locale.ROOT, "%.0f mmol/mol", s.gmiMmolMol()), "stat-gmi"));
            stats.add(new Stat(msg.t("reports.stats.cv"), pct(s.cvPercent()), "%", msg.t("reports.stats.cvNote"),
                    "stat-cv"));
            stats.add(new Stat(msg.t("reports.stats.sd"), glucose(s.sdMgdl(), unit), u, "", "stat-sd"));
            stats.add(new Stat(msg.t("reports.stats.gri"), pct(res.gri().gri()), "",
                    res.gri().zone() == null ? "" : msg.t("reports.stats.griZone", res.gri().zone().name()), "stat-gri"));
            stats.add(new Stat(msg.t("reports.stats.risk"), String.format(Locale.ROOT, "%.1f / %.1f",
                    res.risk().lbgi(), res.risk().hbgi()), "", "", "stat-risk"));
            stats.add(new Stat(msg.t("reports.stats.mage"), glucose(res.variability().mage().value(), unit), u, "",
                    "stat-mage"));
            for (Report.TargetResult t : r.targets()) {
                targets.add(targetRow(t, msg, unit));
            }
            TimeInRanges t = res.timeInRanges();
            bands.add(band("vhigh", msg.t("reports.tir.vhigh", unit.format(250), u), t.veryHighPercent(), msg));
            // 181 mg/dL reads 10.0 mmol/L; the consensus writes the high band as 10.1–13.9 mmol/L.
            String highFrom = unit == GlucoseUnit.MG_DL ? unit.format(181) : "10.1";
            bands.add(band("high", msg.t("reports.tir.high", highFrom, unit.format(250), u), t.highPercent(), msg));
            bands.add(band("inrange", msg.t("reports.tir.inrange", unit.format(70), unit.format(180), u),
                    t.inRangePercent(), msg));
            bands.add(band("low", msg.t("reports.tir.low", unit.format(54), unit.format(69), u), t.lowPercent(), msg));
            bands.add(band("vlow", msg.t("reports.tir.vlow", unit.format(54), u), t.veryLowPercent(), msg));
            tirBar = charts.timeInRangesBar(t, msg.t("reports.tir.title"));
            Episodes e = res.episodes();
            episodes.add(episodeRow(msg.t("reports.episodes.hypo1", unit.format(70), u), e.lv1Hypo(), "episodes-hypo1"));
            episodes.add(episodeRow(msg.t("reports.episodes.hypo2", unit.format(54), u), e.lv2Hypo(), "episodes-hypo2"));
            episodes.add(episodeRow(msg.t("reports.episodes.hypoExt", unit.format(70), u), e.extendedHypo(),
                    "episodes-hypo-extended"));
            episodes.add(episodeRow(msg.t("reports.episodes.hyper1", unit.format(180), u), e.lv1Hyper(),
                    "episodes-hyper1"));
            episodes.add(episodeRow(msg.t("reports.episodes.hyper2", unit.format(250), u), e.lv2Hyper(),
                    "episodes-hyper2"));
            CgmResult prev = r.comparison().result();
            if (prev != null) {
                comparison.add(comparePct(msg.t("reports.tir.inrange", unit.format(70), unit.format(180), u),
                        t.inRangePercent(), prev.timeInRanges().inRangePercent()));
                comparePct(comparison, msg.t("reports.target.belowRange", unit.format(70), u), t.belowRangePercent(),
                        prev.timeInRanges().belowRangePercent());
                comparePct(comparison, msg.t("reports.target.aboveRange", unit.format(180), u), t.aboveRangePercent(),
                        prev.timeInRanges().aboveRangePercent());
                String meanNow = glucose(s.meanMgdl(), unit);
                String meanBefore = glucose(prev.statistics().meanMgdl(), unit);
                comparison.add(new CompareRow(msg.t("reports.stats.mean") + " (" + u + ")", meanNow, meanBefore,
                        signed(glucose(s.meanMgdl() - prev.statistics().meanMgdl(), unit),
                                s.meanMgdl() - prev.statistics().meanMgdl())));
                comparePct(comparison, msg.t("reports.stats.gmi") + " (%)", s.gmiPercent(),
                        prev.statistics().gmiPercent());
                comparePct(comparison, msg.t("reports.stats.cv") + " (%)", s.cvPercent(), prev.statistics().cvPercent());
                comparePct(comparison, msg.t("reports.stats.gri"), res.gri().gri(), prev.gri().gri());
            }
        }
        String agp = charts.agp(r.agpSmoothed(), suff.meetsConsensus() && res != null, unit, msg.t("reports.agp.title"));
        List<Report.DayProfile> shown = r.days().size() > maxDays ? r.days().subList(r.days().size() - maxDays,
                r.days().size()) : r.days();
        List<DayCell> days = new ArrayList<>();
        for (Report.DayProfile d : shown) {
            days.add(new DayCell(d.date().toString().substring(5), weekday(d.date(), msg),
                    d.summary() == null ? msg.t("reports.daily.noData") : pct(d.summary().ranges().inRangePercent()) + " %",
                    charts.day(d, d.date().toString()), d.summary() != null));
        }
        String daysNote = shown.size() < r.days().size() ? msg.t("reports.daily.lastDays", shown.size()) : "";
        String previousLabel = msg.t("reports.compare.period", r.comparison().period().firstDay().toString(),
                r.comparison().period().lastDay().toString());
        String population = msg.t("reports.population." + r.population().id());
        return new ReportView(msg.t("reports.title"), periodLabel, u, res != null, suff.meetsConsensus(), stats,
                msg.t("reports.targets.title", population), targets, bands, tirBar, agp, days, daysNote, episodes,
                previousLabel, comparison, footer(msg, r.algorithmVersion(), r.reportVersion()));
    }

    /**
     * The footer in the page's language: each version's identifier (e.g. {@code mqcgm-report/1.0}) with its
     * description from the messages; in English it reads exactly as the version strings stored with the report.
     */
    static String footer(Messages msg, String algorithmVersion, String reportVersion) {
        return msg.t("reports.footer", versionId(algorithmVersion), msg.t("reports.version.algorithm"),
                versionId(reportVersion), msg.t("reports.version.report"));
    }

    /** A version string up to its parenthesised description. */
    static String versionId(String version) {
        int i = version.indexOf(" (");
        return i < 0 ? version : version.substring(0, i);
    }

    static String days(double days) {
        return days == Math.rint(days) ? Long.toString((long) days) : String.format(Locale.ROOT, "%.1f", days);
    }

    private static String weekday(LocalDate date, Messages msg) {
        return date.getDayOfWeek().getDisplayName(TextStyle.SHORT, msg.language().locale());
    }

    private static TargetRow targetRow(Report.TargetResult t, Messages msg, GlucoseUnit unit) {
        Population.Target target = t.target();
        String u = unit.symbol();
        String label = switch (target.id()) {
            case "inRange" -> msg.t("reports.target.inRange", unit.format(target.lowMgdl()),
                    unit.format(target.highMgdl()), u);
            case "belowRange", "veryLow" -> msg.t("reports.target." + target.id(), unit.format(target.highMgdl()), u);
            case "aboveRange", "veryHigh" -> msg.t("reports.target." + target.id(), unit.format(target.lowMgdl()), u);
            default -> msg.t("reports.target.cv");
        };
        String goal = msg.t("reports.target.goal." + target.comparison().name(),
                String.format(Locale.ROOT, "%.0f", target.limit()));
        return new TargetRow(label, goal, pct(t.value()), t.met(),
                msg.t(t.met() ? "reports.target.met" : "reports.target.missed"), "target-" + target.id());
    }

    private static Band band(String cls, String label, double pct, Messages msg) {
        long minutes = Double.isNaN(pct) ? 0 : Math.round(pct / 100 * 1440);
        return new Band(cls, label, pct(pct), msg.t("reports.tir.perDay", Long.toString(minutes / 60),
                Long.toString(minutes % 60)), "tir-" + cls);
    }

    private static EpisodeRow episodeRow(String label, Episodes.EpisodeSummary s, String testId) {
        return new EpisodeRow(label, Integer.toString(s.count()), String.format(Locale.ROOT, "%.2f", s.perDay()),
                Double.isNaN(s.meanDurationMinutes()) ? "–"
                        : String.format(Locale.ROOT, "%.0f", s.meanDurationMinutes()), testId);
    }

    private static CompareRow comparePct(String label, double now, double before) {
        return new CompareRow(label, pct(now), pct(before), signed(pct(now - before), now - before));
    }

    private static void comparePct(List<CompareRow> rows, String label, double now, double before) {
        rows.add(comparePct(label, now, before));
    }
}
