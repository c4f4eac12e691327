package org.mqcgm.collector.upload;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: the n-th consecutive failure waits a random time between half and all of
 * {@code min(cap, base · 2^n)} ("equal jitter"), so many collectors that lost the server at the same moment do not
 * come back in step.
 */
public final class Backoff {

    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;
    private int failures;

    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap");
        }
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /** The wait before the next attempt after one more failure. */
    public synchronized Duration next() {
        long ceiling = base.toMillis() << Math.min(failures, 30);
        ceiling = Math.min(cap.toMillis(), ceiling <= 0 ? Long.MAX_VALUE : ceiling);
        failures++;
        long half = ceiling / 2;
        return Duration.ofMillis(half + (ceiling - half == 0 ? 0 : random.nextLong(ceiling - half + 1)));
    }

    /** A success: the next failure starts from {@code base} again. */
    public synchronized void reset() {
        failures = 0;
    }

    public synchronized int failures() {
        return failures;
    }
}
