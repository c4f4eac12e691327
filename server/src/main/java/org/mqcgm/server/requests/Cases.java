package org.mqcgm.server.requests;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * The cases of the rights desk (PR-61, PR-64, PR-73 – PR-76): every request about a person's data that self-service
 * does not finish. A case has its kind, the day it was received and the day it is due (30 days; complaints 15), its
 * status, the request verbatim and the answer, both encrypted — under the person's key, or sealed by the deployment
 * while the requester has no account. The rules live here: a request from the public form waits UNVERIFIED until its
 * one-time code is entered and nothing is answered before; only an open case is answered; a refusal needs one of the
 * reason codes of Ⅴ.8 (and evidence for {@code ABUSE_EVIDENCE}); a fee needs an eligible case (the fifth manual
 * request in twelve months) and a written justification, and the person accepts it or withdraws.
 */
final class Cases {

    static final int MAX_TEXT = 5_000;
    static final int MAX_CONTACT = 254;
    /** A public request's code: six digits, 15 minutes, five tries. */
    static final Duration CODE_VALID = Duration.ofMinutes(15);
    static final int CODE_TRIES = 5;
    /** An unverified public request nobody confirmed lapses after a week. */
    static final Duration UNVERIFIED_KEPT = Duration.ofDays(7);
    /** Manual requests free in twelve months: the next one may carry a fee. */
    static final int FREE_PER_YEAR = 4;
    static final Duration FEE_WINDOW = Duration.ofDays(365);

    /** What the person asks for; the due period and who decides follow from it. */
    enum Kind {
        ACCESS, CORRECTION, DELETION, PORTABILITY, EXPLANATION,
        /** A complaint (PR-73): the data-protection officer, in 15 days. */
        COMPLAINT,
        ENQUIRY;

        Duration due() {
            return this == COMPLAINT ? Duration.ofDays(15) : Duration.ofDays(30);
        }

        /** Complaints and deletion cases of Ⅴ.3 a–c are the data-protection officer's decision. */
        String role() {
            return this == COMPLAINT || this == DELETION ? "dpo" : "support";
        }

        /** The reminders before the due day: 10 and 3 days before it (days 20 and 27 of a 30-day case). */
        Instant firstReminder(Instant received) {
            return received.plus(due()).minus(Duration.ofDays(10));
        }

        Instant secondReminder(Instant received) {
            return received.plus(due()).minus(Duration.ofDays(3));
        }
    }

    /** Ⅴ.3 a–c: the deletion cases that need a decision (d and e are self-service: Delete account). */
    enum DeletionReason { UNLAWFUL, WITHOUT_CONSENT, BREACH_OF_AGREEMENT }

    enum Status {
        UNVERIFIED, OPEN, FEE_PROPOSED, ANSWERED, REFUSED, WITHDRAWN, LAPSED;

        boolean closed() {
            return this != UNVERIFIED && this != OPEN && this != FEE_PROPOSED;
        }
    }

    /**
     * Why a request is refused or part of an answer withheld: Ⅴ.8's grounds to deny (PR-75) and its cases a–h where
     * a request may not be answered (PR-76).
     */
    enum Reason {
        REPETITIVE(false), EXCESSIVE_TECH(false), RISK_TO_OTHERS(false), IMPRACTICAL(false),
        LEGAL_OBLIGATION(true), NATIONAL_SECURITY(true), PUBLIC_INTEREST(true), CRIMINAL_PROCEEDINGS(true),
        /** Ⅴ.8 e: needs the evidence of malice or abuse on record. */
        ABUSE_EVIDENCE(true), VITAL_INTERESTS(true), HARM_TO_OTHERS(true), TRADE_SECRET(true);

        /** One of Ⅴ.8 a–h (also a reason to withhold part of an answer). */
        final boolean nonResponse;

        Reason(boolean nonResponse) {
            this.nonResponse = nonResponse;
        }

        String id() {
            return name();
        }

