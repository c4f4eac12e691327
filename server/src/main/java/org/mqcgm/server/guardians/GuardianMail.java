package org.mqcgm.server.guardians;

import java.util.UUID;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;

/** The messages of the guardian flow, in the recipient's language; none carries health data. */
final class GuardianMail {

    private final Outbound outbound;
    private final String publicUrl;

    GuardianMail(Outbound outbound, String publicUrl) {
        this.outbound = outbound;
        this.publicUrl = publicUrl;
    }

    /** To the invited guardian: the link and the one-time code. */
    void invitation(String contact, Language language, UUID invitation, String code) {
        Messages m = Messages.of(language);
        String link = publicUrl + "/guardian/accept/" + invitation;
        send(contact, m.t("guardians.mail.invite.subject"), m.t("guardians.mail.invite.body", link, code));
    }

    /** To the child (or the guardian): the guardian consented, the account is active. */
    void consented(AccountClosure.Contact to, boolean child) {
        Messages m = Messages.of(to.language());
        send(to, m.t("guardians.mail.consented.subject"),
                m.t(child ? "guardians.mail.consented.child" : "guardians.mail.consented.guardian"));
    }

    /** To the person (or their guardian): control passed to the person at the age of majority. */
    void majority(AccountClosure.Contact to, boolean person) {
        Messages m = Messages.of(to.language());
        send(to, m.t("guardians.mail.majority.subject"),
                m.t(person ? "guardians.mail.majority.person" : "guardians.mail.majority.guardian"));
    }

    /** To a reporter: the outcome of their report, by its reference only. */
    void outcome(String contact, String reference, boolean deleted) {
        Messages m = Messages.of(Language.EN);
        Messages zh = Messages.of(Language.ZH_CN);
        String key = deleted ? "guardians.mail.report.deleted" : "guardians.mail.report.dismissed";
        send(contact, m.t("guardians.mail.report.subject", reference),
                m.t(key, reference) + "\n\n" + zh.t(key, reference));
    }

    private void send(AccountClosure.Contact to, String subject, String body) {
        send(to.email() != null ? to.email() : to.phone(), subject, body);
    }

    private void send(String contact, String subject, String body) {
        if (contact == null) {
            return;
        }
        boolean email = contact.contains("@");
        outbound.send(new OutboundMessage(email ? OutboundMessage.Channel.EMAIL : OutboundMessage.Channel.SMS,
                contact, email ? subject : "", body));
    }
}
