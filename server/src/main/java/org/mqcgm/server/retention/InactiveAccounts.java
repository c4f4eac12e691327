package org.mqcgm.server.retention;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.outbound.Outbound;
import org.mqcgm.server.platform.outbound.OutboundMessage;
import org.mqcgm.server.platform.retention.Holds;
import org.mqcgm.server.platform.retention.Inactivity;
import org.mqcgm.server.platform.retention.RetentionSchedule;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.web.Language;

/**
 * Accounts whose owners stopped using the service (A-02, PR-30): no sign-in, API-token use or upload for the
 * configured period (24 months) → a notice by e-mail (or SMS) saying when the account will be erased; 30 days later,
 * if the owner has not come back, the account is cancelled through the cancellation feature and erased like every
 * cancellation. A legal hold on the person (or on the category {@code inactive-accounts}) keeps it.
 */
final class InactiveAccounts {

    static final String CATEGORY = "inactive-accounts";
    /** At most this many accounts are noticed per run (the rest follow the next day). */
    static final int BATCH = 500;

    /** What a run did. */
    record Outcome(int noticed, int erased, int cameBack, int held) {
    }

    private final Jdbi jdbi;
    private final Inactivity inactivity;
    private final Function<UUID, Optional<Instant>> lastUpload;
    private final AccountClosure contacts;
    private final BiConsumer<UUID, String> cancel;
    private final Outbound outbound;
    private final Period after;

    InactiveAccounts(Jdbi jdbi, Inactivity inactivity, Function<UUID, Optional<Instant>> lastUpload,
                     AccountClosure contacts, BiConsumer<UUID, String> cancel, Outbound outbound, Period after) {
        this.jdbi = jdbi;
        this.inactivity = inactivity;
        this.lastUpload = lastUpload;
        this.contacts = contacts;
        this.cancel = cancel;
        this.outbound = outbound;
        this.after = after;
    }

    Outcome run(Instant now, List<LegalHolds.Hold> all, LegalHolds holds) {
        Instant cutoff = now.atOffset(ZoneOffset.UTC).minus(after).toInstant();
        Holds held = holds.inForce(CATEGORY, all, now);
        if (held.wholeCategory()) {
            return new Outcome(0, 0, 0, 0);
        }
        int noticed = 0;
        int erased = 0;
        int back = 0;
        int kept = 0;
        // Notices already sent: the owner came back, or the notice period passed.
        for (Notice n : notices()) {
            Optional<Instant> last = lastActive(n.owner());
            if (last.isEmpty()) {
                delete(n.owner()); // cancelled or erased meanwhile
            } else if (!last.get().isBefore(cutoff)) {
                delete(n.owner());
                back++;
            } else if (held.holds(n.owner())) {
                kept++;
            } else if (!now.isBefore(n.eraseAfter())) {
                cancel.accept(n.owner(), "inactive: no sign-in or upload since "
                        + DateTimeFormatter.ISO_LOCAL_DATE.format(last.get().atOffset(ZoneOffset.UTC))
                        + "; notice sent " + DateTimeFormatter.ISO_LOCAL_DATE.format(n.noticed().atOffset(ZoneOffset.UTC)));
                delete(n.owner());
                erased++;
            }
        }
        // New notices.
        for (UUID owner : inactivity.inactiveSince(cutoff, BATCH)) {
            if (held.holds(owner)) {
                kept++;
                continue;
            }
            Optional<Instant> upload = lastUpload.apply(owner);
            if (upload.isPresent() && !upload.get().isBefore(cutoff)) {
                continue; // readings arrived (through a credential that does not mark the account): in use
            }
            Instant eraseAfter = now.plus(RetentionSchedule.INACTIVITY_NOTICE);
            int inserted = jdbi.withHandle(h -> h.createUpdate("""
                            insert into inactivity_notice (owner_id, noticed_at, erase_after) values (:o, :now, :after)
                            on conflict (owner_id) do nothing""")
                    .bind("o", owner).bind("now", LegalHolds.utc(now)).bind("after", LegalHolds.utc(eraseAfter))
                    .execute());
            if (inserted == 1) {
                contacts.contact(owner).ifPresent(c -> send(c, eraseAfter));
                noticed++;
            }
        }
        return new Outcome(noticed, erased, back, kept);
    }

    /** When the person last signed in, used a token or uploaded a reading; empty when the account no longer works. */
    private Optional<Instant> lastActive(UUID owner) {
        Optional<Instant> account = inactivity.lastActive(owner);
        if (account.isEmpty()) {
            return account;
        }
        Optional<Instant> upload = lastUpload.apply(owner);
        return upload.isPresent() && upload.get().isAfter(account.get()) ? upload : account;
    }

    record Notice(UUID owner, Instant noticed, Instant eraseAfter) {
    }

    List<Notice> notices() {
        return jdbi.withHandle(h -> h.createQuery("select owner_id, noticed_at, erase_after from inactivity_notice")
                .map((rs, ctx) -> new Notice(rs.getObject("owner_id", UUID.class),
                        rs.getObject("noticed_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("erase_after", OffsetDateTime.class).toInstant())).list());
    }

    private void delete(UUID owner) {
        jdbi.useHandle(h -> h.createUpdate("delete from inactivity_notice where owner_id = :o").bind("o", owner)
                .execute());
    }

    private void send(AccountClosure.Contact c, Instant eraseAfter) {
        String date = DateTimeFormatter.ISO_LOCAL_DATE.format(eraseAfter.atOffset(ZoneOffset.UTC));
        org.mqcgm.server.platform.web.Messages m = org.mqcgm.server.platform.web.Messages.of(c.language());
        String subject = m.t("retention.mail.inactive.subject");
        String body = m.t("retention.mail.inactive.body", String.valueOf(after.toTotalMonths()), date);
        if (c.email() != null) {
            outbound.send(new OutboundMessage(OutboundMessage.Channel.EMAIL, c.email(), subject, body));
        } else if (c.phone() != null) {
            outbound.send(new OutboundMessage(OutboundMessage.Channel.SMS, c.phone(), subject, body));
        }
    }
}
