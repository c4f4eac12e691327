package org.mqcgm.server.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mqcgm.core.metrics.AmbulatoryGlucoseProfile.Bin;

/** The smoothed AGP curve the chart draws. */
class AgpCurveTest {

    private static List<Bin> grid(java.util.function.IntToDoubleFunction median) {
        List<Bin> bins = new ArrayList<>();
        for (int i = 0; i < 288; i++) {
            double m = median.applyAsDouble(i);
            bins.add(new Bin(i * 5, Double.isNaN(m) ? 0 : 14, m - 40, m - 20, m, m + 20, m + 40));
        }
        return bins;
    }

    @Test
    void aFlatProfileStaysFlat() {
        List<Bin> smooth = AgpCurve.smooth(grid(i -> 120), 5);

        assertThat(smooth).allSatisfy(b -> {
            assertThat(b.p50()).isCloseTo(120, within(1e-9));
            assertThat(b.p05()).isCloseTo(80, within(1e-9));
        });
    }

    @Test
    void theCurveWrapsAtMidnight() {
        // A step at midnight: 200 in the last hour of the day, 100 elsewhere.
        List<Bin> smooth = AgpCurve.smooth(grid(i -> i >= 276 ? 200 : 100), 5);

        // 00:00 averages 23:30..00:30 with the triangular weights 1..7..1 (sum 49): the six bins before midnight
        // (23:30..23:55, weights 1..6) are 200, the seven from 00:00 (weights 7..1) are 100.
        double atMidnight = (200.0 * (1 + 2 + 3 + 4 + 5 + 6) + 100.0 * (7 + 6 + 5 + 4 + 3 + 2 + 1)) / 49;
        assertThat(smooth.get(0).p50()).isCloseTo(atMidnight, within(1e-9)); // 1000/7 = 142.857…
        assertThat(smooth.get(0).p05()).isCloseTo(atMidnight - 40, within(1e-9));
        assertThat(smooth.get(0).p95()).isCloseTo(atMidnight + 40, within(1e-9));
        // 23:55: 23:25..23:55 (weights 1..7) are 200, 00:00..00:25 after the wrap (weights 6..1) are 100.
        double at2355 = (200.0 * (1 + 2 + 3 + 4 + 5 + 6 + 7) + 100.0 * (6 + 5 + 4 + 3 + 2 + 1)) / 49;
        assertThat(smooth.get(287).p50()).isCloseTo(at2355, within(1e-9)); // 1100/7 = 157.142…
        assertThat(smooth.get(144).p50()).isCloseTo(100, within(1e-9));
    }

    @Test
    void emptyBinsStayEmptyAndDoNotPullTheirNeighbours() {
        List<Bin> smooth = AgpCurve.smooth(grid(i -> i >= 100 && i < 110 ? Double.NaN : 150), 5);

        assertThat(smooth.get(105).values()).isZero();
        assertThat(smooth.get(99).p50()).isCloseTo(150, within(1e-9));
        assertThat(smooth.get(110).p50()).isCloseTo(150, within(1e-9));
    }
}
