package org.mqcgm.server.platform.http;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.mqcgm.core.time.TimeBounds;

/** The {@code from}/{@code to} query parameters of a read, checked by the one time rule ({@link TimeBounds}). */
public final class QueryTimes {

    private QueryTimes() {
    }

    /**
     * A range bound: an ISO-8601 date-time with offset (400 when malformed) within {@link TimeBounds#rangeBound} of
     * {@code now} (422 naming the parameter otherwise); {@code absent} when the parameter is missing or blank.
     */
    public static Instant rangeBound(Context ctx, String name, Instant absent, Instant now) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return absent;
        }
        Instant t;
        try {
            // An unencoded '+' in the offset arrives as a space after query decoding.
            t = OffsetDateTime.parse(v.trim().replace(' ', '+')).toInstant();
        } catch (DateTimeParseException e) {
            if (TimeBounds.hasYearOutOfRange(v)) {
                throw outOfBounds(name, TimeBounds.outOfRange());
            }
            throw new ProblemException(Problem.badRequest("'" + name + "' is not a date-time.",
                    new Problem.FieldError(name, "format",
                            "must be an ISO-8601 date-time with offset, e.g. 2026-11-26T00:00:00Z")));
        }
        TimeBounds.rangeBound(t, now).ifPresent(violation -> {
            throw outOfBounds(name, violation);
        });
        return t;
    }

    /** A time outside its bounds: 422 naming the field and the rule. */
    public static ProblemException outOfBounds(String field, TimeBounds.Violation violation) {
        return new ProblemException(Problem.validation("'" + field + "' is outside the supported times.",
                List.of(new Problem.FieldError(field, violation.rule(), violation.message()))));
    }
}
