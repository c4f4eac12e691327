package org.mqcgm.server.platform.transparency;

import java.util.function.Supplier;
import org.mqcgm.server.platform.consent.Consents.Purpose;

/**
 * The purpose the current thread reads personal data for (PR-03). Work done for a purpose other than care runs
 * inside {@link #call(Purpose, Supplier)} (a newsletter job: {@code PurposeContext.call(NEWSLETTER, …)}); the
 * data-access layer asks {@link #current()} and {@link PurposeGuard} refuses a read whose purpose the registry does
 * not register for the data's category. Code that declares no purpose reads for the care purpose
 * ({@link #DEFAULT}, health data: storing, showing and analysing one's own readings), which is what every reader
 * of personal data in the product does today.
 */
public final class PurposeContext {

    /** The purpose of reads that declare none: the care and display of one's own health data. */
    public static final Purpose DEFAULT = Purpose.HEALTH_DATA;

    private static final ThreadLocal<Purpose> CURRENT = new ThreadLocal<>();

    private PurposeContext() {
    }

    /** The purpose of the current thread's work ({@link #DEFAULT} when none was declared). */
    public static Purpose current() {
        Purpose p = CURRENT.get();
        return p == null ? DEFAULT : p;
    }

    /** Runs {@code work} for {@code purpose}; the previous purpose is restored afterwards. */
    public static <T> T call(Purpose purpose, Supplier<T> work) {
        Purpose before = CURRENT.get();
        CURRENT.set(purpose);
        try {
            return work.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** Runs {@code work} for {@code purpose}. */
    public static void run(Purpose purpose, Runnable work) {
        call(purpose, () -> {
            work.run();
            return null;
        });
    }
}
