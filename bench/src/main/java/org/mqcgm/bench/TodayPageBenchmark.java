package org.mqcgm.bench;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.glucose.TrendEstimator;
import org.mqcgm.core.simulation.GlucoseTrace;
import org.mqcgm.server.glucose.GlucoseChart;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU part of the Today page: rendering the 24-hour chart (288 readings) and estimating the trend; and the
 * simulator producing a day of readings. Run: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TodayPageBenchmark {

    private final ZoneId zone = ZoneId.of("Asia/Shanghai");
    private final Instant end = Instant.parse("2026-11-26T12:00:00Z");
    private List<Reading> day;
    private GlucoseTrace trace;

    @Setup
    public void setUp() {
        trace = new GlucoseTrace(7, zone);
        day = new ArrayList<>();
        for (int i = 288; i > 0; i--) {
            Instant t = end.minusSeconds(300L * i);
            day.add(new Reading(t, ZoneOffset.ofHours(8), trace.mgdlAt(t)));
        }
    }

    @Benchmark
    public String renderDayChart() {
        return GlucoseChart.render(day, end.minusSeconds(86_400), end, zone, GlucoseUnit.MG_DL, "Last 24 hours",
                "No readings");
    }

    @Benchmark
    public double trend() {
        return TrendEstimator.ratePerMinute(day);
    }

    @Benchmark
    public int simulateDay() {
        int sum = 0;
        for (int i = 0; i < 288; i++) {
            sum += trace.mgdlAt(end.plusSeconds(300L * i));
        }
        return sum;
    }
}
