package org.mqcgm.server.disclosures;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.consent.LegalBasis;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * The disclosure register (PR-31, PR-34, PR-45): what was (or is to be) disclosed without consent, on which legal
 * basis, to whom, under which legal instrument and reference document, about whom, which categories of data from
 * when to when, and until when the people concerned may not be told. One data protection officer registers a
 * disclosure, another approves it (the legal review); only then may it be exported, and only within its scope.
 * A break-glass disclosure for someone's vital interests is approved by the officer who makes it, at once.
 */
final class Register {

    /** The recipient the register names for a disclosure to a person's own emergency contact (PR-34). */
    static final String EMERGENCY_CONTACT = "the emergency contact the person set";


    /** The categories of data a disclosure may cover (what the export can hold). */
    static final List<String> CATEGORIES = List.of("profile", "readings");
    static final int MAX_PEOPLE = 1000;

    /** A request as the officer sent it, before checks. */
    record Draft(String basis, String recipient, String instrument, String reference, List<String> people,
                 List<String> categories, String from, String to, String restrictedUntil, boolean legalRequest,
                 boolean breakGlass) {
    }

    /** A disclosure in the register. */
    record Disclosure(UUID id, LegalBasis basis, boolean legalRequest, boolean breakGlass, String recipient,
                      String instrument, String reference, List<UUID> people, List<String> categories, Instant from,
                      Instant to, LocalDate restrictedUntil, String status, UUID requestedBy, Instant requestedAt,
                      UUID approvedBy, Instant approvedAt, boolean emergencyContact) {

        boolean approved() {
            return "approved".equals(status);
        }

        /** Who approved it: the officer who registered it and the one who approved it (once for a break-glass). */
        List<UUID> approvers() {
            if (!approved()) {
                return List.of(requestedBy);
            }
            return approvedBy.equals(requestedBy) ? List.of(requestedBy) : List.of(requestedBy, approvedBy);
        }
    }

    /** One line of a disclosure's audit trail. */
    record Event(Instant at, UUID actor, String action, Map<String, Object> detail) {
    }

    /** What an export covers; checked against its disclosure. */
    record Scope(List<UUID> people, List<String> categories, Instant from, Instant to) {
    }

    /** One person's entry of the register, as they may see it. */
    record Entry(UUID disclosure, LegalBasis basis, String recipient, List<String> categories, Instant from,
                 Instant to, Instant at, LocalDate restrictedUntil, Instant notifiedAt) {
    }

    /** One line of the transparency report: a year and a basis. */
    record Count(int year, LegalBasis basis, int disclosures, int legalRequests, int people) {
    }

    private final Jdbi jdbi;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final EmergencyContacts contacts;