        /** The i18n key part: {@code trade-secret}. */
        String slug() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** A case as stored (texts decrypted). */
    record Case(UUID id, long number, UUID owner, UUID claims, Kind kind, DeletionReason deletionReason,
                String channel, String role, Status status, String language, Instant receivedAt, Instant dueAt,
                Instant verifiedAt, Instant closedAt, String request, String answer, Reason refusal,
                int withheldCount, Reason withheldReason, boolean feeEligible, String feeAmount,
                String feeJustification, Instant remindedFirst, Instant remindedSecond, boolean evidence) {

        boolean overdue(Instant now) {
            return !status.closed() && status != Status.UNVERIFIED && now.isAfter(dueAt);
        }
    }

    /** Something that happened to a case. */
    record Event(Instant at, String what) {
    }

    /** A public request just made: the case and the code to send (never stored in clear). */
    record Made(Case c, String code) {
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final DeploymentSecrets secrets;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    Cases(Jdbi jdbi, UserKeys keys, DeploymentSecrets secrets, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.secrets = secrets;
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    // ------------------------------------------------------------------ checks

    /** Reads a kind; 422 naming the field. */
    static Kind kind(String value, String field) {
        return parse(Kind.class, value, field, "kind");
    }

    static DeletionReason deletionReason(Kind kind, String value, String field) {
        if (kind != Kind.DELETION) {
            return null;
        }
        return parse(DeletionReason.class, value, field, "deletion-reason");
    }

    static Reason reason(String value, String field) {
        return parse(Reason.class, value, field, "reason-code");
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String field, String rule) {
        if (value == null || value.isBlank()) {
            throw invalid(field, "required", "one of " + names(type));
        }
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw invalid(field, rule, "one of " + names(type));
        }
    }

    private static String names(Class<? extends Enum<?>> type) {
        return String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList());
    }

    static String text(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            throw invalid(field, "required", "must not be empty");
        }
        if (value.length() > max) {
            throw invalid(field, "max-length", "at most " + max + " characters");
        }
        return value;
    }

    static ProblemException invalid(String field, String rule, String message) {
        return new ProblemException(Problem.validation("The request has problems.",
                List.of(new Problem.FieldError(field, rule, message))));
    }

    private static ProblemException conflict(String slug, String code, String detail) {
        return new ProblemException(Problem.of(409, slug, "Not possible now", detail).with("code", code));
    }

    // ------------------------------------------------------------------ making cases

    /** A signed-in person's request (the web form or the API): open at once, they proved who they are. */
    Case open(UUID owner, Kind kind, DeletionReason reason, String channel, String text, String language) {
        Instant now = now();
        UUID id = UUID.randomUUID();
        jdbi.useTransaction(h -> {
            lockOwner(h, owner);
            boolean fee = feeEligible(h, owner, kind, now);
            h.createUpdate("""
                    insert into rights_request (id, owner_id, kind, deletion_reason, channel, assigned_role, status,
                                                language, received_at, due_at, verified_at, request_enc, fee_eligible)
                    values (:id, :o, :kind, :reason, :channel, :role, 'OPEN', :lang, :now, :due, :now, :text, :fee)""")
                    .bind("id", id).bind("o", owner).bind("kind", kind.name())
                    .bind("reason", reason == null ? null : reason.name()).bind("channel", channel)
                    .bind("role", kind.role()).bind("lang", language).bind("now", utc(now))
                    .bind("due", utc(now.plus(kind.due())))
                    .bind("text", keys.encrypt(owner, "rights-request", text)).bind("fee", fee).execute();
            event(h, id, "received", null, now);
        });
        return find(id).orElseThrow();
    }

