package org.mqcgm.server.glucose;

import static org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.metrics.RangeThresholds;
import org.mqcgm.core.metrics.TimeInRanges;
import org.mqcgm.core.time.TimeBounds;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.marks.CheckinMarks;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * History: one local day (midnight to midnight in the user's zone — 23 or 25 hours on DST days) or one week of
 * small daily charts, with gaps left as gaps, Low/High drawn at the sensor limits, and the user's annotations shown
 * and editable (add, exclude/include from statistics, delete).
 */
public final class HistoryPage {

    /** A day on the page. */
    public record Day(LocalDate date, String chartSvg, int count, int inRangePct, List<Annotations.Annotation> notes,
                      boolean dstChange, long hours, List<CheckinMarks.Mark> marks) {
    }

    private final Readings readings;
    private final Annotations annotations;
    private final Pages pages;
    private final PageContexts contexts;
    private final org.mqcgm.server.platform.profile.Profiles profiles;
    private final CheckinMarks marks;

    HistoryPage(Readings readings, Annotations annotations, CheckinMarks marks, Pages pages, PageContexts contexts,
                org.mqcgm.server.platform.profile.Profiles profiles) {
        this.profiles = profiles;
        this.marks = marks;
        this.readings = readings;
        this.annotations = annotations;
        this.pages = pages;
        this.contexts = contexts;
    }

    void register(Routes routes) {
        routes.get("/history", Access.PAGE.requiring(HEALTH_DATA), this::show);
        // The history of a person who shares it with the viewer: the charts only, no notes and no editing.
        routes.get("/people/{person}/history", Access.sharedPage(
                org.mqcgm.server.platform.security.ShareScope.HISTORY).requiring(HEALTH_DATA), this::show);
        routes.post("/history/annotations", Access.PAGE.requiring(HEALTH_DATA), this::annotate);
        routes.post("/history/annotations/{id}/exclude", Access.PAGE.requiring(HEALTH_DATA), ctx -> setExclude(ctx, true));
        routes.post("/history/annotations/{id}/include", Access.PAGE.requiring(HEALTH_DATA), ctx -> setExclude(ctx, false));
        routes.post("/history/annotations/{id}/delete", Access.PAGE.requiring(HEALTH_DATA), ctx -> {
            if (!annotations.delete(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"))) {
                throw new ProblemException(Problem.notFound());
            }
            back(ctx);
        });
    }

    private void show(Context ctx) {
        PageContext page = contexts.of(ctx);
        boolean shared = ctx.pathParamMap().containsKey("person");
        UUID owner = shared ? org.mqcgm.server.platform.security.Grant.person(ctx) : Principal.of(ctx).accountId();
        org.mqcgm.server.platform.profile.Profile profile = shared ? profiles.of(owner)
                .orElseThrow(() -> new ProblemException(Problem.notFound())) : page.profile();
        ZoneId zone = profile.zone();
        LocalDate today = readings.clock().instant().atZone(zone).toLocalDate();
        LocalDate date = date(ctx.queryParam("date"), today);
        boolean week = "week".equals(ctx.queryParam("view"));
        List<Day> days = new ArrayList<>();
        LocalDate first = week ? date.minusDays(6) : date;
        Instant window = ReadingRoutes.visibleFrom(ctx);
        // The logbook's entries only for someone the person shares their logbook with (or the person).
        boolean logbook = org.mqcgm.server.platform.security.Grant.of(ctx)
                .map(g -> g.covers(org.mqcgm.server.platform.security.ShareScope.LOGBOOK)).orElse(true);
        if (window != null && first.plusDays(1).atStartOfDay(zone).toInstant().isBefore(window)) {
            throw ReadingRoutes.outsideSharedWindow("date", window);
        }
        for (LocalDate d = first; !d.isAfter(date); d = d.plusDays(1)) {
            days.add(day(owner, d, zone, profile.targets(), page, week, window, logbook));
        }
        Map<String, Object> model = new HashMap<>();
        model.put("days", days);
        model.put("date", date.toString());
        model.put("week", week);
        model.put("previous", (week ? date.minusDays(7) : date.minusDays(1)).toString());
        model.put("next", date.isBefore(today) ? (week ? date.plusDays(7) : date.plusDays(1)).toString() : "");
        model.put("kinds", List.copyOf(new java.util.TreeSet<>(Annotations.KINDS)));
        model.put("zone", zone);
        if (shared) {
            model.put("base", "/people/" + owner + "/history");
            model.put("name", profile.label());
        }
        pages.render(ctx, page, "glucose/history.jte", model);
    }

    private Day day(UUID owner, LocalDate date, ZoneId zone, RangeThresholds targets, PageContext page,
                    boolean small, Instant window, boolean logbook) {
        Instant from = date.atStartOfDay(zone).toInstant();
        Instant to = date.plusDays(1).atStartOfDay(zone).toInstant();
        // A follower's window may start inside the first day: nothing before it is read.
        List<Reading> list = readings.store().range(owner, window != null && from.isBefore(window) ? window : from,
                to);
        List<Annotations.Annotation> notes = Annotations.within(annotations.overlapping(owner,
                window != null && from.isBefore(window) ? window : from, to), window);
        List<CheckinMarks.Mark> entries = logbook
                ? marks.marks(owner, window != null && from.isBefore(window) ? window : from, to, page.unit())
                : List.of();
        String chart = GlucoseChart.render(list, from, to, zone, page.unit(), page.t("history.chart.title",
                date.toString()), page.t("today.chart.empty"), notes, small ? 6 : 3, entries,
                k -> page.t("logbook.kind." + k));
        List<Reading> counted = Annotations.forStatistics(list, notes);
        TimeInRanges ranges = TimeInRanges.of(Readings.values(counted), targets);
        long hours = java.time.Duration.between(from, to).toHours();
        return new Day(date, chart, counted.size(), counted.isEmpty() ? 0 : (int) Math.round(ranges.inRangePercent()),
                notes, hours != 24, hours, entries);
    }

    private void annotate(Context ctx) {
        Principal p = Principal.of(ctx);
        ZoneId zone = contexts.of(ctx).zone();
        Instant start = localTime(ctx.formParam("start"), zone, "start");
        Instant end = localTime(ctx.formParam("end"), zone, "end");
        Instant now = readings.clock().instant();
        TimeBounds.dataTime(start, now).ifPresent(v -> {
            throw outOfBounds("start", v);
        });
        TimeBounds.rangeBound(end, now).ifPresent(v -> {
            throw outOfBounds("end", v);
        });
        String kind = ctx.formParam("kind");
        if (kind == null || !Annotations.KINDS.contains(kind)) {
            throw invalid("kind", "one-of", "must be one of " + Annotations.KINDS);
        }
        if (end.isBefore(start)) {
            throw invalid("end", "after-start", "must not be before the start");
        }
        String note = ctx.formParam("note");
        if (note != null && note.length() > 500) {
            throw invalid("note", "length", "must have at most 500 characters");
        }
        annotations.create(p.accountId(), start, end, kind, note, ctx.formParam("exclude") != null);
        back(ctx);
    }

    private void setExclude(Context ctx, boolean exclude) {
        if (!annotations.setExclude(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"), exclude)) {
            throw new ProblemException(Problem.notFound());
        }
        back(ctx);
    }

    private static void back(Context ctx) {
        String date = ctx.formParam("date");
        ctx.redirect("/history" + (date != null && date.matches("\\d{4}-\\d{2}-\\d{2}") ? "?date=" + date : ""),
                HttpStatus.SEE_OTHER);
    }

    /** The day shown: within {@link TimeBounds#day} (422 otherwise), and not after today (there is nothing yet). */
    private static LocalDate date(String value, LocalDate fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        LocalDate d;
        try {
            d = LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            if (TimeBounds.hasYearOutOfRange(value)) {
                throw outOfBounds("date", TimeBounds.outOfRange());
            }
            throw invalid("date", "format", "must be a date such as 2026-11-26");
        }
        TimeBounds.day(d, fallback).ifPresent(v -> {
            throw outOfBounds("date", v);
        });
        if (d.isAfter(fallback)) {
            throw invalid("date", "range", "must be a past day");
        }
        return d;
    }

    /** A {@code datetime-local} value in the user's zone (in a DST gap, the later valid time). */
    private static Instant localTime(String value, ZoneId zone, String field) {
        try {
            return LocalDateTime.parse(value).atZone(zone).toInstant();
        } catch (DateTimeException | NullPointerException e) {
            if (TimeBounds.hasYearOutOfRange(value)) {
                throw outOfBounds(field, TimeBounds.outOfRange());
            }
            throw invalid(field, "format", "must be a date and time such as 2026-11-26T07:30");
        }
    }

    private static ProblemException outOfBounds(String field, TimeBounds.Violation v) {
        return new ProblemException(Problem.validation("The form could not be accepted.",
                List.of(new Problem.FieldError(field, v.rule(), v.message()))));
    }

    private static ProblemException invalid(String field, String rule, String message) {
        return new ProblemException(Problem.badRequest("The form could not be accepted.",
                new Problem.FieldError(field, rule, message)));
    }
}
