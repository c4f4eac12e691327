package org.mqcgm.server.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * Support tickets and their messages (PR-22): subjects, messages and attachments encrypted under the owner's key.
 * A ticket is open, waiting for the user, or closed; its due date follows its category (a P1 compromise report in a
 * day, a question in three days, a human review in 30 days). Closed tickets' content is deleted two years after
 * the close and what is kept is an anonymised row (category, priority, the days it was opened and closed);
 * attachments are deleted 30 days after their upload.
 */
final class TicketStore {

    static final int MAX_SUBJECT = 200;
    static final int MAX_MESSAGE = 5_000;
    static final int MAX_ATTACHMENTS = 3;

    enum Category {
        QUESTION("question", "P3", Duration.ofDays(3)),
        COMPROMISE("compromise", "P1", Duration.ofDays(1)),
        REVIEW("review", "P2", Duration.ofDays(30));

        final String id;
        final String priority;
        final Duration due;

        Category(String id, String priority, Duration due) {
            this.id = id;
            this.priority = priority;
            this.due = due;
        }
    }

    static final List<String> STATUSES = List.of("open", "waiting-for-user", "closed");

    /** A ticket without its thread. */
    record Summary(UUID owner, UUID id, long number, String category, String priority, String status,
                   String subject, Instant openedAt, Instant dueAt, Instant updatedAt, Instant closedAt) {
        boolean closed() {
            return "closed".equals(status);
        }
    }

    /** One message of the thread; {@code attachments}: ids of its images still kept. */
    record Message(UUID id, Instant at, String author, String body, List<UUID> attachments) {
    }

    /** An image the user attached (re-encoded by the photo pipeline). */
    record Attachment(String contentType, byte[] bytes) {
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final Clock clock;

    TicketStore(Jdbi jdbi, UserKeys keys, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.clock = clock;
    }

    /** Checks a subject and a message; 422 naming the field. */
    static void check(String subject, String message, String subjectField, String messageField) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (subjectField != null) {
            checkText(subject, subjectField, MAX_SUBJECT, errors);
        }
        checkText(message, messageField, MAX_MESSAGE, errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The support request has problems.", errors));
        }
    }

    private static void checkText(String text, String field, int max, List<Problem.FieldError> errors) {
        if (text == null || text.isBlank()) {
            errors.add(new Problem.FieldError(field, "required", "must not be empty"));
        } else if (text.length() > max) {
            errors.add(new Problem.FieldError(field, "max-length", "at most " + max + " characters"));
        }
    }

    /** Opens a ticket with its first message and attachments; returns it. */
    Summary open(UUID owner, Category category, String subject, String message, List<Attachment> attachments) {
        return open(owner, category, subject, message, attachments, null);
    }

