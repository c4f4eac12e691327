package org.mqcgm.server.incidents;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.PersonNotices;
import org.mqcgm.server.platform.push.PushNotifications;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.security.AccountDirectory;
import org.mqcgm.server.platform.web.Messages;

/**
 * Tells each affected person about an incident on every channel they have (PR-57, PR-58) and keeps what happened
 * per person and channel: e-mail (or SMS when the account has only a mobile number) with a receipt from the mail
 * or SMS server, a push notification to their devices, and the in-app notice they see at their next visit. The
 * messages carry the incident's sections and no health data, no tracking pixel and no personal link (PR-38, PR-55).
 * People no channel reached 48 hours after the notices went out make the incident announced publicly.
 */
final class Notifier {

    /** After this long without a successful delivery to someone, the incident is announced publicly. */
    static final Duration ANNOUNCE_AFTER = Duration.ofHours(48);

    /** Delivery states that count as having reached the person: accepted by the mail/SMS server, or seen in-app. */
    static final String REACHED = "(d.channel in ('email', 'sms') and d.status = 'sent') "
            + "or (d.channel = 'in-app' and d.status = 'seen')";

    private final Jdbi jdbi;
    private final IncidentRegister register;
    private final AccountDirectory directory;
    private final PersonNotices notices;
    private final String publicUrl;

    Notifier(Jdbi jdbi, IncidentRegister register, AccountDirectory directory,
             java.util.function.Function<UUID, Optional<AccountClosure.Contact>> contacts, Outbound outbound,
             PushNotifications push, String publicUrl) {
        this.jdbi = jdbi;
        this.register = register;
        this.directory = directory;
        this.notices = new PersonNotices(contacts, outbound, push);
        this.publicUrl = publicUrl;
    }

    private Instant now() {
        return register.clock().instant();
    }

    /**
     * Sends the notices of every incident whose sending was asked for and is not done: resolves who is affected,
     * then each person not yet served gets their messages. One node at a time per incident (advisory lock).
     *
     * @return how many people were served
     */
    int dispatchPending() {
        List<UUID> pending = jdbi.withHandle(h -> h.createQuery("""
                        select id from incident where notify_requested_at is not null and notified_at is null
                        and closed_at is null""").mapTo(UUID.class).list());
        int served = 0;
        for (UUID id : pending) {
            served += dispatch(id);
        }
        return served;
    }

    int dispatch(UUID id) {
        return jdbi.withHandle(lock -> {
            long key = id.getMostSignificantBits() ^ id.getLeastSignificantBits();
            if (!lock.createQuery("select pg_try_advisory_lock(:k)").bind("k", key).mapTo(Boolean.class).one()) {
                return 0;
            }
            try {
                IncidentRegister.Incident incident = IncidentRegister.load(lock, id).orElseThrow();
                if (incident.notifiedAt() != null || incident.notifyRequestedAt() == null) {
                    return 0;
                }
                List<UUID> everyone = switch (incident.affected()) {
                    case "all" -> directory.active();
                    case "active-between" -> directory.activeBetween(incident.affectedFrom(), incident.affectedTo());
                    default -> List.of();
                };
                for (UUID owner : everyone) {
                    jdbi.useHandle(h -> h.createUpdate("""
                                    insert into incident_recipient (owner_id, incident_id, added_at)
                                    select a.id, :incident, :at from account a where a.id = :owner
                                    on conflict do nothing""")
                            .bind("owner", owner).bind("incident", id).bind("at", now()).execute());
                }
                List<UUID> todo = jdbi.withHandle(h -> h.createQuery("""
                                select owner_id from incident_recipient where incident_id = :id
                                and dispatched_at is null""")
                        .bind("id", id).mapTo(UUID.class).list());
                for (UUID owner : todo) {
                    serve(incident, owner);
                }
                int total = jdbi.withHandle(h -> h.createQuery(
                                "select count(*) from incident_recipient where incident_id = :id")
                        .bind("id", id).mapTo(Integer.class).one());
                jdbi.useTransaction(h -> {
                    h.createUpdate("update incident set notified_at = :at where id = :id").bind("at", now())
                            .bind("id", id).execute();
                    IncidentRegister.step(h, id, "notified", total + " people: e-mail or SMS, push, in-app notice",
                            now());
                });
                return todo.size();
            } finally {
                lock.createQuery("select pg_advisory_unlock(:k)").bind("k", key).mapTo(Boolean.class).one();
            }
        });
    }

    /** Sends one person's messages and records each channel's state. */
    private void serve(IncidentRegister.Incident incident, UUID owner) {
        notices.send(owner, msg -> new PersonNotices.Message(msg.t("incidents.mail.subject"), mail(incident, msg),
                        msg.t("incidents.sms", publicUrl + "/notices"),
                        PersonNotices.notification(msg.t("incidents.push.title"), msg.t("incidents.push.body"),
                                "incident-" + incident.id(), "/notices")),
                (channel, status, detail) -> record(channel, incident.id(), owner, status, detail));
        jdbi.useHandle(h -> h.createUpdate("""
                        update incident_recipient set dispatched_at = :at where owner_id = :o and incident_id = :i""")
                .bind("at", now()).bind("o", owner).bind("i", incident.id()).execute());
    }

