package org.mqcgm.server.glucose;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * The readings API: {@code POST /api/v1/readings} (a JSON array of {@code {time, mgdl}}),
 * {@code GET /api/v1/readings?from=&to=} (JSON, or CSV with {@code Accept: text/csv}) and
 * {@code GET /api/v1/readings/latest}. Times are ISO-8601 with the wearer's UTC offset.
 */
public final class ReadingRoutes {

    /** The longest range one read may ask for. */
    static final Duration MAX_RANGE = Duration.ofDays(90);
    /** ISO-8601 with seconds always present and the reading's own offset. */
    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    private final Readings readings;
    private final JsonBodies json;

    public ReadingRoutes(Readings readings, JsonBodies json) {
        this.readings = readings;
        this.json = json;
    }

    public void register(Routes routes) {
        routes.post("/api/v1/readings", Access.api(Scope.READINGS_WRITE), this::upload);
        routes.get("/api/v1/readings", Access.api(Scope.READINGS_READ), this::list);
        routes.get("/api/v1/readings/latest", Access.api(Scope.READINGS_READ), this::latest);
    }

    private void upload(Context ctx) {
        Principal p = Principal.of(ctx);
        JsonNode body = json.readTree(ctx);
        boolean atomic = "true".equalsIgnoreCase(ctx.queryParam("atomic"));
        Readings.Outcome outcome = readings.ingest(p.accountId(), body, atomic);
        if (outcome.rejected() == 0) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("accepted", outcome.accepted());
            result.put("duplicates", outcome.duplicates());
            result.put("rejected", 0);
            ctx.status(HttpStatus.OK).json(result);
            return;
        }
        String detail = atomic
                ? outcome.rejected() + " readings broke a rule; nothing was stored (atomic=true)."
                : outcome.rejected() + " readings broke a rule and were not stored; the others were stored.";
        throw new ProblemException(Problem.validation(detail, outcome.errors())
                .with("accepted", outcome.accepted())
                .with("duplicates", outcome.duplicates())
                .with("rejected", outcome.rejected()));
    }

    private void list(Context ctx) {
        Principal p = Principal.of(ctx);
        Instant now = readings.clock().instant();
        Instant to = instantParam(ctx, "to", now);
        Instant from = instantParam(ctx, "from", to.minus(Duration.ofHours(24)));
        if (!from.isBefore(to)) {
            throw new ProblemException(Problem.badRequest("'from' must be before 'to'.",
                    new Problem.FieldError("from", "before-to", "must be before to")));
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new ProblemException(Problem.badRequest("The range is longer than 90 days.",
                    new Problem.FieldError("to", "max-range", "must be at most 90 days after from")));
        }
        List<Reading> list = readings.store().range(p.accountId(), from, to);
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/csv")) {
            StringBuilder csv = new StringBuilder("time,mgdl\n");
            for (Reading r : list) {
                csv.append(ISO.format(r.localTime())).append(',').append(r.mgdl()).append('\n');
            }
            ctx.contentType("text/csv; charset=utf-8").result(csv.toString());
            return;
        }
        ctx.json(list.stream().map(ReadingRoutes::view).toList());
    }

    private void latest(Context ctx) {
        Principal p = Principal.of(ctx);
        Reading r = readings.store().latest(p.accountId(), readings.clock().instant().plus(Readings.FUTURE_TOLERANCE))
                .orElseThrow(() -> new ProblemException(Problem.of(404, "no-readings", "No readings",
                        "There are no readings yet.")));
        ctx.json(view(r));
    }

    static Map<String, Object> view(Reading r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", ISO.format(r.localTime()));
        m.put("mgdl", r.mgdl());
        return m;
    }

    private static Instant instantParam(Context ctx, String name, Instant fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            // An unencoded '+' in the offset arrives as a space after query decoding.
            return OffsetDateTime.parse(v.trim().replace(' ', '+')).toInstant();
        } catch (DateTimeParseException e) {
            throw new ProblemException(Problem.badRequest("'" + name + "' is not a date-time.",
                    new Problem.FieldError(name, "format",
                            "must be an ISO-8601 date-time with offset, e.g. 2026-11-26T00:00:00Z")));
        }
    }
}
