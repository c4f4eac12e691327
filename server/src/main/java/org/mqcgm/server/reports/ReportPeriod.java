package org.mqcgm.server.reports;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.mqcgm.core.time.TimeBounds;
import org.mqcgm.server.platform.http.Problem;

/**
 * The period of a report, {@code [from, to)}, in the user's time zone.
 *
 * <p>{@code from} and {@code to} are local dates ({@code 2026-11-12}; both days are included, so {@code to} is
 * the start of the day after it) or ISO-8601 date-times with an offset ({@code to} exclusive). Without them the
 * period is the last 14 local days ending now: today and the 13 days before it. When only one is given, the
 * period is the 14 days after {@code from} or before {@code to}. At most 90 days.
 *
 * @param zone      the user's time zone, which defines the local days
 * @param from      first instant, inclusive
 * @param to        end, exclusive
 * @param wholeDays true when both ends are local midnights (then {@link #days()} is a whole number)
 */
public record ReportPeriod(ZoneId zone, ZonedDateTime from, ZonedDateTime to, boolean wholeDays) {

    public static final int DEFAULT_DAYS = 14;
    public static final int MAX_DAYS = 90;

    /**
     * Reads the period from the request parameters; adds what is wrong to {@code errors} (and then returns null).
     *
     * @param now the data clock's now, for the default period
     */
    static ReportPeriod parse(String fromText, String toText, ZoneId zone, Instant now, List<Problem.FieldError> errors) {
        int before = errors.size();
        ZonedDateTime from = end(fromText, "from", zone, false, now, errors);
        ZonedDateTime to = end(toText, "to", zone, true, now, errors);
        if (errors.size() > before) {
            return null;
        }
        if (from == null && to == null) {
            LocalDate today = now.atZone(zone).toLocalDate();
            to = today.plusDays(1).atStartOfDay(zone);
            from = today.minusDays(DEFAULT_DAYS - 1).atStartOfDay(zone);
        } else if (from == null) {
            from = to.minusDays(DEFAULT_DAYS);
        } else if (to == null) {
            to = from.plusDays(DEFAULT_DAYS);
        }
        if (!from.isBefore(to)) {
            errors.add(new Problem.FieldError("from", "before-to", "must be before to"));
            return null;
        }
        if (from.plusDays(MAX_DAYS).isBefore(to)) {
            errors.add(new Problem.FieldError("to", "max-range", "the period may be at most " + MAX_DAYS + " days"));
            return null;
        }
        return new ReportPeriod(zone, from, to, isMidnight(from) && isMidnight(to));
    }

    /**
     * One end of the period: a day within {@link TimeBounds#day} or a date-time within
     * {@link TimeBounds#rangeBound} (1900 … a year from now), checked before any date arithmetic.
     */
    private static ZonedDateTime end(String text, String name, ZoneId zone, boolean isTo, Instant now,
                                     List<Problem.FieldError> errors) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        try {
            if (!t.contains("T")) {
                LocalDate date = LocalDate.parse(t);
                var violation = TimeBounds.day(date, now.atZone(zone).toLocalDate());
                if (violation.isPresent()) {
                    errors.add(new Problem.FieldError(name, violation.get().rule(), violation.get().message()));
                    return null;
                }
                return (isTo ? date.plusDays(1) : date).atStartOfDay(zone);
            }
            // An unencoded '+' in the offset arrives as a space after query decoding.
            Instant instant = OffsetDateTime.parse(t.replace(' ', '+')).toInstant();
            var violation = TimeBounds.rangeBound(instant, now);
            if (violation.isPresent()) {
                errors.add(new Problem.FieldError(name, violation.get().rule(), violation.get().message()));
                return null;
            }
            return instant.atZone(zone);
        } catch (DateTimeParseException | ArithmeticException e) {
            if (TimeBounds.hasYearOutOfRange(t)) {
                errors.add(new Problem.FieldError(name, "range", TimeBounds.outOfRange().message()));
                return null;
            }
            errors.add(new Problem.FieldError(name, "format",
                    "must be a date (2026-11-12) or an ISO-8601 date-time with offset (2026-11-12T00:00:00+08:00)"));
            return null;
        } catch (DateTimeException e) {
            errors.add(new Problem.FieldError(name, "range", TimeBounds.outOfRange().message()));
            return null;
        }
    }

    private static boolean isMidnight(ZonedDateTime t) {
        return t.equals(t.toLocalDate().atStartOfDay(t.getZone()));
    }

    /** Length in days: whole local days, or the duration in days (fractional) for other periods. */
    public double days() {
        return wholeDays ? ChronoUnit.DAYS.between(from.toLocalDate(), to.toLocalDate())
                : Duration.between(from, to).toSeconds() / 86_400.0;
    }

    /** The first local day of the period. */
    public LocalDate firstDay() {
        return from.toLocalDate();
    }

    /** The last local day the period touches. */
    public LocalDate lastDay() {
        return to.minusNanos(1).toLocalDate();
    }

    /** The period of equal length just before this one (equally many local days for whole-day periods). */
    public ReportPeriod previous() {
        if (wholeDays) {
            long n = ChronoUnit.DAYS.between(from.toLocalDate(), to.toLocalDate());
            return new ReportPeriod(zone, from.toLocalDate().minusDays(n).atStartOfDay(zone), from, true);
        }
        return new ReportPeriod(zone, from.minus(Duration.between(from, to)), from, false);
    }

    /** Minutes of the period that have passed at {@code now} (the part a sensor could have measured). */
    double elapsedMinutes(Instant now) {
        Instant end = now.isBefore(to.toInstant()) ? now : to.toInstant();
        return Math.max(0, Duration.between(from.toInstant(), end).toSeconds() / 60.0);
    }
}
