package org.mqcgm.server.handover;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.outbound.PersonNotices;
import org.mqcgm.server.platform.security.AccountDirectory;
import org.mqcgm.server.platform.web.Messages;

/**
 * Tells people about a controller change and carries it out (PR-51). Every active account is told on every channel
 * (e-mail or SMS, push, in-app notice) through the platform's {@link PersonNotices}, each channel kept in
 * {@code controller_change_delivery}; accounts opened later are told as they come. A cancellation is told to
 * everyone who was told of the announcement. At the transfer date the change completes: people who declined new
 * terms (or never accepted them) have their accounts closed and erased through the cancellation path, and the
 * manifest lists the accounts that remain.
 */
final class ChangeNotices {

    /** The advisory lock that keeps two nodes (or a job and a test) from serving the same people twice. */
    private static final long LOCK = 0x6d71636768616e64L; // "mqcghand"

    private final ControllerChanges changes;
    private final AccountDirectory directory;
    private final PersonNotices notices;
    private final BiConsumer<UUID, String> deleteAccount;
    private final ObjectMapper mapper;
    private final String publicUrl;

    ChangeNotices(ControllerChanges changes, AccountDirectory directory, PersonNotices notices,
                  BiConsumer<UUID, String> deleteAccount, ObjectMapper mapper, String publicUrl) {
        this.changes = changes;
        this.directory = directory;
        this.notices = notices;
        this.deleteAccount = deleteAccount;
        this.mapper = mapper;
        this.publicUrl = publicUrl;
    }

    private Jdbi jdbi() {
        return changes.jdbi();
    }

    /**
     * Tells every active account not told yet of the open change, tells everyone told of a cancelled change that it
     * is cancelled, and completes a change whose completion was asked from the command line.
     *
     * @return how many people were served
     */
    int dispatch() {
        return jdbi().withHandle(lock -> {
            if (!lock.createQuery("select pg_try_advisory_lock(:k)").bind("k", LOCK).mapTo(Boolean.class).one()) {
                return 0;
            }
            try {
                int served = 0;
                var open = changes.open();
                if (open.isPresent()) {
                    ControllerChanges.Change c = open.get();
                    for (UUID owner : directory.active()) {
                        jdbi().useHandle(h -> h.createUpdate("""
                                        insert into controller_change_recipient (owner_id, change_id, added_at)
                                        select a.id, :c, :at from account a where a.id = :o
                                        on conflict do nothing""")
                                .bind("o", owner).bind("c", c.id()).bind("at", changes.clock().instant()).execute());
                    }
                    for (UUID owner : todo(c.id(), "dispatched_at is null")) {
                        serve(c, owner, "announcement");
                        served++;
                    }
                    jdbi().useHandle(h -> h.createUpdate("""
                                    update controller_change set notified_at = :at
                                    where id = :id and notified_at is null""")
                            .bind("at", changes.clock().instant()).bind("id", c.id()).execute());
                    if (c.completeRequestedAt() != null) {
                        complete(c);
                    }
                }
                List<UUID> cancelled = jdbi().withHandle(h -> h.createQuery("""
                                select distinct c.id from controller_change c join controller_change_recipient r
                                on r.change_id = c.id where c.cancelled_at is not null
                                and r.dispatched_at is not null and r.cancel_dispatched_at is null""")
                        .mapTo(UUID.class).list());
                for (UUID id : cancelled) {
                    ControllerChanges.Change c = changes.get(id).orElseThrow();
                    for (UUID owner : todo(id, "dispatched_at is not null and cancel_dispatched_at is null")) {
                        serve(c, owner, "cancellation");
                        served++;
                    }
                }
                return served;
            } finally {
                lock.createQuery("select pg_advisory_unlock(:k)").bind("k", LOCK).mapTo(Boolean.class).one();
            }
        });
    }

    private List<UUID> todo(UUID change, String condition) {
        return jdbi().withHandle(h -> h.createQuery("select owner_id from controller_change_recipient"
                        + " where change_id = :c and " + condition + " order by owner_id")
                .bind("c", change).mapTo(UUID.class).list());
    }

    /** Completes the open change when its transfer date has come (the daily job). */
    int completeDue() {
        return changes.open().filter(c -> !changes.today().isBefore(c.transferDate())).map(c -> {
            dispatch();
            return complete(changes.get(c.id()).orElseThrow()) ? 1 : 0;
        }).orElse(0);
    }

