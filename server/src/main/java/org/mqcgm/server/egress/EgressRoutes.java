package org.mqcgm.server.egress;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.egress.Egress;
import org.mqcgm.server.platform.egress.Recipient;
import org.mqcgm.server.platform.egress.Residency;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * {@code /privacy/third-parties} (public, generated from the registry: PR-49), Settings → Where my data goes
 * ({@code /settings/data-sharing}: each declared recipient with the exact fields it would receive and the person's
 * consent, a separate box for a recipient outside the region, and the egress log: PR-44, PR-82), the egress log API
 * ({@code GET /api/v1/me/egress}) and the operators' storage inventory ({@code /admin/storage}: PR-80).
 */
final class EgressRoutes {

    static final int LOG_LIMIT = 500;

    private final Egress egress;
    private final List<Residency.Store> stores;

    /** Whether a person is a minor: no transfer to third parties, whatever they choose (PR-78). */
    private java.util.function.Predicate<UUID> minor = person -> false;

    EgressRoutes(Egress egress, List<Residency.Store> stores) {
        this.egress = egress;
        this.stores = stores;
    }

    void minors(java.util.function.Predicate<UUID> minor) {
        this.minor = minor;
    }

    void register(Routes routes, Web web) {
        routes.get("/privacy/third-parties", Access.PUBLIC, ctx -> web.pages().render(ctx, web.contexts().of(ctx),
                "egress/third-parties.jte", Map.of("model", thirdParties())));
        routes.get("/settings/data-sharing", Access.PAGE, ctx -> page(ctx, web));
        routes.post("/settings/data-sharing", Access.PAGE, this::choose);
        routes.get("/api/v1/me/egress", Access.api(Scope.PROFILE_READ), ctx -> ctx.json(new ApiSchemas.EgressLog(
                egress.log(Principal.of(ctx).accountId(), LOG_LIMIT).stream().map(e -> new ApiSchemas.EgressEntry(
                        e.at().toString(), e.recipient(), e.destination(), e.purpose(), e.categories(), e.records(),
                        e.outcome(), e.detail())).toList())));
        routes.get("/admin/storage", Access.ADMIN, ctx -> web.pages().render(ctx, web.contexts().of(ctx),
                "egress/storage.jte", Map.of("model", storage())));
    }

    ThirdPartiesPage thirdParties() {
        Residency res = egress.residency();
        return new ThirdPartiesPage(res.region(), res.crossBorderAllowed(), egress.all().stream().map(this::row)
                .toList());
    }

    ThirdPartiesPage.Row row(Recipient r) {
        Egress.State state = egress.state(r);
        return new ThirdPartiesPage.Row(r.id(), r.name(), r.purposes(), String.join(", ", r.categories().stream()
                .map(Enum::name).sorted().toList()), String.join(", ", r.fields()), r.region(), r.country(),
                egress.residency().crossBorder(r), r.privacyPolicy(), r.dpa().reference(), r.dpa().expires().toString(),
                state == Egress.State.ACTIVE, state.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }

    private void page(Context ctx, Web web) {
        UUID me = Principal.of(ctx).accountId();
        ZoneId zone = web.profiles().current(ctx).zone();
        DateTimeFormatter at = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(zone);
        List<DataSharingPage.Choice> choices = egress.all().stream().map(r -> {
            Optional<Egress.Consent> c = egress.consentOf(me, r.id());
            boolean granted = c.map(Egress.Consent::granted).orElse(false);
            return new DataSharingPage.Choice(row(r), granted,
                    granted && r.country().equals(c.get().crossBorderCountry()),
                    granted && !c.get().purposesHash().equals(r.purposesHash()));
        }).toList();
        List<DataSharingPage.Entry> log = egress.log(me, LOG_LIMIT).stream().map(e -> new DataSharingPage.Entry(
                at.format(e.at()), e.recipient(), e.destination() == null ? "" : e.destination(), e.purpose(),
                e.categories(), e.records(), e.outcome(), e.detail())).toList();
        web.pages().render(ctx, web.contexts().of(ctx), "egress/data-sharing.jte", Map.of("model",
                new DataSharingPage(egress.residency().region(), choices, log)));
    }

    /** A grant or withdrawal from the settings page: {@code recipient}, {@code choice} (grant/withdraw). */
    private void choose(Context ctx) {
        UUID me = Principal.of(ctx).accountId();
        String id = ctx.formParam("recipient");
        Recipient r = id == null ? null : egress.byId(id).orElse(null);
        if (r == null) {
            throw new ProblemException(Problem.validation("no such recipient", List.of(new Problem.FieldError(
                    "recipient", "declared", "must be a declared recipient"))));
        }
        String choice = ctx.formParam("choice");
        if (!"grant".equals(choice) && !"withdraw".equals(choice)) {
            throw new ProblemException(Problem.validation("unknown choice", List.of(new Problem.FieldError(
                    "choice", "enum", "must be grant or withdraw"))));
        }
        boolean grant = choice.equals("grant");
        if (grant && minor.test(me)) {
            // Third-party transfers stay off for minors (PR-78); withdrawing stays possible.
            throw new ProblemException(Problem.of(403, "minor-transfer", "No transfers for minors",
                    "Accounts of people under the age of majority cannot send their data to third parties.")
                    .with("code", "MINOR_TRANSFER"));
        }
        String country = grant && "yes".equals(ctx.formParam("cross_border")) ? r.country() : null;
        egress.consent(me, r, grant, country, "web");
        ctx.redirect("/settings/data-sharing", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    StoragePage storage() {
        Residency res = egress.residency();
        Instant now = Instant.now();
        LocalDate first = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1);
        Instant from = first.atStartOfDay(ZoneOffset.UTC).toInstant();
        return new StoragePage(res.region(), res.crossBorderAllowed(), stores.stream().map(s -> new StoragePage.Store(
                s.name(), s.setting(), s.location(), s.region(res.region()), s.declaredRegion() != null,
                s.region(res.region()).equals(res.region()))).toList(),
                egress.totals(from, now.plusSeconds(1)).entrySet().stream()
                        .map(e -> new StoragePage.Total(e.getKey(), e.getValue())).toList());
    }
}
