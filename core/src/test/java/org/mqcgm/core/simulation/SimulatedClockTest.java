package org.mqcgm.core.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SimulatedClockTest {

    @Test
    void runsSpeedTimesFasterFromItsAnchor() {
        AtomicReference<Instant> real = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        SimulatedClock clock = new SimulatedClock(real::get, 60);
        clock.startAt(Instant.parse("2026-06-01T12:00:00Z"));
        real.set(real.get().plusSeconds(5));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-06-01T12:05:00Z"));
        real.set(real.get().plus(Duration.ofMillis(500)));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-06-01T12:05:30Z"));
    }

    @Test
    void speedBelowOneIsRefused() {
        assertThatThrownBy(() -> new SimulatedClock(Instant::now, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SimulatedClock(Instant::now, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
