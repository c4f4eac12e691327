package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.core.imports.Treatments;
import org.mqcgm.server.platform.logbook.LogbookEntries;

/**
 * Treatments and the logbook are one record of what a person did (issue 14): a treatment of a kind the logbook
 * has becomes check-ins — carbs a meal, insulin an insulin entry (rapid, long for basal insulin), a BG Check a
 * fingerstick, an Exercise an exercise, a Note (Announcement, Question) a note, the treatment's notes on the first
 * of them — and the treatment itself is kept whole (unknown fields passed through) for the Nightscout clients. Going
 * the other way, check-ins logged in mqcgm come out as treatments ({@code enteredBy} "mqcgm via Nightscout", so xDrip+
 * does not upload them again); a mapped treatment whose check-ins were all deleted in the logbook is no longer
 * served, and the meal's carbs and the insulin's units edited in the logbook are what it says. Treatments of kinds the
 * logbook has not (temp basals, site changes, profile switches, temporary targets…) stay Nightscout documents only.
 */
final class NsTreatmentLog {

    /** What we put into {@code enteredBy} of treatments made from check-ins. */
    static final String ENTERED_BY = "mqcgm via Nightscout";

    private final Jdbi jdbi;
    private final LogbookEntries logbook;
    private final ObjectMapper mapper;

    NsTreatmentLog(Jdbi jdbi, LogbookEntries logbook, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.logbook = logbook;
        this.mapper = mapper;
    }

    /** The check-ins a treatment means (none for kinds the logbook has not): {@link Treatments#logEntries}. */
    @SuppressWarnings("unchecked")
    List<ObjectNode> checkinsOf(ObjectNode t) {
        Optional<OffsetDateTime> time = timeOf(t);
        if (time.isEmpty()) {
            return List.of();
        }
        Map<String, ?> fields = mapper.convertValue(t, Map.class);
        return Treatments.logEntries(fields).stream()
                .map(e -> LogbookEntries.checkin(time.get(), e)).toList();
    }

    /** Writes the check-ins of a stored treatment, replacing those it had. */
    void mirror(UUID owner, ObjectNode treatment) {
        String id = treatment.path("_id").asText();
        unmirror(owner, id);
        List<UUID> added = new ArrayList<>();
        for (ObjectNode c : checkinsOf(treatment)) {
            logbook.add(owner, c).ifPresent(n -> added.add(UUID.fromString(n.path("id").asText())));
        }
        if (!added.isEmpty()) {
            jdbi.useHandle(h -> {
                for (UUID c : added) {
                    h.createUpdate("""
                                    insert into nightscout_checkin_link (owner_id, doc_id, checkin_id)
                                    values (:o, :d, :c) on conflict do nothing""")
                            .bind("o", owner).bind("d", id).bind("c", c).execute();
                }
            });
        }
    }

    /** Deletes the check-ins a treatment became. */
    void unmirror(UUID owner, String docId) {
        List<UUID> linked = jdbi.withHandle(h -> h.createQuery("""
                        delete from nightscout_checkin_link where owner_id = :o and doc_id = :d returning checkin_id""")
                .bind("o", owner).bind("d", docId).mapTo(UUID.class).list());
        linked.forEach(c -> logbook.remove(owner, c));
    }

