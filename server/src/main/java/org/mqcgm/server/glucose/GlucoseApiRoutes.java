package org.mqcgm.server.glucose;

import static org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.time.TimeBounds;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/** Sensors, sensor sessions, calibrations and annotations over the API. Foreign ids answer 404. */
final class GlucoseApiRoutes {

    private final Sensors sensors;
    private final Annotations annotations;
    private final JsonBodies json;
    /** "Now" for glucose data (the demo can run it faster), as readings are judged by. */
    private final java.time.Clock dataClock;

    GlucoseApiRoutes(Sensors sensors, Annotations annotations, JsonBodies json, java.time.Clock dataClock) {
        this.sensors = sensors;
        this.annotations = annotations;
        this.json = json;
        this.dataClock = dataClock;
    }

    public void register(Routes routes) {
        routes.get("/api/v1/sensors", Access.api(Scope.READINGS_READ).requiring(HEALTH_DATA),
                ctx -> ctx.json(sensors.sensors(owner(ctx))));
        routes.post("/api/v1/sensors", Access.api(Scope.READINGS_WRITE).requiring(HEALTH_DATA), this::addSensor);
        routes.post("/api/v1/sensors/{id}/sessions", Access.api(Scope.READINGS_WRITE).requiring(HEALTH_DATA), this::startSession);
        routes.get("/api/v1/sessions", Access.api(Scope.READINGS_READ).requiring(HEALTH_DATA),
                ctx -> ctx.json(sensors.sessions(owner(ctx))));
        routes.post("/api/v1/sessions/{id}/end", Access.api(Scope.READINGS_WRITE).requiring(HEALTH_DATA), this::endSession);
        routes.get("/api/v1/calibrations", Access.api(Scope.READINGS_READ).requiring(HEALTH_DATA), ctx -> {
            Instant now = dataClock.instant();
            Instant to = ReadingRoutes.instantParam(ctx, "to", now.plus(Duration.ofMinutes(5)), now);
            ctx.json(sensors.calibrations(owner(ctx), ReadingRoutes.instantParam(ctx, "from",
                    to.minus(Duration.ofDays(90)), now), to));
        });
        routes.post("/api/v1/calibrations", Access.api(Scope.READINGS_WRITE).requiring(HEALTH_DATA), this::addCalibration);
        routes.get("/api/v1/annotations", Access.api(Scope.READINGS_READ).requiring(HEALTH_DATA), ctx -> {
            Instant now = dataClock.instant();
            Instant to = ReadingRoutes.instantParam(ctx, "to", now.plus(Duration.ofDays(1)), now);
            ctx.json(annotations.overlapping(owner(ctx), ReadingRoutes.instantParam(ctx, "from",
                    to.minus(Duration.ofDays(90)), now), to).stream().map(ApiSchemas.Annotation::of).toList());
        });
        routes.post("/api/v1/annotations", Access.api(Scope.READINGS_WRITE).requiring(HEALTH_DATA), this::annotate);
        routes.post("/api/v1/annotations/{id}", Access.api(Scope.READINGS_WRITE).requiring(HEALTH_DATA), ctx -> {
            // Another user's id is "not found" whatever the body says.
            UUID id = PathParams.uuid(ctx, "id");
            annotations.find(owner(ctx), id).orElseThrow(() -> new ProblemException(Problem.notFound()));
            JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.AnnotationExclusion.class));
            if (!body.path("exclude").isBoolean()) {
                throw invalid(new Problem.FieldError("$.exclude", "type", "must be true or false"));
            }
            if (!annotations.setExclude(owner(ctx), id, body.path("exclude").asBoolean())) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.json(ApiSchemas.Annotation.of(annotations.find(owner(ctx), id).orElseThrow()));
        });
        routes.delete("/api/v1/annotations/{id}", Access.api(Scope.READINGS_WRITE).requiring(HEALTH_DATA), ctx -> {
            if (!annotations.delete(owner(ctx), PathParams.uuid(ctx, "id"))) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.status(204);
        });
    }

    private void addSensor(Context ctx) {
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.NewSensor.class));
        String model = text(body, "model", true, 80);
        String serial = text(body, "serial", false, 64);
        String transmitter = text(body, "transmitterId", false, 64);
        ctx.status(201).json(new ApiSchemas.Created(sensors.addSensor(owner(ctx), model, serial, transmitter).toString()));
    }

    private void startSession(Context ctx) {
        UUID sensor = PathParams.uuid(ctx, "id");
        if (!sensors.ownsSensor(owner(ctx), sensor)) {
            throw new ProblemException(Problem.notFound());
        }
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.NewSensorSession.class));
        Instant start = dataTime(body, "start");
        long warm = whole(body, "warmUpMinutes", 0, 24 * 60, 60);
        long life = whole(body, "lifetimeDays", 1, 30, 14);
        UUID id = sensors.startSession(owner(ctx), sensor, start, Duration.ofMinutes(warm), Duration.ofDays(life))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        ctx.status(201).json(new ApiSchemas.Created(id.toString()));
    }

    private void endSession(Context ctx) {
        UUID session = PathParams.uuid(ctx, "id");
        if (!sensors.ownsSession(owner(ctx), session)) {
            throw new ProblemException(Problem.notFound());
        }
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.SensorSessionEnd.class));
        String reason = text(body, "reason", true, 20);
        if (!Set.of("expired", "failed", "removed", "replaced", "other").contains(reason)) {
            throw invalid(new Problem.FieldError("$.reason", "one-of",
                    "must be expired, failed, removed, replaced or other"));
        }
        if (!sensors.endSession(owner(ctx), session, dataTime(body, "end"), reason)) {
            throw new ProblemException(Problem.notFound());
        }
        ctx.status(204);
    }

    private void addCalibration(Context ctx) {
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.NewCalibration.class));
        Instant t = dataTime(body, "time");
        int mgdl = (int) whole(body, "mgdl", Reading.MIN_MGDL, Reading.MAX_MGDL, -1);
        if (mgdl < 0) {
            throw invalid(new Problem.FieldError("$.mgdl", "required", "is required"));
        }
        ctx.status(201).json(new ApiSchemas.Created(sensors.addCalibration(owner(ctx), t, mgdl,
                text(body, "device", false, 64)).toString()));
    }

    private void annotate(Context ctx) {
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.NewAnnotation.class));
        Instant start = dataTime(body, "start");
        Instant end = time(body, "end");
        TimeBounds.rangeBound(end, dataClock.instant()).ifPresent(v -> {
            throw invalid(new Problem.FieldError("$.end", v.rule(), v.message()));
        });
        if (end.isBefore(start)) {
            throw invalid(new Problem.FieldError("$.end", "after-start", "must not be before start"));
        }
        String kind = text(body, "kind", true, 20);
        if (!Annotations.KINDS.contains(kind)) {
            throw invalid(new Problem.FieldError("$.kind", "one-of", "must be one of " + Annotations.KINDS));
        }
        JsonNode excludeField = body.get("exclude");
        if (excludeField != null && !excludeField.isNull() && !excludeField.isBoolean()) {
            throw invalid(new Problem.FieldError("$.exclude", "type", "must be true or false"));
        }
        boolean exclude = excludeField == null || excludeField.isNull() ? kind.equals("sensor-error")
                : excludeField.booleanValue();
        ctx.status(201).json(ApiSchemas.Annotation.of(annotations.create(owner(ctx), start, end, kind,
                text(body, "note", false, 500), exclude)));
    }

    /** The caller's account (the owner of what a glucose route reads or changes). */
    static UUID owner(Context ctx) {
        return Principal.of(ctx).accountId();
    }

    private static ProblemException invalid(Problem.FieldError e) {
        return new ProblemException(Problem.validation("The request could not be accepted.", List.of(e)));
    }

    private static String text(JsonNode body, String field, boolean required, int max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw invalid(new Problem.FieldError("$." + field, "required", "is required"));
            }
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank() || n.asText().length() > max) {
            throw invalid(new Problem.FieldError("$." + field, "length", "must be text of 1 to " + max + " characters"));
        }
        return n.asText().trim();
    }

    private static Instant time(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n != null && !n.isNull() && !n.isTextual()) {
            throw invalid(new Problem.FieldError("$." + field, "type", "must be an ISO-8601 date-time with offset"));
        }
        String v = text(body, field, true, 40);
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            if (TimeBounds.hasYearOutOfRange(v)) {
                throw invalid(new Problem.FieldError("$." + field, "range", TimeBounds.outOfRange().message()));
            }
            throw invalid(new Problem.FieldError("$." + field, "format", "must be an ISO-8601 date-time with offset"));
        }
    }

    /** When something happened: within {@link TimeBounds#dataTime} (1900 … now + 5 minutes). */
    private Instant dataTime(JsonNode body, String field) {
        Instant t = time(body, field);
        TimeBounds.dataTime(t, dataClock.instant()).ifPresent(v -> {
            throw invalid(new Problem.FieldError("$." + field, v.rule(), v.message()));
        });
        return t;
    }

    private static long whole(JsonNode body, String field, long min, long max, long absent) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return absent;
        }
        if (!n.isIntegralNumber()) {
            throw invalid(new Problem.FieldError("$." + field, "type", "must be a whole number from " + min + " to "
                    + max));
        }
        if (!n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw invalid(new Problem.FieldError("$." + field, "range", "must be a whole number from " + min + " to "
                    + max));
        }
        return n.longValue();
    }
}