    /**
     * A request from the public form ({@code PUBLIC}), or one an operator entered from an e-mail or a call
     * ({@code EMAIL}, {@code PHONE}): UNVERIFIED until the code sent to the registered contact of the account it
     * names ({@code claims}), or to the address given when there is no such account, is entered.
     */
    Made openPublic(UUID claims, String contact, Kind kind, DeletionReason reason, String text, String language,
                    String channel) {
        Instant now = now();
        UUID id = UUID.randomUUID();
        String code = String.format("%06d", random.nextInt(1_000_000));
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    insert into rights_request (id, claims_account, kind, deletion_reason, channel, assigned_role,
                                                status, language, received_at, due_at, request_enc, contact_enc,
                                                code_hash, code_expires_at)
                    values (:id, :claims, :kind, :reason, :channel, :role, 'UNVERIFIED', :lang, :now, :due, :text,
                            :contact, :hash, :expires)""")
                    .bind("id", id).bind("claims", claims).bind("kind", kind.name()).bind("channel", channel)
                    .bind("reason", reason == null ? null : reason.name()).bind("role", kind.role())
                    .bind("lang", language).bind("now", utc(now)).bind("due", utc(now.plus(kind.due())))
                    .bind("text", secrets.seal("rights-request", text))
                    .bind("contact", secrets.seal("rights-request-contact", contact))
                    .bind("hash", codeHash(id, code)).bind("expires", utc(now.plus(CODE_VALID))).execute();
            event(h, id, "received", null, now);
            event(h, id, "code-sent", null, now);
        });
        return new Made(find(id).orElseThrow(), code);
    }

    /**
     * Enters a public request's code. Each try is used up before the code is compared; the right code within 15
     * minutes opens the case — and makes it the account's own (the request re-encrypted under its key) when it
     * named one. Anything else is a 422 (the same for a wrong, expired or used-up code, or no such request).
     */
    Case verify(UUID id, String code) {
        Instant now = now();
        ProblemException wrong = invalid("code", "code", "the code is wrong or expired; send the form again");
        if (code == null || !code.strip().matches("\\d{6}")) {
            throw wrong;
        }
        Optional<byte[]> hash = jdbi.withHandle(h -> h.createQuery("""
                        update rights_request set code_attempts = code_attempts + 1
                        where id = :id and status = 'UNVERIFIED' and code_attempts < :max and code_expires_at > :now
                        returning code_hash""")
                .bind("id", id).bind("max", CODE_TRIES).bind("now", utc(now)).mapTo(byte[].class).findOne());
        if (hash.isEmpty() || secrets.pseudonyms("rights-request-code", id + ":" + code.strip()).stream()
                .noneMatch(candidate -> MessageDigest.isEqual(hash.get(), candidate))) {
            throw wrong;
        }
        jdbi.useTransaction(h -> {
            Row r = h.createQuery("select claims_account, request_enc, kind from rights_request where id = :id"
                            + " for update")
                    .bind("id", id).map((rs, ctx) -> new Row(rs.getObject(1, UUID.class), rs.getBytes(2),
                            Kind.valueOf(rs.getString(3)))).one();
            if (r.claims() != null) {
                lockOwner(h, r.claims());
                String text = secrets.open("rights-request", r.request());
                h.createUpdate("""
                        update rights_request set owner_id = claims_account, request_enc = :text, contact_enc = null,
                               status = 'OPEN', verified_at = :now, code_hash = null, fee_eligible = :fee
                        where id = :id""")
                        .bind("text", keys.encrypt(r.claims(), "rights-request", text)).bind("now", utc(now))
                        .bind("fee", feeEligible(h, r.claims(), r.kind(), now)).bind("id", id).execute();
            } else {
                h.createUpdate("""
                        update rights_request set status = 'OPEN', verified_at = :now, code_hash = null where id = :id""")
                        .bind("now", utc(now)).bind("id", id).execute();
            }
            event(h, id, "verified", null, now);
        });
        return find(id).orElseThrow();
    }

    private record Row(UUID claims, byte[] request, Kind kind) {
    }

    private byte[] codeHash(UUID id, String code) {
        return secrets.pseudonym("rights-request-code", id + ":" + code);
    }

    /** One person's cases are counted and made one at a time (the fee count must not race). */
    private static void lockOwner(Handle h, UUID owner) {
        h.execute("select pg_advisory_xact_lock(hashtext('rights-request:' || ?))", owner.toString());
    }

    /**
     * PR-74: manual requests are free four times in twelve months; from the fifth (this one counted) a case is
     * flagged as eligible for a fee. Complaints never are, and withdrawn or lapsed requests do not count.
     */
    private static boolean feeEligible(Handle h, UUID owner, Kind kind, Instant now) {
        if (kind == Kind.COMPLAINT) {
            return false;
        }
        long before = h.createQuery("""
                        select count(*) from rights_request
                        where owner_id = :o and received_at > :since and kind <> 'COMPLAINT'
                          and status not in ('WITHDRAWN', 'LAPSED', 'UNVERIFIED')""")
                .bind("o", owner).bind("since", utc(now.minus(FEE_WINDOW))).mapTo(Long.class).one();
        return before >= FREE_PER_YEAR;
    }

    // ------------------------------------------------------------------ reading

    private static final String COLUMNS = "id, number, owner_id, claims_account, kind, deletion_reason, channel,"
            + " assigned_role, status, language, received_at, due_at, verified_at, closed_at, request_enc,"
            + " answer_enc, refusal_code, withheld_count, withheld_reason, fee_eligible, fee_amount,"
            + " fee_justification_enc, reminded_first_at, reminded_second_at, evidence_enc is not null as evidence";

    Optional<Case> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from rights_request where id = :id")
                .bind("id", id).map((rs, ctx) -> map(rs)).findOne());
    }

    /** The person's own case; anybody else's is empty. */
    Optional<Case> find(UUID owner, UUID id) {
        return find(id).filter(c -> owner.equals(c.owner()));
    }

    /** The person's cases, newest first. */
    List<Case> list(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from rights_request where owner_id = :o"
                        + " order by received_at desc, number desc")
                .bind("o", owner).map((rs, ctx) -> map(rs)).list());
    }

    /** The operators' queue: every case not closed, the first due first. */
    List<Case> queue(int limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from rights_request"
                        + " where status in ('UNVERIFIED', 'OPEN', 'FEE_PROPOSED') order by due_at, number limit :n")
                .bind("n", limit).map((rs, ctx) -> map(rs)).list());
    }

    List<Event> events(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select at, what from rights_request_event where request_id = :id"
                        + " order by seq")
                .bind("id", id).map((rs, ctx) -> new Event(instant(rs, "at"), rs.getString("what"))).list());
    }

    /** The address a requester without an account gave (and proved), for the answer. */
    Optional<String> contact(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select contact_enc from rights_request where id = :id"
                        + " and contact_enc is not null")
                .bind("id", id).mapTo(byte[].class).findOne())
                .map(b -> secrets.open("rights-request-contact", b));
    }

    /** Open cases past their due day (the {@code dsar_overdue} gauge). */
    double overdue() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from rights_request"
                        + " where status in ('OPEN', 'FEE_PROPOSED') and due_at < :now")
                .bind("now", utc(now())).mapTo(Long.class).one());
    }

    private Case map(ResultSet rs) throws SQLException {
        UUID owner = rs.getObject("owner_id", UUID.class);
        String refusal = rs.getString("refusal_code");
        String withheld = rs.getString("withheld_reason");
        String reason = rs.getString("deletion_reason");
        return new Case(rs.getObject("id", UUID.class), rs.getLong("number"), owner,
                rs.getObject("claims_account", UUID.class), Kind.valueOf(rs.getString("kind")),
                reason == null ? null : DeletionReason.valueOf(reason), rs.getString("channel"),
                rs.getString("assigned_role"), Status.valueOf(rs.getString("status")), rs.getString("language"),
                instant(rs, "received_at"), instant(rs, "due_at"), instant(rs, "verified_at"),
                instant(rs, "closed_at"), open(owner, "rights-request", rs.getBytes("request_enc")),
                open(owner, "rights-answer", rs.getBytes("answer_enc")),
                refusal == null ? null : Reason.valueOf(refusal), rs.getInt("withheld_count"),
                withheld == null ? null : Reason.valueOf(withheld), rs.getBoolean("fee_eligible"),
                rs.getString("fee_amount"), open(owner, "rights-fee", rs.getBytes("fee_justification_enc")),
                instant(rs, "reminded_first_at"), instant(rs, "reminded_second_at"), rs.getBoolean("evidence"));
    }

    private String open(UUID owner, String context, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        return owner == null ? secrets.open(context, bytes) : keys.decryptString(owner, context, bytes);
    }

    private byte[] seal(UUID owner, String context, String text) {
        return owner == null ? secrets.seal(context, text) : keys.encrypt(owner, context, text);
    }

    // ------------------------------------------------------------------ deciding

    /**
     * Answers an open case (the answer is kept with it and shown in "My requests"); {@code withheld} items of it
     * may be left out for one of Ⅴ.8 a–h, and the person is told how many and why (PR-76: partial answers).
     */
    Case answer(Case c, UUID agent, String answer, int withheld, Reason withheldReason) {
        requireOpen(c);
        if (withheld < 0) {
            throw invalid("withheld", "min", "0 or more");
        }
        if (withheld > 0 && (withheldReason == null || !withheldReason.nonResponse)) {
            throw invalid("withheldReason", "reason-code", "one of Ⅴ.8 a–h: LEGAL_OBLIGATION, NATIONAL_SECURITY,"
                    + " PUBLIC_INTEREST, CRIMINAL_PROCEEDINGS, ABUSE_EVIDENCE, VITAL_INTERESTS, HARM_TO_OTHERS,"
                    + " TRADE_SECRET");
        }
        Instant now = now();
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("""
                    update rights_request set status = 'ANSWERED', closed_at = :now, answer_enc = :answer,
                           answered_by = :agent, withheld_count = :w, withheld_reason = :wr
                    where id = :id and status = 'OPEN'""")
                    .bind("now", utc(now)).bind("answer", seal(c.owner(), "rights-answer", answer))
                    .bind("agent", agent).bind("w", withheld)
                    .bind("wr", withheld > 0 ? withheldReason.name() : null).bind("id", c.id()).execute();
            if (n != 1) {
                throw conflict("request-not-open", "REQUEST_NOT_OPEN", "This request is not open any more.");
            }
            event(h, c.id(), "answered", agent, now);
        });
        return find(c.id()).orElseThrow();
    }

    /**
     * Refuses a case: only with a reason code (422 without), a justification, and — for {@code ABUSE_EVIDENCE} —
     * the evidence on record (422 without). The answer the person gets is {@code told}: the reason in words, the
     * justification and the complaint route.
     */
    Case refuse(Case c, UUID dpo, Reason reason, String justification, String evidence, String told) {
        if (reason == Reason.ABUSE_EVIDENCE && (evidence == null || evidence.isBlank())) {
            throw invalid("evidence", "required", "refusing for abuse of rights (Ⅴ.8 e) needs the evidence noted");
        }
        requireOpen(c);
        Instant now = now();
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("""
                    update rights_request set status = 'REFUSED', closed_at = :now, refusal_code = :code,
                           answer_enc = :told, answered_by = :dpo, evidence_enc = :evidence
                    where id = :id and status = 'OPEN'""")
                    .bind("now", utc(now)).bind("code", reason.name())
                    .bind("told", seal(c.owner(), "rights-answer", told)).bind("dpo", dpo)
                    .bind("evidence", evidence == null || evidence.isBlank() ? null
                            : seal(c.owner(), "rights-evidence", evidence))
                    .bind("id", c.id()).execute();
            if (n != 1) {
                throw conflict("request-not-open", "REQUEST_NOT_OPEN", "This request is not open any more.");
            }
            event(h, c.id(), "refused", dpo, now);
        });
        return find(c.id()).orElseThrow();
    }

    /**
     * Proposes a fee (PR-74): only on a case flagged eligible (the fifth manual request in twelve months), with an
     * amount and a written justification; the person sees it before anything is done and accepts or withdraws.
     */
    Case proposeFee(Case c, UUID dpo, String amount, String justification) {
        if (!c.feeEligible()) {
            throw conflict("fee-not-eligible", "FEE_NOT_ELIGIBLE", "Manual requests are free "
                    + FREE_PER_YEAR + " times in 12 months; this one is.");
        }
        requireOpen(c);
        Instant now = now();
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("""
                    update rights_request set status = 'FEE_PROPOSED', fee_amount = :amount, fee_justification_enc = :j
                    where id = :id and status = 'OPEN'""")
                    .bind("amount", amount.strip()).bind("j", seal(c.owner(), "rights-fee", justification))
                    .bind("id", c.id()).execute();
            if (n != 1) {
                throw conflict("request-not-open", "REQUEST_NOT_OPEN", "This request is not open any more.");
            }
            event(h, c.id(), "fee-proposed", dpo, now);
        });
        return find(c.id()).orElseThrow();
    }

    /** The person accepts the fee shown: the case is open again and is worked on. */
    Case acceptFee(Case c) {
        Instant now = now();
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("update rights_request set status = 'OPEN' where id = :id and status = 'FEE_PROPOSED'")
                    .bind("id", c.id()).execute();
            if (n != 1) {
                throw conflict("no-fee-proposed", "NO_FEE_PROPOSED", "No fee is waiting for your answer.");
            }
            event(h, c.id(), "fee-accepted", c.owner(), now);
        });
        return find(c.id()).orElseThrow();
    }

    /** The person withdraws a case that is not closed. */
    Case withdraw(Case c) {
        Instant now = now();
        jdbi.useTransaction(h -> {
            int n = h.createUpdate("""
                    update rights_request set status = 'WITHDRAWN', closed_at = :now
                    where id = :id and status in ('UNVERIFIED', 'OPEN', 'FEE_PROPOSED')""")
                    .bind("now", utc(now)).bind("id", c.id()).execute();
            if (n != 1) {
                throw conflict("request-closed", "REQUEST_CLOSED", "This request is closed.");
            }
            event(h, c.id(), "withdrawn", c.owner(), now);
        });
        return find(c.id()).orElseThrow();
    }

    private static void requireOpen(Case c) {
        switch (c.status()) {
            case OPEN -> {
            }
            case UNVERIFIED -> throw conflict("requester-unverified", "REQUESTER_UNVERIFIED",
                    "The requester has not proved who they are (the one-time code): nothing is answered before.");
            case FEE_PROPOSED -> throw conflict("fee-pending", "FEE_PENDING",
                    "The person has not yet accepted the fee or withdrawn the request.");
            default -> throw conflict("request-not-open", "REQUEST_NOT_OPEN", "This request is not open any more.");
        }
    }

    // ------------------------------------------------------------------ the daily job

    /** A reminder due: the case and which one (1: ten days before the due day, 2: three days before). */
    record Reminder(Case c, int which) {
    }

    /**
     * Marks the reminders that are due (each once: the update decides, so two nodes never send the same one) and
     * lets unverified requests older than a week lapse. Returns the reminders to tell the operators.
     */
    List<Reminder> remind() {
        Instant now = now();
        List<java.util.Map.Entry<UUID, Integer>> out = new ArrayList<>();
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    update rights_request set status = 'LAPSED', closed_at = :now, code_hash = null
                    where status = 'UNVERIFIED' and received_at < :before""")
                    .bind("now", utc(now)).bind("before", utc(now.minus(UNVERIFIED_KEPT))).execute();
            for (Kind kind : Kind.values()) {
                Duration before = kind.due().minus(Duration.ofDays(10));
                Duration second = kind.due().minus(Duration.ofDays(3));
                List<UUID> first = h.createQuery("""
                                update rights_request set reminded_first_at = :now
                                where kind = :kind and status in ('OPEN', 'FEE_PROPOSED') and reminded_first_at is null
                                  and received_at <= :at returning id""")
                        .bind("now", utc(now)).bind("kind", kind.name()).bind("at", utc(now.minus(before)))
                        .mapTo(UUID.class).list();
                List<UUID> last = h.createQuery("""
                                update rights_request set reminded_second_at = :now
                                where kind = :kind and status in ('OPEN', 'FEE_PROPOSED') and reminded_second_at is null
                                  and received_at <= :at returning id""")
                        .bind("now", utc(now)).bind("kind", kind.name()).bind("at", utc(now.minus(second)))
                        .mapTo(UUID.class).list();
                for (UUID id : first) {
                    event(h, id, "reminder-1", null, now);
                    out.add(java.util.Map.entry(id, 1));
                }
                for (UUID id : last) {
                    event(h, id, "reminder-2", null, now);
                    out.add(java.util.Map.entry(id, 2));
                }
            }
        });
        return out.stream().map(r -> new Reminder(find(r.getKey()).orElseThrow(), r.getValue())).toList();
    }

    private static void event(Handle h, UUID id, String what, UUID actor, Instant at) {
        h.createUpdate("insert into rights_request_event (request_id, at, what, actor_id) values (:id, :at, :w, :a)")
                .bind("id", id).bind("at", utc(at)).bind("w", what).bind("a", actor).execute();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