    /**
     * The treatments to serve for a query's documents and time range: the documents, with their logbook view applied
     * (hidden when all their check-ins were deleted, carbs and insulin as the logbook says), and the check-ins of that
     * range that came from no treatment, as treatments. Not sorted or limited.
     */
    List<ObjectNode> view(UUID owner, List<ObjectNode> docs, Instant from, Instant to, int limit) {
        Map<String, List<UUID>> links = links(owner, docs.stream().map(d -> d.path("_id").asText()).toList());
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode d : docs) {
            List<UUID> cs = links.getOrDefault(d.path("_id").asText(), List.of());
            if (cs.isEmpty()) {
                out.add(d);
                continue;
            }
            List<ObjectNode> alive = cs.stream().map(c -> logbook.find(owner, c)).flatMap(Optional::stream).toList();
            if (alive.isEmpty()) {
                continue;
            }
            for (ObjectNode c : alive) {
                switch (c.path("kind").asText()) {
                    case "meal" -> d.set("carbs", c.get("carbs"));
                    case "insulin" -> d.set("insulin", c.get("units"));
                    default -> {
                    }
                }
            }
            out.add(d);
        }
        Set<UUID> fromTreatments = linkedCheckins(owner);
        for (ObjectNode c : logbook.between(owner, from, to, limit, fromTreatments::contains)) {
            out.add(treatment(c));
        }
        return out;
    }

    /** The check-ins logged in mqcgm with {@code from <= time < to} as v3 treatments, newest first. */
    List<ObjectNode> v3Between(UUID owner, Instant from, Instant to, int limit) {
        return logbook.between(owner, from, to, limit, linkedCheckins(owner)::contains).stream().map(this::v3)
                .toList();
    }

    /**
     * The check-ins logged in mqcgm and changed after {@code since}, as v3 treatments, oldest change first: at most
     * {@code limit}, plus the rest of the last one's millisecond.
     */
    List<ObjectNode> v3ChangedSince(UUID owner, Instant since, int limit) {
        return logbook.changedSince(owner, since, limit, linkedCheckins(owner)::contains).stream().map(this::v3)
                .toList();
    }

    /** A check-in logged in mqcgm (none that a treatment became) as a v3 treatment. */
    Optional<ObjectNode> v3Checkin(UUID owner, String identifier) {
        return checkin(owner, identifier).flatMap(id -> logbook.find(owner, id)).map(this::v3);
    }

    /** The check-in logged in mqcgm that a v3 identifier names (a treatment's check-ins are reached through it). */
    Optional<UUID> checkin(UUID owner, String identifier) {
        Optional<UUID> id = org.mqcgm.server.platform.http.PathParams.parseUuid(identifier);
        return id.filter(c -> !linkedCheckins(owner).contains(c)).filter(c -> logbook.find(owner, c).isPresent());
    }

    /**
     * Applies a v3 PUT (the whole treatment) or PATCH (its changed fields) to a check-in logged in mqcgm:
     * {@code isValid: false} deletes it; otherwise the treatment must still mean a check-in of the same kind,
     * whose content and time replace the check-in's. Empty when the treatment is no longer of that kind or the
     * logbook refuses it (nothing changed then).
     */
    Optional<ObjectNode> v3Update(UUID owner, UUID id, ObjectNode body, boolean patch) {
        ObjectNode current = logbook.find(owner, id).orElseThrow();
        ObjectNode t = patch ? v3(current) : body.deepCopy();
        if (patch) {
            body.properties().forEach(e -> t.set(e.getKey(), e.getValue()));
            if (body.has("date") && !body.has("created_at")) {
                t.remove("created_at"); // v3's time is its date: a new date alone moves the check-in
            }
        }
        if (t.path("isValid").isBoolean() && !t.path("isValid").booleanValue()) {
            logbook.remove(owner, id);
            return Optional.of(t);
        }
        Optional<OffsetDateTime> at = timeOf(t);
        if (at.isEmpty()) {
            return Optional.empty();
        }
        String kind = current.path("kind").asText();
        Map<String, ?> fields = mapper.convertValue(t, Map.class);
        OffsetDateTime time = at.get();
        return Treatments.logEntries(fields).stream().filter(e -> e.kind().equals(kind)).findFirst()
                .flatMap(e -> logbook.replace(owner, id, LogbookEntries.checkin(time, e))).map(this::v3);
    }

    /** When a check-in was last logged or edited, in epoch milliseconds (0: never): the v3 lastModified of treatments. */
    long lastChanged(UUID owner) {
        return logbook.lastChanged(owner).map(Instant::toEpochMilli).orElse(0L);
    }

    /** A check-in as a v3 treatment: {@code identifier} its id, {@code date} its time, server times its own. */
    private ObjectNode v3(ObjectNode c) {
        ObjectNode t = treatment(c);
        t.put("date", OffsetDateTime.parse(c.path("time").asText()).toInstant().toEpochMilli());
        t.put("srvCreated", Instant.parse(c.path("created").asText()).toEpochMilli());
        t.put("srvModified", Instant.parse(c.path("updated").asText()).toEpochMilli());
        return t;
    }

    /** The check-in behind a treatment id made by {@link #treatment}, if the logbook still has it. */
    Optional<UUID> checkinOf(UUID owner, String treatmentId, Instant from, Instant to) {
        if (treatmentId == null || !treatmentId.matches("[0-9a-f]{24}")) {
            return Optional.empty();
        }
        return logbook.between(owner, from, to, 10_000).stream()
                .map(c -> UUID.fromString(c.path("id").asText()))
                .filter(c -> id(c).equals(treatmentId))
                .findFirst();
    }

    boolean remove(UUID owner, UUID checkin) {
        return logbook.remove(owner, checkin);
    }

    /** A check-in logged in mqcgm as a Nightscout treatment. */
    ObjectNode treatment(ObjectNode c) {
        UUID id = UUID.fromString(c.path("id").asText());
        OffsetDateTime time = OffsetDateTime.parse(c.path("time").asText());
        ObjectNode t = mapper.createObjectNode();
        t.put("_id", id(id));
        t.put("identifier", id.toString());
        t.put("created_at", NsEntries.ISO_MILLIS.format(time.toInstant()));
        t.put("utcOffset", time.getOffset().getTotalSeconds() / 60);
        t.put("enteredBy", ENTERED_BY);
        String note = c.path("note").asText("");
        switch (c.path("kind").asText()) {
            case "meal" -> {
                t.put("eventType", "Carb Correction");
                if (c.hasNonNull("carbs")) {
                    t.set("carbs", c.get("carbs"));
                }
            }
            case "insulin" -> {
                t.put("eventType", "Correction Bolus");
                t.set("insulin", c.get("units"));
                if ("long".equals(c.path("insulinType").asText())) {
                    t.put("isBasalInsulin", true);
                }
            }
            case "fingerstick" -> {
                t.put("eventType", "BG Check");
                t.set("glucose", c.get("value"));
                t.put("glucoseType", "Finger");
                t.put("units", "mmol/L".equals(c.path("unit").asText()) ? "mmol" : "mg/dl");
            }
            case "exercise" -> {
                t.put("eventType", "Exercise");
                t.put("duration", c.path("minutes").asInt());
            }
            case "medication" -> {
                t.put("eventType", "Note");
                String med = c.path("medication").asText() + (c.hasNonNull("dose") ? " " + c.path("dose").asText() : "");
                note = note.isEmpty() ? med : med + " — " + note;
            }
            default -> t.put("eventType", "Note");
        }
        if (!note.isEmpty()) {
            t.put("notes", note);
        }
        return t;
    }

    /** The 24-hex treatment id of a check-in. */
    static String id(UUID checkin) {
        return checkin.toString().replace("-", "").substring(0, 24);
    }

    private Map<String, List<UUID>> links(UUID owner, List<String> docIds) {
        if (docIds.isEmpty()) {
            return Map.of();
        }
        Map<String, List<UUID>> out = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select doc_id, checkin_id from nightscout_checkin_link
                        where owner_id = :o and doc_id in (<ids>)""")
                .bind("o", owner).bindList("ids", docIds)
                .map((rs, ctx) -> Map.entry(rs.getString("doc_id"), rs.getObject("checkin_id", UUID.class)))
                .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue())));
        return out;
    }

    /** Every check-in of the owner that a treatment became. */
    private Set<UUID> linkedCheckins(UUID owner) {
        return new HashSet<>(jdbi.withHandle(h -> h.createQuery("""
                        select checkin_id from nightscout_checkin_link where owner_id = :o""")
                .bind("o", owner).mapTo(UUID.class).list()));
    }

    /**
     * The treatment's time with its offset ({@code created_at} is UTC, else {@code date} in epoch milliseconds;
     * {@code utcOffset} in minutes).
     */
    private static Optional<OffsetDateTime> timeOf(ObjectNode t) {
        Optional<Instant> at = NsEntries.parseDate(t.path("created_at").asText("")).map(OffsetDateTime::toInstant);
        if (at.isEmpty() && t.path("date").canConvertToLong()) {
            at = Optional.of(Instant.ofEpochMilli(t.path("date").asLong())); // a v3 treatment sent without created_at
        }
        if (at.isEmpty()) {
            return Optional.empty();
        }
        int offset = t.path("utcOffset").asInt(0);
        if (Math.abs(offset) > 18 * 60) {
            offset = 0;
        }
        return Optional.of(at.get().atOffset(ZoneOffset.ofTotalSeconds(offset * 60)));
    }}
