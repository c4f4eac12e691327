package org.mqcgm.server.sharing;

import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Grant;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.ReadLog;
import org.mqcgm.server.platform.security.ShareScope;
import org.mqcgm.server.platform.web.PageContext;

/**
 * The sharing pages, phone first and without JavaScript: Settings → Sharing ({@code /settings/sharing}: invite,
 * confirm — recipient and exact categories — then the link and its QR code once; the list with revoke buttons),
 * "Who saw my data" ({@code /settings/sharing/access}), an invitation ({@code /follow/{code}}: accept with one's own
 * account; visitors are sent to log in first and come back) and "People I follow" ({@code /people}).
 */
final class SharingPages {

    static final List<String> SCOPES = Arrays.stream(ShareScope.values()).map(ShareScope::id).toList();
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm");

    private final Sharing sharing;
    private final AccessLog log;
    private final Supplier<List<ReadLog>> readLogs;
    private final Function<UUID, Optional<Reading>> latest;
    private final Consents consents;
    private final ClientAddress clientAddress;
    private final java.time.Clock clock;
    private final java.time.Clock dataClock;

    SharingPages(Sharing sharing, AccessLog log, Supplier<List<ReadLog>> readLogs,
                 Function<UUID, Optional<Reading>> latest, Consents consents, ClientAddress clientAddress,
                 java.time.Clock clock, java.time.Clock dataClock) {
        this.sharing = sharing;
        this.log = log;
        this.readLogs = readLogs;
        this.latest = latest;
        this.consents = consents;
        this.clientAddress = clientAddress;
        this.clock = clock;
        this.dataClock = dataClock;
    }

    void register(Routes routes, Web web) {
        routes.get("/settings/sharing", Access.PAGE, ctx -> settings(ctx, web, SharingViews.Form.EMPTY, List.of()));
        routes.post("/settings/sharing", Access.PAGE.requiring(Purpose.SHARING), ctx -> confirm(ctx, web));
        routes.post("/settings/sharing/confirm", Access.PAGE.requiring(Purpose.SHARING), ctx -> create(ctx, web));
        routes.post("/settings/sharing/{id}/revoke", Access.PAGE, ctx -> {
            UUID id = PathParams.uuid(ctx, "id");
            if (!sharing.shares().revoke(me(ctx), id, "web")) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.redirect("/settings/sharing", io.javalin.http.HttpStatus.SEE_OTHER);
        });
        routes.get("/settings/sharing/access", Access.PAGE, ctx -> access(ctx, web));
        routes.get("/follow/{code}", Access.PAGE, ctx -> invitation(ctx, web));
        routes.post("/follow/{code}", Access.PAGE, ctx -> {
            Shares.Share s = sharing.accept(me(ctx), ctx.pathParam("code"), clientAddress.of(ctx));
            ctx.redirect("/people/" + s.owner() + (s.scopes().contains(ShareScope.GLUCOSE) ? "/today"
                    : s.scopes().contains(ShareScope.HISTORY) ? "/history" : ""), io.javalin.http.HttpStatus.SEE_OTHER);
        });
        routes.get("/people", Access.PAGE, ctx -> people(ctx, web));
        routes.post("/people/{person}/leave", Access.PAGE, ctx -> {
            UUID person = PathParams.uuid(ctx, "person");
            if (!sharing.shares().leave(me(ctx), person, "web")) {
                throw new ProblemException(Problem.notFound());
            }
            ctx.redirect("/people", io.javalin.http.HttpStatus.SEE_OTHER);
        });
    }

    private static UUID me(Context ctx) {
        return Principal.of(ctx).accountId();
    }

