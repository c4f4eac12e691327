package org.mqcgm.server.clinician;

import static org.mqcgm.server.platform.consent.Consents.Purpose.SHARING;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.RateLimit;
import org.mqcgm.server.platform.security.LinkTokens;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.PageContext;

/**
 * The routes of clinician links:
 * <ul>
 *   <li>{@code POST /api/v1/shares/links} (201 with the address, shown once), {@code GET /api/v1/shares/links},
 *       {@code DELETE /api/v1/shares/links/{id}} (204; revoked at once) — scope {@code sharing}; making a link
 *       needs the wearer's consent to sharing, listing and revoking never do;</li>
 *   <li>Settings → Sharing → Clinician links ({@code /settings/sharing/links}): the same without JavaScript;</li>
 *   <li>the link itself, {@code /c/{token}} (the read-only report, or the PIN form first) and
 *       {@code /c/{token}/agp.pdf}, opened without an account under {@link Access.Link}.</li>
 * </ul>
 */
final class LinkRoutes {

    static final String SETTINGS = "/settings/sharing/links";
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm");

    private final Links links;
    private final LinkStore store;
    private final LinkTokenService tokens;
    private final JsonBodies json;
    private final Consents consents;
    private final String publicUrl;
    private final ClinicianFeature.ReportPage reportPage;
    private final ClinicianFeature.ReportPdf reportPdf;

    LinkRoutes(Links links, LinkStore store, LinkTokenService tokens, JsonBodies json, Consents consents,
               String publicUrl, ClinicianFeature.ReportPage reportPage, ClinicianFeature.ReportPdf reportPdf) {
        this.links = links;
        this.store = store;
        this.tokens = tokens;
        this.json = json;
        this.consents = consents;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.reportPage = reportPage;
        this.reportPdf = reportPdf;
    }

    void register(Routes routes, Web web) {
        routes.post("/api/v1/shares/links", Access.api(Scope.SHARING).requiring(SHARING), ctx -> createFromApi(ctx, web));
        routes.get("/api/v1/shares/links", Access.api(Scope.SHARING), this::listApi);
        routes.delete("/api/v1/shares/links/{id}", Access.api(Scope.SHARING), this::revokeApi);
        routes.get(SETTINGS, Access.PAGE, ctx -> settings(ctx, web, null, null, List.of(), 200));
        routes.post(SETTINGS, Access.PAGE.requiring(SHARING), ctx -> createFromPage(ctx, web));
        routes.post(SETTINGS + "/{id}/revoke", Access.PAGE, ctx -> revokeFromPage(ctx));
        routes.get("/c/{token}", Access.link(false), ctx -> open(ctx, web, null, 200));
        routes.post("/c/{token}", Access.link(false), ctx -> enterPin(ctx, web));
        routes.limited(RateLimit.REPORTS).get("/c/{token}/agp.pdf", Access.link(true), ctx -> pdf(ctx, web));
    }

    private String url(String token) {
        return publicUrl + "/c/" + token;
    }

