package org.mqcgm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

class WaitTest {

    @Test
    void returnsTheFirstAcceptedValue() {
        AtomicInteger polls = new AtomicInteger();
        assertThat(Wait.until("three polls", polls::incrementAndGet, n -> n >= 3)).isEqualTo(3);
    }

    @Test
    void aConditionThatNeverHoldsFailsNamingWhatWasAwaited() {
        assertThatThrownBy(() -> Wait.until("the impossible", Duration.ofMillis(50), () -> false))
                .isInstanceOf(ConditionTimeoutException.class).hasMessageContaining("the impossible");
    }

    @Test
    void untilShowingTellsTheStateWhenItFails() {
        AtomicInteger polls = new AtomicInteger();
        assertThatThrownBy(() -> Wait.untilShowing("never", Duration.ofMillis(50), () -> polls.incrementAndGet() < 0,
                () -> "polled " + (polls.get() > 0)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("never").hasMessageContaining("polled true");
    }
}
