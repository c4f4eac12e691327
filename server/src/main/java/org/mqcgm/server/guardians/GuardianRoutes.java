package org.mqcgm.server.guardians;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.profile.BirthDates;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.RateLimit;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.web.PageContext;
import org.mqcgm.server.platform.web.WebRequests;

/**
 * The pages of minors, guardians and reports: {@code /guardian} (a minor's status and the guardian invitation; a
 * guardian's children), {@code /guardian/accept/{invitation}} (the guardian's code and consent per purpose), a
 * guardian's export and withdrawal for a child, {@code /account/birth-date} (asked of accounts made before the
 * date of birth was, and to correct it), the public {@code /report-child} form and the administrators' review.
 */
final class GuardianRoutes {

    private final Guardians guardians;
    private final ChildReports reports;
    private final Function<String, Optional<String>> normalise;
    private final GuardiansFeature.Archives archives;
    private final Web web;

    GuardianRoutes(Guardians guardians, ChildReports reports, Function<String, Optional<String>> normalise,
                   GuardiansFeature.Archives archives, Web web) {
        this.guardians = guardians;
        this.reports = reports;
        this.normalise = normalise;
        this.archives = archives;
        this.web = web;
    }

    void register(Routes routes) {
        routes.get("/guardian", Access.PAGE, ctx -> status(ctx, null, Map.of()));
        routes.limited(RateLimit.PUBLIC_FORMS).post("/guardian/invite", Access.PAGE, this::invite);
        routes.get("/guardian/accept/{invitation}", Access.PAGE, ctx -> accept(ctx, null));
        routes.post("/guardian/accept/{invitation}", Access.PAGE, this::consent);
        routes.limited(RateLimit.EXPORTS).get("/guardian/children/{child}/export", Access.SENSITIVE_PAGE, this::export);
        routes.post("/guardian/children/{child}/withdraw", Access.SENSITIVE_PAGE, this::withdraw);
        routes.get("/account/birth-date", Access.PAGE, ctx -> birthDate(ctx, null));
        routes.post("/account/birth-date", Access.PAGE, this::saveBirthDate);
        routes.get("/report-child", Access.PUBLIC, ctx -> render(ctx, "guardians/report.jte", null, Map.of()));
        routes.limited(RateLimit.PUBLIC_FORMS).post("/report-child", Access.PUBLIC, this::report);
        routes.get("/admin/child-reports", Access.ADMIN, this::openReports);
        routes.post("/admin/child-reports/{report}/confirm", Access.ADMIN, ctx -> decide(ctx, true));
        routes.post("/admin/child-reports/{report}/dismiss", Access.ADMIN, ctx -> decide(ctx, false));
    }

    private void status(Context ctx, Problem problem, Map<String, Object> extra) {
        UUID me = Principal.of(ctx).accountId();
        Guardians.State state = guardians.state(me);
        Map<String, Object> model = new HashMap<>(extra);
        model.put("minor", state.minor());
        model.put("pending", state.pending());
        model.put("suspended", state.suspended());
        model.put("guardians", guardians.guardiansOf(me).size());
        model.put("children", guardians.children(me).stream()
                .map(c -> new GuardiansFeature.ChildView(c.id(), c.label(), c.live())).toList());
        model.put("majority", guardians.majority());
        model.putIfAbsent("sentTo", "");
        render(ctx, "guardians/status.jte", problem, model);
    }

    private void invite(Context ctx) {
        try {
            Guardians.Invited invited = guardians.invite(Principal.of(ctx).accountId(), ctx.formParam("contact"),
                    normalise);
            status(ctx, null, Map.of("sentTo", invited.sentTo()));
        } catch (ProblemException e) {
            status(ctx, e.problem(), Map.of());
        }
    }

