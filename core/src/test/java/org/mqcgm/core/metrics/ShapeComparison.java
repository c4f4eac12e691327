package org.mqcgm.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Walks an oracle {@code expected.json} tree generically and compares every leaf with the corresponding
 * value of {@link CgmResult#toExpectedShape(String)}, so no field can be forgotten. Tolerances are those
 * stated in the spec ("Tolerances in expected.json"); fields the spec does not list are compared with
 * the strictest stated relative tolerance (1e-9), integer fields exactly.
 */
final class ShapeComparison {

    /** Tolerance class of a leaf. */
    enum Tolerance {
        EXACT, PERCENT_ABS_1E9, REL_1E9, ABS_1E6
    }

    private static final Pattern PERCENT = Pattern.compile(
            "(tbr_.*|tir_.*|titr_.*|tar_.*|active_percent_iglu|percent_of_14d_expected|gri_hypo_component"
                    + "|gri_hyper_component)");
    private static final Pattern SUMMARY_REL = Pattern.compile(
            "(mean_mg_dl|mean_mmol_l|sd_mg_dl|sd_mmol_l|cv_percent|gmi_percent|gmi_mmol_mol|ea1c_percent|gri|lbgi"
                    + "|hbgi|adrr|j_index)");
    private static final Pattern EXACT = Pattern.compile(
            "(count|n|n_.*|adrr_days|dt0_min|grid_dt0_min|grid_ndays|hour|minute_of_day|episode_counts)");

    private final List<String> mismatches = new ArrayList<>();
    private int leaves;

    static Tolerance toleranceFor(String path, String key) {
        if (path.startsWith("agp.") || path.startsWith("variability.conga") || path.equals("variability.modd")
                || path.equals("variability.mage_ma")) {
            return EXACT.matcher(key).matches() ? Tolerance.EXACT : Tolerance.ABS_1E6;
        }
        if (EXACT.matcher(key).matches()) {
            return Tolerance.EXACT;
        }
        if (PERCENT.matcher(key).matches()) {
            return Tolerance.PERCENT_ABS_1E9;
        }
        if (SUMMARY_REL.matcher(key).matches()) {
            return Tolerance.REL_1E9;
        }
        return Tolerance.REL_1E9;
    }

    /** Compares and returns the list of mismatch descriptions (empty = all equal). */
    static ShapeComparison compare(JsonNode expected, Object actual) {
        ShapeComparison c = new ShapeComparison();
        c.walk("", "", expected, actual);
        return c;
    }

    List<String> mismatches() {
        return mismatches;
    }

    int leaves() {
        return leaves;
    }

    private void walk(String path, String key, JsonNode e, Object a) {
        if (e.isObject()) {
            if (!(a instanceof Map<?, ?> map)) {
                mismatches.add(path + ": expected object, got " + describe(a));
                return;
            }
            List<String> seen = new ArrayList<>();
            for (Map.Entry<String, JsonNode> f : e.properties()) {
                seen.add(f.getKey());
                String p = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
                if (!map.containsKey(f.getKey())) {
                    mismatches.add(p + ": missing in result");
                    continue;
                }
                walk(p, f.getKey(), f.getValue(), map.get(f.getKey()));
            }
            for (Object k : map.keySet()) {
                if (!seen.contains(k)) {
                    mismatches.add((path.isEmpty() ? "" : path + ".") + k + ": not in expected.json");
                }
            }
            if (!new ArrayList<>(map.keySet()).equals(seen)) {
                mismatches.add(path + ": key order differs: " + map.keySet() + " vs " + seen);
            }
            return;
        }
        if (e.isArray()) {
            if (!(a instanceof List<?> list)) {
                mismatches.add(path + ": expected array, got " + describe(a));
                return;
            }
            if (list.size() != e.size()) {
                mismatches.add(path + ": length " + list.size() + " != expected " + e.size());
                return;
            }
            for (int i = 0; i < e.size(); i++) {
                walk(path + "[" + i + "]", key, e.get(i), list.get(i));
            }
            return;
        }
        leaves++;
        if (e.isNull()) {
            if (a != null && !(a instanceof Double d && d.isNaN())) {
                mismatches.add(path + ": expected null (NA), got " + a);
            }
            return;
        }
        if (e.isTextual()) {
            if (!e.asText().equals(a)) {
                mismatches.add(path + ": expected \"" + e.asText() + "\", got " + describe(a));
            }
            return;
        }
        if (e.isNumber()) {
            if (!(a instanceof Number n)) {
                mismatches.add(path + ": expected " + e + ", got " + describe(a));
                return;
            }
            double ev = e.asDouble();
            double av = n.doubleValue();
            Tolerance tol = toleranceFor(path, key);
            boolean ok = switch (tol) {
                case EXACT -> ev == av;
                case PERCENT_ABS_1E9 -> Math.abs(av - ev) <= 1e-9;
                case ABS_1E6 -> Math.abs(av - ev) <= 1e-6;
                case REL_1E9 -> av == ev || Math.abs(av - ev) <= 1e-9 * Math.abs(ev);
            };
            if (!ok) {
                mismatches.add(String.format("%s: expected %s, got %.17g (diff %.3g, %s)", path, e, av, av - ev, tol));
            }
            return;
        }
        mismatches.add(path + ": unsupported expected node " + e);
    }

    private static String describe(Object a) {
        return a == null ? "null" : a.getClass().getSimpleName() + " " + a;
    }
}
