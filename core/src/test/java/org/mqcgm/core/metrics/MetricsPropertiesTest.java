package org.mqcgm.core.metrics;

import org.mqcgm.core.glucose.GlucoseUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Invariants that must hold for any trace, checked on seeded random traces (plain JUnit loops, no
 * property-testing library).
 */
class MetricsPropertiesTest {

    private static final long SEED = 20240304L;
    private static final int ROUNDS = 40;

    @Test
    void fiveBandsSumToOneHundred() {
        Random rnd = new Random(SEED);
        for (int round = 0; round < ROUNDS; round++) {
            CgmResult r = CgmAnalysis.analyze(Traces.random(rnd, 1 + rnd.nextInt(6)), CgmOptions.reference());
            TimeInRanges t = r.timeInRanges();
            assertThat(t.fiveBandSum()).as("round %d", round).isCloseTo(100.0, within(1e-9));
            assertThat(t.belowRangePercent()).isCloseTo(t.veryLowPercent() + t.lowPercent(), within(1e-9));
            assertThat(t.aboveRangePercent()).isCloseTo(t.highPercent() + t.veryHighPercent(), within(1e-9));
            for (DailySummary d : r.daily()) {
                assertThat(d.ranges().fiveBandSum()).isCloseTo(100.0, within(1e-9));
            }
        }
    }

    @Test
    void timeWeightedBandsAlsoSumToOneHundred() {
        Random rnd = new Random(SEED + 1);
        CgmOptions weighted = CgmOptions.reference().withRangeBasis(TimeInRanges.Basis.TIME_WEIGHTED);
        for (int round = 0; round < ROUNDS / 4; round++) {
            TimeInRanges t = CgmAnalysis.analyze(Traces.random(rnd, 3), weighted).timeInRanges();
            assertThat(t.basis()).isEqualTo(TimeInRanges.Basis.TIME_WEIGHTED);
            assertThat(t.fiveBandSum()).isCloseTo(100.0, within(1e-9));
        }
    }

    @Test
    void resultsDoNotChangeWhenInputOrderIsShuffled() {
        Random rnd = new Random(SEED + 2);
        for (int round = 0; round < ROUNDS / 4; round++) {
            List<GlucoseSample> samples = Traces.random(rnd, 2 + rnd.nextInt(4));
            Map<String, Object> sorted = CgmAnalysis.analyze(samples, CgmOptions.reference()).toExpectedShape("x");
            List<GlucoseSample> shuffled = new ArrayList<>(samples);
            Collections.shuffle(shuffled, rnd);
            Map<String, Object> fromShuffled = CgmAnalysis.analyze(shuffled, CgmOptions.reference())
                    .toExpectedShape("x");
            assertThat(Traces.differences(sorted, fromShuffled)).as("round %d", round).isEmpty();
        }
    }

    @Test
    void resultsDoNotChangeWhenExactDuplicatesAreAdded() {
        Random rnd = new Random(SEED + 3);
        for (int round = 0; round < ROUNDS / 4; round++) {
            List<GlucoseSample> samples = Traces.random(rnd, 2 + rnd.nextInt(4));
            CgmResult original = CgmAnalysis.analyze(samples, CgmOptions.reference());
            List<GlucoseSample> withDuplicates = new ArrayList<>(samples);
            int extra = 1 + rnd.nextInt(50);
            for (int k = 0; k < extra; k++) {
                withDuplicates.add(samples.get(rnd.nextInt(samples.size())));
            }
            Collections.shuffle(withDuplicates, rnd);
            CgmResult duplicated = CgmAnalysis.analyze(withDuplicates, CgmOptions.reference());

            assertThat(duplicated.preprocessing().nDuplicatesMerged()).isEqualTo(extra);
            assertThat(duplicated.preprocessing().nReadings()).isEqualTo(samples.size());
            assertThat(Traces.differences(withoutRowCounts(original), withoutRowCounts(duplicated)))
                    .as("round %d", round).isEmpty();
        }
    }

