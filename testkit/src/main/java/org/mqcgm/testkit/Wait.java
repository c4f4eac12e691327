package org.mqcgm.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The one way tests wait for something that happens on another thread or process: poll an observable condition
 * with Awaitility, bounded, never a fixed sleep. The bound is generous (a loaded CI machine), since a test that
 * waits for a condition only waits as long as the condition takes.
 */
public final class Wait {

    /** How long a test waits by default before it fails. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private Wait() {
    }

    /** An Awaitility condition factory with the house defaults (10 ms poll, {@link #LIMIT}). */
    public static ConditionFactory await(String what) {
        return Awaitility.await(what).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(LIMIT);
    }

    /** Waits until {@code condition} holds; fails naming {@code what}. */
    public static void until(String what, BooleanSupplier condition) {
        await(what).until(condition::getAsBoolean);
    }

    /** Waits until {@code condition} holds within {@code limit}. */
    public static void until(String what, Duration limit, BooleanSupplier condition) {
        await(what).atMost(limit).until(condition::getAsBoolean);
    }

    /**
     * As {@link #until(String, BooleanSupplier)}; when it fails, the message also shows {@code state} as it was then
     * (counters, a queue's length), to tell why the condition never held.
     */
    public static void untilShowing(String what, BooleanSupplier condition, Supplier<String> state) {
        untilShowing(what, LIMIT, condition, state);
    }

    static void untilShowing(String what, Duration limit, BooleanSupplier condition, Supplier<String> state) {
        try {
            until(what, limit, condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; state: " + state.get(), e);
        }
    }

    /** Waits until {@code value} gives a result {@code accepted} accepts, and returns that result. */
    public static <T> T until(String what, Callable<T> value, Predicate<? super T> accepted) {
        return await(what).until(value, accepted::test);
    }
}
