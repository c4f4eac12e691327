package org.mqcgm.core.metrics;

import org.mqcgm.core.glucose.GlucoseUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The documented non-reference options (A2, A7, A13, A15, A17) and their effect. */
class ReferenceChoicesTest {

    @Test
    void tenMmolPerLitreIsAboveRangeInReferenceModeButInRangeWithMmolThresholds() {
        List<GlucoseSample> s = Traces.regular(Traces.MONDAY, 5, Traces.repeat(GlucoseUnit.MMOL_L.toMgdl(10.0), 12));
        assertThat(CgmAnalysis.analyze(s, CgmOptions.reference()).timeInRanges().aboveRangePercent())
                .as("10.0 mmol/L = 180.18 mg/dL > 180").isEqualTo(100.0);
        CgmOptions mmol = CgmOptions.reference().withThresholds(RangeThresholds.consensusMmolRounded());
        assertThat(CgmAnalysis.analyze(s, mmol).timeInRanges().inRangePercent()).isEqualTo(100.0);
    }

    @Test
    void nonIntegerValuesBetween180And181CountAsAboveRange() {
        List<GlucoseSample> s = Traces.regular(Traces.MONDAY, 5, 180.0, 180.5, 181.0, 250.0, 250.5);
        TimeInRanges t = CgmAnalysis.analyze(s, CgmOptions.reference()).timeInRanges();
        assertThat(t.inRangePercent()).isEqualTo(20.0);
        assertThat(t.highPercent()).isEqualTo(60.0);
        assertThat(t.veryHighPercent()).isEqualTo(20.0);
    }

    @Test
    void timeWeightedRangesEqualCountBasedForRegularSampling() throws Exception {
        CgmRecording rec = OracleVectorsTest.readCase("c1_t1d_5min");
        TimeInRanges counted = CgmAnalysis.analyze(rec, CgmOptions.reference()).timeInRanges();
        TimeInRanges weighted = CgmAnalysis.analyze(rec,
                CgmOptions.reference().withRangeBasis(TimeInRanges.Basis.TIME_WEIGHTED)).timeInRanges();
        assertThat(weighted.inRangePercent()).isCloseTo(counted.inRangePercent(), within(1e-9));
        assertThat(weighted.veryLowPercent()).isCloseTo(counted.veryLowPercent(), within(1e-9));
    }

    @Test
    void timeWeightingDoesNotOvercountBurstsOfReadings() {
        // 12 readings at 60 mg/dL one minute apart (a burst), then 24 readings at 100 mg/dL five minutes
        // apart; dt0 (median interval) is 5 min, so a burst reading weighs 1 min and a regular one 5 min
        List<GlucoseSample> s = new ArrayList<>(Traces.regular(Traces.MONDAY, 1, Traces.repeat(60, 12)));
        s.addAll(Traces.regular(Traces.MONDAY.plusSeconds(12 * 60), 5, Traces.repeat(100, 24)));
        CgmOptions weighted = CgmOptions.reference().withRangeBasis(TimeInRanges.Basis.TIME_WEIGHTED);

        assertThat(CgmAnalysis.analyze(s, CgmOptions.reference()).timeInRanges().belowRangePercent())
                .isCloseTo(100.0 * 12 / 36, within(1e-9));
        assertThat(CgmAnalysis.analyze(s, weighted).timeInRanges().belowRangePercent())
                .isCloseTo(100.0 * 12 / (12 + 24 * 5), within(1e-9));
    }

    @Test
    void adrrCanRequireAMinimumNumberOfReadingsPerDay() {
        List<GlucoseSample> s = new ArrayList<>(Traces.regular(Traces.MONDAY, 5, Traces.repeat(150, 288)));
        s.add(new GlucoseSample(Instant.parse("2024-03-05T08:00:00Z"), 60));
        s.add(new GlucoseSample(Instant.parse("2024-03-05T12:00:00Z"), 250));
        assertThat(CgmAnalysis.analyze(s, CgmOptions.reference()).risk().adrrDays()).isEqualTo(2);
        assertThat(CgmAnalysis.analyze(s, CgmOptions.reference().withAdrrMinReadingsPerDay(3)).risk().adrrDays())
                .isEqualTo(1);
    }

    @Test
    void congaLagIsConfigurableAndNamedInTheShape() throws Exception {
        CgmRecording rec = OracleVectorsTest.readCase("c2_t2d_5min");
        CgmResult r = CgmAnalysis.analyze(rec, CgmOptions.reference().withCongaHours(24));
        assertThat(r.variability().congaHours()).isEqualTo(24);
        assertThat(r.variability().conga()).isPositive();
        @SuppressWarnings("unchecked")
        var variability = (java.util.Map<String, Object>) r.toExpectedShape("c2").get("variability");
        assertThat(variability).containsKey("conga24").doesNotContainKey("conga1");
    }

    @Test
    void mageDirectionsAreConsistentWithEachOther() throws Exception {
        CgmRecording rec = OracleVectorsTest.readCase("c1_t1d_5min");
        double avg = mage(rec, Mage.Direction.AVG);
        double plus = mage(rec, Mage.Direction.PLUS);
        double minus = mage(rec, Mage.Direction.MINUS);
        double max = mage(rec, Mage.Direction.MAX);
        double service = mage(rec, Mage.Direction.SERVICE);

        assertThat(avg).as("one segment: avg is the plain mean").isCloseTo((plus + minus) / 2, within(1e-9));
        assertThat(max).isEqualTo(Math.max(plus, minus));
        assertThat(service).isIn(plus, minus);
    }

    private static double mage(CgmRecording rec, Mage.Direction d) {
        return CgmAnalysis.analyze(rec, CgmOptions.reference().withMage(MageOptions.reference().withDirection(d)))
                .variability().mage().value();
    }

    @Test
    void griZonesAreQuintiles() {
        assertThat(GlycemicRiskIndex.Zone.of(0)).isEqualTo(GlycemicRiskIndex.Zone.A);
        assertThat(GlycemicRiskIndex.Zone.of(20)).isEqualTo(GlycemicRiskIndex.Zone.A);
        assertThat(GlycemicRiskIndex.Zone.of(20.01)).isEqualTo(GlycemicRiskIndex.Zone.B);
        assertThat(GlycemicRiskIndex.Zone.of(59.9)).isEqualTo(GlycemicRiskIndex.Zone.C);
        assertThat(GlycemicRiskIndex.Zone.of(80)).isEqualTo(GlycemicRiskIndex.Zone.D);
        assertThat(GlycemicRiskIndex.Zone.of(100)).isEqualTo(GlycemicRiskIndex.Zone.E);
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThatThrownBy(() -> new MageOptions(32, 5, 180, Mage.Direction.AVG))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CgmOptions.reference().withCongaHours(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RangeThresholds(70, 54, 180, 250, 140)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CgmAnalysis.analyze(List.of(), CgmOptions.reference()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSingleReadingYieldsStatisticsAndEmptyVariability() {
        CgmResult r = CgmAnalysis.analyze(List.of(new GlucoseSample(Traces.MONDAY, 123)), CgmOptions.reference());
        assertThat(r.statistics().meanMgdl()).isEqualTo(123.0);
        assertThat(r.statistics().sdMgdl()).isNaN();
        assertThat(r.variability().conga()).isNaN();
        assertThat(r.variability().mage().value()).isNaN();
        assertThat(r.episodes().lv1Hypo().count()).isZero();
        assertThat(r.toExpectedShape("single")).containsKey("agp");
    }
}
