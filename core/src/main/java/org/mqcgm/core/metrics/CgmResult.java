package org.mqcgm.core.metrics;

import org.mqcgm.core.glucose.GlucoseUnit;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link CgmAnalysis#analyze} computes, as immutable values. Units are mg/dL unless a name says
 * otherwise; percentages are 0-100; {@code NaN} marks a value that cannot be computed (R's NA).
 *
 * @param algorithmVersion {@link CgmAnalysis#ALGORITHM_VERSION}
 * @param inputUnit        unit of the source data (values were converted to mg/dL)
 * @param options          options the result was computed with
 * @param preprocessing    cleaning report
 * @param sufficiency      data sufficiency
 * @param statistics       mean, median, SD, CV, GMI, eA1c, J-index
 * @param timeInRanges     consensus ranges
 * @param gri              glycemia risk index
 * @param risk             LBGI, HBGI, ADRR
 * @param variability      CONGA, MODD, MAGE
 * @param episodes         hypo/hyper episodes
 * @param agp              ambulatory glucose profile
 * @param daily            per-day summaries in date order
 */
public record CgmResult(String algorithmVersion,
                        GlucoseUnit inputUnit,
                        CgmOptions options,
                        Preprocessing preprocessing,
                        DataSufficiency sufficiency,
                        GlucoseStatistics statistics,
                        TimeInRanges timeInRanges,
                        GlycemicRiskIndex gri,
                        KovatchevRiskIndices risk,
                        Variability variability,
                        Episodes episodes,
                        AmbulatoryGlucoseProfile agp,
                        List<DailySummary> daily) {

    public CgmResult {
        Objects.requireNonNull(algorithmVersion, "algorithmVersion");
        Objects.requireNonNull(inputUnit, "inputUnit");
        Objects.requireNonNull(options, "options");
        daily = List.copyOf(daily);
    }

    /**
     * The result as nested {@code Map<String, Object>} / {@code List} / {@code String} / {@code Number} /
     * {@code null} values with exactly the sections and field names of the oracle's
     * {@code *.expected.json} ({@code case}, {@code input_unit}, {@code conversion_mg_dl_per_mmol_l},
     * {@code preprocessing}, {@code sufficiency}, {@code metrics}, {@code variability}, {@code episodes},
     * {@code agp}, {@code daily}, {@code tolerances}), in the same key order. {@code NaN} becomes
     * {@code null}. Any JSON writer turns it into a document of the same shape.
     *
     * @param caseName value of the {@code case} field (the oracle uses the CSV file name without
     *                 {@code .csv})
     */
    public Map<String, Object> toExpectedShape(String caseName) {
        return ExpectedShape.of(this, caseName);
    }
}
