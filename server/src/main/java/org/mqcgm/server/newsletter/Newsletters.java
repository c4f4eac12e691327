package org.mqcgm.server.newsletter;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.consent.Consents;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;

/**
 * Queuing and sending newsletter issues. An issue goes, at sending time, to every person whose latest choice about
 * the {@code newsletter} purpose is a grant (opt-in, off by default) and who has an e-mail address; through
 * {@link Outbound} like every other message. Each mail carries {@code List-Unsubscribe} (this server's https
 * address with the person's signed token) and {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click}
 * (RFC 8058), and the same link in its text. No tracking: links are not rewritten, there is no pixel (the mail is
 * plain text), and who received an issue is not recorded.
 */
final class Newsletters {

    static final String PATH = "/newsletter/unsubscribe/";

    private final Jdbi jdbi;
    private final Clock clock;
    private final Consents consents;
    private final Outbound outbound;
    private final Function<UUID, Optional<AccountClosure.Contact>> contacts;
    private final UnsubscribeTokens tokens;
    private final String publicUrl;

    Newsletters(Jdbi jdbi, Clock clock, Consents consents, Outbound outbound,
                Function<UUID, Optional<AccountClosure.Contact>> contacts, UnsubscribeTokens tokens, String publicUrl) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.consents = consents;
        this.outbound = outbound;
        this.contacts = contacts;
        this.tokens = tokens;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /** Whether a person is a minor: no marketing e-mail to minors (PR-78). */
    private java.util.function.Predicate<UUID> minor = person -> false;

    void minors(java.util.function.Predicate<UUID> minor) {
        this.minor = minor;
    }

    static UUID queue(Jdbi jdbi, Clock clock, String subject, String body) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into newsletter_issue (id, subject, body, queued_at)
                        values (:id, :subject, :body, :at)""")
                .bind("id", id).bind("subject", subject).bind("body", body)
                .bind("at", clock.instant().atOffset(ZoneOffset.UTC)).execute());
        return id;
    }

    String unsubscribeUrl(UUID person) {
        return publicUrl + PATH + tokens.of(person);
    }

    /** Sends every queued issue (oldest first, one per transaction); returns how many mails were queued. */
    int sendQueued() {
        int sent = 0;
        while (true) {
            Integer n = jdbi.inTransaction(h -> {
                Optional<Map<String, Object>> issue = h.createQuery("""
                                select id, subject, body from newsletter_issue where sent_at is null
                                order by queued_at limit 1 for update skip locked""").mapToMap().findOne();
                if (issue.isEmpty()) {
                    return null;
                }
                int count = 0;
                // A cancelled account (closed, waiting for its erasure) is never mailed, whatever its last choice.
                java.util.Set<UUID> cancelled = new java.util.HashSet<>(h.createQuery(
                                "select id from account where status = 'cancelled'").mapTo(UUID.class).list());
                for (UUID person : consents.grantedBy(Purpose.NEWSLETTER)) {
                    if (cancelled.contains(person) || minor.test(person)) {
                        continue; // nor is a minor (PR-78)
                    }
                    Optional<AccountClosure.Contact> contact = contacts.apply(person);
                    if (contact.isEmpty() || contact.get().email() == null) {
                        continue;
                    }
                    outbound.send(mail(person, contact.get(), (String) issue.get().get("subject"),
                            (String) issue.get().get("body")));
                    count++;
                }
                h.createUpdate("update newsletter_issue set sent_at = :at, recipients = :n where id = :id")
                        .bind("at", clock.instant().atOffset(ZoneOffset.UTC)).bind("n", count)
                        .bind("id", issue.get().get("id")).execute();
                return count;
            });
            if (n == null) {
                return sent;
            }
            sent += n;
        }
    }

    OutboundMessage mail(UUID person, AccountClosure.Contact contact, String subject, String body) {
        Messages m = Messages.of(contact.language() == null ? Language.EN : contact.language());
        String url = unsubscribeUrl(person);
        String text = body.strip() + "\n\n-- \n" + m.t("newsletter.mail.footer", url, publicUrl + "/settings/privacy");
        return new OutboundMessage(OutboundMessage.Channel.EMAIL, contact.email(), subject, text, Map.of(
                "List-Unsubscribe", "<" + url + ">",
                "List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
    }

    /** One-click unsubscribe: withdraws the newsletter consent at once if it is granted; true when it was. */
    boolean unsubscribe(UUID person) {
        if (!consents.granted(person, Purpose.NEWSLETTER)) {
            return false;
        }
        consents.record(person, Purpose.NEWSLETTER, false, "unsubscribe");
        return true;
    }
}
