package org.mqcgm.core.metrics;

import org.mqcgm.core.glucose.GlucoseUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The iglu CGMS2DayByDay grid, dt0 and sufficiency rules of the oracle (spec sections 1 and 5). */
class UniformGridTest {

    private static GlucoseSeries series(List<GlucoseSample> samples) {
        return Preprocessing.prepare(CgmRecording.of(GlucoseUnit.MG_DL, samples)).series();
    }

    private static GlucoseSample at(String time, double mgdl) {
        return new GlucoseSample(Instant.parse(time), mgdl);
    }

    @Test
    void firstGridPointIsMidnightPlusDt0AndGapsUpTo45MinutesAreInterpolated() {
        GlucoseSeries s = series(List.of(at("2024-03-04T00:00:00Z", 100), at("2024-03-04T00:45:00Z", 145),
                at("2024-03-04T01:00:00Z", 160), at("2024-03-04T02:00:00Z", 100), at("2024-03-04T02:05:00Z", 110)));
        UniformGrid g = UniformGrid.build(s, 5, 45, DayClock.utc());

        assertThat(g.x[0] * 60).isEqualTo(Instant.parse("2024-03-04T00:05:00Z").getEpochSecond());
        assertThat(g.ndays).isEqualTo(2); // ceil(span_days + 1)
        assertThat(g.size()).isEqualTo(2 * 288);
        assertThat(g.y[0]).as("00:05 inside a 45-min gap: interpolated").isCloseTo(105, within(1e-12));
        assertThat(g.y[7]).as("00:40").isCloseTo(140, within(1e-12));
        assertThat(g.y[8]).as("00:45 = reading").isEqualTo(145);
        assertThat(g.y[11]).as("01:00 = reading").isEqualTo(160);
        assertThat(g.y[12]).as("01:05 inside the 60-min gap: NA").isNaN();
        assertThat(g.y[22]).as("01:55").isNaN();
        assertThat(g.y[23]).as("02:00 = reading").isEqualTo(100);
        assertThat(g.y[24]).as("02:05 = last reading").isEqualTo(110);
        assertThat(g.y[25]).as("after the last reading: NA").isNaN();
    }

    @Test
    void nominalIntervalRoundsHalfToEvenLikeR() {
        assertThat(UniformGrid.nominalIntervalMinutes(series(every(150, 20)))).as("2.5 -> 2").isEqualTo(2);
        assertThat(UniformGrid.nominalIntervalMinutes(series(every(450, 20)))).as("7.5 -> 8").isEqualTo(8);
        assertThat(UniformGrid.nominalIntervalMinutes(series(every(630, 20)))).as("10.5 -> 10").isEqualTo(10);
        assertThat(UniformGrid.nominalIntervalMinutes(series(every(900, 20)))).isEqualTo(15);
        assertThat(UniformGrid.nominalIntervalMinutes(series(every(420, 20)))).as("7 -> 5 (1440 % 7 != 0)")
                .isEqualTo(5);
        assertThat(UniformGrid.nominalIntervalMinutes(series(every(780, 20)))).as("13 -> 15").isEqualTo(15);
        assertThat(UniformGrid.nominalIntervalMinutes(series(every(25 * 60, 20)))).as("25 -> 20").isEqualTo(20);
    }

    private static List<GlucoseSample> every(int seconds, int count) {
        List<GlucoseSample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new GlucoseSample(Traces.MONDAY.plusSeconds((long) i * seconds), 100 + i));
        }
        return out;
    }

    @Test
    void activePercentCountsMissingIntervalsInsideGaps() {
        // one day of 5-min readings (289 readings, 00:00..24:00) with 11 readings removed: a 60-min gap
        List<GlucoseSample> samples = new ArrayList<>(every(300, 289));
        samples.subList(100, 111).clear();
        DataSufficiency d = DataSufficiency.compute(series(samples), 5);

        assertThat(d.spanDays()).isEqualTo(1.0);
        // theo = 1440 / 5 + 1 = 289; missing = round((60 - 5) / 5) = 11
        assertThat(d.activePercentIglu()).isCloseTo(100.0 * (289 - 11) / 289, within(1e-12));
        assertThat(d.percentOf14dExpected()).isCloseTo(100.0 * 278 / 4032, within(1e-12));
        assertThat(d.meetsConsensus()).isFalse();
    }

    @Test
    void quantilesFollowRType7() {
        double[] x = {1, 2, 3, 4};
        assertThat(RNumerics.quantileType7(x, 0, 4, 0.05)).isCloseTo(1.15, within(1e-15));
        assertThat(RNumerics.quantileType7(x, 0, 4, 0.5)).isEqualTo(2.5);
        assertThat(RNumerics.quantileType7(x, 0, 4, 0.95)).isCloseTo(3.85, within(1e-15));
        assertThat(RNumerics.quantileType7(new double[] {7}, 0, 1, 0.25)).isEqualTo(7);
        assertThat(RNumerics.quantileType7(new double[0], 0, 0, 0.25)).isNaN();
        assertThat(RNumerics.medianOfSorted(x, 0, 4)).isEqualTo(2.5);
    }

    @Test
    void meanIsCorrectlyRoundedAndIgnoresNaWhenAsked() {
        double[] x = {0.1, 0.2, 0.3, Double.NaN};
        assertThat(RNumerics.mean(x, 0, 3)).isEqualTo(0.2); // naive (0.1 + 0.2 + 0.3) / 3 = 0.20000000000000004
        assertThat(RNumerics.mean(x, 0, 4)).isNaN();
        assertThat(RNumerics.meanIgnoringNaN(x, 0, 4)).isEqualTo(0.2);
        assertThat(RNumerics.sampleSdIgnoringNaN(new double[] {2, 4, 4, 4, 5, 5, 7, 9}, 0, 8))
                .isCloseTo(Math.sqrt(32.0 / 7), within(1e-15));
    }

    @Test
    void fifteenMinuteDataUseA15MinuteGridButMageStaysOnTheFiveMinuteGrid() {
        List<GlucoseSample> samples = new ArrayList<>();
        for (int i = 0; i < 4 * 96; i++) {
            samples.add(new GlucoseSample(Traces.MONDAY.plusSeconds(i * 900L + 120), 130 + 70 * Math.sin(i / 6.0)));
        }
        CgmResult r = CgmAnalysis.analyze(samples, CgmOptions.reference());
        assertThat(r.sufficiency().dt0Minutes()).isEqualTo(15);
        assertThat(r.variability().gridDt0Minutes()).isEqualTo(15);
        assertThat(r.episodes().gridDt0Minutes()).isEqualTo(15);
        assertThat(r.agp().grid()).hasSize(96);
        assertThat(r.variability().mage().value()).isPositive();
        assertThat(r.variability().mage().segments()).singleElement()
                .satisfies(seg -> assertThat(seg.evaluated()).isTrue());
        assertThat(r.variability().mage().value())
                .isEqualTo(Mage.compute(UniformGrid.build(Preprocessing.prepare(CgmRecording.of(GlucoseUnit.MG_DL,
                        samples)).series(), 5, 45, DayClock.utc()), MageOptions.reference()).value());
    }
}