    private static String text(JsonNode body, String field, List<Problem.FieldError> errors) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            errors.add(new Problem.FieldError("$." + field, "type", "must be a string"));
            return null;
        }
        return n.asText();
    }

    private static ZoneId zone(Web web, Context ctx) {
        return web.profiles().current(ctx).zone();
    }

    // ---- API

    private void createFromApi(Context ctx, Web web) {
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.ClinicianLinkRequest.class));
        List<Problem.FieldError> bad = new ArrayList<>();
        List<Problem.FieldError> unprocessable = new ArrayList<>();
        String label = text(body, "label", bad);
        String from = text(body, "from", bad);
        String to = text(body, "to", bad);
        String expires = text(body, "expires", bad);
        String pin = text(body, "pin", bad);
        List<Problem.FieldError> typeErrors = List.copyOf(bad);
        Links.Checked c = links.check(label, from, to, expires, pin, zone(web, ctx), "$.", bad, unprocessable);
        // a field of the wrong type is reported once, as a type error
        bad.removeIf(e -> !typeErrors.contains(e) && typeErrors.stream().anyMatch(t -> t.field().equals(e.field())));
        if (!bad.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The link request is not valid.",
                    bad.toArray(Problem.FieldError[]::new)));
        }
        if (!unprocessable.isEmpty()) {
            throw new ProblemException(Problem.validation("The link request breaks a limit: a period of at most "
                    + Links.MAX_DAYS + " days up to today, an end at most 30 days ahead.", unprocessable));
        }
        Links.Made made = links.make(Principal.of(ctx).accountId(), c);
        ctx.status(201).header("Location", "/api/v1/shares/links").json(new ApiSchemas.ClinicianLinkCreated(
                made.id().toString(), url(made.token()), c.expires().toString(), c.label(), c.from().toString(),
                c.to().toString(), c.pin() != null));
    }

    private void listApi(Context ctx) {
        ctx.json(links.list(Principal.of(ctx).accountId()).stream().map(r -> new ApiSchemas.ClinicianLink(
                r.id().toString(), r.label(), r.firstDay().toString(), r.lastDay().toString(),
                r.created().toString(), r.expires().toString(),
                r.revoked() == null ? null : r.revoked().toString(), links.state(r), r.pinHash() != null,
                r.views())).toList());
    }

    private void revokeApi(Context ctx) {
        if (!links.revoke(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"))) {
            throw new ProblemException(Problem.notFound());
        }
        ctx.status(204);
    }

    // ---- Settings page

    private void settings(Context ctx, Web web, LinksPage.Created created, LinksPage.Form form,
                          List<String> errors, int status) {
        PageContext page = web.contexts().of(ctx);
        Profile me = web.profiles().current(ctx);
        ZoneId zone = me.zone();
        java.time.LocalDate today = links.clock().instant().atZone(zone).toLocalDate();
        LinksPage.Form f = form != null ? form : new LinksPage.Form("", today.minusDays(13).toString(),
                today.toString(), (int) Links.DEFAULT_LIFETIME.toDays(), dayChoices());
        List<LinksPage.Item> items = new ArrayList<>();
        List<LinkStore.View> views = store.views(me.id(), Instant.EPOCH, 2000);
        for (LinkStore.Row r : links.list(me.id())) {
            List<String> seen = views.stream().filter(v -> v.linkId().equals(r.id())).limit(20)
                    .map(v -> SHOWN.format(v.at().atZone(zone)) + ("pdf".equals(v.what()) ? " (PDF)" : ""))
                    .toList();
            items.add(new LinksPage.Item(r.id().toString(), r.label(), r.firstDay() + " – " + r.lastDay(),
                    SHOWN.format(r.expires().atZone(zone)), links.state(r), r.pinHash() != null, r.views(), seen));
        }
        web.pages().render(ctx, page, "clinician/links.jte", Map.of("model", new LinksPage(
                consents.granted(me.id(), SHARING), created, f, errors, items)));
        ctx.status(status);
    }

    private static List<Integer> dayChoices() {
        return IntStream.rangeClosed(1, (int) Links.MAX_LIFETIME.toDays()).boxed().toList();
    }

    private void createFromPage(Context ctx, Web web) {
        PageContext page = web.contexts().of(ctx);
        String label = ctx.formParam("label");
        String from = ctx.formParam("from");
        String to = ctx.formParam("to");
        String daysText = ctx.formParam("days");
        int days;
        try {
            days = Integer.parseInt(daysText == null ? "" : daysText.strip());
        } catch (NumberFormatException e) {
            days = -1;
        }
        List<Problem.FieldError> bad = new ArrayList<>();
        List<Problem.FieldError> unprocessable = new ArrayList<>();
        String expires = days >= 1 && days <= Links.MAX_LIFETIME.toDays()
                ? links.clock().instant().plus(java.time.Duration.ofDays(days)).toString() : null;
        if (expires == null) {
            bad.add(new Problem.FieldError("days", "range", "1 to 30 days"));
        }
        Links.Checked c = links.check(label, from, to, expires, ctx.formParam("pin"), zone(web, ctx), "", bad,
                unprocessable);
        bad.addAll(unprocessable);
        if (!bad.isEmpty()) {
            List<String> messages = bad.stream().map(e -> page.t("clinician.field." + e.field()) + ": "
                    + page.t("clinician.rule." + e.rule())).distinct().toList();
            settings(ctx, web, null, new LinksPage.Form(label == null ? "" : label, from == null ? "" : from,
                    to == null ? "" : to, days >= 1 && days <= 30 ? days : 7, dayChoices()), messages, 422);
            return;
        }
        Links.Made made = links.make(Principal.of(ctx).accountId(), c);
        ZoneId zone = zone(web, ctx);
        settings(ctx, web, new LinksPage.Created(url(made.token()), c.label(),
                SHOWN.format(c.expires().atZone(zone))), null, List.of(), 201);
    }

    private void revokeFromPage(Context ctx) {
        if (!links.revoke(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"))) {
            throw new ProblemException(Problem.notFound());
        }
        ctx.redirect(SETTINGS, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // ---- The link

    /** The viewer's page context, showing the wearer's unit. */
    private static PageContext viewerContext(Context ctx, Web web, Profile owner) {
        PageContext base = web.contexts().of(ctx);
        return new PageContext(base.msg(), base.csrf(), owner.unit(), base.profile(), base.path(), null);
    }

    private Profile owner(Web web, LinkTokens.Link link) {
        return web.profiles().of(link.person()).orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    private void open(Context ctx, Web web, String error, int status) {
        LinkTokens.Link link = LinkTokens.Link.of(ctx);
        LinkStore.Row row = tokens.row(link);
        Profile owner = owner(web, link);
        PageContext page = viewerContext(ctx, web, owner);
        String token = ctx.pathParam("token");
        if (!link.unlocked()) {
            web.pages().render(ctx, page, "clinician/pin.jte", Map.of("model",
                    new PinPage("/c/" + token, row.label(), error == null ? "" : error)));
            ctx.status(status);
            return;
        }
        store.recordView(owner.id(), link.id(), links.clock().instant(), "report");
        reportPage.render(ctx, page, owner, row.firstDay(), row.lastDay(),
                page.t("clinician.view.heading", row.label()),
                page.t("clinician.view.note", SHOWN.format(row.expires().atZone(owner.zone())) + " ("
                        + owner.zone().getId() + ")"),
                "/c/" + token + "/agp.pdf?lang=" + page.lang());
    }

    private void enterPin(Context ctx, Web web) {
        LinkTokens.Link link = LinkTokens.Link.of(ctx);
        String token = ctx.pathParam("token");
        if (link.unlocked()) {
            ctx.redirect("/c/" + token, io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        PageContext page = web.contexts().of(ctx);
        switch (tokens.tryPin(ctx, tokens.row(link), token, ctx.formParam("pin"))) {
            case RIGHT -> ctx.redirect("/c/" + token, io.javalin.http.HttpStatus.SEE_OTHER);
            case WRONG -> open(ctx, web, page.t("clinician.pin.wrong"), 422);
            case TOO_MANY -> {
                ctx.header("Retry-After", Long.toString(LinkTokenService.PIN_WINDOW.toSeconds()));
                open(ctx, web, page.t("clinician.pin.tooMany"), 429);
            }
            case LOCKED -> throw new ProblemException(Problem.of(410, "link-ended", "This link has ended",
                    "This link was locked after too many wrong PINs. Ask the person who shared it for a new one.")
                    .with("code", "LINK_ENDED"));
        }
    }

    private void pdf(Context ctx, Web web) {
        LinkTokens.Link link = LinkTokens.Link.of(ctx);
        LinkStore.Row row = tokens.row(link);
        Profile owner = owner(web, link);
        String lang = ctx.queryParam("lang");
        Language language = lang == null ? web.contexts().of(ctx).msg().language()
                : Language.parse(lang).orElseThrow(() -> new ProblemException(Problem.badRequest(
                "The language is not supported.", new Problem.FieldError("lang", "enum", "must be en or zh-CN"))));
        byte[] bytes = reportPdf.render(owner, row.firstDay(), row.lastDay(), language)
                .orElseThrow(() -> new ProblemException(Problem.of(503, "pdf-unavailable", "PDF unavailable",
                        "PDF reports are not available on this server; the report page shows the same.")));
        store.recordView(owner.id(), link.id(), links.clock().instant(), "pdf");
        ctx.header("Content-Disposition", "inline; filename=\"agp-report-" + row.firstDay() + "-" + row.lastDay()
                + ".pdf\"");
        ctx.contentType("application/pdf").result(bytes);
    }
}