    /**
     * Completes a change at its transfer date: the accounts that remain are the active ones (those closed or deleted
     * before are gone) that, when the successor changes the terms, accepted them; every other active account is
     * closed and erased through the cancellation path. Records the manifest and lifts the policy's freeze.
     */
    boolean complete(ControllerChanges.Change c) {
        if (!c.open() || changes.today().isBefore(c.transferDate())) {
            return false;
        }
        List<UUID> active = directory.active();
        Set<UUID> accepted = new HashSet<>(jdbi().withHandle(h -> h.createQuery("""
                        select owner_id from controller_change_recipient where change_id = :c and choice = 'accept'""")
                .bind("c", c.id()).mapTo(UUID.class).list()));
        List<UUID> remaining = active.stream().filter(o -> !c.termsChanged() || accepted.contains(o)).sorted()
                .toList();
        List<UUID> deleted = active.stream().filter(o -> c.termsChanged() && !accepted.contains(o)).toList();
        for (UUID owner : deleted) {
            deleteAccount.accept(owner, "controller change to " + c.successor()
                    + ": the successor's new terms were not accepted by the transfer date");
        }
        Set<UUID> activeSet = new HashSet<>(active);
        int told = jdbi().withHandle(h -> h.createQuery("select told from controller_change where id = :id")
                .bind("id", c.id()).mapTo(Integer.class).one());
        long toldAndActive = jdbi().withHandle(h -> h.createQuery("""
                        select owner_id from controller_change_recipient where change_id = :c
                        and dispatched_at is not null""").bind("c", c.id()).mapTo(UUID.class).list())
                .stream().filter(activeSet::contains).count();
        ObjectNode manifest = mapper.createObjectNode();
        manifest.put("changeId", c.id().toString());
        manifest.put("successor", c.successor());
        manifest.put("successorContact", c.successorContact());
        manifest.put("transferDate", c.transferDate().toString());
        manifest.put("termsChanged", c.termsChanged());
        manifest.put("policyVersion", c.policyVersion());
        manifest.put("completedAt", changes.clock().instant().toString());
        ObjectNode counts = manifest.putObject("counts");
        counts.put("told", told);
        counts.put("remaining", remaining.size());
        counts.put("leftBeforeTransfer", Math.max(0, told - toldAndActive));
        counts.put("deletedAtTransfer", deleted.size());
        ArrayNode accounts = manifest.putArray("accounts");
        remaining.forEach(o -> accounts.add(o.toString()));
        String json;
        try {
            json = mapper.writeValueAsString(manifest);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return jdbi().inTransaction(h -> changes.recordCompletion(h, c.id(), json));
    }

    /** Sends one person the announcement or the cancellation and records each channel. */
    private void serve(ControllerChanges.Change c, UUID owner, String notice) {
        boolean announcement = notice.equals("announcement");
        notices.send(owner, msg -> announcement ? announcement(c, msg) : cancellation(c, msg),
                (channel, status, detail) -> record(owner, c.id(), notice, channel, status, detail));
        jdbi().useTransaction(h -> {
            h.createUpdate("update controller_change_recipient set " + (announcement ? "dispatched_at"
                            : "cancel_dispatched_at") + " = :at where owner_id = :o and change_id = :c")
                    .bind("at", changes.clock().instant()).bind("o", owner).bind("c", c.id()).execute();
            if (announcement) {
                h.createUpdate("update controller_change set told = told + 1 where id = :id").bind("id", c.id())
                        .execute();
            }
        });
    }

    /** The announcement: the date, the successor, export and deletion before the date, and new terms if any. */
    PersonNotices.Message announcement(ControllerChanges.Change c, Messages msg) {
        String date = c.transferDate().toString();
        StringBuilder body = new StringBuilder(msg.t("handover.mail.body", c.successor(), c.successorContact(), date,
                publicUrl + "/settings/export", publicUrl + "/settings/delete-account"));
        if (c.reason() != null) {
            body.append("\n\n").append(msg.t("handover.mail.reason", c.reason()));
        }
        body.append("\n\n").append(c.termsChanged()
                ? msg.t("handover.mail.terms", c.successor(), date, publicUrl + "/controller-change")
                : msg.t("handover.mail.sameTerms", c.successor(), c.policyVersion()));
        body.append("\n\n").append(msg.t("handover.mail.more", publicUrl + "/controller-change")).append('\n');
        return new PersonNotices.Message(msg.t("handover.mail.subject"), body.toString(),
                msg.t("handover.sms", c.successor(), date, publicUrl + "/controller-change"),
                PersonNotices.notification(msg.t("handover.push.title"), msg.t("handover.push.body"),
                        "controller-change-" + c.id(), "/controller-change"));
    }

    /** The cancellation: nothing is transferred; the policy stays as it was. */
    PersonNotices.Message cancellation(ControllerChanges.Change c, Messages msg) {
        return new PersonNotices.Message(msg.t("handover.mail.cancelled.subject"),
                msg.t("handover.mail.cancelled.body", c.successor(), c.transferDate().toString()) + "\n",
                msg.t("handover.sms.cancelled", c.successor()),
                PersonNotices.notification(msg.t("handover.push.cancelled.title"),
                        msg.t("handover.push.cancelled.body"), "controller-change-" + c.id(), "/controller-change"));
    }

    private void record(UUID owner, UUID change, String notice, String channel, String status, String detail) {
        jdbi().useHandle(h -> h.createUpdate("""
                        insert into controller_change_delivery (owner_id, change_id, notice, channel, status, detail,
                            updated_at)
                        select :o, :c, :n, :ch, :s, :d, :at where exists (select 1 from account where id = :o)
                        on conflict (owner_id, change_id, notice, channel) do update
                        set status = excluded.status, detail = excluded.detail, updated_at = excluded.updated_at
                        where controller_change_delivery.status <> 'seen'""")
                .bind("o", owner).bind("c", change).bind("n", notice).bind("ch", channel).bind("s", status)
                .bind("d", detail).bind("at", changes.clock().instant()).execute());
    }

    /** Whether the person has an in-app notice not read yet (the layout's banner). */
    boolean hasUnseen(UUID owner) {
        return jdbi().withHandle(h -> h.createQuery("""
                        select exists (select 1 from controller_change_delivery where owner_id = :o
                        and channel = 'in-app' and status = 'pending')""").bind("o", owner).mapTo(Boolean.class).one());
    }

    void markSeen(UUID owner) {
        jdbi().useHandle(h -> h.createUpdate("""
                        update controller_change_delivery set status = 'seen', updated_at = :at
                        where owner_id = :o and channel = 'in-app' and status <> 'seen'""")
                .bind("o", owner).bind("at", changes.clock().instant()).execute());
    }
}
