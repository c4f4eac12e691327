package org.mqcgm.server.glucose;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.core.time.TimeBounds;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Reconfirmation;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * History → Manage data (PR-63): delete the readings of a range of local days (a first step shows how many will go
 * and asks for the password), a sensor with its sessions, or a calibration (each after a confirmation page).
 * Devices are unlinked under Settings. No route here requires the health-data consent: a person who withdrew it
 * can still delete their data (the page shows no readings, only the owner's sensors and calibrations to pick).
 */
public final class DataPage {

    /** A sensor as the page lists it. */
    public record SensorRow(String id, String model, String serial, long sessions, String added) {
    }

    /** A calibration as the page lists it: local time and value in the user's unit. */
    public record CalibrationRow(String id, String time, String value) {
    }

    /** What the confirmation page shows and where its button goes. */
    public record Confirmation(String title, String message, String action, Map<String, String> fields, boolean password) {
    }

    private final ReadingDeletions deletions;
    private final Sensors sensors;
    private final Reconfirmation reconfirmation;
    private final java.time.Clock dataClock;
    private final Pages pages;
    private final PageContexts contexts;

    DataPage(ReadingDeletions deletions, Sensors sensors, Reconfirmation reconfirmation, java.time.Clock dataClock,
             Pages pages, PageContexts contexts) {
        this.deletions = deletions;
        this.sensors = sensors;
        this.reconfirmation = reconfirmation;
        this.dataClock = dataClock;
        this.pages = pages;
        this.contexts = contexts;
    }

    void register(Routes routes) {
        routes.get("/history/data", Access.PAGE, ctx -> show(ctx, List.of(), 200));
        routes.post("/history/data/readings", Access.PAGE, this::previewRange);
        routes.post("/history/data/readings/delete", Access.PAGE, this::deleteRange);
        routes.get("/history/data/sensors/{id}/delete", Access.PAGE, this::confirmSensor);
        routes.post("/history/data/sensors/{id}/delete", Access.PAGE, ctx -> {
            if (!sensors.deleteSensor(GlucoseApiRoutes.owner(ctx), PathParams.uuid(ctx, "id"))) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.redirect("/history/data?done=sensor", HttpStatus.SEE_OTHER);
        });
        routes.get("/history/data/calibrations/{id}/delete", Access.PAGE,
                this::confirmCalibration);
        routes.post("/history/data/calibrations/{id}/delete", Access.PAGE, ctx -> {
            if (!sensors.deleteCalibration(GlucoseApiRoutes.owner(ctx), PathParams.uuid(ctx, "id"))) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.redirect("/history/data?done=calibration", HttpStatus.SEE_OTHER);
        });
    }

    private void show(Context ctx, List<Problem.FieldError> errors, int status) {
        PageContext page = contexts.of(ctx);
        UUID owner = GlucoseApiRoutes.owner(ctx);
        Map<String, Long> sessions = new HashMap<>();
        for (ApiSchemas.SensorSession s : sensors.sessions(owner)) {
            sessions.merge(s.sensorId(), 1L, Long::sum);
        }
        List<SensorRow> rows = new ArrayList<>();
        for (ApiSchemas.Sensor s : sensors.sensors(owner)) {
            rows.add(new SensorRow(s.id(), s.model(), s.serial(), sessions.getOrDefault(s.id(), 0L),
                    Instant.parse(s.createdAt()).atZone(page.zone()).toLocalDate().toString()));
        }
        Instant now = dataClock.instant();
        List<ApiSchemas.Calibration> calibrations = sensors.calibrations(owner, TimeBounds.EARLIEST,
                now.plus(Duration.ofDays(1)));
        LocalDate today = now.atZone(page.zone()).toLocalDate();
        Map<String, Object> model = new HashMap<>();
        model.put("sensors", rows);
        List<CalibrationRow> calibrationRows = new ArrayList<>();
        for (ApiSchemas.Calibration c : calibrations.reversed()) {
            calibrationRows.add(new CalibrationRow(c.id(), local(c.time(), page.zone()),
                    page.unit().format(c.mgdl()) + " " + page.unit().symbol()));
        }
        model.put("calibrations", calibrationRows);
        model.put("zone", page.zone());
        model.put("from", value(ctx.formParam("from"), today.toString()));
        model.put("to", value(ctx.formParam("to"), today.toString()));
        model.put("deleted", ctx.queryParam("deleted") != null && ctx.queryParam("deleted").matches("\\d{1,10}")
                ? ctx.queryParam("deleted") : "");
        model.put("done", ctx.queryParam("done") != null && ctx.queryParam("done").matches("sensor|calibration")
                ? ctx.queryParam("done") : "");
        model.put("errors", errors);
        ctx.status(status);
        pages.render(ctx, page, "glucose/data.jte", model);
    }

    private static String local(String instant, ZoneId zone) {
        return Instant.parse(instant).atZone(zone).toLocalDateTime().toString().replace('T', ' ');
    }

    private static String value(String v, String fallback) {
        return v == null || v.isBlank() || v.length() > 40 ? fallback : v;
    }

    /** The local days [from, to] of the form as instants [start of from, start of the day after to). */
    private DeletionApiRoutes.Range days(Context ctx, ZoneId zone, List<Problem.FieldError> errors) {
        LocalDate today = dataClock.instant().atZone(zone).toLocalDate();
        LocalDate from = day(ctx.formParam("from"), "from", today, errors);
        LocalDate to = day(ctx.formParam("to"), "to", today, errors);
        if (from != null && to != null && to.isBefore(from)) {
            errors.add(new Problem.FieldError("to", "after-from", "must not be before the first day"));
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new DeletionApiRoutes.Range(from.atStartOfDay(zone).toInstant(),
                to.plusDays(1).atStartOfDay(zone).toInstant());
    }

    private static LocalDate day(String value, String field, LocalDate today, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new Problem.FieldError(field, "required", "is required"));
            return null;
        }
        LocalDate d;
        try {
            d = LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            errors.add(TimeBounds.hasYearOutOfRange(value)
                    ? new Problem.FieldError(field, "range", TimeBounds.outOfRange().message())
                    : new Problem.FieldError(field, "format", "must be a date such as 2026-11-26"));
            return null;
        }
        var v = TimeBounds.day(d, today);
        if (v.isPresent()) {
            errors.add(new Problem.FieldError(field, v.get().rule(), v.get().message()));
            return null;
        }
        return d;
    }

    /** Step 1: how many readings the days hold; the password to go on. */
    private void previewRange(Context ctx) {
        PageContext page = contexts.of(ctx);
        List<Problem.FieldError> errors = new ArrayList<>();
        DeletionApiRoutes.Range range = days(ctx, page.zone(), errors);
        if (range == null) {
            show(ctx, errors, 422);
            return;
        }
        confirmRange(ctx, page, range, List.of(), 200);
    }

    private void confirmRange(Context ctx, PageContext page, DeletionApiRoutes.Range range,
                              List<Problem.FieldError> errors, int status) {
        int count = deletions.count(GlucoseApiRoutes.owner(ctx), range.from(), range.to());
        String from = ctx.formParam("from").trim();
        String to = ctx.formParam("to").trim();
        Map<String, Object> model = new HashMap<>();
        model.put("confirmation", new Confirmation(page.t("history.data.readings.confirmTitle"),
                page.t("history.data.readings.confirm", count, from, to), "/history/data/readings/delete",
                Map.of("from", from, "to", to), true));
        model.put("count", count);
        model.put("errors", errors);
        ctx.status(status);
        pages.render(ctx, page, "glucose/data-confirm.jte", model);
    }

    /** Step 2: the password (and code), then the deletion. */
    private void deleteRange(Context ctx) {
        PageContext page = contexts.of(ctx);
        List<Problem.FieldError> errors = new ArrayList<>();
        DeletionApiRoutes.Range range = days(ctx, page.zone(), errors);
        if (range == null) {
            show(ctx, errors, 422);
            return;
        }
        String code = ctx.formParam("code");
        try {
            reconfirmation.confirm(ctx, GlucoseApiRoutes.owner(ctx), ctx.formParam("password"),
                    code == null || code.isBlank() ? null : code.trim());
        } catch (ProblemException e) {
            if (e.problem().status() != 401) {
                throw e;
            }
            confirmRange(ctx, page, range, e.problem().errors(), 401);
            return;
        }
        ReadingDeletions.Result r = deletions.delete(GlucoseApiRoutes.owner(ctx), range.from(), range.to());
        ctx.redirect("/history/data?deleted=" + r.readings(), HttpStatus.SEE_OTHER);
    }

    private void confirmSensor(Context ctx) {
        PageContext page = contexts.of(ctx);
        String id = PathParams.uuid(ctx, "id").toString();
        ApiSchemas.Sensor sensor = sensors.sensors(GlucoseApiRoutes.owner(ctx)).stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        long sessions = sensors.sessions(GlucoseApiRoutes.owner(ctx)).stream().filter(s -> s.sensorId().equals(id)).count();
        confirm(ctx, page, new Confirmation(page.t("history.data.sensors.confirmTitle"),
                page.t("history.data.sensors.confirm", sensor.model(), sessions),
                "/history/data/sensors/" + id + "/delete", Map.of(), false));
    }

    private void confirmCalibration(Context ctx) {
        PageContext page = contexts.of(ctx);
        String id = PathParams.uuid(ctx, "id").toString();
        ApiSchemas.Calibration c = sensors.calibrations(GlucoseApiRoutes.owner(ctx), TimeBounds.EARLIEST,
                        dataClock.instant().plus(Duration.ofDays(1))).stream().filter(x -> x.id().equals(id))
                .findFirst().orElseThrow(() -> new ProblemException(Problem.notFound()));
        confirm(ctx, page, new Confirmation(page.t("history.data.calibrations.confirmTitle"),
                page.t("history.data.calibrations.confirm", page.unit().format(c.mgdl()) + " " + page.unit().symbol(),
                        local(c.time(), page.zone())),
                "/history/data/calibrations/" + id + "/delete", Map.of(), false));
    }

    private void confirm(Context ctx, PageContext page, Confirmation confirmation) {
        Map<String, Object> model = new HashMap<>();
        model.put("confirmation", confirmation);
        model.put("count", -1);
        model.put("errors", List.<Problem.FieldError>of());
        pages.render(ctx, page, "glucose/data-confirm.jte", model);
    }

}
