package org.mqcgm.server.disclosures;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.web.Messages;

/**
 * Tells each person about a disclosure of their data (PR-31, PR-34, PR-45): what was disclosed, when, to whom and
 * on which basis, by e-mail (else SMS) in their language, as soon as it is approved — or, when the law forbade
 * telling them, on the first run of the daily job after the restriction ends. Each notice sent is logged on the
 * person's register entry (when, which channel): the notification log.
 */
final class Notices {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final Register register;
    private final Outbound outbound;
    private final Function<UUID, Optional<AccountClosure.Contact>> contacts;

    Notices(Register register, Outbound outbound, Function<UUID, Optional<AccountClosure.Contact>> contacts) {
        this.register = register;
        this.outbound = outbound;
        this.contacts = contacts;
    }

    /** Sends every notice due now (of one disclosure, or of all when null); returns how many were sent. */
    int sendDue(UUID disclosure) {
        int sent = 0;
        for (Register.Due due : register.due(disclosure)) {
            Optional<AccountClosure.Contact> contact = contacts.apply(due.owner());
            if (contact.isEmpty() || (contact.get().email() == null && contact.get().phone() == null)) {
                continue; // the account is going away: nobody left to tell
            }
            AccountClosure.Contact c = contact.get();
            OutboundMessage.Channel channel = c.email() != null ? OutboundMessage.Channel.EMAIL
                    : OutboundMessage.Channel.SMS;
            if (!register.notified(due.owner(), due.disclosure().id(), channel.name().toLowerCase(
                    java.util.Locale.ROOT))) {
                continue;
            }
            Register.Disclosure d = due.disclosure();
            Messages m = Messages.of(c.language());
            String categories = String.join(", ", d.categories().stream()
                    .map(k -> m.t("disclosures.category." + k)).toList());
            String body = m.t("disclosures.mail.notice.body", d.recipient(), DAY.format(d.approvedAt()), categories,
                    DAY.format(d.from()), DAY.format(d.to()), m.t("disclosures.basis." + d.basis().id()),
                    d.reference());
            outbound.send(new OutboundMessage(channel, channel == OutboundMessage.Channel.EMAIL ? c.email()
                    : c.phone(), m.t("disclosures.mail.notice.subject"), body));
            sent++;
        }
        return sent;
    }
}
