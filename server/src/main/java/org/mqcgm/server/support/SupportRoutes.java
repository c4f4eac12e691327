package org.mqcgm.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.security.SupportGrants;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;
import org.mqcgm.server.platform.web.PageContext;

/**
 * The routes of customer service.
 *
 * <ul>
 *   <li>{@code /help}: the FAQ and, when the operator set a hotline, "Call support" — a {@code <details>} element
 *       whose {@code tel:} link appears on the tap, with no request to the server (PR-21).</li>
 *   <li>The person's tickets (PR-22): {@code /support} and {@code /support/{id}} (pages, a web session) and
 *       {@code /api/v1/support/tickets…} (the web session, or a token with the {@code support} scope, so an app can
 *       file tickets too); someone else's ticket or grant is 404.</li>
 *   <li>Agents (the {@code support} role, in a web session; 404 for everyone else): the queue and a ticket at
 *       {@code /support/queue…} and {@code /api/v1/support/queue…}. They see what the person wrote to support, never
 *       health data.</li>
 *   <li>Grants (PR-23): an agent asks on a ticket, the person approves or refuses on the ticket's page (or
 *       {@code POST /api/v1/support/grants/{id}/approve|refuse}); under a live grant the agent reads
 *       {@code /admin/users/{id}/glucose} ({@link Access.SupportGrant}, checked and logged by access control).</li>
 *   <li>Human review (PR-72): on a review ticket an agent upholds or overturns the automated decision it is about
 *       ({@code /support/queue/{id}/decision}, or {@code POST /api/v1/support/tickets/{id}/decision}), once, with
 *       a reason; an overturned decision is undone and the person is told in the thread.</li>
 * </ul>
 */
final class SupportRoutes {

    static final Set<String> TICKET_FIELDS = RequestFields.of(ApiSchemas.SupportTicketRequest.class);
    static final Set<String> MESSAGE_FIELDS = RequestFields.of(ApiSchemas.SupportMessageRequest.class);
    static final Set<String> STATUS_FIELDS = RequestFields.of(ApiSchemas.SupportStatusRequest.class);
    static final Set<String> GRANT_FIELDS = RequestFields.of(ApiSchemas.SupportGrantRequest.class);
    static final Set<String> DECISION_FIELDS = RequestFields.of(ApiSchemas.SupportDecisionRequest.class);
    static final int FAQ_ENTRIES = 8;
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd");

    /** Reads a person's readings in a period (the glucose feature answers, through the composition root). */
    @FunctionalInterface
    interface ReadingSource {
        List<org.mqcgm.core.glucose.Reading> range(UUID owner, Instant from, Instant to);
    }

    private final TicketStore tickets;
    private final GrantStore grants;
    private final ReviewStore reviews;
    private final Photos photos;
    private final ReadingSource readings;
    private final JsonBodies json;
    private final Clock clock;
    private final String phone;

    SupportRoutes(TicketStore tickets, GrantStore grants, ReviewStore reviews, Photos photos, ReadingSource readings,
                  JsonBodies json, Clock clock, String phone) {
        this.tickets = tickets;
        this.grants = grants;
        this.reviews = reviews;
        this.photos = photos;
        this.readings = readings;
        this.json = json;
        this.clock = clock;
        this.phone = phone;
    }

