package org.mqcgm.core.metrics;

import org.mqcgm.core.glucose.GlucoseUnit;

import java.time.Instant;
import java.util.Objects;

/**
 * One sensor glucose reading: an instant and a concentration in mg/dL.
 *
 * <p>Values are not validated here so that a recording can carry rows that preprocessing will count as
 * invalid (non-finite or non-positive values); see {@link CgmAnalysis}.
 *
 * @param time  measurement instant; only whole seconds are significant (duplicates are detected per
 *              second, spec section 0 / ambiguity A4)
 * @param mgdl  glucose in mg/dL; sensor "LOW"/"HIGH" flags should be passed as 40/400 (A5)
 */
public record GlucoseSample(Instant time, double mgdl) {

    public GlucoseSample {
        Objects.requireNonNull(time, "time");
    }

    /** Convenience factory for a value in the given unit. */
    public static GlucoseSample of(Instant time, double value, GlucoseUnit unit) {
        return new GlucoseSample(time, unit.toMgdl(value));
    }
}