    Register(Jdbi jdbi, ObjectMapper mapper, Clock clock, EmergencyContacts contacts) {
        this.contacts = contacts;
        this.jdbi = jdbi;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * Registers a disclosure by the officer {@code dpo}: pending until a second officer approves it, or approved at
     * once for a break-glass disclosure. 422 naming each field and rule when anything is missing or wrong.
     */
    Disclosure register(UUID dpo, Draft d) {
        List<Problem.FieldError> errors = new ArrayList<>();
        LegalBasis basis = LegalBasis.parse(d.basis()).orElse(null);
        if (d.basis() == null || d.basis().isBlank()) {
            errors.add(new Problem.FieldError("$.basis", "required", "the legal basis, one of "
                    + disclosureBases()));
        } else if (basis == null) {
            errors.add(new Problem.FieldError("$.basis", "enum", "one of " + disclosureBases()));
        } else if (!basis.allowsDisclosureWithoutConsent()) {
            errors.add(new Problem.FieldError("$.basis", "disclosure-basis", basis.id() + " is no basis for a"
                    + " disclosure without consent: only the policy's section III.4 a-f (" + disclosureBases()
                    + ")"));
        }
        List<UUID> people = people(d.people(), errors);
        // PR-34: in someone's vital interests, to the emergency contact the person set, or by break-glass.
        Optional<EmergencyContacts.Contact> contact = basis == LegalBasis.VITAL_INTERESTS && !d.breakGlass()
                && people.size() == 1 ? contacts.of(people.get(0)) : Optional.empty();
        // The contact's name and address stay encrypted under the person's key (emergency_contact); the register,
        // kept beyond the person's account, names only the role.
        String recipient = contact.isPresent() ? EMERGENCY_CONTACT
                : text(d.recipient(), "$.recipient", 300, true, errors);
        String reference = text(d.reference(), "$.reference", 300, true, errors);
        boolean authority = d.legalRequest() || basis == LegalBasis.NATIONAL_SECURITY
                || basis == LegalBasis.PUBLIC_INTEREST || basis == LegalBasis.CRIMINAL_PROCEEDINGS;
        String instrument = text(d.instrument(), "$.instrument", 500, authority, errors);
        if (d.breakGlass() && basis != null && basis != LegalBasis.VITAL_INTERESTS) {
            errors.add(new Problem.FieldError("$.breakGlass", "vital-interests-only",
                    "break-glass is for VITAL_INTERESTS only"));
        }
        if (basis == LegalBasis.VITAL_INTERESTS && !d.breakGlass() && contact.isEmpty()) {
            errors.add(new Problem.FieldError("$.breakGlass", "emergency-contact-or-break-glass",
                    "a disclosure in someone's vital interests goes only to an emergency contact the person"
                            + " configured (one person with an emergency contact), or by the data protection officer's"
                            + " break-glass (breakGlass: true)"));
        }
        List<String> categories = categories(d.categories(), "$.categories", errors);
        Instant from = instant(d.from(), "$.from", errors);
        Instant to = instant(d.to(), "$.to", errors);
        if (from != null && to != null && !to.isAfter(from)) {
            errors.add(new Problem.FieldError("$.to", "after-from", "must be after from"));
        }
        LocalDate restricted = null;
        if (d.restrictedUntil() != null) {
            try {
                restricted = LocalDate.parse(d.restrictedUntil());
                if (!restricted.isAfter(LocalDate.now(clock.withZone(ZoneOffset.UTC)))) {
                    errors.add(new Problem.FieldError("$.restrictedUntil", "future",
                            "the day the restriction ends, after today"));
                }
            } catch (java.time.format.DateTimeParseException e) {
                errors.add(new Problem.FieldError("$.restrictedUntil", "date", "YYYY-MM-DD"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The disclosure cannot proceed.", errors));
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        LocalDate gag = restricted;
        boolean atOnce = d.breakGlass() || contact.isPresent();
        jdbi.useTransaction(h -> {
            List<UUID> known = h.createQuery("select id from account where id in (<ids>)").bindList("ids", people)
                    .mapTo(UUID.class).list();
            if (known.size() != people.size()) {
                throw new ProblemException(Problem.validation("The disclosure cannot proceed.", List.of(
                        new Problem.FieldError("$.people", "unknown", "no account: " + people.stream()
                                .filter(p -> !known.contains(p)).map(UUID::toString).toList()))));
            }
            h.createUpdate("""
                            insert into disclosure (id, basis, legal_request, break_glass, emergency_contact, recipient, instrument,
                                reference, categories, range_from, range_to, restricted_until, people, status,
                                requested_by, requested_at, approved_by, approved_at)
                            values (:id, :basis, :legal, :glass, :contact, :recipient, :instrument, :reference, :categories,
                                :from, :to, :restricted, :people, :status, :dpo, :now, :approver, :approvedAt)""")
                    .bind("id", id).bind("basis", basis.id()).bind("legal", d.legalRequest())
                    .bind("glass", d.breakGlass()).bind("contact", contact.isPresent()).bind("recipient", recipient).bind("instrument", instrument)
                    .bind("reference", reference).bind("categories", categories.toArray(String[]::new))
                    .bind("from", at(from)).bind("to", at(to)).bind("restricted", gag)
                    .bind("people", people.size()).bind("status", atOnce ? "approved" : "pending")
                    .bind("dpo", dpo).bind("now", at(now)).bind("approver", atOnce ? dpo : null)
                    .bind("approvedAt", atOnce ? at(now) : null).execute();
            var batch = h.prepareBatch("insert into disclosure_subject (owner_id, disclosure_id) values (:o, :d)");
            for (UUID p : people) {
                batch.bind("o", p).bind("d", id).add();
            }
            batch.execute();
            event(h, id, now, dpo, "registered", Map.of("basis", basis.id(), "reference", reference,
                    "breakGlass", d.breakGlass()));
            if (atOnce) {
                event(h, id, now, dpo, "approved", Map.of("basis", basis.id(), "reference", reference,
                        "approvers", List.of(dpo.toString()), "breakGlass", d.breakGlass(),
                        "emergencyContact", contact.isPresent()));
            }
        });
        return find(id).orElseThrow();
    }

    /**
     * The legal review: a second officer approves a pending disclosure. The officer who registered it cannot (409
     * {@code SECOND_APPROVER_REQUIRED}); an approved one is not approved again (409 {@code ALREADY_APPROVED}).
     */
    Disclosure approve(UUID dpo, UUID id) {
        Instant now = clock.instant();
        jdbi.useTransaction(h -> {
            Disclosure d = find(h, id, true).orElseThrow(() -> new ProblemException(Problem.notFound()));
            if (d.approved()) {
                throw new ProblemException(Problem.of(409, "already-approved", "Already approved",
                        "This disclosure was approved on " + d.approvedAt() + ".").with("code", "ALREADY_APPROVED"));
            }
            if (d.requestedBy().equals(dpo)) {
                throw new ProblemException(Problem.of(409, "second-approver-required", "A second approver",
                        "The data protection officer who registered a disclosure cannot approve it: another one"
                                + " reviews it.").with("code", "SECOND_APPROVER_REQUIRED"));
            }
            h.createUpdate("update disclosure set status = 'approved', approved_by = :dpo, approved_at = :now"
                    + " where id = :id").bind("dpo", dpo).bind("now", at(now)).bind("id", id).execute();
            event(h, id, now, dpo, "approved", Map.of("basis", d.basis().id(), "reference", d.reference(),
                    "approvers", List.of(d.requestedBy().toString(), dpo.toString()), "breakGlass", false));
        });
        return find(id).orElseThrow();
    }

    /**
     * The scope an export may have: within its approved disclosure's people, categories and period. 409
     * {@code NOT_APPROVED} before the approval; 422 {@code SCOPE_WIDER_THAN_REQUEST} listing every difference
     * (and recorded in the trail) when it asks for more.
     */
    Disclosure checkExport(UUID dpo, UUID id, Scope scope) {
        Disclosure d = find(id).orElseThrow(() -> new ProblemException(Problem.notFound()));
        if (!d.approved()) {
            throw new ProblemException(Problem.of(409, "not-approved", "Not approved yet",
                    "A disclosure is exported only after a second data protection officer approved it.")
                    .with("code", "NOT_APPROVED"));
        }
        List<String> wider = new ArrayList<>();
        scope.people().stream().filter(p -> !d.people().contains(p)).forEach(p -> wider.add("people: " + p));
        scope.categories().stream().filter(c -> !d.categories().contains(c))
                .forEach(c -> wider.add("categories: " + c));
        if (scope.from().isBefore(d.from())) {
            wider.add("from: " + scope.from() + " is before " + d.from());
        }
        if (scope.to().isAfter(d.to())) {
            wider.add("to: " + scope.to() + " is after " + d.to());
        }
        if (!wider.isEmpty()) {
            jdbi.useHandle(h -> event(h, id, clock.instant(), dpo, "export-refused", Map.of("wider", wider)));
            throw new ProblemException(Problem.of(422, "scope-wider-than-request", "Wider than the request",
                    "An export holds no more than its disclosure covers (minimum necessary).")
                    .with("code", "SCOPE_WIDER_THAN_REQUEST").with("wider", wider));
        }
        return d;
    }

    /** Records a written export in the trail. */
    void exported(UUID dpo, UUID id, Map<String, Object> detail) {
        jdbi.useHandle(h -> event(h, id, clock.instant(), dpo, "exported", detail));
    }

    Optional<Disclosure> find(UUID id) {
        return jdbi.withHandle(h -> find(h, id, false));
    }

    List<Disclosure> list(int limit) {
        return jdbi.withHandle(h -> h.createQuery("select id from disclosure order by requested_at desc limit :n")
                .bind("n", limit).mapTo(UUID.class).list().stream()
                .map(id -> find(h, id, false).orElseThrow()).toList());
    }

    List<Event> events(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select at, actor, action, detail::text from disclosure_event"
                        + " where disclosure_id = :id order by at, action desc")
                .bind("id", id).map((rs, c) -> new Event(rs.getObject(1, OffsetDateTime.class).toInstant(),
                        rs.getObject(2, UUID.class), rs.getString(3), json(rs.getString(4)))).list());
    }

    /** The approved disclosures about a person, newest first (their register entries). */
    List<Entry> entries(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select d.id, d.basis, d.recipient, d.categories, d.range_from, d.range_to, d.approved_at,
                               d.restricted_until, s.notified_at
                        from disclosure_subject s join disclosure d on d.id = s.disclosure_id
                        where s.owner_id = :o and d.status = 'approved'
                        order by d.approved_at desc""")
                .bind("o", owner).map((rs, c) -> new Entry(rs.getObject(1, UUID.class),
                        LegalBasis.valueOf(rs.getString(2)), rs.getString(3),
                        List.of((String[]) rs.getArray(4).getArray()),
                        rs.getObject(5, OffsetDateTime.class).toInstant(),
                        rs.getObject(6, OffsetDateTime.class).toInstant(),
                        rs.getObject(7, OffsetDateTime.class).toInstant(), rs.getObject(8, LocalDate.class),
                        rs.getObject(9, OffsetDateTime.class) == null ? null
                                : rs.getObject(9, OffsetDateTime.class).toInstant())).list());
    }

    long count(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from disclosure_subject where owner_id = :o")
                .bind("o", owner).mapTo(Long.class).one());
    }

    /** A person whose notice is due: approved, not told yet, no restriction in force today. */
    record Due(UUID owner, Disclosure disclosure) {
    }

    /** The notices due now, of one disclosure or (null) of all. */
    List<Due> due(UUID disclosure) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        return jdbi.withHandle(h -> h.createQuery("""
                        select s.owner_id, s.disclosure_id from disclosure_subject s
                        join disclosure d on d.id = s.disclosure_id
                        where d.status = 'approved' and s.notified_at is null
                          and (d.restricted_until is null or d.restricted_until <= :today)
                          and (cast(:d as uuid) is null or d.id = :d)
                        order by d.approved_at limit 1000""")
                .bind("today", today).bind("d", disclosure)
                .map((rs, c) -> new Due(rs.getObject(1, UUID.class), find(h, rs.getObject(2, UUID.class), false)
                        .orElseThrow())).list());
    }

    /** Logs a notice sent to the person (the notification log of PR-34); false when someone else sent it first. */
    boolean notified(UUID owner, UUID disclosure, String channel) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update disclosure_subject set notified_at = :now, notice_to = :to
                        where owner_id = :o and disclosure_id = :d and notified_at is null""")
                .bind("now", at(clock.instant())).bind("to", channel).bind("o", owner).bind("d", disclosure)
                .execute() == 1);
    }

    /** The transparency report: approved disclosures per year (UTC) and basis. No personal data. */
    List<Count> report() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select extract(year from approved_at at time zone 'UTC')::int as y, basis, count(*)::int,
                               count(*) filter (where legal_request)::int, sum(people)::int
                        from disclosure where status = 'approved'
                        group by 1, 2 order by 1 desc, 2""")
                .map((rs, c) -> new Count(rs.getInt(1), LegalBasis.valueOf(rs.getString(2)), rs.getInt(3),
                        rs.getInt(4), rs.getInt(5))).list());
    }

    private Optional<Disclosure> find(Handle h, UUID id, boolean lock) {
        return h.createQuery("""
                        select id, basis, legal_request, break_glass, recipient, instrument, reference, categories,
                               range_from, range_to, restricted_until, status, requested_by, requested_at,
                               approved_by, approved_at, emergency_contact,
                               array(select owner_id from disclosure_subject s where s.disclosure_id = d.id
                                     order by owner_id) as people
                        from disclosure d where id = :id""" + (lock ? " for update" : ""))
                .bind("id", id).map((rs, c) -> new Disclosure(rs.getObject("id", UUID.class),
                        LegalBasis.valueOf(rs.getString("basis")), rs.getBoolean("legal_request"),
                        rs.getBoolean("break_glass"), rs.getString("recipient"), rs.getString("instrument"),
                        rs.getString("reference"), Arrays.stream((Object[]) rs.getArray("people").getArray())
                        .map(o -> (UUID) o).toList(),
                        List.of((String[]) rs.getArray("categories").getArray()),
                        rs.getObject("range_from", OffsetDateTime.class).toInstant(),
                        rs.getObject("range_to", OffsetDateTime.class).toInstant(),
                        rs.getObject("restricted_until", LocalDate.class), rs.getString("status"),
                        rs.getObject("requested_by", UUID.class),
                        rs.getObject("requested_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("approved_by", UUID.class),
                        rs.getObject("approved_at", OffsetDateTime.class) == null ? null
                                : rs.getObject("approved_at", OffsetDateTime.class).toInstant(),
                        rs.getBoolean("emergency_contact")))
                .findOne();
    }

    private void event(Handle h, UUID id, Instant at, UUID actor, String action, Map<String, Object> detail) {
        try {
            h.createUpdate("insert into disclosure_event (disclosure_id, at, actor, action, detail)"
                            + " values (:id, :at, :actor, :action, cast(:detail as jsonb))")
                    .bind("id", id).bind("at", at(at)).bind("actor", actor).bind("action", action)
                    .bind("detail", mapper.writeValueAsString(new LinkedHashMap<>(detail))).execute();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(String text) {
        try {
            return mapper.readValue(text, LinkedHashMap.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> disclosureBases() {
        return Arrays.stream(LegalBasis.values()).filter(LegalBasis::allowsDisclosureWithoutConsent)
                .map(LegalBasis::id).toList();
    }

    static String text(String value, String field, int max, boolean required, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            if (required) {
                errors.add(new Problem.FieldError(field, "required", "required, at most " + max + " characters"));
            }
            return null;
        }
        if (value.strip().length() > max) {
            errors.add(new Problem.FieldError(field, "length", "at most " + max + " characters"));
        }
        return value.strip();
    }

    static List<UUID> people(List<String> ids, List<Problem.FieldError> errors) {
        if (ids == null || ids.isEmpty()) {
            errors.add(new Problem.FieldError("$.people", "required", "the account ids the disclosure is about"));
            return List.of();
        }
        if (ids.size() > MAX_PEOPLE) {
            errors.add(new Problem.FieldError("$.people", "size", "at most " + MAX_PEOPLE));
            return List.of();
        }
        List<UUID> out = new ArrayList<>();
        for (String id : ids) {
            try {
                UUID u = UUID.fromString(id);
                if (!out.contains(u)) {
                    out.add(u);
                }
            } catch (IllegalArgumentException | NullPointerException e) {
                errors.add(new Problem.FieldError("$.people", "uuid", "account ids (UUIDs)"));
                return List.of();
            }
        }
        return out;
    }

    static List<String> categories(List<String> values, String field, List<Problem.FieldError> errors) {
        if (values == null || values.isEmpty()) {
            errors.add(new Problem.FieldError(field, "required", "one or more of " + CATEGORIES));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (!CATEGORIES.contains(v)) {
                errors.add(new Problem.FieldError(field, "enum", "one or more of " + CATEGORIES));
                return List.of();
            }
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    static Instant instant(String value, String field, List<Problem.FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new Problem.FieldError(field, "required", "an ISO-8601 time with offset"));
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            errors.add(new Problem.FieldError(field, "date-time", "an ISO-8601 time with offset"));
            return null;
        }
    }

    static OffsetDateTime at(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