    private static Map<String, Object> withoutRowCounts(CgmResult r) {
        Map<String, Object> shape = new LinkedHashMap<>(r.toExpectedShape("x"));
        Map<String, Object> pre = new LinkedHashMap<>(castMap(shape.get("preprocessing")));
        pre.remove("n_rows");
        pre.remove("n_valid_rows");
        pre.remove("n_duplicates_merged");
        shape.put("preprocessing", pre);
        return shape;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void duplicateTimestampsAreAveraged() {
        Instant t = Traces.MONDAY;
        List<GlucoseSample> samples = List.of(
                new GlucoseSample(t, 100),
                new GlucoseSample(t.plusMillis(400), 120), // same second
                new GlucoseSample(t.plusSeconds(300), 90),
                new GlucoseSample(t.plusSeconds(300), 91),
                new GlucoseSample(t.plusSeconds(300), 95),
                new GlucoseSample(t.plusSeconds(600), 80));
        CgmResult r = CgmAnalysis.analyze(samples, CgmOptions.reference());

        assertThat(r.preprocessing().nRows()).isEqualTo(6);
        assertThat(r.preprocessing().nValidRows()).isEqualTo(6);
        assertThat(r.preprocessing().nDuplicatesMerged()).isEqualTo(3);
        assertThat(r.statistics().readings()).isEqualTo(3);
        assertThat(r.statistics().maxMgdl()).isEqualTo(110.0);
        assertThat(r.statistics().medianMgdl()).isEqualTo(92.0);
        assertThat(r.statistics().meanMgdl()).isCloseTo((110 + 92 + 80) / 3.0, within(1e-12));
    }

    @Test
    void invalidValuesAreCountedButNotUsed() {
        Instant t = Traces.MONDAY;
        List<GlucoseSample> samples = List.of(new GlucoseSample(t, 100), new GlucoseSample(t.plusSeconds(300), Double.NaN),
                new GlucoseSample(t.plusSeconds(600), -5), new GlucoseSample(t.plusSeconds(900), 110));
        Preprocessing p = CgmAnalysis.analyze(samples, CgmOptions.reference()).preprocessing();
        assertThat(p.nRows()).isEqualTo(4);
        assertThat(p.nValidRows()).isEqualTo(2);
        assertThat(p.first()).isEqualTo(t);
        assertThat(p.last()).isEqualTo(t.plusSeconds(900));
    }

    @Test
    void mgdlAndMmolRoundTrip() {
        Random rnd = new Random(SEED + 4);
        for (int k = 0; k < 10_000; k++) {
            double mgdl = 20 + rnd.nextDouble() * 600;
            double back = GlucoseUnit.MMOL_L.toMgdl(GlucoseUnit.MMOL_L.fromMgdl(mgdl));
            assertThat(back).isCloseTo(mgdl, within(Math.ulp(mgdl) * 2));
            double mmol = 1 + rnd.nextDouble() * 30;
            assertThat(GlucoseUnit.MMOL_L.fromMgdl(GlucoseUnit.MMOL_L.toMgdl(mmol))).isCloseTo(mmol, within(Math.ulp(mmol) * 2));
            assertThat(GlucoseUnit.MG_DL.toMgdl(mgdl)).isEqualTo(mgdl);
        }
        assertThat(GlucoseUnit.MMOL_L.toMgdl(10.0)).isCloseTo(180.182, within(1e-12));
    }

    @Test
    void mmolSummariesAreTheMgdlValuesDividedByTheFactor() {
        CgmResult r = CgmAnalysis.analyze(Traces.random(new Random(SEED + 5), 3), CgmOptions.reference());
        GlucoseStatistics s = r.statistics();
        assertThat(s.meanMmol() * GlucoseUnit.MGDL_PER_MMOLL).isCloseTo(s.meanMgdl(), within(1e-9));
        assertThat(s.sdMmol() * GlucoseUnit.MGDL_PER_MMOLL).isCloseTo(s.sdMgdl(), within(1e-9));
        assertThat(s.gmiMmolMol()).isCloseTo(12.71 + 4.70587 * s.meanMmol(), within(1e-9));
    }

    @Test
    void constantTraceHasZeroSdAndNoMageExcursions() {
        List<GlucoseSample> flat = Traces.regular(Traces.MONDAY.plusSeconds(60), 5, Traces.repeat(120, 3 * 288));
        CgmResult r = CgmAnalysis.analyze(flat, CgmOptions.reference());

        assertThat(r.statistics().sdMgdl()).isZero();
        assertThat(r.statistics().cvPercent()).isZero();
        assertThat(r.statistics().jIndex()).isCloseTo(0.001 * 120 * 120, within(1e-12));
        assertThat(r.variability().conga()).isZero();
        assertThat(r.variability().modd()).isZero();
        assertThat(r.variability().mage().value()).isNaN();
        assertThat(r.variability().mage().segments()).allSatisfy(s -> {
            assertThat(s.plusExcursions()).isZero();
            assertThat(s.minusExcursions()).isZero();
        });
        assertThat(r.timeInRanges().inRangePercent()).isEqualTo(100.0);
        assertThat(r.episodes().lv1Hypo().count()).isZero();
        assertThat(r.episodes().lv1Hyper().count()).isZero();
        assertThat(r.gri().gri()).isZero();
        assertThat(r.gri().zone()).isEqualTo(GlycemicRiskIndex.Zone.A);
    }

    @Test
    void riskIndicesSplitAtTheSymmetrisationZero() {
        // f(BG) changes sign near 112.5 mg/dL: readings below only add to LBGI, readings above only to HBGI
        List<GlucoseSample> low = Traces.regular(Traces.MONDAY, 5, Traces.repeat(80, 20));
        List<GlucoseSample> high = Traces.regular(Traces.MONDAY, 5, Traces.repeat(200, 20));
        KovatchevRiskIndices lo = CgmAnalysis.analyze(low, CgmOptions.reference()).risk();
        KovatchevRiskIndices hi = CgmAnalysis.analyze(high, CgmOptions.reference()).risk();
        assertThat(lo.hbgi()).isZero();
        assertThat(lo.lbgi()).isPositive();
        assertThat(hi.lbgi()).isZero();
        assertThat(hi.hbgi()).isPositive();
        assertThat(KovatchevRiskIndices.symmetrized(112.0)).isNegative();
        assertThat(KovatchevRiskIndices.symmetrized(113.0)).isPositive();
    }
}
