package org.mqcgm.server.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.support.HumanReview;

/**
 * What customer service holds about a person, for "My data" and the export (PR-60, PR-70): their support tickets
 * with the whole thread (their messages and the agents' answers), the images still kept, the grants asked for on
 * them with every read under them, and the human reviews of automated decisions with their outcomes. Which agent
 * answered or decided is not exported (an agent's account is the agent's data), only that support did.
 */
final class SupportData implements PersonalData {

    private static final String DB = "this server's PostgreSQL database";

    private final Jdbi jdbi;
    private final TicketStore tickets;
    private final GrantStore grants;
    private final ReviewStore reviews;
    private final ObjectMapper mapper;

    SupportData(Jdbi jdbi, TicketStore tickets, GrantStore grants, ReviewStore reviews, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.tickets = tickets;
        this.grants = grants;
        this.reviews = reviews;
        this.mapper = mapper;
    }

    private long count(String table, UUID owner) {
        return PersonalData.rows(jdbi, table, owner);
    }

    @Override
    public List<Category> categories(UUID owner) {
        return List.of(
                new Category("support-tickets", count("support_ticket", owner),
                        "customer service: answering your support requests", "you, or the app on your behalf"
                        + " (a reported compromise, a request for human review)",
                        DB + "; subjects encrypted with your key; deleted two years after the request is closed"),
                new Category("support-messages", count("support_message", owner),
                        "customer service: the conversation on your requests", "you and support agents",
                        DB + ", encrypted with your key"),
                new Category("support-attachments", count("support_attachment", owner),
                        "customer service: images you attached", "you",
                        DB + ", encrypted with your key; deleted 30 days after upload"),
                new Category("support-grants", count("support_grant", owner),
                        "customer service: time-limited access to your data you approved or refused, and each read"
                                + " under it", "support agents' requests and your answers", DB),
                new Category("human-reviews", count("support_review", owner),
                        "your right to a human review of automated decisions: the decision reviewed and the"
                                + " outcome", "you, and the support agent who decided",
                        DB + "; the agent's reason encrypted with your key"));
    }

    @Override
    public void export(UUID owner, ExportArchive archive) throws IOException {
        List<TicketStore.Summary> mine = tickets.list(owner);
        if (mine.isEmpty()) {
            return;
        }
        Map<UUID, HumanReview> reviewOf = new LinkedHashMap<>();
        reviews.list(owner).forEach(r -> reviewOf.put(r.ticket(), r));
        List<Map<String, Object>> out = new ArrayList<>();
        List<UUID[]> files = new ArrayList<>();
        for (TicketStore.Summary t : mine) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id().toString());
            m.put("number", t.number());
            m.put("category", t.category());
            m.put("priority", t.priority());
            m.put("status", t.status());
            m.put("subject", t.subject());
            m.put("opened", iso(t.openedAt()));
            m.put("due", iso(t.dueAt()));
            m.put("updated", iso(t.updatedAt()));
            m.put("closed", iso(t.closedAt()));
            List<Map<String, Object>> thread = new ArrayList<>();
            for (TicketStore.Message msg : tickets.messages(owner, t.id())) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("at", iso(msg.at()));
                x.put("author", msg.author());
                x.put("body", msg.body());
                x.put("attachments", msg.attachments().stream().map(UUID::toString).toList());
                msg.attachments().forEach(a -> files.add(new UUID[] {t.id(), a}));
                thread.add(x);
            }
            m.put("messages", thread);
            List<Map<String, Object>> asked = new ArrayList<>();
            for (GrantStore.Grant g : grants.onTicket(owner, t.id())) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("id", g.id().toString());
                x.put("scopes", g.scopes());
                x.put("hours", g.hours());
                x.put("state", g.state());
                x.put("requested", iso(g.requestedAt()));
                x.put("expires", iso(g.expiresAt()));
                asked.add(x);
            }
            m.put("grants", asked);
            m.put("readsUnderGrants", grants.readsOnTicket(owner, t.id()).stream().map(r -> {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("at", iso(r.at()));
                x.put("what", r.what());
                return x;
            }).toList());
            HumanReview r = reviewOf.get(t.id());
            m.put("humanReview", r == null ? null : review(r));
            out.add(m);
        }
        archive.json(mapper, "support.json", "Your support requests: subject, category, status, dates, the whole "
                + "conversation (attached images by id, in support-attachments/), the access to your data support asked for (and each read under it), and for a "
                + "request for human review the automated decision reviewed (kind, time, rule version) with the "
                + "human outcome and its reason. JSON array.", out);
        for (UUID[] f : files) {
            var a = tickets.attachment(owner, f[0], f[1]);
            if (a.isPresent()) {
                try (OutputStream o = archive.file("support-attachments/" + f[1] + extension(a.get().contentType()),
                        "An image you attached to a support request (kept 30 days).")) {
                    o.write(a.get().bytes());
                }
            }
        }
    }

    private static Map<String, Object> review(HumanReview r) {
        Map<String, Object> x = new LinkedHashMap<>();
        if (r.decision() != null) {
            x.put("decisionKind", r.decision().kind());
            x.put("decisionAt", iso(r.decision().at()));
            x.put("ruleVersion", r.decision().ruleVersion());
            x.put("automatedDecision", r.decision().summary());
        }
        x.put("requested", iso(r.requestedAt()));
        x.put("due", iso(r.dueAt()));
        x.put("humanOutcome", r.outcome());
        x.put("reason", r.reason());
        x.put("decided", iso(r.decidedAt()));
        x.put("decidedBy", r.decided() ? "a support agent" : null);
        return x;
    }

    private static String extension(String contentType) {
        return switch (contentType) {
            case "image/png" -> ".png";
            case "image/webp" -> ".webp";
            default -> ".jpg";
        };
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
