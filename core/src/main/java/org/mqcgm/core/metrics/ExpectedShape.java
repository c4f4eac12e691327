package org.mqcgm.core.metrics;

import org.mqcgm.core.glucose.GlucoseUnit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Serializer-free conversion of a {@link CgmResult} into the nested map/list shape of the oracle's
 * {@code expected.json} files (see {@link CgmResult#toExpectedShape(String)}).
 */
final class ExpectedShape {

    private static final DateTimeFormatter UTC_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private ExpectedShape() {
    }

    static Map<String, Object> of(CgmResult r, String caseName) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("case", caseName);
        root.put("input_unit", r.inputUnit().symbol());
        root.put("conversion_mg_dl_per_mmol_l", GlucoseUnit.MGDL_PER_MMOLL);
        root.put("preprocessing", preprocessing(r.preprocessing()));
        root.put("sufficiency", sufficiency(r.sufficiency()));
        root.put("metrics", metrics(r));
        root.put("variability", variability(r.variability()));
        root.put("episodes", episodes(r.episodes()));
        root.put("agp", agp(r.agp()));
        List<Object> daily = new ArrayList<>(r.daily().size());
        for (DailySummary d : r.daily()) {
            daily.add(daily(d));
        }
        root.put("daily", Collections.unmodifiableList(daily));
        root.put("tolerances", tolerances());
        return Collections.unmodifiableMap(root);
    }

    private static Map<String, Object> preprocessing(Preprocessing p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_rows", p.nRows());
        m.put("n_valid_rows", p.nValidRows());
        m.put("n_duplicates_merged", p.nDuplicatesMerged());
        m.put("first_utc", format(p.first()));
        m.put("last_utc", format(p.last()));
        return Collections.unmodifiableMap(m);
    }

    private static String format(Instant t) {
        return UTC_SECONDS.format(t);
    }

    private static Map<String, Object> sufficiency(DataSufficiency s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dt0_min", s.dt0Minutes());
        m.put("span_days", num(s.spanDays()));
        m.put("active_percent_iglu", num(s.activePercentIglu()));
        m.put("percent_of_14d_expected", num(s.percentOf14dExpected()));
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Object> metrics(CgmResult r) {
        GlucoseStatistics s = r.statistics();
        TimeInRanges t = r.timeInRanges();
        GlycemicRiskIndex g = r.gri();
        KovatchevRiskIndices k = r.risk();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_readings", s.readings());
        m.put("mean_mg_dl", num(s.meanMgdl()));
        m.put("mean_mmol_l", num(s.meanMmol()));
        m.put("median_mg_dl", num(s.medianMgdl()));
        m.put("min_mg_dl", num(s.minMgdl()));
        m.put("max_mg_dl", num(s.maxMgdl()));
        m.put("sd_mg_dl", num(s.sdMgdl()));
        m.put("sd_mmol_l", num(s.sdMmol()));
        m.put("cv_percent", num(s.cvPercent()));
        m.put("tbr_lt54", num(t.veryLowPercent()));
        m.put("tbr_54_69", num(t.lowPercent()));
        m.put("tbr_lt70", num(t.belowRangePercent()));
        m.put("tir_70_180", num(t.inRangePercent()));
        m.put("titr_70_140", num(t.tightRangePercent()));
        m.put("tar_181_250", num(t.highPercent()));
        m.put("tar_gt250", num(t.veryHighPercent()));
        m.put("tar_gt180", num(t.aboveRangePercent()));
        m.put("gmi_percent", num(s.gmiPercent()));
        m.put("gmi_mmol_mol", num(s.gmiMmolMol()));
        m.put("ea1c_percent", num(s.ea1cPercent()));
        m.put("gri_hypo_component", num(g.hypoComponent()));
        m.put("gri_hyper_component", num(g.hyperComponent()));
        m.put("gri", num(g.gri()));
        m.put("lbgi", num(k.lbgi()));
        m.put("hbgi", num(k.hbgi()));
        m.put("adrr", num(k.adrr()));
        m.put("adrr_days", k.adrrDays());
        m.put("j_index", num(s.jIndex()));
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Object> variability(Variability v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("grid_dt0_min", v.gridDt0Minutes());
        m.put("grid_ndays", v.gridDays());
        m.put("inter_gap_min", num(v.interGapMinutes()));
        m.put("conga" + v.congaHours(), num(v.conga()));
        m.put("modd", num(v.modd()));
        m.put("mage_ma", num(v.mage().value()));
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Object> episodes(Episodes e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lv1_hypo", episodeSummary(e.lv1Hypo()));
        m.put("lv2_hypo", episodeSummary(e.lv2Hypo()));
        m.put("lv1_hyper", episodeSummary(e.lv1Hyper()));
        m.put("lv2_hyper", episodeSummary(e.lv2Hyper()));
        m.put("ext_hypo", episodeSummary(e.extendedHypo()));
        m.put("lv1_hypo_excl", Map.of("count", e.lv1HypoExclusive().count()));
        m.put("lv1_hyper_excl", Map.of("count", e.lv1HyperExclusive().count()));
        m.put("grid_dt0_min", e.gridDt0Minutes());
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Object> episodeSummary(Episodes.EpisodeSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", s.count());
        m.put("per_day", num(s.perDay()));
        m.put("mean_duration_min", num(s.meanDurationMinutes()));
        m.put("mean_glucose", num(s.meanGlucose()));
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Object> agp(AmbulatoryGlucoseProfile a) {
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("dt0_min", a.gridDt0Minutes());
        List<Object> minutes = new ArrayList<>(a.grid().size());
        for (AmbulatoryGlucoseProfile.Bin b : a.grid()) {
            minutes.add(b.startMinuteOfDay());
        }
        grid.put("minute_of_day", Collections.unmodifiableList(minutes));
        putPercentiles(grid, a.grid());
        Map<String, Object> hourly = new LinkedHashMap<>();
        List<Object> hours = new ArrayList<>(a.hourlyRaw().size());
        for (AmbulatoryGlucoseProfile.Bin b : a.hourlyRaw()) {
            hours.add(b.startMinuteOfDay() / 60);
        }
        hourly.put("hour", Collections.unmodifiableList(hours));
        putPercentiles(hourly, a.hourlyRaw());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("grid", Collections.unmodifiableMap(grid));
        m.put("hourly_raw", Collections.unmodifiableMap(hourly));
        return Collections.unmodifiableMap(m);
    }

    private static void putPercentiles(Map<String, Object> m, List<AmbulatoryGlucoseProfile.Bin> bins) {
        m.put("p05", column(bins, AmbulatoryGlucoseProfile.Bin::p05));
        m.put("p25", column(bins, AmbulatoryGlucoseProfile.Bin::p25));
        m.put("p50", column(bins, AmbulatoryGlucoseProfile.Bin::p50));
        m.put("p75", column(bins, AmbulatoryGlucoseProfile.Bin::p75));
        m.put("p95", column(bins, AmbulatoryGlucoseProfile.Bin::p95));
    }

    private static List<Object> column(List<AmbulatoryGlucoseProfile.Bin> bins,
                                       ToDoubleFunction<AmbulatoryGlucoseProfile.Bin> f) {
        List<Object> out = new ArrayList<>(bins.size());
        for (AmbulatoryGlucoseProfile.Bin b : bins) {
            out.add(num(f.applyAsDouble(b)));
        }
        return Collections.unmodifiableList(out);
    }

    private static Map<String, Object> daily(DailySummary d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", d.date().toString());
        m.put("n", d.readings());
        m.put("mean", num(d.meanMgdl()));
        m.put("min", num(d.minMgdl()));
        m.put("max", num(d.maxMgdl()));
        m.put("tir_70_180", num(d.ranges().inRangePercent()));
        m.put("tbr_lt70", num(d.ranges().belowRangePercent()));
        m.put("tar_gt180", num(d.ranges().aboveRangePercent()));
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Object> tolerances() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("percent_abs", 1e-9);
        m.put("summary_rel", 1e-9);
        m.put("risk_indices_rel", 1e-9);
        m.put("conga_modd_abs", 1e-6);
        m.put("agp_abs", 1e-6);
        m.put("mage_abs", 1e-6);
        m.put("episode_counts", 0);
        return Collections.unmodifiableMap(m);
    }

    /** {@code NaN} (R's NA) becomes {@code null}; everything else stays a {@link Double}. */
    private static Double num(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