    /**
     * Opens a ticket; a review ticket also gets its review row, with the reference to the automated decision
     * {@code reviewed} (null: none given).
     */
    Summary open(UUID owner, Category category, String subject, String message, List<Attachment> attachments,
                 org.mqcgm.server.platform.support.AutomatedDecision reviewed) {
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    insert into support_ticket (owner_id, id, category, priority, status, subject_enc, opened_at,
                                                due_at, updated_at)
                    values (:o, :id, :category, :priority, 'open', :subject, :now, :due, :now)""")
                    .bind("o", owner).bind("id", id).bind("category", category.id)
                    .bind("priority", category.priority)
                    .bind("subject", keys.encrypt(owner, "support-subject", subject))
                    .bind("now", utc(now)).bind("due", utc(now.plus(category.due))).execute();
            addMessage(h, owner, id, "user", null, message, attachments, now);
            if (category == Category.REVIEW) {
                ReviewStore.insert(h, owner, id, reviewed);
            }
        });
        return find(owner, id).orElseThrow();
    }

    void addMessage(Handle h, UUID owner, UUID ticket, String author, UUID agent, String body,
                            List<Attachment> attachments, Instant now) {
        UUID message = UUID.randomUUID();
        h.createUpdate("""
                insert into support_message (owner_id, ticket_id, id, at, author, agent_id, body_enc)
                values (:o, :t, :id, :at, :author, :agent, :body)""")
                .bind("o", owner).bind("t", ticket).bind("id", message).bind("at", utc(now))
                .bind("author", author).bind("agent", agent)
                .bind("body", keys.encrypt(owner, "support-message", body)).execute();
        for (Attachment a : attachments) {
            h.createUpdate("""
                    insert into support_attachment (owner_id, ticket_id, id, message_id, uploaded_at, content_type,
                                                    bytes_enc)
                    values (:o, :t, :id, :m, :at, :type, :bytes)""")
                    .bind("o", owner).bind("t", ticket).bind("id", UUID.randomUUID()).bind("m", message)
                    .bind("at", utc(now)).bind("type", a.contentType())
                    .bind("bytes", keys.encrypt(owner, "support-attachment", a.bytes())).execute();
        }
    }

    /**
     * Adds a message to a ticket that is not closed: the user's reply puts it back to open, an agent's reply
     * makes it wait for the user. A closed ticket takes no message (409).
     */
    void reply(UUID owner, UUID ticket, String author, UUID agent, String body, List<Attachment> attachments) {
        Instant now = clock.instant();
        jdbi.useTransaction(h -> {
            String status = h.createQuery("select status from support_ticket where owner_id = :o and id = :id"
                            + " for update")
                    .bind("o", owner).bind("id", ticket).mapTo(String.class).findOne()
                    .orElseThrow(() -> new ProblemException(Problem.notFound()));
            if ("closed".equals(status)) {
                throw closed();
            }
            addMessage(h, owner, ticket, author, agent, body, attachments, now);
            h.createUpdate("update support_ticket set status = :s, updated_at = :now where owner_id = :o and id = :id")
                    .bind("s", "agent".equals(author) ? "waiting-for-user" : "open").bind("now", utc(now))
                    .bind("o", owner).bind("id", ticket).execute();
        });
    }

    static ProblemException closed() {
        return new ProblemException(Problem.of(409, "ticket-closed", "Ticket closed",
                "This support request is closed. Open a new one.").with("code", "TICKET_CLOSED"));
    }

    /** Sets a ticket's status (closing stamps the close time; reopening clears it). False if there is no such ticket. */
    boolean status(UUID owner, UUID ticket, String status) {
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createUpdate("""
                update support_ticket set status = :s, updated_at = :now,
                       closed_at = case when :s = 'closed' then coalesce(closed_at, :now) else null end
                where owner_id = :o and id = :id""")
                .bind("s", status).bind("now", utc(now)).bind("o", owner).bind("id", ticket).execute()) == 1;
    }

    /** The owner's tickets, newest first. */
    List<Summary> list(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select * from support_ticket where owner_id = :o"
                        + " order by opened_at desc, number desc")
                .bind("o", owner).map((rs, ctx) -> summary(rs)).list());
    }

    /** A ticket of the owner. */
    Optional<Summary> find(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from support_ticket where owner_id = :o and id = :id")
                .bind("o", owner).bind("id", id).map((rs, ctx) -> summary(rs)).findOne());
    }

    /** Any ticket by its id (agents). */
    Optional<Summary> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select * from support_ticket where id = :id")
                .bind("id", id).map((rs, ctx) -> summary(rs)).findOne());
    }

    /** The agents' queue: tickets not closed, by priority (P1 first), then oldest first. */
    List<Summary> queue(int limit) {
        return jdbi.withHandle(h -> h.createQuery("select * from support_ticket where status <> 'closed'"
                        + " order by priority, opened_at, number limit :limit")
                .bind("limit", limit).map((rs, ctx) -> summary(rs)).list());
    }

    /** The thread of a ticket, oldest first. */
    List<Message> messages(UUID owner, UUID ticket) {
        return jdbi.withHandle(h -> {
            List<UUID[]> files = h.createQuery("select message_id, id from support_attachment"
                            + " where owner_id = :o and ticket_id = :t order by uploaded_at, id")
                    .bind("o", owner).bind("t", ticket)
                    .map((rs, ctx) -> new UUID[] {rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)}).list();
            return h.createQuery("select id, at, author, body_enc from support_message"
                            + " where owner_id = :o and ticket_id = :t order by at, seq")
                    .bind("o", owner).bind("t", ticket)
                    .map((rs, ctx) -> {
                        UUID id = rs.getObject("id", UUID.class);
                        return new Message(id, rs.getObject("at", OffsetDateTime.class).toInstant(),
                                rs.getString("author"),
                                keys.decryptString(owner, "support-message", rs.getBytes("body_enc")),
                                files.stream().filter(f -> f[0].equals(id)).map(f -> f[1]).toList());
                    }).list();
        });
    }

    /** An attachment of a ticket. */
    Optional<Attachment> attachment(UUID owner, UUID ticket, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select content_type, bytes_enc from support_attachment"
                        + " where owner_id = :o and ticket_id = :t and id = :id")
                .bind("o", owner).bind("t", ticket).bind("id", id)
                .map((rs, ctx) -> new Attachment(rs.getString(1),
                        keys.decrypt(owner, "support-attachment", rs.getBytes(2)))).findOne());
    }

    /**
     * The retention job: attachments older than 30 days go; tickets closed more than two years ago are deleted
     * with their thread, grants and reads, and an anonymised row (category, priority, the days it was opened and
     * closed — no owner, no text) is kept. Returns how many tickets and attachments went.
     */
    /**
     * Deletes tickets closed before {@code closedBefore} (with their messages, attachments and grants), except the
     * held persons'; a count by category and day without the person stays in {@code support_ticket_archive}.
     */
    int purgeClosed(Instant closedBefore, java.util.Set<UUID> held) {
        OffsetDateTime before = utc(closedBefore);
        UUID[] heldIds = held.toArray(UUID[]::new);
        return jdbi.inTransaction(h -> {
            h.createUpdate("""
                    insert into support_ticket_archive (category, priority, opened_on, closed_on)
                    select category, priority, (opened_at at time zone 'UTC')::date, (closed_at at time zone 'UTC')::date
                    from support_ticket where status = 'closed' and closed_at < :before
                      and not (owner_id = any(:held))""")
                    .bind("before", before).bindArray("held", UUID.class, (Object[]) heldIds).execute();
            return h.createUpdate("""
                            delete from support_ticket where status = 'closed' and closed_at < :before
                              and not (owner_id = any(:held))""")
                    .bind("before", before).bindArray("held", UUID.class, (Object[]) heldIds).execute();
        });
    }

    /** When the oldest closed ticket still kept (not held) was closed. */
    java.util.Optional<Instant> oldestClosed(java.util.Set<UUID> held) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select min(closed_at) from support_ticket where status = 'closed' and not (owner_id = any(:held))""")
                .bindArray("held", UUID.class, (Object[]) held.toArray(UUID[]::new)).mapTo(OffsetDateTime.class)
                .list().stream().filter(java.util.Objects::nonNull).findFirst().map(OffsetDateTime::toInstant));
    }

    private Summary summary(java.sql.ResultSet rs) throws java.sql.SQLException {
        UUID owner = rs.getObject("owner_id", UUID.class);
        OffsetDateTime closed = rs.getObject("closed_at", OffsetDateTime.class);
        return new Summary(owner, rs.getObject("id", UUID.class), rs.getLong("number"), rs.getString("category"),
                rs.getString("priority"), rs.getString("status"),
                keys.decryptString(owner, "support-subject", rs.getBytes("subject_enc")),
                rs.getObject("opened_at", OffsetDateTime.class).toInstant(),
                rs.getObject("due_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                closed == null ? null : closed.toInstant());
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
