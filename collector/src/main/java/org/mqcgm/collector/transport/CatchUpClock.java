package org.mqcgm.collector.transport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A simulator clock that starts in the past and runs {@code speed} times faster than {@code real} until it
 * catches up with it, then runs in real time: a sensor whose session started hours ago fills those hours quickly
 * and never produces readings from the future.
 */
public final class CatchUpClock extends Clock {

    private final Clock real;
    private final Instant realStart;
    private final Instant start;
    private final double speed;

    public CatchUpClock(Clock real, Duration backdate, double speed) {
        if (!(speed >= 1)) {
            throw new IllegalArgumentException("speed must be at least 1");
        }
        this.real = real;
        this.realStart = real.instant();
        this.start = realStart.minus(backdate);
        this.speed = speed;
    }

    @Override
    public Instant instant() {
        Instant now = real.instant();
        long elapsed = Duration.between(realStart, now).toNanos();
        Instant simulated = start.plusNanos((long) (elapsed * speed));
        return simulated.isAfter(now) ? now : simulated;
    }

    /** True once simulated time has reached real time. */
    public boolean caughtUp() {
        return !instant().isBefore(real.instant());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
