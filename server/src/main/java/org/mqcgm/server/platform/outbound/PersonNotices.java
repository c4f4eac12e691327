package org.mqcgm.server.platform.outbound;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.mqcgm.server.platform.push.PushNotifications;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells one person something on every channel they have, and reports each channel's state to the caller's delivery
 * log: e-mail (or SMS when the account has only a mobile number) with the mail or SMS server's receipt, a push
 * notification to their devices, and an in-app notice the caller shows at their next visit ({@code pending} until
 * the caller marks it seen). Security-incident notices (PR-57) and controller-change notices (PR-51) go out this
 * way; each feature keeps its own log table and words its own messages (no health data, no tracking, PR-38, PR-55).
 */
public final class PersonNotices {

    private static final Logger log = LoggerFactory.getLogger(PersonNotices.class);

    /** Channel names written to delivery logs. */
    public static final String EMAIL = "email";
    public static final String SMS = "sms";
    public static final String PUSH = "push";
    public static final String IN_APP = "in-app";

    /**
     * What a person is told, in their language.
     *
     * @param subject  the e-mail's subject
     * @param mail     the e-mail's plain text
     * @param sms      the SMS text (for accounts with only a mobile number)
     * @param push     the push notification
     */
    public record Message(String subject, String mail, String sms, PushNotifications.Notification push) {
    }

    /** Where the caller keeps a channel's state: status {@code pending}, {@code sent} or {@code failed}. */
    @FunctionalInterface
    public interface DeliveryLog {
        void record(String channel, String status, String detail);
    }

    private final Function<UUID, Optional<AccountClosure.Contact>> contacts;
    private final Outbound outbound;
    private final PushNotifications push;

    /**
     * @param contacts a person's addresses and language (accounts' closure port)
     * @param outbound e-mail and SMS
     * @param push     push notifications to a person's devices
     */
    public PersonNotices(Function<UUID, Optional<AccountClosure.Contact>> contacts, Outbound outbound,
                         PushNotifications push) {
        this.contacts = contacts;
        this.outbound = outbound;
        this.push = push;
    }

    /**
     * Sends {@code owner} the message {@code words} makes in their language on every channel, recording each
     * channel in {@code deliveries} (the in-app notice as {@code pending}; e-mail/SMS when the server answers).
     */
    public void send(UUID owner, Function<Messages, Message> words, DeliveryLog deliveries) {
        Optional<AccountClosure.Contact> contact = contacts.apply(owner);
        Language language = contact.map(AccountClosure.Contact::language).orElse(Language.EN);
        Message m = words.apply(Messages.of(language));
        deliveries.record(IN_APP, "pending", null);
        if (contact.isPresent() && contact.get().email() != null) {
            deliveries.record(EMAIL, "pending", null);
            track(EMAIL, deliveries, outbound.deliver(new OutboundMessage(OutboundMessage.Channel.EMAIL,
                    contact.get().email(), m.subject(), m.mail())));
        } else if (contact.isPresent() && contact.get().phone() != null) {
            deliveries.record(SMS, "pending", null);
            track(SMS, deliveries, outbound.deliver(new OutboundMessage(OutboundMessage.Channel.SMS,
                    contact.get().phone(), "", m.sms())));
        } else {
            deliveries.record(EMAIL, "failed", "no address");
        }
        int devices;
        try {
            devices = push.send(owner, m.push());
        } catch (RuntimeException e) {
            log.warn("push of a notice failed: {}", e.getClass().getSimpleName());
            devices = 0;
        }
        deliveries.record(PUSH, devices > 0 ? "sent" : "failed",
                devices > 0 ? "queued for " + devices + " device(s)" : "no device");
    }

    /** A push notification of a notice: normal urgency, kept a week for an offline device. */
    public static PushNotifications.Notification notification(String title, String body, String tag, String url) {
        return new PushNotifications.Notification(title, body, tag, false, url, Duration.ofDays(7));
    }

    private static void track(String channel, DeliveryLog deliveries, CompletableFuture<Void> sent) {
        sent.whenComplete((ok, failure) -> {
            try {
                deliveries.record(channel, failure == null ? "sent" : "failed",
                        failure == null ? null : rootName(failure));
            } catch (RuntimeException e) {
                log.warn("could not record a delivery: {}", e.getClass().getSimpleName());
            }
        });
    }

    private static String rootName(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName();
    }
}
