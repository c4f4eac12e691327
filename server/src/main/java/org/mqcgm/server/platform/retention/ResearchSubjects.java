package org.mqcgm.server.platform.retention;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a research export may read about the people who consented to research (PR-35): the accounts, their
 * quasi-identifiers before generalisation, and their readings. The accounts and glucose features answer; the export
 * de-identifies what it gets.
 */
public interface ResearchSubjects {

    /** Every working account (the export keeps those consenting to research, never minors). */
    List<UUID> accounts();

    /** The person's home time zone ({@code Asia/Shanghai}), generalised to its area by the export. */
    Optional<String> zone(UUID account);

    /** The model of the person's most recently seen device, if any. */
    Optional<String> deviceModel(UUID account);

    /** A reading's time and value in mg/dL. */
    record Point(Instant time, int mgdl) {
    }

    /** The person's readings in {@code [from, to)}. */
    List<Point> readings(UUID account, Instant from, Instant to);

    /** Where the readings come from (the glucose feature's store). */
    @FunctionalInterface
    interface Readings {
        List<Point> range(UUID account, Instant from, Instant to);
    }
}
