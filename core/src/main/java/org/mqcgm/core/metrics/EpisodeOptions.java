package org.mqcgm.core.metrics;

import java.util.Objects;

/**
 * Episode definition (Battelino et al., Lancet Diabetes Endocrinol 2023;11:42; spec section 9).
 *
 * @param minDurationMinutes an episode starts with at least this long a run beyond the threshold
 *                           (15 min; converted to {@code ceil(15 / dt0)} grid points, ambiguity A20)
 * @param endDurationMinutes an episode ends with at least this long a run back on the safe side
 *                           (15 min, {@code ceil(15 / dt0)} points)
 * @param extendedMinutes    extended (prolonged) hypoglycaemia: a run below 70 mg/dL longer than this
 *                           (120 min; a run of at least {@code 120 / dt0 + 1} points)
 * @param endRule            which threshold ends a level-2 episode (ambiguity A18)
 */
public record EpisodeOptions(double minDurationMinutes, double endDurationMinutes, double extendedMinutes,
                             Episodes.EndRule endRule) {

    public EpisodeOptions {
        Objects.requireNonNull(endRule, "endRule");
        if (!(minDurationMinutes > 0 && endDurationMinutes > 0 && extendedMinutes > 0)) {
            throw new IllegalArgumentException("episode durations must be positive");
        }
    }

    /** 15 min to start, 15 min to end, 120 min for extended hypoglycaemia, each level ends at its own threshold. */
    public static EpisodeOptions reference() {
        return new EpisodeOptions(15, 15, 120, Episodes.EndRule.OWN_THRESHOLD);
    }

    /** Same durations with another end rule. */
    public EpisodeOptions withEndRule(Episodes.EndRule newRule) {
        return new EpisodeOptions(minDurationMinutes, endDurationMinutes, extendedMinutes, newRule);
    }
}