    private void settings(Context ctx, Web web, SharingViews.Form form, List<String> errors) {
        PageContext page = web.contexts().of(ctx);
        UUID me = me(ctx);
        Instant now = clock.instant();
        List<SharingViews.ShareRow> rows = sharing.shares().given(me).stream().map(s -> {
            String status = s.status(now);
            return new SharingViews.ShareRow(s.id().toString(),
                    s.granteeLabel() != null ? s.granteeLabel()
                            : s.contact() != null ? new Shares.Contact(s.channel(), s.contact()).masked()
                            : page.t("sharing.list.link"),
                    s.scopeIds(), window(page, s.historyDays()), date(s.until(), page.zone()), status,
                    date(s.created(), page.zone()), status.equals("active") || status.equals("invited"));
        }).toList();
        web.pages().render(ctx, page, "sharing/settings.jte", Map.of("model", new SharingViews.Settings(
                consents.granted(me, Purpose.SHARING), form, errors, rows, SCOPES, sharing.shares().maxFollowers())));
    }

    private static String window(PageContext page, Integer days) {
        return days == null ? page.t("sharing.window.all") : page.t("sharing.window.days", days);
    }

    private static String date(Instant t, ZoneId zone) {
        return t == null ? "" : WHEN.format(t.atZone(zone));
    }

    private SharingViews.Form form(Context ctx) {
        return new SharingViews.Form(text(ctx.formParam("with")), ctx.formParams("scopes"),
                text(ctx.formParam("until")), text(ctx.formParam("historyDays")), text(ctx.formParam("low")),
                text(ctx.formParam("high")));
    }

    private static String text(String s) {
        return s == null ? "" : s.trim();
    }

    /** The form's request, checked; null (and the form shown again with what is wrong) when it is not valid. */
    private Sharing.Request check(Context ctx, Web web, SharingViews.Form form) {
        PageContext page = web.contexts().of(ctx);
        String until = form.until().isEmpty() ? null : untilOf(form.until(), page.zone());
        try {
            return sharing.check(form.with(), form.scopes(), until, form.historyDays(), form.low(), form.high());
        } catch (ProblemException e) {
            List<String> errors = e.problem().errors() == null ? List.of(e.problem().detail())
                    : e.problem().errors().stream().map(f -> page.t("sharing.error." + f.field() + "." + f.rule()))
                    .toList();
            settings(ctx, web, form, errors);
            ctx.status(422);
            return null;
        }
    }

    /** A date of the form (the last day of the share, in the person's zone) as the end instant, or the text. */
    private static String untilOf(String date, ZoneId zone) {
        try {
            return LocalDate.parse(date).plusDays(1).atStartOfDay(zone).toOffsetDateTime().toString();
        } catch (java.time.DateTimeException e) {
            // unparsable, or at the end of the calendar: the share's own check names the field and rule
            return date;
        }
    }

    private void confirm(Context ctx, Web web) {
        SharingViews.Form form = form(ctx);
        Sharing.Request r = check(ctx, web, form);
        if (r == null) {
            return;
        }
        PageContext page = web.contexts().of(ctx);
        web.pages().render(ctx, page, "sharing/confirm.jte", Map.of("model", new SharingViews.Confirm(form,
                r.contact() == null ? page.t("sharing.confirm.linkOnly") : r.contact().value(),
                r.scopes().stream().sorted().map(ShareScope::id).toList(), window(page, r.historyDays()),
                r.until() == null ? "" : date(r.until().minusSeconds(1), page.zone()))));
    }

    private void create(Context ctx, Web web) {
        SharingViews.Form form = form(ctx);
        Sharing.Request r = check(ctx, web, form);
        if (r == null) {
            return;
        }
        Shares.Created created;
        try {
            created = sharing.create(me(ctx), r, "web");
        } catch (ProblemException e) {
            if (e.problem().status() != 409) {
                throw e;
            }
            PageContext page = web.contexts().of(ctx);
            settings(ctx, web, form, List.of(page.t("sharing.error.tooMany", sharing.shares().maxFollowers())));
            ctx.status(409);
            return;
        }
        PageContext page = web.contexts().of(ctx);
        String link = sharing.link(created.code());
        ctx.header("Cache-Control", "no-store");
        web.pages().render(ctx, page, "sharing/created.jte", Map.of("model", new SharingViews.Created(link,
                org.mqcgm.server.platform.web.QrCodes.svg(link, " data-testid=\"share-qr\""),
                r.contact() == null ? "" : r.contact().value(), r.contact() != null)));
    }

