package org.mqcgm.core.simulation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/**
 * A clock that runs {@code speed} times faster than a real clock, from an anchor instant. The demo uses it so a
 * visitor sees five minutes of glucose pass in seconds. At speed 1 it is the real clock shifted to the anchor.
 */
public final class SimulatedClock extends Clock {

    private final Supplier<Instant> real;
    private final double speed;
    private volatile Instant realStart;
    private volatile Instant simulatedStart;

    /**
     * @param real  the real time source (the system clock in production)
     * @param speed how many simulated seconds pass per real second (≥ 1)
     */
    public SimulatedClock(Supplier<Instant> real, double speed) {
        if (!(speed >= 1) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be at least 1");
        }
        this.real = real;
        this.speed = speed;
        Instant now = real.get();
        this.realStart = now;
        this.simulatedStart = now;
    }

    /** Restarts simulated time from {@code anchor} at the current real instant. */
    public synchronized void startAt(Instant anchor) {
        this.realStart = real.get();
        this.simulatedStart = anchor;
    }

    public double speed() {
        return speed;
    }

    @Override
    public Instant instant() {
        Duration elapsed = Duration.between(realStart, real.get());
        long nanos = (long) (elapsed.toNanos() * speed);
        return simulatedStart.plusNanos(nanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulated clock is UTC only");
    }
}
