package org.mqcgm.core.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Hand-built and random glucose traces for scenario and property tests. */
final class Traces {

    static final Instant MONDAY = Instant.parse("2024-03-04T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Traces() {
    }

    /** Readings every {@code stepMinutes} starting at {@code start}, one per value. */
    static List<GlucoseSample> regular(Instant start, int stepMinutes, double... values) {
        List<GlucoseSample> out = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            out.add(new GlucoseSample(start.plus(Duration.ofMinutes((long) i * stepMinutes)), values[i]));
        }
        return out;
    }

    /** {@code count} copies of {@code value}. */
    static double[] repeat(double value, int count) {
        double[] v = new double[count];
        java.util.Arrays.fill(v, value);
        return v;
    }

    /** Concatenation of value blocks. */
    static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] out = new double[n];
        int k = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }

    /**
     * A random but physiologically shaped trace: a daily sine (dawn/meal pattern) plus an AR(1) walk,
     * clamped to 40..400 mg/dL, integer readings every 5 minutes with a few-second jitter and occasional
     * gaps.
     */
    static List<GlucoseSample> random(Random rnd, int days) {
        int n = days * 288;
        List<GlucoseSample> out = new ArrayList<>(n);
        double walk = 0;
        double level = 90 + rnd.nextDouble() * 90;
        double amp = 20 + rnd.nextDouble() * 60;
        long start = MONDAY.getEpochSecond() + rnd.nextInt(3600);
        for (int i = 0; i < n; i++) {
            walk = 0.97 * walk + rnd.nextGaussian() * 6;
            if (rnd.nextDouble() < 0.003) {
                i += 6 + rnd.nextInt(60); // a gap of 30 min to 5 h
                continue;
            }
            double g = level + amp * Math.sin(2 * Math.PI * i / 288.0) + walk * 3;
            g = Math.max(40, Math.min(400, Math.rint(g)));
            long t = start + i * 300L + rnd.nextInt(5) - 2;
            out.add(new GlucoseSample(Instant.ofEpochSecond(t), g));
        }
        return out;
    }

    /** Compares two expected-shape maps at the oracle tolerances; returns the mismatches. */
    static List<String> differences(Map<String, Object> expected, Map<String, Object> actual) {
        JsonNode e = JSON.valueToTree(expected);
        return ShapeComparison.compare(e, actual).mismatches();
    }
}
