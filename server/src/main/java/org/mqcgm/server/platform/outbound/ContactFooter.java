package org.mqcgm.server.platform.outbound;

import org.mqcgm.server.platform.transparency.ControllerContact;

/**
 * The e-mail sender that ends every e-mail with the controller's contact (PR-89): whatever feature writes a message
 * (account codes, alerts, invitations, cancellation), its body leaves with {@link ControllerContact#mailFooter}.
 * Only e-mail: a text message stays short.
 */
public final class ContactFooter implements Sender {

    private final Sender email;
    private final String footer;

    /**
     * @param email      the e-mail sender (SMTP, or the outbox folder)
     * @param contact    the controller's contact
     * @param privacyUrl the policy's address, e.g. {@code https://cgm.example.org/privacy}
     */
    public ContactFooter(Sender email, ControllerContact contact, String privacyUrl) {
        this.email = email;
        this.footer = contact.mailFooter(privacyUrl);
    }

    @Override
    public void send(OutboundMessage message) throws Exception {
        email.send(message.channel() == OutboundMessage.Channel.EMAIL
                ? new OutboundMessage(message.channel(), message.to(), message.subject(), message.body() + footer,
                        message.headers())
                : message);
    }
}
