package org.mqcgm.server.requests;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;

/**
 * What the desk sends, always through a verified channel: to an account holder, the account's registered e-mail
 * (or phone); to a requester without an account, the address they proved with the one-time code — and nothing with
 * data before. Reminders go to the desk's address, when the operator set one, and name no person.
 */
final class DeskMail {

    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu-MM-dd").withZone(ZoneOffset.UTC);

    private final Outbound outbound;
    private final AccountClosure accounts;
    private final Cases cases;
    private final RequestsFeature.Settings settings;

    /** The server's public address, for links in messages (a mailbox cannot open a relative link). */
    private String publicUrl = "";

    void publicUrl(String url) {
        this.publicUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    DeskMail(Outbound outbound, AccountClosure accounts, Cases cases, RequestsFeature.Settings settings) {
        this.outbound = outbound;
        this.accounts = accounts;
        this.cases = cases;
        this.settings = settings;
    }

    static Messages messages(Cases.Case c) {
        return Messages.of(Language.parse(c.language()).orElse(Language.EN));
    }

    /** The one-time code of a public request, to the registered contact (or the address given). */
    void code(String to, String code, java.util.UUID request, Language language) {
        Messages m = Messages.of(language);
        send(to, m.t("requests.mail.code.subject"), m.t("requests.mail.code.body", code,
                publicUrl + "/privacy/request/verify?ref=" + request));
    }

    /** "We received your request #N; we answer by DAY." */
    void received(Cases.Case c) {
        Messages m = messages(c);
        to(c).ifPresent(to -> send(to, m.t("requests.mail.received.subject", c.number()),
                m.t("requests.mail.received.body", c.number(), m.t("requests.kind." + c.kind().name()),
                        DAY.format(c.dueAt()))));
    }

    /** The answer, refusal or fee proposal, in full, with where to complain. */
    void decided(Cases.Case c, String text) {
        Messages m = messages(c);
        to(c).ifPresent(to -> send(to, m.t("requests.mail.decided.subject", c.number()),
                text + "\n\n" + complaintRoute(m, settings)));
    }

    /** A reminder of a request due soon, to the desk's address (no name, no text: the queue has them). */
    void reminder(Cases.Reminder r) {
        if (settings.deskEmail() == null) {
            return;
        }
        Messages m = Messages.of(Language.EN);
        send(settings.deskEmail(), m.t("requests.mail.reminder.subject", r.c().number()),
                m.t("requests.mail.reminder.body", r.c().number(), r.c().kind().name(), DAY.format(r.c().dueAt()),
                        r.c().role()));
    }

    /** The complaint route: the form in the app and the regulator of the deployment's region. */
    static String complaintRoute(Messages m, RequestsFeature.Settings s) {
        StringBuilder b = new StringBuilder(m.t("requests.complaint.route", s.regulatorName()));
        if (s.regulatorPhone() != null) {
            b.append(' ').append(m.t("requests.regulator.phone", s.regulatorPhone()));
        }
        if (s.regulatorUrl() != null) {
            b.append(' ').append(s.regulatorUrl());
        }
        return b.toString();
    }

    private Optional<String> to(Cases.Case c) {
        if (c.owner() != null) {
            return accounts.contact(c.owner()).map(k -> k.email() != null ? k.email() : k.phone());
        }
        return c.status() == Cases.Status.UNVERIFIED ? Optional.empty() : cases.contact(c.id());
    }

    private void send(String to, String subject, String body) {
        boolean email = to.contains("@");
        outbound.send(new OutboundMessage(email ? OutboundMessage.Channel.EMAIL : OutboundMessage.Channel.SMS, to,
                email ? subject : "", body));
    }
}
