package org.mqcgm.server.cancellation;

import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.web.Messages;

/** The confirmation that an account was erased, to the address it had, in its language (no link, no data). */
final class CancellationMail {

    private final Outbound outbound;

    CancellationMail(Outbound outbound) {
        this.outbound = outbound;
    }

    void confirm(AccountClosure.Contact contact) {
        Messages m = Messages.of(contact.language());
        if (contact.email() != null) {
            outbound.send(new OutboundMessage(OutboundMessage.Channel.EMAIL, contact.email(),
                    m.t("cancellation.mail.subject"), m.t("cancellation.mail.body")));
        } else if (contact.phone() != null) {
            outbound.send(new OutboundMessage(OutboundMessage.Channel.SMS, contact.phone(), "",
                    m.t("cancellation.mail.sms")));
        }
    }
}
