package org.mqcgm.server.glucose;

import static org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA;

import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.glucose.TrendArrow;
import org.mqcgm.core.glucose.TrendEstimator;
import org.mqcgm.core.metrics.TimeInRanges;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.marks.CheckinMarks;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * The Today page: the newest glucose in large type with its trend arrow and age, and the last 24 hours as a chart
 * with the target range shaded, in the user's unit and time zone.
 */
public final class TodayPage {

    static final Duration WINDOW = Duration.ofHours(24);
    static final Duration STALE_AFTER = Duration.ofMinutes(15);

    private final Readings readings;
    private final Annotations annotations;
    private final Pages pages;
    private final PageContexts contexts;
    private final org.mqcgm.server.platform.profile.Profiles profiles;
    private final CheckinMarks marks;

    TodayPage(Readings readings, Annotations annotations, CheckinMarks marks, Pages pages, PageContexts contexts,
              org.mqcgm.server.platform.profile.Profiles profiles) {
        this.profiles = profiles;
        this.marks = marks;
        this.readings = readings;
        this.annotations = annotations;
        this.pages = pages;
        this.contexts = contexts;
    }

    void register(Routes routes) {
        routes.get("/today", Access.PAGE.requiring(HEALTH_DATA), this::show);
        // The Today page of a person who shares their live glucose with the viewer, live over their stream.
        routes.get("/people/{person}/today", Access.sharedPage(
                org.mqcgm.server.platform.security.ShareScope.GLUCOSE).requiring(HEALTH_DATA), this::showPerson);
    }

    private void showPerson(Context ctx) {
        UUID person = org.mqcgm.server.platform.security.Grant.person(ctx);
        Profile profile = profiles.of(person).orElseThrow(() -> new ProblemException(Problem.notFound()));
        PageContext page = contexts.of(ctx);
        Instant now = readings.clock().instant();
        Instant from = now.minus(WINDOW);
        Instant window = ReadingRoutes.visibleFrom(ctx);
        if (window != null && from.isBefore(window)) {
            from = window;
        }
        List<Reading> day = readings.store().range(person, from, now.plusSeconds(1));
        List<Annotations.Annotation> notes = Annotations.within(annotations.overlapping(person, from,
                now.plusSeconds(1)), window);
        // The logbook's entries only for someone the person shares their logbook with (or the person).
        boolean logbook = org.mqcgm.server.platform.security.Grant.of(ctx)
                .map(g -> g.covers(org.mqcgm.server.platform.security.ShareScope.LOGBOOK)).orElse(true);
        List<CheckinMarks.Mark> entries = logbook ? marks.marks(person, from, now.plusSeconds(1), page.unit())
                : List.of();
        pages.render(ctx, page, "glucose/today.jte", Map.of("view", view(day, notes, entries, now, profile, page),
                "person", person.toString(), "name", profile.label(), "marks", entries.reversed(),
                "logbook", logbook));
    }

    private void show(Context ctx) {
        Principal p = Principal.of(ctx);
        PageContext page = contexts.of(ctx);
        Instant now = readings.clock().instant();
        Instant from = now.minus(WINDOW);
        List<Reading> day = readings.store().range(p.accountId(), from, now.plusSeconds(1));
        List<Annotations.Annotation> notes = annotations.overlapping(p.accountId(), from, now.plusSeconds(1));
        List<CheckinMarks.Mark> entries = marks.marks(p.accountId(), from, now.plusSeconds(1), page.unit());
        // Without a reading today the page shows the ways in; their result pages move on to Today when a reading
        // newer than the newest one so far arrives (the live stream's event id: its epoch second).
        String newest = day.isEmpty() ? readings.store().latest(p.accountId(), now.plus(Readings.FUTURE_TOLERANCE))
                .map(r -> Long.toString(r.time().getEpochSecond())).orElse("") : "";
        pages.render(ctx, page, "glucose/today.jte", Map.of("view", view(day, notes, entries, now, page.profile(),
                page), "marks", entries.reversed(), "newest", newest));
    }

    static TodayView view(List<Reading> day, List<Annotations.Annotation> notes, List<CheckinMarks.Mark> entries,
                          Instant now, Profile profile, PageContext page) {
        GlucoseUnit unit = page.unit();
        String chart = GlucoseChart.render(day, now.minus(WINDOW), now, profile.zone(), unit,
                page.t("today.chart.title"), page.t("today.chart.empty"), notes, 3, entries,
                k -> page.t("logbook.kind." + k));
        if (day.isEmpty()) {
            return new TodayView(false, "", unit.symbol(), "", "trend.none", 0, true, "", chart, 0, 0, 0, 0, "");
        }
        Reading last = day.get(day.size() - 1);
        // The sensor's own trend when it sent one; otherwise estimated from the last 15 minutes.
        TrendArrow arrow = TrendArrow.fromRate(last.hasTrend() ? last.trend() : TrendEstimator.ratePerMinute(day));
        long minutes = Math.max(0, Duration.between(last.time(), now).toMinutes());
        // Time in ranges leaves out what the user excluded (e.g. a sensor error), like every statistic (PR-62).
        List<Reading> counted = Annotations.forStatistics(day, notes);
        // The same band rules and the person's targets as the reports (core.metrics); whole percentages that add
        // up to 100 on the page.
        TimeInRanges ranges = TimeInRanges.of(Readings.values(counted), profile.targets());
        int belowPct = counted.isEmpty() ? 0 : (int) Math.round(ranges.belowRangePercent());
        int abovePct = counted.isEmpty() ? 0 : (int) Math.round(ranges.aboveRangePercent());
        String value = (last.marker() == Reading.Marker.LOW ? "<" : last.marker() == Reading.Marker.HIGH ? ">" : "")
                + unit.format(last.mgdl());
        return new TodayView(true, value, unit.symbol(), arrow.symbol(),
                "trend." + arrow.name().toLowerCase(java.util.Locale.ROOT), minutes,
                Duration.between(last.time(), now).compareTo(STALE_AFTER) > 0,
                GlucoseChart.rangeClass(last.mgdl()), chart, counted.size(), belowPct,
                counted.isEmpty() ? 0 : 100 - belowPct - abovePct, abovePct,
                Long.toString(last.time().getEpochSecond()));
    }
}
