package org.mqcgm.core.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class GlucoseTraceTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

    private static int[] fourteenDays(GlucoseTrace trace) {
        int[] values = new int[14 * 288];
        for (int i = 0; i < values.length; i++) {
            values[i] = trace.mgdlAt(START.plusSeconds(300L * i));
        }
        return values;
    }

    @Test
    void sameSeedGivesTheSameTraceAndAnotherSeedAnotherOne() {
        int[] a = fourteenDays(new GlucoseTrace(42, SHANGHAI));
        assertThat(fourteenDays(new GlucoseTrace(42, SHANGHAI))).isEqualTo(a);
        assertThat(fourteenDays(new GlucoseTrace(43, SHANGHAI))).isNotEqualTo(a);
    }

    @Test
    void fourteenDaysLookLikeTypeOneDiabetes() {
        int[] v = fourteenDays(new GlucoseTrace(7, SHANGHAI));
        long low = java.util.Arrays.stream(v).filter(x -> x < 70).count();
        long inRange = java.util.Arrays.stream(v).filter(x -> x >= 70 && x <= 180).count();
        long high = java.util.Arrays.stream(v).filter(x -> x > 180).count();
        double mean = java.util.Arrays.stream(v).average().orElseThrow();
        // A realistic demo: mostly in range, some highs, a few lows, mean near 140-170 mg/dL.
        assertThat(100.0 * inRange / v.length).isBetween(45.0, 85.0);
        assertThat(high).isPositive();
        assertThat(low).isPositive();
        assertThat(mean).isBetween(120.0, 175.0);
        assertThat(java.util.Arrays.stream(v).min().orElseThrow()).isGreaterThanOrEqualTo(GlucoseTrace.SENSOR_LOW);
        assertThat(java.util.Arrays.stream(v).max().orElseThrow()).isLessThanOrEqualTo(GlucoseTrace.SENSOR_HIGH);
    }

    @Test
    void consecutiveReadingsMoveLikeGlucoseNotLikeNoise() {
        int[] v = fourteenDays(new GlucoseTrace(7, SHANGHAI));
        for (int i = 1; i < v.length; i++) {
            // Physiological glucose rarely changes by more than 4 mg/dL per minute (20 per 5 minutes) plus noise.
            assertThat(Math.abs(v[i] - v[i - 1])).as("step at %d", i).isLessThanOrEqualTo(35);
        }
    }

    @Test
    void mealsRaiseGlucoseAfterLocalMealtimes() {
        GlucoseTrace trace = new GlucoseTrace(11, SHANGHAI);
        int higherAfterLunch = 0;
        for (int day = 0; day < 14; day++) {
            LocalDate date = LocalDate.of(2026, 1, 5).plusDays(day);
            Instant before = ZonedDateTime.of(date, java.time.LocalTime.of(11, 30), SHANGHAI).toInstant();
            Instant after = ZonedDateTime.of(date, java.time.LocalTime.of(13, 45), SHANGHAI).toInstant();
            if (trace.exactAt(after) > trace.exactAt(before)) {
                higherAfterLunch++;
            }
        }
        assertThat(higherAfterLunch).isGreaterThanOrEqualTo(10);
    }

    @Test
    void absorptionStartsAtZeroAndReturnsToBaselineHoursLater() {
        assertThat(GlucoseTrace.absorbed(0, 40)).isZero();
        assertThat(GlucoseTrace.absorbed(120, 40)).isBetween(0.7, 1.0);
        assertThat(GlucoseTrace.absorbed(24 * 60, 40)).isLessThan(0.001);
    }
}
