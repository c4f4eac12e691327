package org.mqcgm.core.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrendTest {

    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

    private static List<Reading> line(int start, int stepPer5Min, int count) {
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Reading.utc(T0.plusSeconds(300L * i), start + stepPer5Min * i));
        }
        return out;
    }

    @Test
    void steadyRiseOfTwoAndAHalfPerMinuteIsASingleUpArrow() {
        double rate = TrendEstimator.ratePerMinute(line(100, 12, 6));
        assertThat(rate).isCloseTo(2.4, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(TrendArrow.fromRate(rate)).isEqualTo(TrendArrow.SINGLE_UP);
    }

    @Test
    void fallingFastIsADoubleDownArrow() {
        assertThat(TrendArrow.fromRate(TrendEstimator.ratePerMinute(line(200, -20, 4))))
                .isEqualTo(TrendArrow.DOUBLE_DOWN);
    }

    @Test
    void flatWithinOneMgdlPerMinute() {
        assertThat(TrendArrow.fromRate(TrendEstimator.ratePerMinute(line(120, 4, 4)))).isEqualTo(TrendArrow.FLAT);
        assertThat(TrendArrow.fromRate(-1.0)).isEqualTo(TrendArrow.FLAT);
        assertThat(TrendArrow.fromRate(-1.01)).isEqualTo(TrendArrow.FORTY_FIVE_DOWN);
    }

    @Test
    void noArrowAfterAGapOrWithTooFewReadings() {
        assertThat(TrendEstimator.ratePerMinute(List.of())).isNaN();
        assertThat(TrendEstimator.ratePerMinute(line(100, 5, 2))).isNaN();
        List<Reading> gap = new ArrayList<>(line(100, 5, 3));
        gap.add(Reading.utc(T0.plusSeconds(3600), 140));
        assertThat(TrendEstimator.ratePerMinute(gap)).isNaN();
        assertThat(TrendArrow.fromRate(Double.NaN)).isEqualTo(TrendArrow.NOT_COMPUTABLE);
    }
}
