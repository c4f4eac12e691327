package org.mqcgm.bench;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mqcgm.core.metrics.CgmAnalysis;
import org.mqcgm.core.metrics.CgmOptions;
import org.mqcgm.core.metrics.CgmResult;
import org.mqcgm.core.metrics.GlucoseSample;
import org.mqcgm.core.simulation.GlucoseTrace;
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
 * The CPU core of a report: every consensus metric plus the AGP of 90 days of 5-minute readings (25,920), with
 * local days in the wearer's zone, as the report endpoint runs it. Goal: at most 5 ms. Run: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class ReportBenchmark {

    private final ZoneId zone = ZoneId.of("Asia/Shanghai");
    private List<GlucoseSample> ninetyDays;
    private CgmOptions options;

    @Setup
    public void setUp() {
        GlucoseTrace trace = new GlucoseTrace(7, zone);
        Instant start = Instant.parse("2026-08-28T16:00:00Z");
        ninetyDays = new ArrayList<>(25_920);
        for (int i = 0; i < 25_920; i++) {
            Instant t = start.plusSeconds(300L * i);
            ninetyDays.add(new GlucoseSample(t, trace.mgdlAt(t)));
        }
        options = CgmOptions.reference().withZone(zone);
    }

    @Benchmark
    public CgmResult allMetricsAndAgp90Days() {
        return CgmAnalysis.analyze(ninetyDays, options);
    }
}
