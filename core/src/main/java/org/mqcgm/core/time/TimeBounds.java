package org.mqcgm.core.time;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for every time the server accepts, so that no date reaches date arithmetic or the database outside
 * what both handle (PostgreSQL stops at the year 294276; {@code ±999999999} overflows {@code java.time}):
 * <ul>
 *   <li>a <b>data time</b> — when a reading, calibration, sensor session or the start of an annotation happened —
 *       lies between 1900-01-01T00:00:00Z and 5 minutes after now (clock skew of a phone);</li>
 *   <li>a <b>range bound</b> — {@code from}/{@code to} of a query, the end of an annotation — lies between
 *       1900-01-01T00:00:00Z and one year after now;</li>
 *   <li>a <b>day</b> — of a report or the History page — lies between 1900-01-01 and one year after today.</li>
 * </ul>
 * A time outside its rule is refused with the rule it broke (answered as 422 naming the field).
 */
public final class TimeBounds {

    /** The earliest time and day accepted anywhere. */
    public static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    public static final LocalDate EARLIEST_DAY = LocalDate.of(1900, 1, 1);
    /** How far in the future a data time may lie (a phone's clock skew). */
    public static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
    /** How far in the future a range bound or a day may lie. */
    public static final Duration HORIZON = Duration.ofDays(366);

    /** A year with more than four digits (a valid ISO form that is always out of range here). */
    private static final Pattern LONG_YEAR = Pattern.compile("^\\s*[+-]?\\d{5,}-.*|^\\s*-\\d{4}-.*");

    /**
     * A broken rule.
     *
     * @param rule    the rule's name in problems ({@code range}, {@code not-future})
     * @param message what the field must be
     */
    public record Violation(String rule, String message) {
    }

    private TimeBounds() {
    }

    /** When something happened: 1900-01-01T00:00:00Z … now + 5 minutes. */
    public static Optional<Violation> dataTime(Instant t, Instant now) {
        if (t.isBefore(EARLIEST)) {
            return Optional.of(new Violation("range", "must not be before 1900-01-01"));
        }
        if (t.isAfter(now.plus(FUTURE_TOLERANCE))) {
            return Optional.of(new Violation("not-future", "must not be more than 5 minutes in the future"));
        }
        return Optional.empty();
    }

    /** A bound of a range to read or of an annotation: 1900-01-01T00:00:00Z … now + 1 year. */
    public static Optional<Violation> rangeBound(Instant t, Instant now) {
        if (t.isBefore(EARLIEST) || t.isAfter(now.plus(HORIZON))) {
            return Optional.of(outOfRange());
        }
        return Optional.empty();
    }

    /** A day of a report or of History: 1900-01-01 … today + 1 year. */
    public static Optional<Violation> day(LocalDate d, LocalDate today) {
        if (d.isBefore(EARLIEST_DAY) || d.isAfter(today.plusYears(1))) {
            return Optional.of(outOfRange());
        }
        return Optional.empty();
    }

    /**
     * True when {@code text} names a year of more than four digits or before the year 0, which some parsers refuse
     * as malformed: it is refused as out of range instead, naming the same rule as any other date out of range.
     */
    public static boolean hasYearOutOfRange(String text) {
        return text != null && LONG_YEAR.matcher(text).matches();
    }

    /** The violation of a time too early or too late for its rule. */
    public static Violation outOfRange() {
        return new Violation("range", "must be between 1900-01-01 and one year from now");
    }
}