    void register(Routes routes, Web web) {
        routes.get("/help", Access.PUBLIC, ctx -> help(ctx, web));
        // Agents first: /support/queue is not a ticket id.
        routes.get("/support/queue", Access.SUPPORT, ctx -> web.pages().render(ctx, web.contexts().of(ctx),
                "support/queue.jte", Map.of("model", new SupportViews.Queue(tickets.queue(200).stream()
                        .map(t -> row(t, web.contexts().of(ctx).zone())).toList()))));
        routes.get("/support/queue/{id}", Access.SUPPORT, ctx -> ticketPage(ctx, web, agentTicket(ctx), true,
                List.of(), 200));
        // PR-72: the agent upholds or overturns the automated decision a review ticket is about.
        routes.post("/support/queue/{id}/decision", Access.SUPPORT, ctx -> {
            TicketStore.Summary t = reviewTicket(ctx);
            String outcome = ctx.formParam("outcome");
            String reason = ctx.formParam("reason");
            try {
                ReviewStore.check(outcome, reason, "");
                decide(t, Principal.of(ctx).accountId(), outcome, reason, web);
            } catch (ProblemException e) {
                if (e.problem().status() != 422) {
                    throw e;
                }
                ticketPage(ctx, web, t, true, explain(web.contexts().of(ctx), e), 422, outcome, reason);
                return;
            }
            ctx.redirect("/support/queue/" + t.id(), HttpStatus.SEE_OTHER);
        });
        routes.post("/support/queue/{id}/messages", Access.SUPPORT, ctx -> {
            TicketStore.Summary t = agentTicket(ctx);
            try {
                TicketStore.check(null, ctx.formParam("message"), null, "message");
                tickets.reply(t.owner(), t.id(), "agent", Principal.of(ctx).accountId(), ctx.formParam("message"),
                        List.of());
            } catch (ProblemException e) {
                pageErrors(ctx, web, t, true, e);
                return;
            }
            ctx.redirect("/support/queue/" + t.id(), HttpStatus.SEE_OTHER);
        });
        routes.post("/support/queue/{id}/status", Access.SUPPORT, ctx -> {
            TicketStore.Summary t = agentTicket(ctx);
            String status = ctx.formParam("status");
            if (!TicketStore.STATUSES.contains(status)) {
                pageErrors(ctx, web, t, true, new ProblemException(Problem.validation("Unknown status.",
                        List.of(new Problem.FieldError("status", "one-of", "open, waiting-for-user or closed")))));
                return;
            }
            tickets.status(t.owner(), t.id(), status);
            ctx.redirect("/support/queue/" + t.id(), HttpStatus.SEE_OTHER);
        });
        routes.post("/support/queue/{id}/grants", Access.SUPPORT, ctx -> {
            TicketStore.Summary t = agentTicket(ctx);
            try {
                Integer hours = integer(ctx.formParam("hours"));
                List<String> scopes = ctx.formParams("scopes");
                GrantStore.check(hours, scopes);
                grants.request(t, Principal.of(ctx).accountId(), hours, scopes);
            } catch (ProblemException e) {
                pageErrors(ctx, web, t, true, e);
                return;
            }
            ctx.redirect("/support/queue/" + t.id(), HttpStatus.SEE_OTHER);
        });
        routes.get("/support/queue/{id}/attachments/{file}", Access.SUPPORT, ctx -> {
            TicketStore.Summary t = agentTicket(ctx);
            image(ctx, t.owner(), t.id());
        });

        routes.get("/support", Access.PAGE, ctx -> myTickets(ctx, web, "", "", List.of(), 200));
        routes.post("/support", Access.PAGE, ctx -> {
            UUID owner = Principal.of(ctx).accountId();
            String subject = ctx.formParam("subject");
            String message = ctx.formParam("message");
            try {
                TicketStore.check(subject, message, "subject", "message");
            } catch (ProblemException e) {
                myTickets(ctx, web, subject, message, explain(web.contexts().of(ctx), e), 422);
                return;
            }
            List<TicketStore.Attachment> files = attachments(owner, ctx.uploadedFiles("attachment"), "attachment");
            TicketStore.Summary t = tickets.open(owner, TicketStore.Category.QUESTION, subject.strip(), message,
                    files);
            ctx.redirect("/support/" + t.id(), HttpStatus.SEE_OTHER);
        });
        routes.post("/support/grants/{id}/approve", Access.PAGE, ctx -> decideFromPage(ctx, true));
        routes.post("/support/grants/{id}/refuse", Access.PAGE, ctx -> decideFromPage(ctx, false));
        routes.get("/support/{id}", Access.PAGE, ctx -> ticketPage(ctx, web, ownTicket(ctx), false, List.of(), 200));
        routes.post("/support/{id}/messages", Access.PAGE, ctx -> {
            TicketStore.Summary t = ownTicket(ctx);
            try {
                TicketStore.check(null, ctx.formParam("message"), null, "message");
            } catch (ProblemException e) {
                pageErrors(ctx, web, t, false, e);
                return;
            }
            List<TicketStore.Attachment> files = attachments(t.owner(), ctx.uploadedFiles("attachment"), "attachment");
            tickets.reply(t.owner(), t.id(), "user", null, ctx.formParam("message"), files);
            ctx.redirect("/support/" + t.id(), HttpStatus.SEE_OTHER);
        });
        routes.post("/support/{id}/close", Access.PAGE, ctx -> {
            TicketStore.Summary t = ownTicket(ctx);
            tickets.status(t.owner(), t.id(), "closed");
            ctx.redirect("/support/" + t.id(), HttpStatus.SEE_OTHER);
        });
        routes.get("/support/{id}/attachments/{file}", Access.PAGE, ctx -> {
            TicketStore.Summary t = ownTicket(ctx);
            image(ctx, t.owner(), t.id());
        });

        // The API of the person's own tickets.
        Access own = Access.api(Scope.SUPPORT);
        routes.post("/api/v1/support/tickets", own, ctx -> {
            UUID owner = Principal.of(ctx).accountId();
            JsonNode body = json.readObject(ctx, TICKET_FIELDS);
            String subject = text(body, "subject");
            String message = text(body, "message");
            TicketStore.check(subject, message, "$.subject", "$.message");
            TicketStore.Summary t = tickets.open(owner, TicketStore.Category.QUESTION, subject.strip(), message,
                    List.of());
            ctx.status(201).header("Location", "/api/v1/support/tickets/" + t.id()).json(ticketJson(t));
        });
        routes.get("/api/v1/support/tickets", own, ctx -> ctx.json(new ApiSchemas.SupportTickets(
                tickets.list(Principal.of(ctx).accountId()).stream().map(ApiSchemas.SupportTicketSummary::of)
                        .toList())));
        routes.get("/api/v1/support/tickets/{id}", own, ctx -> ctx.json(ticketJson(ownTicket(ctx))));
        routes.post("/api/v1/support/tickets/{id}/messages", own, ctx -> {
            TicketStore.Summary t = ownTicket(ctx);
            String message = text(json.readObject(ctx, MESSAGE_FIELDS), "message");
            TicketStore.check(null, message, null, "$.message");
            tickets.reply(t.owner(), t.id(), "user", null, message, List.of());
            ctx.status(201).json(ticketJson(t));
        });
        routes.post("/api/v1/support/tickets/{id}/attachments", own, ctx -> {
            TicketStore.Summary t = ownTicket(ctx);
            String type = ctx.contentType();
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
                throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                        "Send the image as multipart/form-data in the field 'file'.").withErrors(List.of(
                        new Problem.FieldError("file", "multipart", "a multipart/form-data file field"))));
            }
            UploadedFile file = ctx.uploadedFile("file");
            if (file == null || file.size() == 0) {
                throw new ProblemException(Problem.validation("No image was sent.", List.of(new Problem.FieldError(
                        "file", "required", "a JPEG, PNG or WebP file"))));
            }
            List<TicketStore.Attachment> files = attachments(t.owner(), List.of(file), "file");
            tickets.reply(t.owner(), t.id(), "user", null, "", files);
            ctx.status(201).json(ticketJson(t));
        });
        routes.get("/api/v1/support/tickets/{id}/attachments/{file}", own, ctx -> {
            TicketStore.Summary t = ownTicket(ctx);
            image(ctx, t.owner(), t.id());
        });
        routes.post("/api/v1/support/tickets/{id}/close", own, ctx -> {
            TicketStore.Summary t = ownTicket(ctx);
            tickets.status(t.owner(), t.id(), "closed");
            ctx.json(ticketJson(t));
        });
        // PR-72: a support agent's decision on a review ticket (agents only, like the queue: 404 for anybody else).
        routes.post("/api/v1/support/tickets/{id}/decision", Access.SUPPORT, ctx -> {
            TicketStore.Summary t = reviewTicket(ctx);
            JsonNode body = json.readObject(ctx, DECISION_FIELDS);
            String outcome = text(body, "outcome");
            String reason = text(body, "reason");
            ReviewStore.check(outcome, reason, "$.");
            decide(t, Principal.of(ctx).accountId(), outcome, reason, web);
            ctx.status(201).json(ticketJson(t));
        });
        routes.post("/api/v1/support/grants/{id}/approve", own, ctx -> ctx.json(ApiSchemas.SupportGrant.of(
                grants.decide(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"), true, tickets))));
        routes.post("/api/v1/support/grants/{id}/refuse", own, ctx -> ctx.json(ApiSchemas.SupportGrant.of(
                grants.decide(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"), false, tickets))));

        // The agents' API.
        routes.get("/api/v1/support/queue", Access.SUPPORT, ctx -> ctx.json(new ApiSchemas.SupportTickets(
                tickets.queue(200).stream().map(ApiSchemas.SupportTicketSummary::of).toList())));
        routes.get("/api/v1/support/queue/{id}", Access.SUPPORT, ctx -> ctx.json(ticketJson(agentTicket(ctx))));
        routes.post("/api/v1/support/queue/{id}/messages", Access.SUPPORT, ctx -> {
            TicketStore.Summary t = agentTicket(ctx);
            String message = text(json.readObject(ctx, MESSAGE_FIELDS), "message");
            TicketStore.check(null, message, null, "$.message");
            tickets.reply(t.owner(), t.id(), "agent", Principal.of(ctx).accountId(), message, List.of());
            ctx.status(201).json(ticketJson(t));
        });
        routes.post("/api/v1/support/queue/{id}/status", Access.SUPPORT, ctx -> {
            TicketStore.Summary t = agentTicket(ctx);
            String status = text(json.readObject(ctx, STATUS_FIELDS), "status");
            if (!TicketStore.STATUSES.contains(status)) {
                throw new ProblemException(Problem.validation("Unknown status.", List.of(new Problem.FieldError(
                        "$.status", "one-of", "open, waiting-for-user or closed"))));
            }
            tickets.status(t.owner(), t.id(), status);
            ctx.json(ticketJson(t));
        });
        routes.post("/api/v1/support/queue/{id}/grants", Access.SUPPORT, ctx -> {
            TicketStore.Summary t = agentTicket(ctx);
            JsonNode body = json.readObject(ctx, GRANT_FIELDS);
            JsonNode h = body.get("hours");
            Integer hours = h != null && h.canConvertToInt() && h.isIntegralNumber() ? h.intValue() : null;
            List<String> scopes = new ArrayList<>();
            body.path("scopes").forEach(s -> scopes.add(s.asText()));
            try {
                GrantStore.check(hours, scopes);
            } catch (ProblemException e) {
                throw new ProblemException(Problem.validation("The grant request has problems.",
                        e.problem().errors().stream().map(f -> new Problem.FieldError("$." + f.field(), f.rule(),
                                f.message())).toList()));
            }
            ctx.status(201).json(ApiSchemas.SupportGrant.of(grants.request(t, Principal.of(ctx).accountId(), hours,
                    scopes)));
        });

        // A person's readings, for an agent under a live grant (access control checked and logged it).
        routes.get("/admin/users/{id}/glucose", Access.supportGrant("readings"), ctx -> {
            SupportGrants.Live live = SupportGrants.Live.of(ctx);
            Instant to = live.until().isBefore(clock.instant()) ? live.until() : clock.instant();
            ctx.header("Cache-Control", "no-store");
            ctx.json(new ApiSchemas.SupportGlucose(live.person(), live.from(), to,
                    readings.range(live.person(), live.from(), to).stream()
                            .map(r -> new ApiSchemas.SupportReading(r.time(), r.mgdl())).toList()));
        });
    }

    // ------------------------------------------------------------------ pages

    private void help(Context ctx, Web web) {
        List<String> faq = new ArrayList<>();
        for (int i = 1; i <= FAQ_ENTRIES; i++) {
            faq.add("support.faq." + i);
        }
        web.pages().render(ctx, web.contexts().of(ctx), "support/help.jte", Map.of("model",
                new SupportViews.Help(phone, phone == null ? null : "tel:" + phone.replaceAll("[^0-9+]", ""), faq)));
    }

    private void myTickets(Context ctx, Web web, String subject, String message, List<String> errors, int status) {
        PageContext page = web.contexts().of(ctx);
        ctx.status(status);
        web.pages().render(ctx, page, "support/list.jte", Map.of("model", new SupportViews.MyTickets(
                tickets.list(Principal.of(ctx).accountId()).stream().map(t -> row(t, page.zone())).toList(),
                subject == null ? "" : subject, message == null ? "" : message, errors)));
    }

    private void ticketPage(Context ctx, Web web, TicketStore.Summary t, boolean agent, List<String> errors,
                            int status) {
        ticketPage(ctx, web, t, agent, errors, status, "", "");
    }

    private void ticketPage(Context ctx, Web web, TicketStore.Summary t, boolean agent, List<String> errors,
                            int status, String outcomeField, String reasonField) {
        PageContext page = web.contexts().of(ctx);
        ZoneId zone = page.zone();
        String base = (agent ? "/support/queue/" : "/support/") + t.id();
        List<SupportViews.Message> thread = tickets.messages(t.owner(), t.id()).stream()
                .map(m -> new SupportViews.Message(shown(m.at(), zone), m.author(), m.body(),
                        m.attachments().stream().map(a -> base + "/attachments/" + a).toList())).toList();
        List<SupportViews.Grant> asked = grants.onTicket(t.owner(), t.id()).stream()
                .map(g -> new SupportViews.Grant(g.id().toString(), String.join(", ", g.scopes()), g.hours(),
                        g.state(), g.expiresAt() == null ? "" : shown(g.expiresAt(), zone))).toList();
        List<SupportViews.Read> reads = grants.readsOnTicket(t.owner(), t.id()).stream()
                .map(r -> new SupportViews.Read(shown(r.at(), zone), r.what())).toList();
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        SupportViews.Review review = reviews.of(t).map(r -> new SupportViews.Review(
                r.decision() == null ? "" : r.decision().kind(),
                r.decision() == null || r.decision().at() == null ? "" : shown(r.decision().at(), zone),
                r.decision() == null || r.decision().ruleVersion() == null ? "" : r.decision().ruleVersion(),
                r.decision() == null || r.decision().summary() == null ? "" : r.decision().summary(),
                r.decided() ? r.outcome() : "", r.decided() ? r.reason() : "",
                r.decided() ? shown(r.decidedAt(), zone) : "",
                outcomeField == null ? "" : outcomeField, reasonField == null ? "" : reasonField)).orElse(null);
        web.pages().render(ctx, page, "support/ticket.jte", Map.of("model", new SupportViews.Ticket(row(t, zone),
                t.closed(), agent, base, t.owner().toString(), thread, asked, reads, errors, review)));
    }

    private void pageErrors(Context ctx, Web web, TicketStore.Summary t, boolean agent, ProblemException e) {
        if (e.problem().status() != 422) {
            throw e;
        }
        ticketPage(ctx, web, t, agent, explain(web.contexts().of(ctx), e), 422);
    }

    /**
     * Records the agent's decision on a review; the person is told in the thread, in their language (the decision
     * and the agent's reason).
     */
    private void decide(TicketStore.Summary t, UUID agent, String outcome, String reason, Web web) {
        Messages msg = Messages.of(web.profiles().of(t.owner()).map(p -> p.language()).orElse(Language.EN));
        reviews.decide(t, agent, outcome, reason.strip(), msg.t("support.review.told." + outcome, reason.strip()));
    }

    private void decideFromPage(Context ctx, boolean approve) {
        GrantStore.Grant g = grants.decide(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"), approve, tickets);
        ctx.redirect("/support/" + g.ticket(), HttpStatus.SEE_OTHER);
    }

    private static List<String> explain(PageContext page, ProblemException e) {
        return e.problem().errors().isEmpty() ? List.of(e.problem().detail())
                : e.problem().errors().stream().map(page::explain).toList();
    }

    // ------------------------------------------------------------------ helpers

    private ApiSchemas.SupportTicket ticketJson(TicketStore.Summary t) {
        TicketStore.Summary now = tickets.find(t.owner(), t.id()).orElseThrow();
        return new ApiSchemas.SupportTicket(ApiSchemas.SupportTicketSummary.of(now),
                tickets.messages(t.owner(), t.id()).stream().map(ApiSchemas.SupportMessage::of).toList(),
                grants.onTicket(t.owner(), t.id()).stream().map(ApiSchemas.SupportGrant::of).toList(),
                grants.readsOnTicket(t.owner(), t.id()).stream()
                        .map(r -> new ApiSchemas.SupportGrantRead(r.at(), r.what())).toList(),
                reviews.of(now).map(ApiSchemas.SupportReview::of).orElse(null));
    }

    /** The caller's own ticket of the path; anybody else's (or none) is 404. */
    private TicketStore.Summary ownTicket(Context ctx) {
        return tickets.find(Principal.of(ctx).accountId(), PathParams.uuid(ctx, "id"))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    /** A review ticket of the path (agents); any other ticket, or none, is 404. */
    private TicketStore.Summary reviewTicket(Context ctx) {
        TicketStore.Summary t = agentTicket(ctx);
        // A review of an agent's own decision is no independent human review: 404 to its subject, as to others.
        if (!TicketStore.Category.REVIEW.id.equals(t.category()) || t.owner().equals(Principal.of(ctx).accountId())) {
            throw new ProblemException(Problem.notFound());
        }
        return t;
    }

    /** Any ticket of the path (agents). */
    private TicketStore.Summary agentTicket(Context ctx) {
        return tickets.find(PathParams.uuid(ctx, "id")).orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    private void image(Context ctx, UUID owner, UUID ticket) {
        UUID file = PathParams.uuid(ctx, "file");
        TicketStore.Attachment a = tickets.attachment(owner, ticket, file)
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        // A download, never a document of this origin (ASVS V1.12.2).
        org.mqcgm.server.platform.http.UserContent.serve(ctx, a.bytes(), "attachment-" + file + "."
                + org.mqcgm.server.platform.http.UserContent.extension(a.contentType()));
    }

    /**
     * The images of a form, through the photo pipeline's rules (recognised by content, re-encoded without
     * metadata, 413/415/422 naming the field like a logbook photo); the re-encoded bytes are kept with the ticket
     * only (no photo is stored, so the photo quota does not count them). Nothing is kept when one of them is refused.
     */
    private List<TicketStore.Attachment> attachments(UUID owner, List<UploadedFile> files, String field) {
        List<UploadedFile> sent = files.stream().filter(f -> f.size() > 0).toList();
        if (sent.size() > TicketStore.MAX_ATTACHMENTS) {
            throw new ProblemException(Problem.validation("Too many images.", List.of(new Problem.FieldError(
                    field, "size", "at most " + TicketStore.MAX_ATTACHMENTS + " images"))));
        }
        List<TicketStore.Attachment> out = new ArrayList<>();
        for (UploadedFile f : sent) {
            byte[] bytes;
            try (InputStream in = f.content()) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // Re-encoded, never stored as a photo: the ticket keeps it, outside the person's photo quota.
            Photos.Image image = photos.reencode(owner, bytes, field);
            out.add(new TicketStore.Attachment(image.contentType(), image.bytes()));
        }
        return out;
    }

    private static Integer integer(String s) {
        try {
            return s == null ? null : Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            throw new ProblemException(Problem.validation("Not a number.", List.of(new Problem.FieldError("hours",
                    "integer", "a whole number of hours"))));
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !v.isTextual()) {
            throw new ProblemException(Problem.validation("Wrong type.", List.of(new Problem.FieldError("$." + field,
                    "type", "must be a string"))));
        }
        return v == null || v.isNull() ? null : v.asText();
    }

    private static SupportViews.Row row(TicketStore.Summary t, ZoneId zone) {
        return new SupportViews.Row(t.id().toString(), t.number(), t.subject(), t.status(), t.priority(),
                t.category(), shown(t.openedAt(), zone), t.dueAt().atZone(zone).format(DAY));
    }

    private static String shown(Instant t, ZoneId zone) {
        return t.atZone(zone).format(SHOWN);
    }
}
