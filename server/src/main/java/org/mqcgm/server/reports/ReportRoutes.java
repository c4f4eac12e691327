package org.mqcgm.server.reports;

import static org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA;

import io.javalin.http.Context;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mqcgm.server.platform.marks.CheckinMarks;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.RateLimit;
import org.mqcgm.server.platform.security.Grant;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.security.ShareScope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * The report routes: {@code GET /api/v1/reports} (JSON), {@code GET /api/v1/reports/agp.pdf} (the one-page AGP
 * report) and the web page {@code GET /reports}. Query: {@code from}, {@code to} (see {@link ReportPeriod}),
 * {@code population} ({@code t1d-t2d} by default, {@code older-high-risk}, {@code pregnancy}); the PDF also takes
 * {@code lang} ({@code en}, {@code zh-CN}; the user's language by default).
 */
final class ReportRoutes {

    private static final DateTimeFormatter GENERATED = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm xxx");

    private final Reports reports;
    private final Profiles profiles;
    private final Pages pages;
    private final PageContexts contexts;
    private final AgpPdf pdf;
    private final CheckinMarks marks;

    ReportRoutes(Reports reports, Profiles profiles, Pages pages, PageContexts contexts, AgpPdf pdf,
                 CheckinMarks marks) {
        this.marks = marks;
        this.reports = reports;
        this.profiles = profiles;
        this.pages = pages;
        this.contexts = contexts;
        this.pdf = pdf;
    }

    void register(Routes routes) {
        routes.get("/api/v1/reports", Access.api(Scope.READINGS_READ).requiring(HEALTH_DATA), this::json);
        routes.limited(RateLimit.REPORTS).get("/api/v1/reports/agp.pdf", Access.api(Scope.READINGS_READ).requiring(HEALTH_DATA), this::pdf);
        routes.get("/reports", Access.PAGE.requiring(HEALTH_DATA), this::page);
        // The report of a person who shares their history with the caller (or the caller's own).
        routes.get("/api/v1/people/{person}/reports",
                Access.sharedApi(Scope.READINGS_READ, ShareScope.HISTORY).requiring(HEALTH_DATA), this::json);
        routes.get("/people/{person}/reports", Access.sharedPage(ShareScope.HISTORY).requiring(HEALTH_DATA),
                this::page);
    }

    /** What a report request asks for. */
    record Request(Profile profile, ReportPeriod period, Population population) {
    }

    /**
     * Reads the request's parameters; what is wrong goes to {@code errors} (period and population are then
     * null).
     */
    Request request(Context ctx, List<Problem.FieldError> errors) {
        // On a shared route, the report is of the {person} (their zone and targets), checked by the access rule.
        Profile profile = ctx.pathParamMap().containsKey("person")
                ? profiles.of(Grant.person(ctx)).orElseThrow(() -> new ProblemException(Problem.notFound()))
                : profiles.current(ctx);
        java.time.Instant window = Grant.of(ctx).map(Grant::visibleFrom).orElse(null);
        String fromText = ctx.queryParam("from");
        if (window != null && (fromText == null || fromText.isBlank())) {
            // A follower who sees only the last N days gets, by default, the whole days inside that window.
            java.time.LocalDate first = window.atZone(profile.zone()).toLocalDate().plusDays(1);
            java.time.LocalDate today = reports.clock().instant().atZone(profile.zone()).toLocalDate();
            fromText = (first.isBefore(today.minusDays(ReportPeriod.DEFAULT_DAYS - 1))
                    ? today.minusDays(ReportPeriod.DEFAULT_DAYS - 1) : first).toString();
        }
        ReportPeriod period = ReportPeriod.parse(fromText, ctx.queryParam("to"), profile.zone(),
                reports.clock().instant(), errors);
        if (window != null && period != null && period.from().toInstant().isBefore(window)) {
            throw new ProblemException(Problem.of(403, "outside-shared-window", "Outside the shared window",
                    "This person shares only their data since " + window + ".").withErrors(List.of(
                    new Problem.FieldError("from", "outside-shared-window", "must not be before " + window)))
                    .with("visibleFrom", window.toString()));
        }
        String p = ctx.queryParam("population");
        Population population = Population.T1D_T2D;
        if (p != null && !p.isBlank()) {
            population = Population.parse(p.trim()).orElse(null);
            if (population == null) {
                errors.add(new Problem.FieldError("population", "enum", "must be one of " + Population.ids()));
            }
        }
        return new Request(profile, period, population);
    }

    /** Malformed parameters are 400; a period outside the supported dates is 422 (as every time out of bounds). */
    private static void failOn(List<Problem.FieldError> errors) {
        if (errors.stream().anyMatch(e -> e.rule().equals("range"))) {
            throw new ProblemException(Problem.validation("The report period is outside the supported dates.",
                    errors));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The report parameters are not valid.",
                    errors.toArray(Problem.FieldError[]::new)));
        }
    }

    private void page(Context ctx) {
        PageContext page = contexts.of(ctx);
        List<Problem.FieldError> errors = new ArrayList<>();
        Request req = request(ctx, errors);
        Population population = req.population() == null ? Population.T1D_T2D : req.population();
        List<ReportPage.Option> options = new ArrayList<>();
        for (Population p : Population.values()) {
            options.add(new ReportPage.Option(p.id(), page.t("reports.population." + p.id()), p == population));
        }
        if (!errors.isEmpty()) {
            List<String> messages = errors.stream().map(e -> page.t("reports.error." + e.rule(),
                    page.t(e.field().equals("population") ? "reports.form.population"
                            : e.field().equals("to") ? "reports.form.to" : "reports.form.from"))).toList();
            pages.render(ctx, page, "reports/report.jte", Map.of("model", new ReportPage(
                    text(ctx.queryParam("from")), text(ctx.queryParam("to")), options, messages, null, "")));
            ctx.status(422); // the form again, with what is wrong (as the sign-up form)
            return;
        }
        Report report = reports.build(req.profile().id(), req.period(), population, ReportLog.Format.HTML);
        ReportView view = ReportView.of(report, page.msg(), page.unit(), new ReportCharts(false, marks(ctx, req, page.unit())),
                Integer.MAX_VALUE);
        String from = req.period().firstDay().toString();
        String to = req.period().lastDay().toString();
        // The PDF is of one's own data only: none on a person's report page.
        String pdf = ctx.pathParamMap().containsKey("person") ? ""
                : "/api/v1/reports/agp.pdf?from=" + from + "&to=" + to + "&population=" + population.id()
                + "&lang=" + page.lang();
        pages.render(ctx, page, "reports/report.jte", Map.of("model",
                new ReportPage(from, to, options, List.of(), view, pdf)));
    }

    /**
     * The logbook's entries of the report's period: the person's own, or for a follower only when the share covers
     * the logbook, and not before the share's window.
     */
    private List<CheckinMarks.Mark> marks(Context ctx, Request req, org.mqcgm.core.glucose.GlucoseUnit unit) {
        java.util.Optional<org.mqcgm.server.platform.security.Grant> grant =
                org.mqcgm.server.platform.security.Grant.of(ctx);
        if (grant.isPresent() && !grant.get().covers(org.mqcgm.server.platform.security.ShareScope.LOGBOOK)) {
            return List.of();
        }
        java.time.Instant from = req.period().from().toInstant();
        java.time.Instant window = grant.map(org.mqcgm.server.platform.security.Grant::visibleFrom).orElse(null);
        return marks.marks(req.profile().id(), window != null && from.isBefore(window) ? window : from,
                req.period().to().toInstant(), unit);
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private void pdf(Context ctx) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Request req = request(ctx, errors);
        String lang = ctx.queryParam("lang");
        Language language = req.profile().language();
        if (lang != null && !lang.isBlank()) {
            language = Language.parse(lang).orElse(null);
            if (language == null) {
                errors.add(new Problem.FieldError("lang", "enum", "must be en or zh-CN"));
            }
        }
        failOn(errors);
        Report report = reports.build(req.profile().id(), req.period(), req.population(), ReportLog.Format.PDF);
        PageContext page = new PageContext(Messages.of(language), "", req.profile().unit(), null, ctx.path());
        ReportView view = ReportView.of(report, page.msg(), page.unit(), new ReportCharts(true, marks(ctx, req, page.unit())),
                AgpPdf.MAX_DAYS);
        byte[] bytes = pdf.render(view, page, GENERATED.format(report.generatedAt().atZone(req.period().zone())));
        ctx.header("Content-Disposition", "inline; filename=\"agp-report-" + req.period().firstDay() + "-"
                + req.period().lastDay() + ".pdf\"");
        ctx.contentType("application/pdf").result(bytes);
    }

    private void json(Context ctx) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Request req = request(ctx, errors);
        failOn(errors);
        Report report = reports.build(req.profile().id(), req.period(), req.population(), ReportLog.Format.JSON);
        ctx.json(ReportJson.of(report));
    }
}
