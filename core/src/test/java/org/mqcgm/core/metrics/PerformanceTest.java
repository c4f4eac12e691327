package org.mqcgm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Smoke check of the cost of a full analysis of 90 days of 5-minute data (25,920 readings). Not a
 * benchmark (no JMH): the bound is generous so that a slow CI machine does not flake, but a quadratic
 * regression (seconds) fails it. The measured median is printed to the test output.
 */
class PerformanceTest {

    @Test
    void ninetyDaysOfFiveMinuteDataTakeMilliseconds() {
        List<GlucoseSample> samples = ninetyDays();
        assertThat(samples).hasSize(25_920);
        CgmOptions options = CgmOptions.reference();
        for (int i = 0; i < 30; i++) {
            CgmAnalysis.analyze(samples, options); // warm-up (JIT)
        }
        long[] nanos = new long[21];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            CgmResult r = CgmAnalysis.analyze(samples, options);
            nanos[i] = System.nanoTime() - t0;
            assertThat(r.statistics().readings()).isEqualTo(25_920);
        }
        Arrays.sort(nanos);
        double medianMs = nanos[nanos.length / 2] / 1e6;
        System.out.printf("full analysis of 25,920 readings: median %.2f ms, min %.2f ms%n", medianMs, nanos[0] / 1e6);
        assertThat(medianMs).isLessThan(250.0);
    }

    private static List<GlucoseSample> ninetyDays() {
        Random rnd = new Random(90);
        double[] v = new double[90 * 288];
        double walk = 0;
        for (int i = 0; i < v.length; i++) {
            walk = 0.97 * walk + rnd.nextGaussian() * 6;
            v[i] = Math.max(40, Math.min(400, Math.rint(140 + 50 * Math.sin(2 * Math.PI * i / 288.0) + 3 * walk)));
        }
        return Traces.regular(Traces.MONDAY.plusSeconds(197), 5, v);
    }
}