    private UUID invitationId(Context ctx) {
        return PathParams.parseUuid(ctx.pathParam("invitation"))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    private void accept(Context ctx, Problem problem) {
        Guardians.Invitation invitation = guardians.invitation(invitationId(ctx))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        render(ctx, "guardians/accept.jte", problem, Map.of("invitation", invitation.id().toString(),
                "child", invitation.childContact(), "open", invitation.open()));
    }

    private void consent(Context ctx) {
        UUID id = invitationId(ctx);
        Set<Purpose> purposes = EnumSet.noneOf(Purpose.class);
        for (String p : ctx.formParams("purpose")) {
            Purpose.parse(p).filter(Guardians.GUARDIAN_PURPOSES::contains).ifPresent(purposes::add);
        }
        try {
            guardians.accept(id, Principal.of(ctx).accountId(), ctx.formParam("code"), purposes,
                    "yes".equals(ctx.formParam("declaration")));
            ctx.redirect("/guardian", HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            if (e.problem().status() == 404) {
                throw e;
            }
            accept(ctx, e.problem());
        }
    }

    private UUID child(Context ctx) {
        UUID child = PathParams.parseUuid(ctx.pathParam("child"))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        guardians.liveGuardianship(Principal.of(ctx).accountId(), child);
        return child;
    }

    private void export(Context ctx) {
        UUID child = child(ctx);
        ctx.contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"mqcgm-export-minor.zip\"");
        ctx.header("Cache-Control", "no-store");
        try {
            archives.write(child, ctx.outputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void withdraw(Context ctx) {
        UUID child = child(ctx);
        guardians.withdraw(Principal.of(ctx).accountId(), child);
        ctx.redirect("/guardian", HttpStatus.SEE_OTHER);
    }

    private void birthDate(Context ctx, Problem problem) {
        UUID me = Principal.of(ctx).accountId();
        String next = WebRequests.safeLocalPath(ctx.queryParam("next") != null ? ctx.queryParam("next")
                : ctx.formParam("next"), "/today");
        render(ctx, "guardians/birth-date.jte", problem, Map.of("next", next,
                "current", guardians.birthDate(me).map(Object::toString).orElse("")));
    }

    private void saveBirthDate(Context ctx) {
        UUID me = Principal.of(ctx).accountId();
        try {
            boolean known = guardians.known(me);
            guardians.record(me, Guardians.parse(ctx.formParam("birth_date"), "birth_date"),
                    known ? BirthDates.Source.SETTINGS : BirthDates.Source.LOGIN);
            ctx.redirect(guardians.state(me).hold().isPresent() ? "/guardian"
                    : WebRequests.safeLocalPath(ctx.formParam("next"), "/today"), HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            birthDate(ctx, e.problem());
        }
    }

    private void report(Context ctx) {
        try {
            String reference = reports.report(ctx.formParam("account"), ctx.formParam("reporter"),
                    ctx.formParam("details"), normalise);
            render(ctx, "guardians/report-done.jte", null, Map.of("reference", reference));
        } catch (ProblemException e) {
            render(ctx, "guardians/report.jte", e.problem(), Map.of());
        }
    }

    private void decide(Context ctx, boolean confirmed) {
        // An unknown or already decided report changes nothing; the list shows what is still open.
        PathParams.parseUuid(ctx.pathParam("report")).ifPresent(report -> reports.decide(report, confirmed));
        openReports(ctx);
    }

    private void openReports(Context ctx) {
        render(ctx, "guardians/admin-reports.jte", null, Map.of("reports", reports.open().stream()
                .map(r -> new GuardiansFeature.ReportView(r.id(), r.reference(), r.reportedAt().toString(),
                        r.accountFound(), r.details())).toList()));
    }

    private void render(Context ctx, String template, Problem problem, Map<String, Object> model) {
        PageContext page = web.contexts().of(ctx);
        Map<String, Object> all = new HashMap<>(model);
        all.put("errors", problem == null ? List.<Problem.FieldError>of() : problem.errors());
        all.put("problem", problem == null ? "" : problem.detail());
        ctx.status(problem == null ? 200 : problem.status());
        web.pages().render(ctx, page, template, all);
    }
}
