package org.mqcgm.server.reports;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whose consensus targets a report applies (Battelino et al., Diabetes Care 2019;42:1593; docs/spec/metrics.md
 * section 1). Each target is a share of readings in a glucose range that should be above or below a limit, plus
 * the variability target CV &le; 36 % that applies to everyone.
 */
public enum Population {
    /** Type 1 or type 2 diabetes. */
    T1D_T2D("t1d-t2d", List.of(
            new Target("inRange", 70, 180, Target.Comparison.GREATER_THAN, 70),
            new Target("belowRange", null, 70, Target.Comparison.LESS_THAN, 4),
            new Target("veryLow", null, 54, Target.Comparison.LESS_THAN, 1),
            new Target("aboveRange", 180, null, Target.Comparison.LESS_THAN, 25),
            new Target("veryHigh", 250, null, Target.Comparison.LESS_THAN, 5),
            Target.CV)),
    /** Older or high-risk people with type 1 or type 2 diabetes. */
    OLDER_HIGH_RISK("older-high-risk", List.of(
            new Target("inRange", 70, 180, Target.Comparison.GREATER_THAN, 50),
            new Target("belowRange", null, 70, Target.Comparison.LESS_THAN, 1),
            new Target("veryHigh", 250, null, Target.Comparison.LESS_THAN, 10),
            Target.CV)),
    /** Pregnancy with type 1 diabetes: the pregnancy range 63–140 mg/dL. */
    PREGNANCY("pregnancy", List.of(
            new Target("inRange", 63, 140, Target.Comparison.GREATER_THAN, 70),
            new Target("belowRange", null, 63, Target.Comparison.LESS_THAN, 4),
            new Target("veryLow", null, 54, Target.Comparison.LESS_THAN, 1),
            new Target("aboveRange", 140, null, Target.Comparison.LESS_THAN, 25),
            Target.CV));

    private final String id;
    private final List<Target> targets;

    Population(String id, List<Target> targets) {
        this.id = id;
        this.targets = targets;
    }

    /** The name in URLs and JSON, e.g. {@code older-high-risk}. */
    public String id() {
        return id;
    }

    public List<Target> targets() {
        return targets;
    }

    public static Optional<Population> parse(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
    }

    /** The accepted ids, for error messages. */
    static String ids() {
        return Arrays.stream(values()).map(Population::id).collect(Collectors.joining(", "));
    }

    /**
     * One consensus target: the share of readings with {@code low <= g <= high} (a null bound is open; an open
     * lower bound means {@code g < high}, an open upper bound {@code g > low}) compared with a limit in percent.
     *
     * @param id         stable name: {@code inRange}, {@code belowRange}, {@code veryLow}, {@code aboveRange},
     *                   {@code veryHigh}, {@code cv}
     * @param lowMgdl    lower bound of the range, null when open
     * @param highMgdl   upper bound of the range, null when open
     * @param comparison how the value must relate to the limit
     * @param limit      the limit in percent
     */
    public record Target(String id, Integer lowMgdl, Integer highMgdl, Comparison comparison, double limit) {

        static final Target CV = new Target("cv", null, null, Comparison.AT_MOST, 36);

        public enum Comparison {
            GREATER_THAN(">"), LESS_THAN("<"), AT_MOST("≤");

            private final String symbol;

            Comparison(String symbol) {
                this.symbol = symbol;
            }

            public String symbol() {
                return symbol;
            }

            boolean holds(double value, double limit) {
                return switch (this) {
                    case GREATER_THAN -> value > limit;
                    case LESS_THAN -> value < limit;
                    case AT_MOST -> value <= limit;
                };
            }
        }

        /** True when {@code mgdl} lies in this target's glucose range. */
        boolean contains(int mgdl) {
            if (lowMgdl == null) {
                return mgdl < highMgdl;
            }
            if (highMgdl == null) {
                return mgdl > lowMgdl;
            }
            return mgdl >= lowMgdl && mgdl <= highMgdl;
        }

        boolean met(double value) {
            return !Double.isNaN(value) && comparison.holds(value, limit);
        }
    }
}
