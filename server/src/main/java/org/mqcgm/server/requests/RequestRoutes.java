package org.mqcgm.server.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.ClientAddress;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.RateLimit;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;
import org.mqcgm.server.platform.web.PageContext;

/**
 * The routes of the rights desk.
 *
 * <ul>
 *   <li>The person (a web session, or a token with {@code account:manage}): "My requests" {@code /requests},
 *       {@code /requests/{id}} and {@code /api/v1/me/requests…} — make a request or a complaint, see its due date
 *       and the answer, accept a fee or withdraw. Someone else's request is 404.</li>
 *   <li>Anybody (no account, or no access to it): {@code /privacy/request} — the request waits UNVERIFIED until the
 *       one-time code sent to the account's registered contact (or, with no account, to the address given) is
 *       entered on {@code /privacy/request/verify}; nothing is answered before.</li>
 *   <li>The desk ({@link Access#DESK}: support agents and the data-protection officer): the queue {@code /desk},
 *       a request {@code /desk/{id}}, answers to requests assigned to support ({@code /desk/{id}/answer}).</li>
 *   <li>The data-protection officer ({@link Access#DESK_DPO}): answers to any request, refusals (a reason code of Ⅴ.8
 *       is required), fees ({@code /dpo/requests/{id}/…} and {@code /api/v1/dpo/requests/{id}/…}).</li>
 * </ul>
 */
final class RequestRoutes {

    static final Set<String> NEW_FIELDS = RequestFields.of(ApiSchemas.RightsRequestNew.class);
    static final Set<String> ANSWER_FIELDS = RequestFields.of(ApiSchemas.DeskAnswerRequest.class);
    static final Set<String> REFUSAL_FIELDS = RequestFields.of(ApiSchemas.DeskRefusalRequest.class);
    static final Set<String> FEE_FIELDS = RequestFields.of(ApiSchemas.DeskFeeRequest.class);
    static final Set<String> ENTRY_FIELDS = RequestFields.of(ApiSchemas.DeskEntryRequest.class);
    /** Public requests per client network in an hour (each sends a code to someone). */
    static final int PUBLIC_PER_HOUR = 5;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd");
    private static final List<String> KINDS = Arrays.stream(Cases.Kind.values()).map(Enum::name).toList();
    private static final List<String> DELETION_REASONS = Arrays.stream(Cases.DeletionReason.values())
            .map(Enum::name).toList();
    private static final List<String> REFUSALS = Arrays.stream(Cases.Reason.values()).map(Enum::name).toList();
    private static final List<String> WITHHOLDS = Arrays.stream(Cases.Reason.values()).filter(r -> r.nonResponse)
            .map(Enum::name).toList();

