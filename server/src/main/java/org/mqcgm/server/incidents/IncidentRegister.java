package org.mqcgm.server.incidents;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * The incident register (PR-57, PR-58): what happened, to whom, what it may mean and what was done, each change a
 * step with its time in the append-only {@code incident_step}. Sending is refused until every section a notice
 * carries is set; a reportable incident cannot be closed without the regulator's report.
 */
final class IncidentRegister {

    /** Hours from confirmation within which the affected people must be told. */
    static final Duration NOTIFY_WITHIN = Duration.ofHours(72);

    /** The sections every notice carries, in their order (PR-57's seven), by field name. */
    static final List<String> SECTIONS = List.of("whatHappened", "dataCategories", "impact", "measures", "advice",
            "remedies", "contact");

    /** The text fields of an incident, field name → column. */
    static final Map<String, String> TEXTS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("whatHappened", "what_happened");
        m.put("dataCategories", "data_categories");
        m.put("impact", "impact");
        m.put("measures", "measures");
        m.put("advice", "advice");
        m.put("remedies", "remedies");
        m.put("contact", "contact");
        m.put("regulatorAuthority", "regulator_authority");
        m.put("regulatorReference", "regulator_reference");
        TEXTS = java.util.Collections.unmodifiableMap(m);
    }

    static final int MAX_TEXT = 10_000;

    /**
     * Changes to an incident; null leaves a field as it is. Times are ISO-8601 instants ("now" for the clock's now).
     *
     * @param texts            text fields by name (see {@link #TEXTS})
     * @param affected         {@code list}, {@code all} or {@code active-between}
     * @param affectedAccounts the accounts of an explicit list (added to it)
     */
    record Changes(Map<String, String> texts, String affected, String affectedFrom, String affectedTo,
                   List<String> affectedAccounts, String confirmedAt, Boolean reportable,
                   String regulatorReportedAt) {
    }

    /** One stored incident. */
    record Incident(UUID id, Instant createdAt, Map<String, String> texts, String affected, Instant affectedFrom,
                    Instant affectedTo, Instant confirmedAt, boolean reportable, Instant regulatorReportedAt,
                    Instant notifyRequestedAt, Instant notifiedAt, Instant announcedAt,
                    Integer unreachableAtAnnouncement, Instant closedAt) {

        String text(String field) {
            return texts.get(field);
        }

        /** The fields a notice still needs, in order (empty: it may be sent). */
        List<String> missing() {
            List<String> out = new ArrayList<>();
            for (String s : SECTIONS) {
                if (blank(texts.get(s))) {
                    out.add(s);
                }
            }
            if (affected == null) {
                out.add("affected");
            }
            if (confirmedAt == null) {
                out.add("confirmedAt");
            }
            return out;
        }

        /** The regulator fields a reportable incident still needs before it may be closed. */
        List<String> missingForClosing() {
            List<String> out = new ArrayList<>();
            if (reportable) {
                if (blank(texts.get("regulatorAuthority"))) {
                    out.add("regulatorAuthority");
                }
                if (regulatorReportedAt == null) {
                    out.add("regulatorReportedAt");
                }
                if (blank(texts.get("regulatorReference"))) {
                    out.add("regulatorReference");
                }
            }
            return out;
        }

        /** From confirmation to notification (to now while nobody is notified yet); null before confirmation. */
        Duration toNotification(Instant now) {
            if (confirmedAt == null) {
                return null;
            }
            return Duration.between(confirmedAt, notifiedAt != null ? notifiedAt : now);
        }

        /** Whether the 72 hours from confirmation passed before (or without) the notification. */
        boolean slaBreached(Instant now) {
            Duration d = toNotification(now);
            return d != null && d.compareTo(NOTIFY_WITHIN) > 0;
        }
    }

    /** One step of an incident's log. */
    record Step(Instant at, String kind, String detail) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    IncidentRegister(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Opens an incident with what is known so far (everything may follow). */
    Incident create(Changes changes) {
        List<Problem.FieldError> errors = check(changes);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The incident has problems.", errors));
        }
        UUID id = UUID.randomUUID();
        jdbi.useTransaction(h -> {
            h.createUpdate("insert into incident (id, created_at) values (:id, :at)")
                    .bind("id", id).bind("at", clock.instant()).execute();
            step(h, id, "created", null);
            apply(h, load(h, id).orElseThrow(), changes);
        });
        return get(id).orElseThrow();
    }

    /** Changes an open incident; each changed field is a step. */
    Incident update(UUID id, Changes changes) {
        List<Problem.FieldError> errors = check(changes);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The incident has problems.", errors));
        }
        jdbi.useTransaction(h -> {
            Incident current = lockOpen(h, id);
            apply(h, current, changes);
        });
        return get(id).orElseThrow();
    }

    private Incident lockOpen(Handle h, UUID id) {
        h.createQuery("select id from incident where id = :id for update").bind("id", id).mapTo(UUID.class)
                .findOne().orElseThrow(() -> new ProblemException(Problem.notFound()));
        Incident current = load(h, id).orElseThrow();
        if (current.closedAt() != null) {
            throw new ProblemException(Problem.of(409, "incident-closed", "Incident closed",
                    "A closed incident does not change."));
        }
        return current;
    }

    private List<Problem.FieldError> check(Changes c) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (c.texts() != null) {
            c.texts().forEach((k, v) -> {
                if (!TEXTS.containsKey(k)) {
                    errors.add(new Problem.FieldError("$." + k, "unknown", "is not a field of an incident"));
                } else if (v != null && v.length() > MAX_TEXT) {
                    errors.add(new Problem.FieldError("$." + k, "max-length", "at most " + MAX_TEXT
                            + " characters"));
                }
            });
        }
        if (c.affected() != null && !List.of("list", "all", "active-between").contains(c.affected())) {
            errors.add(new Problem.FieldError("$.affected", "one-of", "must be list, all or active-between"));
        }
        Instant from = time(c.affectedFrom(), "affectedFrom", errors);
        Instant to = time(c.affectedTo(), "affectedTo", errors);
        if ("active-between".equals(c.affected()) && (from == null || to == null)) {
            errors.add(new Problem.FieldError(from == null ? "$.affectedFrom" : "$.affectedTo", "required",
                    "active-between needs affectedFrom and affectedTo"));
        }
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add(new Problem.FieldError("$.affectedTo", "after", "must be after affectedFrom"));
        }
        time(c.confirmedAt(), "confirmedAt", errors);
        time(c.regulatorReportedAt(), "regulatorReportedAt", errors);
        if (c.affectedAccounts() != null) {
            for (int i = 0; i < c.affectedAccounts().size(); i++) {
                try {
                    UUID.fromString(c.affectedAccounts().get(i));
                } catch (IllegalArgumentException | NullPointerException e) {
                    errors.add(new Problem.FieldError("$.affectedAccounts[" + i + "]", "uuid",
                            "must be an account id"));
                }
            }
        }
        return errors;
    }

    private Instant time(String value, String field, List<Problem.FieldError> errors) {
        if (value == null) {
            return null;
        }
        if (value.equals("now")) {
            return clock.instant();
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError("$." + field, "date-time",
                    "must be an ISO-8601 time with offset, or now"));
            return null;
        }
    }

    private void apply(Handle h, Incident current, Changes c) {
        UUID id = current.id();
        if (c.texts() != null) {
            for (var e : c.texts().entrySet()) {
                String value = blank(e.getValue()) ? null : e.getValue().strip();
                if (!java.util.Objects.equals(value, current.text(e.getKey()))) {
                    h.createUpdate("update incident set " + TEXTS.get(e.getKey()) + " = :v where id = :id")
                            .bind("v", value).bind("id", id).execute();
                    step(h, id, "changed", e.getKey() + ": " + (value == null ? "(empty)" : value));
                }
            }
        }
        if (c.affected() != null || c.affectedFrom() != null || c.affectedTo() != null) {
            String kind = c.affected() != null ? c.affected() : current.affected();
            Instant from = c.affectedFrom() != null ? time(c.affectedFrom(), "", new ArrayList<>())
                    : current.affectedFrom();
            Instant to = c.affectedTo() != null ? time(c.affectedTo(), "", new ArrayList<>()) : current.affectedTo();
            if (!"active-between".equals(kind)) {
                from = null;
                to = null;
            } else if (from == null || to == null) {
                throw new ProblemException(Problem.validation("The incident has problems.", List.of(
                        new Problem.FieldError("$.affectedFrom", "required",
                                "active-between needs affectedFrom and affectedTo"))));
            }
            h.createUpdate("update incident set affected_kind = :k, affected_from = :f, affected_to = :t "
                            + "where id = :id")
                    .bind("k", kind).bind("f", from).bind("t", to).bind("id", id).execute();
            step(h, id, "changed", "affected: " + kind + (from == null ? "" : " " + from + " to " + to));
        }
        if (c.affectedAccounts() != null && !c.affectedAccounts().isEmpty()) {
            int added = 0;
            for (String account : c.affectedAccounts()) {
                added += h.createUpdate("""
                                insert into incident_recipient (owner_id, incident_id, added_at)
                                select a.id, :incident, :at from account a where a.id = :owner
                                on conflict do nothing""")
                        .bind("owner", UUID.fromString(account)).bind("incident", id).bind("at", clock.instant())
                        .execute();
            }
            if (added != c.affectedAccounts().size()) {
                throw new ProblemException(Problem.validation("The incident has problems.", List.of(
                        new Problem.FieldError("$.affectedAccounts", "known-accounts",
                                "every id must be an account not listed already"))));
            }
            step(h, id, "changed", "affected accounts: " + added + " added");
        }
        if (c.confirmedAt() != null) {
            Instant at = time(c.confirmedAt(), "", new ArrayList<>());
            h.createUpdate("update incident set confirmed_at = :at where id = :id").bind("at", at).bind("id", id)
                    .execute();
            step(h, id, "confirmed", at.toString());
        }
        if (c.reportable() != null && c.reportable() != current.reportable()) {
            h.createUpdate("update incident set reportable = :r where id = :id").bind("r", c.reportable())
                    .bind("id", id).execute();
            step(h, id, "changed", "reportable: " + c.reportable());
        }
        if (c.regulatorReportedAt() != null) {
            Instant at = time(c.regulatorReportedAt(), "", new ArrayList<>());
            h.createUpdate("update incident set regulator_reported_at = :at where id = :id").bind("at", at)
                    .bind("id", id).execute();
            step(h, id, "changed", "regulatorReportedAt: " + at);
        }
        Incident after = load(h, id).orElseThrow();
        boolean regulatorBefore = !blank(current.text("regulatorAuthority")) && current.regulatorReportedAt() != null
                && !blank(current.text("regulatorReference"));
        boolean regulatorAfter = !blank(after.text("regulatorAuthority")) && after.regulatorReportedAt() != null
                && !blank(after.text("regulatorReference"));
        if (regulatorAfter && !regulatorBefore) {
            step(h, id, "regulator-reported", after.text("regulatorAuthority") + " at " + after.regulatorReportedAt()
                    + ", reference " + after.text("regulatorReference"));
        }
    }

    /**
     * Asks for the notices to go out: refused (422 naming each missing field) until every section is set, the
     * affected people are named and the incident is confirmed. The server sends them (at once when asked over
     * HTTP; within a minute when asked from the command line).
     */
    Incident requestNotification(UUID id) {
        jdbi.useTransaction(h -> {
            Incident current = lockOpen(h, id);
            List<String> missing = current.missing();
            if (!missing.isEmpty()) {
                throw new ProblemException(Problem.of(422, "incident-incomplete", "Incident notice incomplete",
                        "A notice is sent only when it has every section: " + String.join(", ", missing)
                                + " missing.").withErrors(missing.stream().map(f -> new Problem.FieldError("$." + f,
                        "required", "must be set before the notice is sent")).toList()));
            }
            if (current.notifyRequestedAt() != null) {
                throw new ProblemException(Problem.of(409, "already-notified", "Already sent",
                        "The notices of this incident were sent already (" + current.notifyRequestedAt() + ")."));
            }
            h.createUpdate("update incident set notify_requested_at = :at where id = :id")
                    .bind("at", clock.instant()).bind("id", id).execute();
            step(h, id, "notification-requested", null);
        });
        return get(id).orElseThrow();
    }

    /** Closes an incident; a reportable one only with the regulator's authority, time and reference. */
    Incident close(UUID id) {
        jdbi.useTransaction(h -> {
            Incident current = lockOpen(h, id);
            List<String> missing = current.missingForClosing();
            if (!missing.isEmpty()) {
                throw new ProblemException(Problem.of(422, "regulator-report-missing", "Regulator report missing",
                        "A reportable incident is closed only after it was reported to the regulator: "
                                + String.join(", ", missing) + " missing.")
                        .withErrors(missing.stream().map(f -> new Problem.FieldError("$." + f, "required",
                                "must be set before a reportable incident is closed")).toList()));
            }
            h.createUpdate("update incident set closed_at = :at where id = :id").bind("at", clock.instant())
                    .bind("id", id).execute();
            step(h, id, "closed", null);
        });
        return get(id).orElseThrow();
    }

    static void step(Handle h, UUID incident, String kind, String detail, Instant at) {
        h.createUpdate("insert into incident_step (incident_id, at, kind, detail) values (:i, :at, :k, :d)")
                .bind("i", incident).bind("at", at).bind("k", kind).bind("d", detail).execute();
    }

    private void step(Handle h, UUID incident, String kind, String detail) {
        step(h, incident, kind, detail, clock.instant());
    }

    Optional<Incident> get(UUID id) {
        return jdbi.withHandle(h -> load(h, id));
    }

    List<Incident> list() {
        return jdbi.withHandle(h -> h.createQuery("select * from incident order by created_at desc")
                .map((rs, ctx) -> incident(rs)).list());
    }

    /** Incidents announced publicly (people were unreachable), newest first. */
    List<Incident> announced() {
        return jdbi.withHandle(h -> h.createQuery(
                        "select * from incident where announced_at is not null order by announced_at desc")
                .map((rs, ctx) -> incident(rs)).list());
    }

    List<Step> steps(UUID id) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select at, kind, detail from incident_step where incident_id = :id order by seq")
                .bind("id", id).map((rs, ctx) -> new Step(rs.getTimestamp("at").toInstant(), rs.getString("kind"),
                        rs.getString("detail"))).list());
    }

    static Optional<Incident> load(Handle h, UUID id) {
        return h.createQuery("select * from incident where id = :id").bind("id", id)
                .map((rs, ctx) -> incident(rs)).findOne();
    }

    private static Incident incident(java.sql.ResultSet rs) throws java.sql.SQLException {
        Map<String, String> texts = new LinkedHashMap<>();
        for (var e : TEXTS.entrySet()) {
            texts.put(e.getKey(), rs.getString(e.getValue()));
        }
        int count = rs.getInt("unreachable_at_announcement");
        Integer unreachable = rs.wasNull() ? null : count;
        return new Incident(rs.getObject("id", UUID.class), instant(rs, "created_at"), texts,
                rs.getString("affected_kind"), instant(rs, "affected_from"), instant(rs, "affected_to"),
                instant(rs, "confirmed_at"), rs.getBoolean("reportable"), instant(rs, "regulator_reported_at"),
                instant(rs, "notify_requested_at"), instant(rs, "notified_at"), instant(rs, "announced_at"),
                unreachable, instant(rs, "closed_at"));
    }

    private static Instant instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        java.sql.Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