    private void record(String channel, UUID incident, UUID owner, String status, String detail) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into incident_delivery (owner_id, incident_id, channel, status, detail, updated_at)
                        values (:o, :i, :c, :s, :d, :at)
                        on conflict (owner_id, incident_id, channel) do update
                        set status = excluded.status, detail = excluded.detail, updated_at = excluded.updated_at
                        where incident_delivery.status <> 'seen'""")
                .bind("o", owner).bind("i", incident).bind("c", channel).bind("s", status).bind("d", detail)
                .bind("at", now()).execute());
    }

    /** The e-mail: every section of the notice, plain text, no link that identifies the person. */
    String mail(IncidentRegister.Incident incident, Messages msg) {
        StringBuilder sb = new StringBuilder(msg.t("incidents.mail.intro")).append("\n\n");
        for (String section : IncidentRegister.SECTIONS) {
            sb.append(msg.t("incidents.section." + section)).append('\n').append(incident.text(section))
                    .append("\n\n");
        }
        sb.append(msg.t("incidents.mail.more", publicUrl + "/notices")).append('\n');
        return sb.toString();
    }

    /** The in-app notices of a person, newest first; reading them marks the in-app delivery seen. */
    List<IncidentRegister.Incident> noticesOf(UUID owner) {
        List<UUID> ids = jdbi.withHandle(h -> h.createQuery("""
                        select d.incident_id from incident_delivery d join incident i on i.id = d.incident_id
                        where d.owner_id = :o and d.channel = 'in-app' order by i.notified_at desc nulls last""")
                .bind("o", owner).mapTo(UUID.class).list());
        return ids.stream().map(id -> register.get(id).orElseThrow()).toList();
    }

    void markSeen(UUID owner) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update incident_delivery set status = 'seen', updated_at = :at
                        where owner_id = :o and channel = 'in-app' and status <> 'seen'""")
                .bind("o", owner).bind("at", now()).execute());
    }

    /** Whether the person has an in-app notice not seen yet (the layout's banner). */
    boolean hasUnseen(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select exists (select 1 from incident_delivery where owner_id = :o and channel = 'in-app'
                        and status = 'pending')""").bind("o", owner).mapTo(Boolean.class).one());
    }

    /**
     * Announces publicly each notified incident that still has people no channel reached 48 hours after the notices
     * went out (the login page's banner and the public notice page).
     *
     * @return how many incidents were announced
     */
    int announceUnreachable() {
        Instant cutoff = now().minus(ANNOUNCE_AFTER);
        List<UUID> due = jdbi.withHandle(h -> h.createQuery("""
                        select id from incident where notified_at is not null and notified_at <= :cutoff
                        and announced_at is null and closed_at is null""")
                .bind("cutoff", cutoff).mapTo(UUID.class).list());
        int announced = 0;
        for (UUID id : due) {
            int unreachable = unreachable(id);
            if (unreachable == 0) {
                continue;
            }
            jdbi.useTransaction(h -> {
                int changed = h.createUpdate("""
                                update incident set announced_at = :at, unreachable_at_announcement = :n
                                where id = :id and announced_at is null""")
                        .bind("at", now()).bind("n", unreachable).bind("id", id).execute();
                if (changed == 1) {
                    IncidentRegister.step(h, id, "announced", unreachable
                            + " people not reached 48 hours after the notices: public notice and login banner", now());
                }
            });
            announced++;
        }
        return announced;
    }

    /** How many recipients of an incident no channel reached so far. */
    int unreachable(UUID incident) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select count(*) from incident_recipient r where r.incident_id = :id
                        and not exists (select 1 from incident_delivery d where d.owner_id = r.owner_id
                                        and d.incident_id = r.incident_id and (""" + REACHED + "))")
                .bind("id", incident).mapTo(Integer.class).one());
    }

    /** One person's deliveries of an incident, by channel. */
    record Delivery(UUID owner, String channel, String status, String detail, Instant at) {
    }

    List<Delivery> deliveries(UUID incident) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, channel, status, detail, updated_at from incident_delivery
                        where incident_id = :id order by owner_id, channel""")
                .bind("id", incident).map((rs, ctx) -> new Delivery(rs.getObject("owner_id", UUID.class),
                        rs.getString("channel"), rs.getString("status"), rs.getString("detail"),
                        rs.getTimestamp("updated_at").toInstant())).list());
    }

    /** Counts for the dashboard. */
    record Summary(int recipients, int reached, int unreachable, int emailSent, int emailFailed, int smsSent,
                   int pushSent, int pushFailed, int seen) {
    }

    Summary summary(UUID incident) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select (select count(*) from incident_recipient where incident_id = :id) as recipients,
                          count(*) filter (where channel = 'email' and status = 'sent') as email_sent,
                          count(*) filter (where channel = 'email' and status = 'failed') as email_failed,
                          count(*) filter (where channel = 'sms' and status = 'sent') as sms_sent,
                          count(*) filter (where channel = 'push' and status = 'sent') as push_sent,
                          count(*) filter (where channel = 'push' and status = 'failed') as push_failed,
                          count(*) filter (where channel = 'in-app' and status = 'seen') as seen
                        from incident_delivery where incident_id = :id""")
                .bind("id", incident).map((rs, ctx) -> {
                    int recipients = rs.getInt("recipients");
                    int unreachable = unreachable(incident);
                    return new Summary(recipients, recipients - unreachable, unreachable, rs.getInt("email_sent"),
                            rs.getInt("email_failed"), rs.getInt("sms_sent"), rs.getInt("push_sent"),
                            rs.getInt("push_failed"), rs.getInt("seen"));
                }).one());
    }
}