    private final Cases cases;
    private final DeskMail mail;
    private final AccountClosure accounts;
    private final RequestsFeature.Settings settings;
    private final JsonBodies json;
    private final ClientAddress clients;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(2)).build();

    RequestRoutes(Cases cases, DeskMail mail, AccountClosure accounts, RequestsFeature.Settings settings,
                  JsonBodies json, ClientAddress clients) {
        this.cases = cases;
        this.mail = mail;
        this.accounts = accounts;
        this.settings = settings;
        this.json = json;
        this.clients = clients;
    }

    void register(Routes routes, Web web) {
        // ---- the person
        routes.get("/requests", Access.PAGE, ctx -> mine(ctx, web, "", "", "", List.of(), 200));
        routes.post("/requests", Access.PAGE, ctx -> {
            UUID owner = Principal.of(ctx).accountId();
            PageContext page = web.contexts().of(ctx);
            String kind = ctx.formParam("kind");
            String reason = ctx.formParam("deletionReason");
            String text = ctx.formParam("text");
            Cases.Case c;
            try {
                c = make(owner, kind, reason, text, "WEB", page.lang(), "");
            } catch (ProblemException e) {
                if (e.problem().status() != 422) {
                    throw e;
                }
                mine(ctx, web, kind, reason, text, explain(page, e), 422);
                return;
            }
            ctx.redirect("/requests/" + c.id(), HttpStatus.SEE_OTHER);
        });
        routes.get("/requests/{id}", Access.PAGE, ctx -> detail(ctx, web, own(ctx)));
        routes.post("/requests/{id}/withdraw", Access.PAGE, ctx -> {
            cases.withdraw(own(ctx));
            ctx.redirect("/requests/" + PathParams.uuid(ctx, "id"), HttpStatus.SEE_OTHER);
        });
        routes.post("/requests/{id}/fee", Access.PAGE, ctx -> {
            cases.acceptFee(own(ctx));
            ctx.redirect("/requests/" + PathParams.uuid(ctx, "id"), HttpStatus.SEE_OTHER);
        });

        Access api = Access.api(Scope.ACCOUNT_MANAGE);
        routes.post("/api/v1/me/requests", api, ctx -> {
            UUID owner = Principal.of(ctx).accountId();
            JsonNode body = json.readObject(ctx, NEW_FIELDS);
            String language = web.profiles().of(owner).map(p -> p.language().tag()).orElse(Language.EN.tag());
            Cases.Case c = make(owner, string(body, "kind"), string(body, "deletionReason"), string(body, "text"),
                    "API", language, "$.");
            ctx.status(201).header("Location", "/api/v1/me/requests/" + c.id()).json(view(c));
        });
        routes.get("/api/v1/me/requests", api, ctx -> ctx.json(new ApiSchemas.RightsRequests(
                cases.list(Principal.of(ctx).accountId()).stream().map(this::view).toList())));
        routes.get("/api/v1/me/requests/{id}", api, ctx -> ctx.json(view(own(ctx))));
        routes.post("/api/v1/me/requests/{id}/withdraw", api, ctx -> ctx.json(view(cases.withdraw(own(ctx)))));
        routes.post("/api/v1/me/requests/{id}/fee", api, ctx -> ctx.json(view(cases.acceptFee(own(ctx)))));

        // ---- anybody: the public form
        routes.get("/privacy/request", Access.PUBLIC, ctx -> publicForm(ctx, web, "form", "", "", "", "", "",
                List.of(), null, 200));
        routes.limited(RateLimit.PUBLIC_FORMS).post("/privacy/request", Access.PUBLIC, ctx -> publicRequest(ctx, web));
        routes.limited(RateLimit.PUBLIC_FORMS).post("/privacy/request/verify", Access.PUBLIC, ctx -> publicVerify(ctx, web));
        // The link of the code message: the code step with the request's reference filled in.
        routes.get("/privacy/request/verify", Access.PUBLIC, ctx -> publicForm(ctx, web, "code",
                nz(ctx.queryParam("ref")).replaceAll("[^0-9a-f-]", ""), "", "", "", "", List.of(), null, 200));

        // ---- the desk
        routes.get("/desk", Access.DESK, ctx -> {
            PageContext page = web.contexts().of(ctx);
            ctx.header("Cache-Control", "no-store");
            web.pages().render(ctx, page, "requests/queue.jte", Map.of("model", new RequestViews.Queue(
                    cases.queue(500).stream().map(c -> row(c, page.zone())).toList())));
        });
        routes.get("/desk/{id}", Access.DESK, ctx -> deskCase(ctx, web, any(ctx), List.of(), 200));
        routes.post("/desk/{id}/answer", Access.DESK, ctx -> deskForm(ctx, web, c -> answer(ctx, supportCase(c),
                ctx.formParam("answer"), ctx.formParam("withheld"), ctx.formParam("withheldReason"), "")));
        routes.post("/dpo/requests/{id}/answer", Access.DESK_DPO, ctx -> deskForm(ctx, web, c -> answer(ctx, c,
                ctx.formParam("answer"), ctx.formParam("withheld"), ctx.formParam("withheldReason"), "")));
        routes.post("/dpo/requests/{id}/refusal", Access.DESK_DPO, ctx -> deskForm(ctx, web, c -> refuse(ctx, c,
                ctx.formParam("code"), ctx.formParam("justification"), ctx.formParam("evidence"), "")));
        routes.post("/dpo/requests/{id}/fee", Access.DESK_DPO, ctx -> deskForm(ctx, web, c -> fee(ctx, c,
                ctx.formParam("amount"), ctx.formParam("justification"), "")));

        routes.get("/api/v1/desk/requests", Access.DESK, ctx -> ctx.json(new ApiSchemas.RightsRequests(
                cases.queue(500).stream().map(this::view).toList())));
        routes.get("/api/v1/desk/requests/{id}", Access.DESK, ctx -> ctx.json(view(any(ctx))));
        // PR-61/PR-64: a request that came by e-mail or on the hotline, entered by an operator, waits UNVERIFIED until
        // the sender enters the code sent to the account's registered contact (or, with no account, to the sender).
        routes.post("/api/v1/desk/requests", Access.DESK, ctx -> {
            JsonNode body = json.readObject(ctx, ENTRY_FIELDS);
            String channel = string(body, "channel");
            if (!"EMAIL".equals(channel) && !"PHONE".equals(channel)) {
                throw Cases.invalid("$.channel", "one-of", "EMAIL or PHONE");
            }
            Cases.Made made = unverified(string(body, "identifier"), string(body, "kind"),
                    string(body, "deletionReason"), string(body, "text"), channel, null, Language.EN, "$.");
            ctx.status(201).header("Location", "/api/v1/desk/requests/" + made.c().id()).json(view(made.c()));
        });
        routes.post("/api/v1/desk/requests/{id}/answer", Access.DESK, ctx -> {
            JsonNode body = json.readObject(ctx, ANSWER_FIELDS);
            ctx.json(view(answer(ctx, supportCase(any(ctx)), string(body, "answer"), number(body, "withheld"),
                    string(body, "withheldReason"), "$.")));
        });
        routes.post("/api/v1/dpo/requests/{id}/answer", Access.DESK_DPO, ctx -> {
            JsonNode body = json.readObject(ctx, ANSWER_FIELDS);
            ctx.json(view(answer(ctx, any(ctx), string(body, "answer"), number(body, "withheld"),
                    string(body, "withheldReason"), "$.")));
        });
        routes.post("/api/v1/dpo/requests/{id}/refusal", Access.DESK_DPO, ctx -> {
            JsonNode body = json.readObject(ctx, REFUSAL_FIELDS);
            ctx.json(view(refuse(ctx, any(ctx), string(body, "code"), string(body, "justification"),
                    string(body, "evidence"), "$.")));
        });
        routes.post("/api/v1/dpo/requests/{id}/fee", Access.DESK_DPO, ctx -> {
            JsonNode body = json.readObject(ctx, FEE_FIELDS);
            ctx.json(view(fee(ctx, any(ctx), string(body, "amount"), string(body, "justification"), "$.")));
        });
    }

    // ------------------------------------------------------------------ making and deciding

    private Cases.Case make(UUID owner, String kind, String reason, String text, String channel, String language,
                            String prefix) {
        Cases.Kind k = Cases.kind(kind, prefix + "kind");
        Cases.DeletionReason r = Cases.deletionReason(k, reason, prefix + "deletionReason");
        Cases.text(text, prefix + "text", Cases.MAX_TEXT);
        Cases.Case c = cases.open(owner, k, r, channel, text, language);
        mail.received(c);
        return c;
    }

    private Cases.Case answer(Context ctx, Cases.Case c, String answer, String withheld, String withheldReason,
                              String prefix) {
        Cases.text(answer, prefix + "answer", Cases.MAX_TEXT);
        int count;
        try {
            count = withheld == null || withheld.isBlank() ? 0 : Integer.parseInt(withheld.strip());
        } catch (NumberFormatException e) {
            throw Cases.invalid(prefix + "withheld", "integer", "a whole number of items");
        }
        Cases.Reason reason = count > 0 ? Cases.reason(withheldReason, prefix + "withheldReason") : null;
        if (reason != null && !reason.nonResponse) {
            throw Cases.invalid(prefix + "withheldReason", "reason-code", "one of " + String.join(", ", WITHHOLDS));
        }
        Cases.Case done = cases.answer(c, Principal.of(ctx).accountId(), answer, count, reason);
        Messages m = DeskMail.messages(done);
        mail.decided(done, answer + (count > 0 ? "\n\n" + withheldNote(m, done) : ""));
        return done;
    }

    private Cases.Case refuse(Context ctx, Cases.Case c, String code, String justification, String evidence,
                              String prefix) {
        // PR-75/PR-76: no refusal without a reason code (422 naming the field), a justification, and for abuse of
        // rights the evidence.
        Cases.Reason reason = Cases.reason(code, prefix + "code");
        Cases.text(justification, prefix + "justification", Cases.MAX_TEXT);
        if (reason == Cases.Reason.ABUSE_EVIDENCE && (evidence == null || evidence.isBlank())) {
            throw Cases.invalid(prefix + "evidence", "required",
                    "refusing for abuse of rights (Ⅴ.8 e) needs the evidence noted");
        }
        Messages m = DeskMail.messages(c);
        String told = m.t("requests.refused.told", c.number(), m.t("requests.reason." + reason.name()),
                justification.strip()) + "\n\n" + DeskMail.complaintRoute(m, settings);
        Cases.Case done = cases.refuse(c, Principal.of(ctx).accountId(), reason, justification, evidence, told);
        mail.decided(done, told);
        return done;
    }

    private Cases.Case fee(Context ctx, Cases.Case c, String amount, String justification, String prefix) {
        Cases.text(amount, prefix + "amount", 100);
        // PR-74: charging without a written justification is blocked.
        Cases.text(justification, prefix + "justification", Cases.MAX_TEXT);
        Cases.Case done = cases.proposeFee(c, Principal.of(ctx).accountId(), amount, justification);
        Messages m = DeskMail.messages(done);
        mail.decided(done, m.t("requests.fee.told", done.number(), amount.strip(), justification.strip()));
        return done;
    }

    /** Requests assigned to the data-protection officer are not answered on the desk's route (409 naming it). */
    private static Cases.Case supportCase(Cases.Case c) {
        if ("dpo".equals(c.role())) {
            throw new ProblemException(Problem.of(409, "assigned-to-dpo", "The DPO decides this request",
                    "Complaints and deletion cases are decided by the data-protection officer"
                            + " (/dpo/requests/" + c.id() + ").").with("code", "ASSIGNED_TO_DPO"));
        }
        return c;
    }

    // ------------------------------------------------------------------ the public form

    private void publicRequest(Context ctx, Web web) {
        PageContext page = web.contexts().of(ctx);
        String identifier = ctx.formParam("identifier");
        String kind = ctx.formParam("kind");
        String reason = ctx.formParam("deletionReason");
        String text = ctx.formParam("text");
        Cases.Made made;
        try {
            made = unverified(identifier, kind, reason, text, "PUBLIC", () -> take("public-request", ctx,
                    PUBLIC_PER_HOUR, Duration.ofHours(1)), page.msg().language(), "");
        } catch (ProblemException e) {
            if (e.problem().status() != 422) {
                throw e;
            }
            publicForm(ctx, web, "form", "", identifier, kind, reason, text, explain(page, e), null, 422);
            return;
        }
        publicForm(ctx, web, "code", made.c().id().toString(), "", "", "", "", List.of(), null, 200);
    }

    /**
     * Makes an UNVERIFIED request and sends its code: to the registered contact of the account the identifier names,
     * never to an address the form made up for it; with no such account, to the identifier itself. {@code limit}
     * runs after the input is checked (the public form's throttle).
     */
    private Cases.Made unverified(String identifier, String kind, String reason, String text, String channel,
                                  Runnable limit, Language fallback, String prefix) {
        String who = Cases.text(identifier, prefix + "identifier", Cases.MAX_CONTACT).strip();
        if (!who.contains("@") && !who.matches("\\+?[0-9 ()-]{6,20}")) {
            throw Cases.invalid(prefix + "identifier", "contact", "an e-mail address or a mobile number");
        }
        Cases.Kind k = Cases.kind(kind, prefix + "kind");
        Cases.DeletionReason r = Cases.deletionReason(k, reason, prefix + "deletionReason");
        Cases.text(text, prefix + "text", Cases.MAX_TEXT);
        if (limit != null) {
            limit.run();
        }
        Optional<UUID> account = accounts.find(who);
        Optional<AccountClosure.Contact> contact = account.flatMap(accounts::contact);
        Optional<String> to = account.isPresent()
                ? contact.map(c -> c.email() != null ? c.email() : c.phone()) : Optional.of(who);
        Language language = contact.map(AccountClosure.Contact::language).orElse(fallback);
        Cases.Made m = cases.openPublic(account.orElse(null), who, k, r, text, language.tag(), channel);
        to.ifPresent(address -> mail.code(address, m.code(), m.c().id(), language));
        return m;
    }

    private void publicVerify(Context ctx, Web web) {
        PageContext page = web.contexts().of(ctx);
        String ref = ctx.formParam("ref");
        try {
            take("public-verify", ctx, 30, Duration.ofMinutes(5));
            UUID id;
            try {
                id = UUID.fromString(ref == null ? "" : ref.strip());
            } catch (IllegalArgumentException e) {
                throw Cases.invalid("code", "code", "the code is wrong or expired; send the form again");
            }
            Cases.Case c = cases.verify(id, ctx.formParam("code"));
            mail.received(c);
            publicForm(ctx, web, "done", "", "", "", "", "", List.of(), c, 200);
        } catch (ProblemException e) {
            if (e.problem().status() != 422) {
                throw e;
            }
            publicForm(ctx, web, "code", ref == null ? "" : ref, "", "", "", "", explain(page, e), null, 422);
        }
    }

    private void take(String action, Context ctx, int per, Duration window) {
        Bucket bucket = buckets.get(action + "|" + clients.of(ctx), k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(per).refillGreedy(per, window).build()).build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
            throw new ProblemException(Problem.of(429, "too-many-attempts", "Too many attempts",
                    "Too many requests from your network. Try again in " + seconds + " seconds.")
                    .with("retryAfter", seconds));
        }
    }

    // ------------------------------------------------------------------ pages

    private RequestViews.Regulator regulator() {
        return new RequestViews.Regulator(settings.regulatorName(), settings.regulatorPhone() == null ? ""
                : settings.regulatorPhone(), settings.regulatorUrl() == null ? "" : settings.regulatorUrl());
    }

    private void mine(Context ctx, Web web, String kind, String reason, String text, List<String> errors,
                      int status) {
        PageContext page = web.contexts().of(ctx);
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        web.pages().render(ctx, page, "requests/mine.jte", Map.of("model", new RequestViews.Mine(
                cases.list(Principal.of(ctx).accountId()).stream().map(c -> row(c, page.zone())).toList(),
                nz(kind), nz(reason), nz(text), errors, KINDS, DELETION_REASONS, regulator())));
    }

    private void detail(Context ctx, Web web, Cases.Case c) {
        PageContext page = web.contexts().of(ctx);
        ctx.header("Cache-Control", "no-store");
        web.pages().render(ctx, page, "requests/case.jte", Map.of("model", new RequestViews.Detail(
                row(c, page.zone()), c.request(), nz(c.answer()), withheldNote(page.msg(), c),
                c.refusal() == null ? "" : page.t("requests.reason." + c.refusal().name()), nz(c.feeAmount()),
                nz(c.feeJustification()), c.status() == Cases.Status.FEE_PROPOSED, !c.status().closed(),
                regulator())));
    }

    private void publicForm(Context ctx, Web web, String step, String ref, String identifier, String kind,
                            String reason, String text, List<String> errors, Cases.Case done, int status) {
        PageContext page = web.contexts().of(ctx);
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        web.pages().render(ctx, page, "requests/public.jte", Map.of("model", new RequestViews.Public(step, ref,
                nz(identifier), nz(kind), nz(reason), nz(text), errors, KINDS, DELETION_REASONS,
                done == null ? 0 : done.number(), done == null ? "" : DeskMail.DAY.format(done.dueAt()),
                regulator())));
    }

    private interface Decision {
        Cases.Case decide(Cases.Case c);
    }

    private void deskForm(Context ctx, Web web, Decision decision) {
        Cases.Case c = any(ctx);
        try {
            decision.decide(c);
        } catch (ProblemException e) {
            int status = e.problem().status();
            if (status != 422 && status != 409) {
                throw e;
            }
            deskCase(ctx, web, c, explain(web.contexts().of(ctx), e), status);
            return;
        }
        ctx.redirect("/desk/" + c.id(), HttpStatus.SEE_OTHER);
    }

    private void deskCase(Context ctx, Web web, Cases.Case c, List<String> errors, int status) {
        PageContext page = web.contexts().of(ctx);
        ZoneId zone = page.zone();
        DateTimeFormatter shown = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm");
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        String answer = c.answer() == null ? "" : c.answer() + (c.withheldCount() > 0 ? "\n" + withheldNote(
                page.msg(), c) : "");
        web.pages().render(ctx, page, "requests/desk-case.jte", Map.of("model", new RequestViews.DeskCase(
                row(c, zone), c.status() == Cases.Status.UNVERIFIED ? "" : c.request(), answer,
                c.deletionReason() == null ? "" : c.deletionReason().name(),
                c.owner() == null ? "" : c.owner().toString(),
                cases.events(c.id()).stream().map(e -> e.at().atZone(zone).format(shown) + " "
                        + page.t("requests.event." + e.what())).toList(), errors, REFUSALS, WITHHOLDS,
                "dpo".equals(c.role()) ? "/dpo/requests/" + c.id() + "/answer" : "/desk/" + c.id() + "/answer",
                !c.status().closed(), nz(c.feeAmount()))));
    }

    /** "1 item withheld (reason: trade secret)", or empty. */
    static String withheldNote(Messages m, Cases.Case c) {
        return c.withheldCount() == 0 || c.withheldReason() == null ? ""
                : m.t("requests.withheld", c.withheldCount(), m.t("requests.reason." + c.withheldReason().name()));
    }

    private RequestViews.Row row(Cases.Case c, ZoneId zone) {
        return new RequestViews.Row(c.id().toString(), c.number(), c.kind().name(), c.status().name(),
                c.receivedAt().atZone(zone).format(DAY), c.dueAt().atZone(zone).format(DAY), c.overdue(cases.now()),
                c.role(), c.feeEligible(), c.remindedFirst() != null);
    }

    private ApiSchemas.RightsRequest view(Cases.Case c) {
        return ApiSchemas.RightsRequest.of(c, cases.now(), cases.events(c.id()));
    }

    // ------------------------------------------------------------------ helpers

    private Cases.Case own(Context ctx) {
        return cases.find(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    private Cases.Case any(Context ctx) {
        return cases.find(PathParams.uuid(ctx, "id")).orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    private static List<String> explain(PageContext page, ProblemException e) {
        return e.problem().errors().isEmpty() ? List.of(e.problem().detail())
                : e.problem().errors().stream().map(page::explain).toList();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String string(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !v.isTextual()) {
            throw Cases.invalid("$." + field, "type", "must be a string");
        }
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw Cases.invalid("$." + field, "integer", "a whole number of items");
        }
        return Integer.toString(v.intValue());
    }
}
