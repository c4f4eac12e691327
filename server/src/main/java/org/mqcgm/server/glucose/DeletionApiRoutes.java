package org.mqcgm.server.glucose;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.mqcgm.core.time.TimeBounds;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Reconfirmation;
import org.mqcgm.server.platform.security.Scope;

/**
 * Deletion at the owner's request over the API (PR-63), each with the {@code account:manage} scope: a range of
 * readings (confirmed with the password, and the code when two-factor is on), a sensor with its sessions, a
 * calibration. Foreign or unknown ids answer 404.
 *
 * <p>None of them requires the health-data consent (nor the acceptance of a new major policy version): a person who
 * withdrew it can still delete their data.
 */
final class DeletionApiRoutes {

    private final ReadingDeletions deletions;
    private final Sensors sensors;
    private final Reconfirmation reconfirmation;
    private final JsonBodies json;
    private final java.time.Clock dataClock;

    DeletionApiRoutes(ReadingDeletions deletions, Sensors sensors, Reconfirmation reconfirmation, JsonBodies json,
                      java.time.Clock dataClock) {
        this.deletions = deletions;
        this.sensors = sensors;
        this.reconfirmation = reconfirmation;
        this.json = json;
        this.dataClock = dataClock;
    }

    void register(Routes routes) {
        routes.post("/api/v1/me/readings/deletions", Access.api(Scope.ACCOUNT_MANAGE), this::deleteRange);
        routes.delete("/api/v1/sensors/{id}", Access.api(Scope.ACCOUNT_MANAGE), ctx -> {
            if (!sensors.deleteSensor(GlucoseApiRoutes.owner(ctx), PathParams.uuid(ctx, "id"))) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.status(204);
        });
        routes.delete("/api/v1/calibrations/{id}", Access.api(Scope.ACCOUNT_MANAGE), ctx -> {
            if (!sensors.deleteCalibration(GlucoseApiRoutes.owner(ctx), PathParams.uuid(ctx, "id"))) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.status(204);
        });
    }

    private void deleteRange(Context ctx) {
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.ReadingDeletionRequest.class));
        Range range = range(body.get("from"), body.get("to"), "$.", dataClock.instant());
        String password = body.path("password").isTextual() ? body.path("password").asText() : null;
        String code = body.path("code").isTextual() ? body.path("code").asText() : null;
        // The range is checked before the password is tried: a typo in a date costs no confirmation attempt.
        reconfirmation.confirm(ctx, GlucoseApiRoutes.owner(ctx), password, code);
        ReadingDeletions.Result r = deletions.delete(GlucoseApiRoutes.owner(ctx), range.from(), range.to());
        ctx.json(new ApiSchemas.ReadingDeletion(range.from().toString(), range.to().toString(), r.readings(),
                r.annotations()));
    }

    /** A range {@code [from, to)} to delete. */
    record Range(Instant from, Instant to) {
    }

    /**
     * Reads {@code from} and {@code to}: ISO-8601 date-times with offset, each within
     * {@link TimeBounds#rangeBound}, {@code from} before {@code to}. There is no limit on the span: deleting the
     * whole history is allowed (blocks wholly inside the range are deleted without being read). Each wrong field
     * is named (422).
     */
    static Range range(JsonNode from, JsonNode to, String prefix, Instant now) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Instant f = bound(from, prefix + "from", now, errors);
        Instant t = bound(to, prefix + "to", now, errors);
        if (f != null && t != null && !f.isBefore(t)) {
            errors.add(new Problem.FieldError(prefix + "to", "after-from", "must be after from"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The range could not be accepted.", errors));
        }
        return new Range(f, t);
    }

    private static Instant bound(JsonNode n, String field, Instant now, List<Problem.FieldError> errors) {
        if (n == null || n.isNull()) {
            errors.add(new Problem.FieldError(field, "required", "is required"));
            return null;
        }
        if (!n.isTextual()) {
            errors.add(new Problem.FieldError(field, "type", "must be an ISO-8601 date-time with offset"));
            return null;
        }
        Instant t;
        try {
            t = OffsetDateTime.parse(n.asText().trim()).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(TimeBounds.hasYearOutOfRange(n.asText())
                    ? new Problem.FieldError(field, "range", TimeBounds.outOfRange().message())
                    : new Problem.FieldError(field, "format",
                    "must be an ISO-8601 date-time with offset, e.g. 2026-11-26T00:00:00+08:00"));
            return null;
        }
        var violation = TimeBounds.rangeBound(t, now);
        if (violation.isPresent()) {
            errors.add(new Problem.FieldError(field, violation.get().rule(), violation.get().message()));
            return null;
        }
        return t;
    }

}
