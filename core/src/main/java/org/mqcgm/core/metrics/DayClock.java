package org.mqcgm.core.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Maps instants to calendar days and times of day in the analysis zone (ambiguity A3).
 *
 * <p>DST-safe by construction: every reading keeps its absolute instant; only its label (local date,
 * local time of day) depends on the zone. A local day is the half-open interval between two
 * consecutive local start-of-day instants ({@link java.time.LocalDate#atStartOfDay(ZoneId)}), so it
 * lasts 23 or 25 hours on DST change days, and a reading during the repeated hour of an autumn change
 * belongs to the one calendar day its local date names.
 *
 * <p>For fixed-offset zones (including UTC, the reference mode) this is pure integer arithmetic. For
 * region zones the current offset and its validity interval are cached, so a sorted sweep costs one rule
 * lookup per DST transition. Instances are therefore not thread-safe; each analysis creates its own.
 */
final class DayClock {

    private static final long SECONDS_PER_DAY = 86_400L;

    private final ZoneId zone;
    private final ZoneRules rules;
    private final boolean fixed;
    private final int fixedOffset;
    private long validFrom = Long.MAX_VALUE;
    private long validUntil = Long.MIN_VALUE;
    private int cachedOffset;

    DayClock(ZoneId zone) {
        this.zone = zone;
        this.rules = zone.getRules();
        this.fixed = rules.isFixedOffset();
        this.fixedOffset = fixed ? rules.getOffset(Instant.EPOCH).getTotalSeconds() : 0;
    }

    /** True for UTC (offset zero, no transitions): the oracle's reference mode. */
    boolean isUtc() {
        return fixed && fixedOffset == 0;
    }

    ZoneId zone() {
        return zone;
    }

    int offsetSeconds(long epochSecond) {
        if (fixed) {
            return fixedOffset;
        }
        if (epochSecond >= validFrom && epochSecond < validUntil) {
            return cachedOffset;
        }
        Instant at = Instant.ofEpochSecond(epochSecond);
        cachedOffset = rules.getOffset(at).getTotalSeconds();
        ZoneOffsetTransition next = rules.nextTransition(at);
        validFrom = epochSecond;
        validUntil = next == null ? Long.MAX_VALUE : next.toEpochSecond();
        return cachedOffset;
    }

    /** Local calendar day (epoch day number) of an instant. */
    long epochDay(long epochSecond) {
        return Math.floorDiv(epochSecond + offsetSeconds(epochSecond), SECONDS_PER_DAY);
    }

    /** Local second of day of an instant (0..86399). */
    int secondOfDay(long epochSecond) {
        return (int) Math.floorMod(epochSecond + offsetSeconds(epochSecond), SECONDS_PER_DAY);
    }

    /** Instant (epoch second) at which the local day starts; handles days that start at 01:00 after a gap. */
    long startOfDay(long epochDay) {
        if (fixed) {
            return epochDay * SECONDS_PER_DAY - fixedOffset;
        }
        return LocalDate.ofEpochDay(epochDay).atStartOfDay(zone).toEpochSecond();
    }

    static DayClock utc() {
        return new DayClock(ZoneOffset.UTC);
    }
}
