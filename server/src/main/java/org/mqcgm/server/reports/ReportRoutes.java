package org.mqcgm.server.reports;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import org.mqcgm.server.accounts.Account;
import org.mqcgm.server.accounts.Accounts;
import org.mqcgm.server.glucose.Readings;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.PageContexts;
import org.mqcgm.server.platform.web.Pages;

/**
 * The report routes: {@code GET /api/v1/reports} (JSON), {@code GET /api/v1/reports/agp.pdf} (the one-page AGP
 * report) and the web page {@code GET /reports}. Query: {@code from}, {@code to} (see {@link ReportPeriod}),
 * {@code population} ({@code t1d-t2d} by default, {@code older-high-risk}, {@code pregnancy}); the PDF also takes
 * {@code lang} ({@code en}, {@code zh-CN}; the user's language by default).
 */
public final class ReportRoutes {

    private final Reports reports;
    private final Accounts accounts;
    private final Pages pages;
    private final PageContexts contexts;

    public ReportRoutes(Reports reports, Accounts accounts, Pages pages, PageContexts contexts) {
        this.reports = reports;
        this.accounts = accounts;
        this.pages = pages;
        this.contexts = contexts;
    }

    /** Wires the feature: the report log in {@code jdbi}, the readings' store and data clock. */
    public static ReportRoutes create(Jdbi jdbi, Readings readings, Accounts accounts, Pages pages,
                                      PageContexts contexts) {
        return new ReportRoutes(new Reports(readings.store(), new ReportLog(jdbi), readings.clock()), accounts, pages,
                contexts);
    }

    public void register(Routes routes) {
        routes.get("/api/v1/reports", Access.api(Scope.READINGS_READ), this::json);
    }

    /** What a report request asks for. */
    record Request(Account account, ReportPeriod period, Population population) {
    }

    /**
     * Reads the request's parameters; what is wrong goes to {@code errors} (period and population are then
     * null).
     */
    Request request(Context ctx, List<Problem.FieldError> errors) {
        Account account = accounts.find(Principal.of(ctx).accountId())
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        ReportPeriod period = ReportPeriod.parse(ctx.queryParam("from"), ctx.queryParam("to"), account.timeZone(),
                reports.clock().instant(), errors);
        String p = ctx.queryParam("population");
        Population population = Population.T1D_T2D;
        if (p != null && !p.isBlank()) {
            population = Population.parse(p.trim()).orElse(null);
            if (population == null) {
                errors.add(new Problem.FieldError("population", "enum", "must be one of " + Population.ids()));
            }
        }
        return new Request(account, period, population);
    }

    private static void failOn(List<Problem.FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The report parameters are not valid.",
                    errors.toArray(Problem.FieldError[]::new)));
        }
    }

    private void json(Context ctx) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Request req = request(ctx, errors);
        failOn(errors);
        Report report = reports.build(req.account().id(), req.period(), req.population(), ReportLog.Format.JSON);
        ctx.header("Cache-Control", "no-store");
        ctx.json(ReportJson.of(report));
    }
}