    private void access(Context ctx, Web web) {
        PageContext page = web.contexts().of(ctx);
        List<ReadLog.Entry> entries = new ArrayList<>();
        for (ReadLog l : readLogs.get()) {
            entries.addAll(l.reads(me(ctx), Instant.EPOCH, 500));
        }
        entries.sort(Comparator.comparing(ReadLog.Entry::at).reversed());
        web.pages().render(ctx, page, "sharing/access.jte", Map.of("reads", entries.stream().limit(500)
                .map(e -> new SharingViews.Read(date(e.at(), page.zone()), e.who(), e.kind(), e.what())).toList()));
    }

    private void invitation(Context ctx, Web web) {
        PageContext page = web.contexts().of(ctx);
        String code = ctx.pathParam("code");
        SharingViews.Invitation model;
        try {
            Shares.Share s = sharing.peek(me(ctx), code, clientAddress.of(ctx));
            String problem = s.owner().equals(me(ctx)) ? page.t("sharing.follow.own") : null;
            model = new SharingViews.Invitation(code, sharing.profiles().of(s.owner()).map(p -> p.label())
                    .orElse("?"), s.scopeIds(), window(page, s.historyDays()), date(s.until(), page.zone()), problem);
        } catch (ProblemException e) {
            if (e.problem().status() == 429) {
                throw e;
            }
            model = new SharingViews.Invitation("", "", List.of(), "", "",
                    page.t(e.problem().status() == 410 ? "sharing.follow.gone" : "sharing.follow.unknown"));
            ctx.status(e.problem().status());
        }
        ctx.header("Cache-Control", "no-store");
        web.pages().render(ctx, page, "sharing/follow.jte", Map.of("model", model));
    }

    private void people(Context ctx, Web web) {
        PageContext page = web.contexts().of(ctx);
        UUID me = me(ctx);
        Instant now = dataClock.instant();
        List<SharingViews.Followed> rows = new ArrayList<>();
        for (Shares.Share s : sharing.shares().following(me)) {
            boolean glucose = s.scopes().contains(ShareScope.GLUCOSE);
            String value = "";
            String age = "";
            // The latest reading only under the same rule as the person's Today page: an active grant covering
            // live glucose and the person's consents; the read is recorded for them.
            Optional<Grant> grant = glucose && consents.granted(s.owner(), Purpose.SHARING)
                    && consents.granted(s.owner(), Purpose.HEALTH_DATA)
                    ? sharing.shares().active(s.owner(), me).filter(g -> g.covers(ShareScope.GLUCOSE))
                    : Optional.empty();
            if (grant.isPresent()) {
                Optional<Reading> r = latest.apply(s.owner())
                        .filter(x -> grant.get().visibleFrom() == null || !x.time().isBefore(grant.get().visibleFrom()));
                log.record(grant.get(), ShareScope.GLUCOSE, "/people");
                if (r.isPresent()) {
                    value = page.unit().format(r.get().mgdl());
                    age = page.t("today.minutesAgo", Math.max(0, Duration.between(r.get().time(), now).toMinutes()));
                }
            }
            rows.add(new SharingViews.Followed(s.owner().toString(), sharing.profiles().of(s.owner())
                    .map(p -> p.label()).orElse("?"), s.scopeIds(), value, page.unit().symbol(), age, glucose,
                    s.scopes().contains(ShareScope.HISTORY)));
        }
        web.pages().render(ctx, page, "sharing/people.jte", Map.of("people", rows));
    }
}
