package org.mqcgm.server.guardians;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.AccountClosure;
import org.mqcgm.server.platform.support.Tickets;

/**
 * "Report an account of a child without guardian consent" (PR-79): anyone may report, without an account. The
 * reported account is suspended at once (its health data routes answer 403 {@code ACCOUNT_SUSPENDED}, its pages
 * say why) and a review ticket is opened; an administrator (the DPO) confirms — the account is closed and erased
 * by the cancellation job — or dismisses the report. The reporter is told the outcome by the report's reference
 * only, and their contact is then forgotten. The answer to a report is the same whether or not an account matched.
 */
final class ChildReports {

    static final String REPORTER_CONTEXT = "child-report.reporter";
    static final String DETAILS_CONTEXT = "child-report.details";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final DeploymentSecrets secrets;
    private final AccountClosure accounts;
    private final Tickets tickets;
    private final Guardians guardians;
    private final GuardianMail mail;
    private final BiConsumer<UUID, String> deleteAccount;
    private final Clock clock;

    ChildReports(Jdbi jdbi, DeploymentSecrets secrets, AccountClosure accounts, Tickets tickets, Guardians guardians,
                 GuardianMail mail, BiConsumer<UUID, String> deleteAccount, Clock clock) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.accounts = accounts;
        this.tickets = tickets;
        this.guardians = guardians;
        this.mail = mail;
        this.deleteAccount = deleteAccount;
        this.clock = clock;
    }

    /**
     * Files a report; returns its reference (the only thing the reporter is told about it later).
     *
     * @param rawAccount  the e-mail address or mobile number of the reported account
     * @param rawReporter where to tell the outcome (optional)
     */
    String report(String rawAccount, String rawReporter, String details,
                  Function<String, Optional<String>> normalise) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Optional<String> account = normalise.apply(rawAccount);
        if (account.isEmpty()) {
            errors.add(new Problem.FieldError("account", "identifier",
                    "must be the e-mail address or mobile number the account logs in with"));
        }
        Optional<String> reporter = rawReporter == null || rawReporter.isBlank() ? Optional.empty()
                : normalise.apply(rawReporter);
        if (rawReporter != null && !rawReporter.isBlank() && reporter.isEmpty()) {
            errors.add(new Problem.FieldError("reporter", "identifier",
                    "must be an e-mail address or a mobile number in international form, or empty"));
        }
        if (details != null && details.length() > 2000) {
            errors.add(new Problem.FieldError("details", "max-length", "must be at most 2000 characters"));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The report was not sent.", errors));
        }
        UUID reported = accounts.find(account.get()).orElse(null);
        UUID id = UUID.randomUUID();
        String reference = "R-" + String.format(Locale.ROOT, "%08d", RANDOM.nextInt(100_000_000));
        Instant now = clock.instant();
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            insert into child_report (id, reference, reported_account, reporter_enc, details_enc,
                                                      reported_at)
                            values (:id, :ref, :account, :reporter, :details, :now)""")
                    .bind("id", id).bind("ref", reference).bind("account", reported)
                    .bind("reporter", reporter.map(r -> secrets.seal(REPORTER_CONTEXT, r)).orElse(null))
                    .bind("details", details == null || details.isBlank() ? null
                            : secrets.seal(DETAILS_CONTEXT, details.strip()))
                    .bind("now", Guardians.utc(now))
                    .execute();
            if (reported != null) {
                guardians.changed(h, reported);
            }
        });
        if (reported != null) {
            guardians.forget(reported);
            UUID ticket = tickets.openReview(reported, "Account reported as a child's without guardian consent",
                    "The account is suspended after report " + reference + " that it belongs to a child without a"
                            + " guardian's consent. An administrator reviews it: if confirmed, the account and all"
                            + " its data are deleted; otherwise the suspension ends.");
            if (ticket != null) {
                jdbi.useHandle(h -> h.createUpdate("update child_report set ticket_id = :t where id = :id")
                        .bind("t", ticket).bind("id", id).execute());
            }
        }
        return reference;
    }

    /** An open report, as administrators see it. */
    record Open(UUID id, String reference, Instant reportedAt, boolean accountFound, String details) {
    }

    List<Open> open() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, reference, reported_at, reported_account is not null, details_enc
                        from child_report where outcome is null order by reported_at""")
                .map((rs, ctx) -> new Open(rs.getObject(1, UUID.class), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getBoolean(4),
                        rs.getBytes(5) == null ? "" : secrets.open(DETAILS_CONTEXT, rs.getBytes(5))))
                .list());
    }

    /**
     * Decides an open report: {@code confirmed} closes the reported account and queues its erasure (the
     * cancellation job completes it); otherwise the suspension ends. Other open reports on the same account are
     * decided with it. The reporters are told the outcome by reference, and their contact is forgotten.
     */
    boolean decide(UUID reportId, boolean confirmed) {
        record Decided(UUID account, String reference, byte[] reporter) {
        }
        Instant now = clock.instant();
        Optional<Decided> open = jdbi.withHandle(h -> h.createQuery("""
                        select reported_account, reference, reporter_enc from child_report
                        where id = :id and outcome is null""")
                .bind("id", reportId)
                .map((rs, ctx) -> new Decided(rs.getObject(1, UUID.class), rs.getString(2), rs.getBytes(3)))
                .findOne());
        if (open.isEmpty()) {
            return false; // decided already (a second click) or no such report: nothing changes
        }
        Decided first = open.get();
        List<Decided> decided = jdbi.inTransaction(h -> {
            List<Decided> all = h.createQuery("""
                            select reported_account, reference, reporter_enc from child_report
                            where outcome is null and (id = :id or reported_account = :account) for update""")
                    .bind("id", reportId).bind("account", first.account())
                    .map((rs, ctx) -> new Decided(rs.getObject(1, UUID.class), rs.getString(2), rs.getBytes(3)))
                    .list();
            h.createUpdate("""
                            update child_report set outcome = :outcome, decided_at = :now, reporter_enc = null
                            where outcome is null and (id = :id or reported_account = :account)""")
                    .bind("outcome", confirmed ? "deleted" : "dismissed").bind("now", Guardians.utc(now))
                    .bind("id", reportId).bind("account", first.account()).execute();
            if (first.account() != null) {
                guardians.changed(h, first.account());
            }
            return all;
        });
        if (first.account() != null) {
            guardians.forget(first.account());
            if (confirmed) {
                deleteAccount.accept(first.account(), "reported child account without guardian consent: confirmed");
            }
        }
        for (Decided d : decided) {
            if (d.reporter() != null) {
                mail.outcome(secrets.open(REPORTER_CONTEXT, d.reporter()), d.reference(), confirmed);
            }
        }
        return true;
    }
}
