package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.nightscout.NsQuery.Collection;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.UserKeys;

/**
 * The store of a person's Nightscout documents other than our glucose readings: treatments, devicestatus, profile,
 * food, settings, and entries that are not {@code sgv} (mbg, cal, …). One row per document in
 * {@code nightscout_document} (V38): the whole JSON (with its {@code _id}, without the server's
 * {@code srvCreated}/{@code srvModified}/{@code isValid}, which are columns) encrypted with the owner's key, its
 * associated data bound to the collection and {@code _id}; in clear only ids, the time field as epoch ms, the server
 * times and validity. Identifiers and dedupe fields are keyed hashes.
 *
 * <p>Queries ({@link NsQuery}) run in memory after decryption; only their time range reaches SQL. The work of one
 * call is bounded: rows are read in pages of {@value #PAGE} and at most {@value #SCAN_CAP} rows are decrypted per
 * call (a find or a delete by query over more stops there: its answer covers the newest {@value #SCAN_CAP}).
 *
 * <p>Writes of one owner and collection are serialised (a transaction-scoped advisory lock), so concurrent uploads
 * of the same document dedupe instead of doubling. Bad input is an {@link Invalid} with the status and text
 * Nightscout answers (400, 404, 410, 422); the store never half-writes a batch.
 */
final class NsDocuments {

    static final int PAGE = 500;
    static final int SCAN_CAP = 10_000;
    static final int HISTORY_MAX = 1000;
    /** v3 date validity: after 2000-01-01 (Nightscout's check). */
    static final long MIN_V3_DATE = 946_684_800_000L;

    /** The fields of a v3 document the client may not change (Nightscout {@code update/validate.js}). */
    static final List<String> IMMUTABLE = List.of("identifier", "date", "utcOffset", "eventType", "device", "app",
            "srvCreated", "subject", "srvModified", "modifiedBy", "isValid");
    private static final Set<String> SERVER_FIELDS = Set.of("srvCreated", "srvModified", "isValid");
    /** Treatment fields coerced to numbers on v1 writes (Nightscout {@code prepareData}); zero values are kept. */
    private static final List<String> TREATMENT_NUMBERS = List.of("glucose", "targetTop", "targetBottom", "carbs",
            "insulin", "duration", "percent", "absolute", "relative", "preBolus");
    /** Entry fields that must be numbers (xDrip+'s Gson and Loop's parsers break on strings). */
    private static final List<String> ENTRY_NUMBERS = List.of("date", "sgv", "mbg", "filtered", "unfiltered",
            "rssi", "noise", "delta", "slope", "intercept", "scale", "trend", "utcOffset");
    private static final byte[] UUID_NAMESPACE = "NightscoutRocks!".getBytes(StandardCharsets.US_ASCII);
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final DeploymentSecrets secrets;
    private final ObjectMapper mapper;
    private final Clock clock;

    NsDocuments(Jdbi jdbi, UserKeys keys, DeploymentSecrets secrets, ObjectMapper mapper, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.secrets = secrets;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * Bad input to a Nightscout route: the lead maps it to a Nightscout-style error body with this status (400, 404,
     * 410, 422) and message. Never a 5xx.
     */
    static final class Invalid extends RuntimeException {
        private final int status;

        Invalid(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /**
     * A stored document.
     *
     * @param doc the document as stored (with {@code _id}; without srvCreated/srvModified/isValid) — v1's view
     */
    record Stored(Collection collection, String id, String identifier, long time, long srvCreated,
                  long srvModified, boolean valid, ObjectNode doc) {

        /** v1's view: the document with its {@code _id}. */
        ObjectNode v1() {
            return doc.deepCopy();
        }

        /**
         * v3's view: the document with {@code identifier} (its {@code _id} for a v1 document without one),
         * {@code srvCreated}, {@code srvModified}, and {@code isValid: false} when soft-deleted.
         */
        ObjectNode v3() {
            ObjectNode out = doc.deepCopy();
            if (!out.hasNonNull("identifier")) {
                out.put("identifier", identifier);
            }
            out.put("srvCreated", srvCreated);
            out.put("srvModified", srvModified);
            if (!valid) {
                out.put("isValid", false);
            }
            return out;
        }
    }

    /**
     * The outcome of a v3 create or PUT.
     *
     * @param created true when a new document was stored (201), false when one was replaced (200)
     * @param deduplication true when a create matched an existing document (the answer's {@code isDeduplication})
     * @param deduplicatedIdentifier the matched document's identifier when it differs from the one sent, else null
     */
    record Written(boolean created, boolean deduplication, String identifier, String deduplicatedIdentifier,
                   long lastModified, Stored stored) {
    }

    /** A v3 history page: documents with srvModified after the given time, ascending, and the largest of them. */
    record History(List<Stored> docs, OptionalLong maxModified) {
    }

    // ================================================================ v1

    /**
     * v1 {@code POST /<collection>}: stores a batch with the collection's v1 semantics and answers one document per
     * input, in input order, each with {@code _id} (same-batch duplicates: the last wins, each input still echoed).
     * <ul>
     *   <li>treatments: {@code eventTime} overrides {@code created_at}; missing → now; not a date → 422 "Treatments
     *   created_at must be an ISO-8601 date"; stored as UTC ISO with {@code utcOffset} its offset; numeric
     *   fields coerced (a non-number → 400), zero values kept, absent ones not injected; dedupe by
     *   {@code identifier}, then {@code _id}, then {created_at, eventType}, replacing the whole document.</li>
     *   <li>devicestatus, profile: {@code _id} must be 24 hex (else 400 "Invalid _id format"); inserted without
     *   dedupe (an {@code _id} already stored is replaced). devicestatus: created_at missing or invalid → now, stored
     *   as UTC ISO with {@code utcOffset}; profile: only a missing created_at is set (now).</li>
     *   <li>entries (non-sgv): {@code date} ms or {@code dateString} required (400); dateString stored as UTC ISO
     *   with {@code utcOffset}, {@code sysTime} set; numeric fields must be numbers (400); upsert on
     *   {sysTime, type}, merging fields into the stored document as Nightscout's {@code $set} does.</li>
     * </ul>
     * All or nothing: an invalid element stores nothing.
     */
    List<ObjectNode> v1Insert(UUID owner, Collection c, List<ObjectNode> batch) {
        List<ObjectNode> prepared = new ArrayList<>();
        long now = clock.millis();
        for (int i = 0; i < batch.size(); i++) {
            prepared.add(v1Prepare(c, batch.get(i).deepCopy(), now));
        }
        return jdbi.inTransaction(h -> {
            lock(h, owner, c);
            List<ObjectNode> out = new ArrayList<>();
            for (ObjectNode doc : prepared) {
                out.add(v1Store(h, owner, c, doc, now).v1());
            }
            return out;
        });
    }

    /**
     * v1 {@code PUT /treatments} and {@code PUT /profile}: replaces the document with this {@code _id} (24 hex,
     * else 400 "Invalid _id format"), or stores it under that id; without {@code _id} it is a v1 insert. Answers
     * the stored document.
     */
    ObjectNode v1Put(UUID owner, Collection c, ObjectNode input) {
        long now = clock.millis();
        ObjectNode doc = input.deepCopy();
        JsonNode id = doc.get("_id");
        if (id == null || id.isNull()) {
            return v1Insert(owner, c, List.of(doc)).get(0);
        }
        if (!isObjectId(id)) {
            throw new Invalid(400, "Invalid _id format");
        }
        ObjectNode prepared = v1Prepare(c, doc, now);
        return jdbi.inTransaction(h -> {
            lock(h, owner, c);
            String key = prepared.get("_id").asText().toLowerCase(java.util.Locale.ROOT);
            prepared.put("_id", key);
            Optional<Stored> existing = byId(h, owner, c, key);
            return write(h, owner, c, prepared, existing.orElse(null), now, null).v1();
        });
    }

    /** The document with this {@code _id} (valid or soft-deleted); empty when there is none or the id is bad. */
    Optional<Stored> byId(UUID owner, Collection c, String id) {
        if (id == null || !id.matches("[0-9a-fA-F]{24}")) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> byId(h, owner, c, id.toLowerCase(java.util.Locale.ROOT)));
    }

    /** Deletes the document with this {@code _id} for good; false when there was none. */
    boolean deleteById(UUID owner, Collection c, String id) {
        if (id == null || !id.matches("[0-9a-fA-F]{24}")) {
            return false;
        }
        return jdbi.withHandle(h -> h.createUpdate(
                        "delete from nightscout_document where owner_id = :o and collection = :c and id = :id")
                .bind("o", owner).bind("c", c.path).bind("id", id.toLowerCase(java.util.Locale.ROOT))
                .execute()) > 0;
    }

    /**
     * Deletes for good the valid documents matching the query (v1 {@code DELETE /<collection>?find…}); the scan is
     * bounded like {@link #find}. Answers how many were deleted.
     */
    int delete(UUID owner, Collection c, NsQuery query) {
        List<String> ids = scan(owner, c, query, SCAN_CAP).stream().map(Stored::id).toList();
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbi.inTransaction(h -> {
            int n = 0;
            for (int i = 0; i < ids.size(); i += PAGE) {
                n += h.createUpdate("""
                                delete from nightscout_document
                                where owner_id = :o and collection = :c and id in (<ids>)""")
                        .bind("o", owner).bind("c", c.path)
                        .bindList("ids", ids.subList(i, Math.min(ids.size(), i + PAGE))).execute();
            }
            return n;
        });
    }

    /**
     * The valid documents matching the query, in its order ({@link NsQuery#order()}), after skipping {@code skip},
     * at most {@code count} (clamped to {@value #SCAN_CAP}). Only the query's time range is read from the database;
     * at most {@value #SCAN_CAP} rows are decrypted. When the order is the time field (v1, v3 without sort or
     * sorted by the time field) the scan stops as soon as enough documents matched.
     */
    List<Stored> find(UUID owner, Collection c, NsQuery query, int count, int skip) {
        int wanted = (int) Math.min(SCAN_CAP, Math.max(0L, (long) count) + Math.max(0, skip));
        if (count <= 0) {
            return List.of();
        }
        List<Stored> matched = scan(owner, c, query, timeOrdered(c, query) ? wanted : SCAN_CAP);
        List<Stored> sorted = new ArrayList<>(matched);
        sorted.sort((a, b) -> query.order().compare(a.doc(), b.doc()));
        int from = Math.min(sorted.size(), Math.max(0, skip));
        return List.copyOf(sorted.subList(from, Math.min(sorted.size(), from + Math.min(count, SCAN_CAP))));
    }

    /** The newest srvModified of these documents (v1 {@code Last-Modified}, If-Modified-Since); empty for none. */
    static OptionalLong newestModified(List<Stored> docs) {
        return docs.stream().mapToLong(Stored::srvModified).max();
    }

    // ================================================================ v3

    /**
     * v3 {@code POST /<collection>}: validates as Nightscout ({@code date} ms after 2000-01-01 or ISO, falling back
     * to {@code created_at}, stored as ms with {@code created_at} its UTC ISO; {@code utcOffset} −1440..1440, filled
     * from the parsed offset when absent; {@code app} non-blank: else 400 "Bad or missing date field" / "Bad or
     * missing utcOffset field" / "Bad or missing app field"), computes {@code identifier} when absent (UUID v5 of
     * "&lt;device&gt;_&lt;date&gt;[_&lt;eventType&gt;]" in the "NightscoutRocks!" namespace), and dedupes by
     * identifier (a 24-hex one also matching a v1 document's {@code _id}), else — among documents without an
     * identifier of their own (v1 documents), when all the fields are present — entries {date, type}, treatments
     * {created_at, eventType}, devicestatus {created_at, device}, profile/food {created_at}. A match is replaced
     * (200, isDeduplication; the answer's identifier is the one sent or computed, deduplicatedIdentifier the
     * matched document's when different; a read-only match → 422; a changed immutable field → 400), otherwise the
     * document is new (201). Sets srvCreated (kept on replacement), srvModified and {@code subject} (when given).
     */
    Written v3Create(UUID owner, Collection c, ObjectNode input, String subject) {
        long now = clock.millis();
        ObjectNode doc = v3Prepare(c, input);
        return jdbi.inTransaction(h -> {
            lock(h, owner, c);
            String identifier = doc.get("identifier").asText();
            Optional<Stored> match = byIdentifier(h, owner, c, identifier);
            if (match.isEmpty() && hasDedupeFields(c, doc)) {
                match = byDedupeWithoutIdentifier(h, owner, c, dedupeKeys(owner, c, doc));
            }
            if (match.isPresent()) {
                Stored old = match.get();
                readOnly(old);
                if (old.valid()) {
                    immutable(doc, old, true);
                }
                if (subject != null) {
                    doc.put("subject", subject);
                }
                Stored stored = write(h, owner, c, doc, old, now, identifier);
                String dedup = old.identifier().equals(identifier) ? null : old.identifier();
                return new Written(false, true, identifier, dedup, stored.srvModified(), stored);
            }
            if (subject != null) {
                doc.put("subject", subject);
            }
            Stored stored = write(h, owner, c, doc, null, now, identifier);
            return new Written(true, false, identifier, null, stored.srvModified(), stored);
        });
    }

    /** v3 {@code GET /<collection>/<identifier>}: the document, soft-deleted ones too ({@link Stored#valid()}: 410). */
    Optional<Stored> v3Read(UUID owner, Collection c, String identifier) {
        return jdbi.withHandle(h -> byIdentifier(h, owner, c, identifier));
    }

    /**
     * v3 {@code PUT /<collection>/<identifier>}: replaces the document (validated as a create; its immutable
     * fields, when sent, must equal the stored ones: else 400 "Field X cannot be modified by the client"; a
     * read-only one → 422; a soft-deleted one → 410), or stores it under that identifier (created, 201).
     */
    Written v3Put(UUID owner, Collection c, String identifier, ObjectNode input, String subject) {
        long now = clock.millis();
        ObjectNode body = input.deepCopy();
        if (!body.hasNonNull("identifier")) {
            body.put("identifier", identifier);
        }
        ObjectNode doc = v3Prepare(c, body);
        return jdbi.inTransaction(h -> {
            lock(h, owner, c);
            Optional<Stored> existing = byIdentifier(h, owner, c, identifier);
            if (existing.isEmpty()) {
                if (!doc.get("identifier").asText().equals(identifier)) {
                    throw new Invalid(400, "Field identifier cannot be modified by the client");
                }
                if (subject != null) {
                    doc.put("subject", subject);
                }
                Stored stored = write(h, owner, c, doc, null, now, identifier);
                return new Written(true, false, identifier, null, stored.srvModified(), stored);
            }
            Stored old = existing.get();
            gone(old);
            readOnly(old);
            doc.put("identifier", old.identifier());
            immutable(doc, old, false);
            if (subject != null) {
                doc.put("subject", subject);
            } else if (old.doc().has("subject")) {
                doc.set("subject", old.doc().get("subject"));
            }
            Stored stored = write(h, owner, c, doc, old, now, old.identifier());
            return new Written(false, false, old.identifier(), null, stored.srvModified(), stored);
        });
    }

    /**
     * v3 {@code PATCH /<collection>/<identifier>}: merges the given top-level fields into the document, sets
     * {@code modifiedBy} (when given) and srvModified. 404 when missing, 410 when soft-deleted, 422 read-only,
     * 400 "Field X cannot be modified by the client" for a changed immutable field.
     */
    Stored v3Patch(UUID owner, Collection c, String identifier, ObjectNode patch, String modifiedBy) {
        if (patch == null || patch.isEmpty()) {
            throw new Invalid(400, "Bad or missing request body");
        }
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            lock(h, owner, c);
            Stored old = byIdentifier(h, owner, c, identifier)
                    .orElseThrow(() -> new Invalid(404, "Document not found"));
            gone(old);
            readOnly(old);
            immutable(patch, old, false);
            ObjectNode doc = old.doc().deepCopy();
            for (Map.Entry<String, JsonNode> e : patch.properties()) {
                if (!SERVER_FIELDS.contains(e.getKey()) && !e.getKey().equals("_id")) {
                    doc.set(e.getKey(), e.getValue());
                }
            }
            if (modifiedBy != null) {
                doc.put("modifiedBy", modifiedBy);
            }
            return write(h, owner, c, doc, old, now, old.identifier());
        });
    }

    /**
     * v3 {@code DELETE /<collection>/<identifier>}: soft (isValid false, srvModified bumped; history shows it) or,
     * when {@code permanent}, for good. False when there is no such document (404).
     */
    boolean v3Delete(UUID owner, Collection c, String identifier, boolean permanent) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            lock(h, owner, c);
            Optional<Stored> old = byIdentifier(h, owner, c, identifier);
            if (old.isEmpty()) {
                return false;
            }
            if (permanent) {
                h.createUpdate("delete from nightscout_document where owner_id = :o and collection = :c and id = :id")
                        .bind("o", owner).bind("c", c.path).bind("id", old.get().id()).execute();
            } else {
                h.createUpdate("""
                                update nightscout_document set is_valid = false,
                                       srv_modified = greatest(:now, srv_modified + 1)
                                where owner_id = :o and collection = :c and id = :id""")
                        .bind("o", owner).bind("c", c.path).bind("id", old.get().id()).bind("now", now).execute();
            }
            return true;
        });
    }

    /**
     * v3 {@code GET /<collection>/history/<ms>}: documents modified after {@code sinceMillis} (srvModified &gt;),
     * ascending, soft-deleted ones included ({@code isValid: false} in {@link Stored#v3()}), at most {@code limit}
     * (1..{@value #HISTORY_MAX}); with their largest srvModified for {@code ETag: W/"<ms>"}.
     */
    History v3History(UUID owner, Collection c, long sinceMillis, int limit) {
        int n = Math.max(1, Math.min(HISTORY_MAX, limit));
        List<Stored> docs = jdbi.withHandle(h -> h.createQuery("""
                        select * from nightscout_document
                        where owner_id = :o and collection = :c and srv_modified > :since
                        order by srv_modified, id limit :n""")
                .bind("o", owner).bind("c", c.path).bind("since", sinceMillis).bind("n", n)
                .map((rs, ctx) -> row(owner, c, rs)).list());
        return new History(docs, newestModified(docs));
    }

    /** The newest srvModified of a collection (v3 {@code lastModified}); empty when it holds nothing. */
    OptionalLong lastModified(UUID owner, Collection c) {
        Long max = jdbi.withHandle(h -> h.createQuery("""
                        select max(srv_modified) from nightscout_document where owner_id = :o and collection = :c""")
                .bind("o", owner).bind("c", c.path).mapTo(Long.class).one());
        return max == null ? OptionalLong.empty() : OptionalLong.of(max);
    }

    /** The newest srvModified of each collection that holds something (v3 {@code /lastModified}). */
    Map<Collection, Long> lastModified(UUID owner) {
        Map<Collection, Long> out = new EnumMap<>(Collection.class);
        jdbi.useHandle(h -> h.createQuery("""
                        select collection, max(srv_modified) as m from nightscout_document where owner_id = :o
                        group by collection""")
                .bind("o", owner)
                .map((rs, ctx) -> Map.entry(rs.getString("collection"), rs.getLong("m")))
                .forEach(e -> Collection.of(e.getKey()).ifPresent(col -> out.put(col, e.getValue()))));
        return out;
    }

    /**
     * Every document of the owner in a collection, soft-deleted ones too, oldest first, one page in memory at a time
     * (the export).
     */
    void forEach(UUID owner, Collection c, java.util.function.Consumer<Stored> each) {
        Long cursorTime = null;
        String cursorId = null;
        while (true) {
            Long ct = cursorTime;
            String ci = cursorId;
            List<Stored> rows = jdbi.withHandle(h -> {
                var q = h.createQuery("select * from nightscout_document where owner_id = :o and collection = :c"
                                + (ct == null ? "" : " and (time_ms, id) > (:ct, :ci)")
                                + " order by time_ms, id limit :n")
                        .bind("o", owner).bind("c", c.path).bind("n", PAGE);
                if (ct != null) {
                    q.bind("ct", ct).bind("ci", ci);
                }
                return q.map((rs, ctx) -> row(owner, c, rs)).list();
            });
            rows.forEach(each);
            if (rows.size() < PAGE) {
                return;
            }
            cursorTime = rows.get(rows.size() - 1).time();
            cursorId = rows.get(rows.size() - 1).id();
        }
    }

    /** How many documents of a collection the owner has (valid ones). */
    long count(UUID owner, Collection c) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select count(*) from nightscout_document
                        where owner_id = :o and collection = :c and is_valid""")
                .bind("o", owner).bind("c", c.path).mapTo(Long.class).one());
    }

    // ================================================================ v1 preparation

    private ObjectNode v1Prepare(Collection c, ObjectNode doc, long now) {
        switch (c) {
            case TREATMENTS -> {
                JsonNode eventTime = doc.remove("eventTime");
                JsonNode at = eventTime != null && !eventTime.isNull() ? eventTime : doc.get("created_at");
                long t;
                Integer offset = null;
                if (at == null || at.isNull() || (at.isTextual() && at.textValue().isBlank())) {
                    t = now;
                } else if (at.isNumber()) {
                    t = at.asLong();
                } else {
                    OptionalLong parsed = NsQuery.parseInstant(at.asText());
                    if (parsed.isEmpty()) {
                        throw new Invalid(422, "Treatments created_at must be an ISO-8601 date");
                    }
                    t = parsed.getAsLong();
                    offset = NsQuery.offsetMinutes(at.asText()).orElse(0);
                }
                doc.put("created_at", iso(t));
                utcOffset(doc, offset == null ? 0 : offset);
                numbers(doc, TREATMENT_NUMBERS, "");
                if ("Announcement".equals(doc.path("eventType").asText(null))) {
                    doc.put("isAnnouncement", true);
                }
                JsonNode id = doc.get("_id");
                if (id != null && !id.isNull() && !isObjectId(id)) {
                    // a client id that is no ObjectId (Loop's sync ids): kept as its identifier, as Nightscout does
                    if (!doc.hasNonNull("identifier")) {
                        doc.put("identifier", id.asText());
                    }
                    doc.remove("_id");
                }
            }
            case DEVICESTATUS, PROFILE, FOOD, SETTINGS -> {
                JsonNode id = doc.get("_id");
                if (id != null && !id.isNull() && !isObjectId(id)) {
                    throw new Invalid(400, "Invalid _id format");
                }
                JsonNode at = doc.get("created_at");
                if (c == Collection.DEVICESTATUS) {
                    // created_at normalised to UTC ISO (missing or invalid: now), utcOffset from its offset
                    OptionalLong parsed = at == null ? OptionalLong.empty()
                            : at.isNumber() ? OptionalLong.of(at.asLong()) : NsQuery.parseInstant(at.asText());
                    doc.put("created_at", iso(parsed.orElse(now)));
                    utcOffset(doc, parsed.isPresent() && at.isTextual()
                            ? NsQuery.offsetMinutes(at.textValue()).orElse(0) : 0);
                } else if (at == null || at.isNull()) {
                    doc.put("created_at", iso(now)); // profile: only a missing created_at is filled in
                }
            }
            case ENTRIES -> {
                numbers(doc, ENTRY_NUMBERS, "Entry ");
                JsonNode ds = doc.get("dateString");
                JsonNode date = doc.get("date");
                long t;
                if (ds != null && ds.isTextual() && NsQuery.parseInstant(ds.textValue()).isPresent()) {
                    t = NsQuery.parseInstant(ds.textValue()).getAsLong();
                    if (!doc.hasNonNull("utcOffset")) {
                        doc.put("utcOffset", NsQuery.offsetMinutes(ds.textValue()).orElse(0));
                    }
                } else if (date != null && date.isNumber()) {
                    t = date.asLong();
                } else {
                    throw new Invalid(400, "Entries need a date (epoch ms) or a dateString (ISO-8601)");
                }
                if (date == null || !date.isNumber()) {
                    doc.put("date", t);
                }
                doc.put("dateString", iso(t));
                doc.put("sysTime", iso(t));
                if (!doc.hasNonNull("type")) {
                    throw new Invalid(400, "Entries need a type (sgv, mbg, cal, …)");
                }
                JsonNode id = doc.get("_id");
                if (id != null && !id.isNull() && !isObjectId(id)) {
                    if (!doc.hasNonNull("identifier")) {
                        doc.put("identifier", id.asText());
                    }
                    doc.remove("_id");
                }
            }
            default -> throw new IllegalStateException();
        }
        if (doc.has("_id") && doc.get("_id").isNull()) {
            doc.remove("_id");
        }
        return doc;
    }

    /** Stores one prepared v1 document with its collection's dedupe (inside the batch's transaction). */
    private Stored v1Store(Handle h, UUID owner, Collection c, ObjectNode doc, long now) {
        Stored existing = null;
        String id = doc.hasNonNull("_id") ? doc.get("_id").asText().toLowerCase(java.util.Locale.ROOT) : null;
        if (id != null) {
            doc.put("_id", id);
        }
        switch (c) {
            case TREATMENTS -> {
                if (doc.hasNonNull("identifier")) {
                    existing = byIdentifier(h, owner, c, doc.get("identifier").asText()).orElse(null);
                }
                if (existing == null && id != null) {
                    existing = byId(h, owner, c, id).orElse(null);
                }
                if (existing == null) {
                    existing = byDedupe(h, owner, c, dedupeKeys(owner, c, doc)).orElse(null);
                }
                if (existing != null) {
                    doc.put("_id", existing.id());
                }
            }
            case ENTRIES -> {
                existing = byDedupe(h, owner, c, dedupeKeys(owner, c, doc)).orElse(null);
                if (existing != null) {
                    ObjectNode merged = existing.doc().deepCopy();
                    merged.setAll(doc);
                    merged.put("_id", existing.id());
                    doc = merged;
                }
            }
            default -> {
                if (id != null) {
                    existing = byId(h, owner, c, id).orElse(null);
                }
            }
        }
        return write(h, owner, c, doc, existing, now, null);
    }

    // ================================================================ v3 preparation

    ObjectNode v3Prepare(Collection c, ObjectNode input) {
        if (input == null || input.isEmpty()) {
            throw new Invalid(400, "Bad or missing request body");
        }
        ObjectNode doc = input.deepCopy();
        for (String f : SERVER_FIELDS) {
            doc.remove(f);
        }
        doc.remove("_id");
        // parseDate: date as ms (or epoch seconds, or a numeric string) or ISO, else created_at; created_at written
        // as the UTC ISO of date
        Long t = null;
        Integer offset = null;
        for (String field : List.of("date", "created_at")) {
            JsonNode source = doc.get(field);
            if (t != null || source == null || source.isNull()) {
                continue;
            }
            Double n = source.isNumber() ? Double.valueOf(source.asDouble()) : null;
            if (n == null && source.isTextual() && source.textValue().trim().matches("-?\\d+(\\.\\d+)?")) {
                n = Double.parseDouble(source.textValue().trim());
            }
            if (n != null) {
                double ms = n < MIN_V3_DATE ? n * 1000 : n;
                if (ms >= MIN_V3_DATE && ms < 1e15) {
                    t = (long) ms;
                    offset = 0;
                }
            } else if (source.isTextual()) {
                OptionalLong parsed = NsQuery.parseInstant(source.textValue());
                if (parsed.isPresent() && parsed.getAsLong() >= MIN_V3_DATE) {
                    t = parsed.getAsLong();
                    offset = NsQuery.offsetMinutes(source.textValue()).orElse(0);
                }
            }
        }
        if (t == null || t <= MIN_V3_DATE) {
            throw new Invalid(400, "Bad or missing date field");
        }
        doc.put("date", t);
        doc.put("created_at", iso(t));
        if (!doc.has("utcOffset") || doc.get("utcOffset").isNull()) {
            doc.put("utcOffset", offset);
        }
        JsonNode utcOffset = doc.get("utcOffset");
        if (!utcOffset.isIntegralNumber() || utcOffset.asLong() < -1440 || utcOffset.asLong() > 1440) {
            throw new Invalid(400, "Bad or missing utcOffset field");
        }
        JsonNode app = doc.get("app");
        if (app == null || !app.isTextual() || app.textValue().isBlank()) {
            throw new Invalid(400, "Bad or missing app field");
        }
        if (c == Collection.ENTRIES) {
            numbers(doc, List.of("sgv", "mbg", "filtered", "unfiltered", "rssi", "noise", "delta"), "Entry ");
        }
        if (!doc.hasNonNull("identifier") || doc.get("identifier").asText().isBlank()) {
            doc.put("identifier", v5Identifier(doc));
        } else if (!doc.get("identifier").isTextual()) {
            doc.put("identifier", doc.get("identifier").asText());
        }
        return doc;
    }

    /**
     * Nightscout v3's computed identifier: UUID v5 in the namespace of the bytes of "NightscoutRocks!" of
     * "&lt;device&gt;_&lt;date&gt;" plus "_&lt;eventType&gt;" when there is one (JavaScript string concatenation: a
     * missing device reads "undefined").
     */
    static String v5Identifier(ObjectNode doc) {
        JsonNode device = doc.get("device");
        String key = (device == null ? "undefined" : device.isNull() ? "null" : device.asText()) + "_"
                + doc.path("date").asLong();
        JsonNode eventType = doc.get("eventType");
        if (eventType != null && !eventType.isNull() && !eventType.asText().isEmpty()) {
            key += "_" + eventType.asText();
        }
        return uuidV5(UUID_NAMESPACE, key).toString();
    }

    static UUID uuidV5(byte[] namespace, String name) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(namespace);
            byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
            ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
            return new UUID(b.getLong(), b.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void readOnly(Stored old) {
        JsonNode d = old.doc();
        if (d.path("isReadOnly").asBoolean(false) || d.path("readOnly").asBoolean(false)
                || d.path("readonly").asBoolean(false)) {
            throw new Invalid(422, "Trying to modify read-only document");
        }
    }

    private static void gone(Stored old) {
        if (!old.valid()) {
            throw new Invalid(410, "Document has been deleted");
        }
    }

    /**
     * Nightscout's {@code update/validate.js}: a sent immutable field must equal the stored one. Deliberate
     * difference: a field the stored document does not have may be added (Nightscout refuses it, so its v3 fallback
     * dedupe of a v1 treatment — which has no {@code date} or {@code app} — always fails with "Field date cannot be
     * modified by the client").
     */
    private static void immutable(ObjectNode input, Stored old, boolean deduplication) {
        ObjectNode stored = old.v3();
        for (String f : IMMUTABLE) {
            if (deduplication && f.equals("identifier")) {
                continue; // a deduplication may give a v1 document its identifier
            }
            JsonNode sent = input.get(f);
            if (sent != null && stored.hasNonNull(f) && !sent.equals(stored.get(f))) {
                JsonNode was = stored.get(f);
                boolean sameNumber = was != null && was.isNumber() && sent.isNumber()
                        && was.asDouble() == sent.asDouble();
                if (!sameNumber) {
                    throw new Invalid(400, "Field " + f + " cannot be modified by the client");
                }
            }
        }
    }

    // ================================================================ rows

    /**
     * Inserts or replaces one document. The row's {@code _id}: the replaced row's, else the document's (already
     * checked 24 hex), else a new ObjectId. srvCreated is kept on replacement, srvModified is now (strictly after
     * the previous value, so history never misses a change made in the same millisecond).
     */
    private Stored write(Handle h, UUID owner, Collection c, ObjectNode doc, Stored old, long now,
                         String identifier) {
        String id = old != null ? old.id() : doc.hasNonNull("_id") ? doc.get("_id").asText() : objectId(now);
        doc.put("_id", id);
        for (String f : SERVER_FIELDS) {
            doc.remove(f);
        }
        String ident = identifier != null ? identifier
                : doc.hasNonNull("identifier") ? doc.get("identifier").asText() : id;
        long time = NsQuery.timeOf(c, doc);
        if (time == Long.MIN_VALUE) {
            time = c == Collection.PROFILE ? NsQuery.parseInstant(doc.path("created_at").asText()).orElse(now) : now;
        }
        long created = old != null ? old.srvCreated() : now;
        long modified = old != null ? Math.max(now, old.srvModified() + 1) : now;
        byte[] enc = keys.encrypt(owner, context(c, id), json(doc));
        h.createUpdate("""
                        insert into nightscout_document (owner_id, collection, id, identifier_key, time_ms, srv_created,
                                                         srv_modified, is_valid, dedupe_key, doc_enc)
                        values (:o, :c, :id, :ik, :t, :sc, :sm, true, :dk, :d)
                        on conflict (owner_id, collection, id) do update set identifier_key = excluded.identifier_key,
                            time_ms = excluded.time_ms, srv_modified = excluded.srv_modified, is_valid = true,
                            dedupe_key = excluded.dedupe_key, doc_enc = excluded.doc_enc""")
                .bind("o", owner).bind("c", c.path).bind("id", id).bind("ik", identifierKey(owner, c, ident))
                .bind("t", time).bind("sc", created).bind("sm", modified).bind("dk", dedupeKey(owner, c, doc))
                .bind("d", enc).execute();
        return new Stored(c, id, ident, time, created, modified, true, doc.deepCopy());
    }

    /** Valid rows matching the query, read newest-first (or oldest-first for an ascending time order) in pages. */
    private List<Stored> scan(UUID owner, Collection c, NsQuery query, int enough) {
        long from = query.fromMillis().orElse(Long.MIN_VALUE);
        long to = query.toMillis().orElse(Long.MAX_VALUE);
        boolean ascending = timeOrdered(c, query) && !query.descending();
        List<Stored> out = new ArrayList<>();
        if (from > to) {
            return out;
        }
        int read = 0;
        Long cursorTime = null;
        String cursorId = null;
        while (read < SCAN_CAP && out.size() < enough) {
            int page = Math.min(PAGE, SCAN_CAP - read);
            String cmp = ascending ? ">" : "<";
            String sql = "select * from nightscout_document where owner_id = :o and collection = :c and is_valid"
                    + " and time_ms between :from and :to"
                    + (cursorTime == null ? "" : " and (time_ms, id) " + cmp + " (:ct, :ci)")
                    + " order by time_ms " + (ascending ? "asc" : "desc") + ", id " + (ascending ? "asc" : "desc")
                    + " limit :n";
            Long ct = cursorTime;
            String ci = cursorId;
            List<Stored> rows = jdbi.withHandle(h -> {
                var q = h.createQuery(sql).bind("o", owner).bind("c", c.path).bind("from", from).bind("to", to)
                        .bind("n", page);
                if (ct != null) {
                    q.bind("ct", ct).bind("ci", ci);
                }
                return q.map((rs, ctx) -> row(owner, c, rs)).list();
            });
            for (Stored s : rows) {
                if (query.test(s.doc())) {
                    out.add(s);
                    if (out.size() >= enough) {
                        break;
                    }
                }
            }
            read += rows.size();
            if (rows.size() < page) {
                break;
            }
            Stored last = rows.get(rows.size() - 1);
            cursorTime = last.time();
            cursorId = last.id();
        }
        return out;
    }

    /** Whether the query's order is the collection's time order (so the scan can stop early). */
    private static boolean timeOrdered(Collection c, NsQuery query) {
        return query.sortField() == null || query.sortField().equals(c.timeField)
                || c.exactTimeFields.contains(query.sortField());
    }

    private Optional<Stored> byId(Handle h, UUID owner, Collection c, String id) {
        return h.createQuery("select * from nightscout_document where owner_id = :o and collection = :c and id = :id")
                .bind("o", owner).bind("c", c.path).bind("id", id).map((rs, ctx) -> row(owner, c, rs)).findOne();
    }

    /** By identifier; a 24-hex identifier also finds the document with that {@code _id} (v1 documents). */
    private Optional<Stored> byIdentifier(Handle h, UUID owner, Collection c, String identifier) {
        if (identifier == null || identifier.isEmpty() || identifier.length() > 1024) {
            return Optional.empty();
        }
        Optional<Stored> found = h.createQuery("""
                        select * from nightscout_document where owner_id = :o and collection = :c
                          and identifier_key = any(:k::bytea[]) order by srv_modified desc limit 1""")
                .bind("o", owner).bind("c", c.path).bind("k", identifierKeys(owner, c, identifier))
                .map((rs, ctx) -> row(owner, c, rs)).findOne();
        if (found.isEmpty() && identifier.matches("[0-9a-fA-F]{24}")) {
            return byId(h, owner, c, identifier.toLowerCase(java.util.Locale.ROOT));
        }
        return found;
    }

    private Optional<Stored> byDedupe(Handle h, UUID owner, Collection c, byte[][] key) {
        return h.createQuery("""
                        select * from nightscout_document where owner_id = :o and collection = :c
                          and dedupe_key = any(:k::bytea[]) order by srv_modified desc limit 1""")
                .bind("o", owner).bind("c", c.path).bind("k", key)
                .map((rs, ctx) -> row(owner, c, rs)).findOne();
    }

    /** v3's fallback dedupe: only documents without an identifier of their own (v1 documents) match. */
    private Optional<Stored> byDedupeWithoutIdentifier(Handle h, UUID owner, Collection c, byte[][] key) {
        return h.createQuery("""
                        select * from nightscout_document where owner_id = :o and collection = :c
                          and dedupe_key = any(:k::bytea[]) order by srv_modified desc limit 50""")
                .bind("o", owner).bind("c", c.path).bind("k", key)
                .map((rs, ctx) -> row(owner, c, rs)).stream()
                .filter(s -> !s.doc().hasNonNull("identifier")).findFirst();
    }

    /** Whether the document has every field of its collection's v3 fallback dedupe. */
    private static boolean hasDedupeFields(Collection c, ObjectNode doc) {
        return switch (c) {
            case ENTRIES -> doc.has("date") && doc.has("type");
            case TREATMENTS -> doc.has("created_at") && doc.has("eventType");
            case DEVICESTATUS -> doc.has("created_at") && doc.has("device");
            case PROFILE, FOOD -> doc.has("created_at");
            case SETTINGS -> false;
        };
    }

    private Stored row(UUID owner, Collection c, ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        ObjectNode doc;
        try {
            doc = (ObjectNode) mapper.readTree(keys.decrypt(owner, context(c, id), rs.getBytes("doc_enc")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String ident = doc.hasNonNull("identifier") ? doc.get("identifier").asText() : id;
        return new Stored(c, id, ident, rs.getLong("time_ms"), rs.getLong("srv_created"), rs.getLong("srv_modified"),
                rs.getBoolean("is_valid"), doc);
    }

    /** Serialises the writes of one owner's collection (dedupe lookups and inserts see each other). */
    private static void lock(Handle h, UUID owner, Collection c) {
        h.execute("select pg_advisory_xact_lock(hashtextextended(?, 0))", "nightscout/" + owner + "/" + c.path);
    }

    private byte[] identifierKey(UUID owner, Collection c, String identifier) {
        return secrets.pseudonym("nightscout.identifier", owner + "\n" + c.path + "\n" + identifier);
    }

    /**
     * The identifier's key under every kept version of the deployment secret (the current first): a document stored
     * before a rotation is still found, and re-keyed when it is stored again (issue 16, V1.6.3).
     */
    private byte[][] identifierKeys(UUID owner, Collection c, String identifier) {
        return secrets.pseudonyms("nightscout.identifier", owner + "\n" + c.path + "\n" + identifier)
                .toArray(byte[][]::new);
    }

    /** As {@link #dedupeKey}, under every kept version of the deployment secret. */
    private byte[][] dedupeKeys(UUID owner, Collection c, ObjectNode doc) {
        return secrets.pseudonyms("nightscout.dedupe", dedupeInput(owner, c, doc)).toArray(byte[][]::new);
    }

    /**
     * The dedupe key: entries {time, type} (v1's sysTime and v3's date are the same instant), treatments
     * {created_at, eventType}, devicestatus {created_at, device}, profile/food/settings {created_at}.
     */
    private byte[] dedupeKey(UUID owner, Collection c, ObjectNode doc) {
        return secrets.pseudonym("nightscout.dedupe", dedupeInput(owner, c, doc));
    }

    private static String dedupeInput(UUID owner, Collection c, ObjectNode doc) {
        long t = switch (c) {
            case ENTRIES -> NsQuery.timeOf(c, doc);
            default -> NsQuery.parseInstant(doc.path("created_at").asText()).orElse(Long.MIN_VALUE);
        };
        String extra = switch (c) {
            case ENTRIES -> doc.path("type").asText("");
            case TREATMENTS -> doc.path("eventType").asText("");
            case DEVICESTATUS -> doc.path("device").asText("");
            default -> "";
        };
        return owner + "\n" + c.path + "\n" + t + "\n" + extra;
    }

    private static String context(Collection c, String id) {
        return "nightscout.document/" + c.path + "/" + id;
    }

    private byte[] json(ObjectNode doc) {
        try {
            return mapper.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sets {@code utcOffset} to the offset written in created_at, as Nightscout's {@code prepareData} does.
     * Deliberate difference: when created_at is in UTC (offset 0, as Loop and Trio write it) a valid utcOffset the
     * client sent (−1440..1440 minutes) is kept: a UTC time says nothing about the wearer's local offset.
     */
    private static void utcOffset(ObjectNode doc, int fromCreatedAt) {
        JsonNode sent = doc.get("utcOffset");
        boolean keep = fromCreatedAt == 0 && sent != null && sent.isIntegralNumber()
                && Math.abs(sent.asLong()) <= 1440;
        if (!keep) {
            doc.put("utcOffset", fromCreatedAt);
        }
    }

    /** Coerces numeric strings to numbers; a non-number is a 400 naming the field; null or "" removes it. */
    private static void numbers(ObjectNode doc, List<String> fields, String what) {
        for (String f : fields) {
            JsonNode v = doc.get(f);
            if (v == null || v.isNumber()) {
                continue;
            }
            if (v.isNull() || (v.isTextual() && v.textValue().isBlank())) {
                doc.remove(f);
                continue;
            }
            try {
                String s = v.asText().trim();
                if (!v.isTextual() || s.length() > 40) {
                    throw new NumberFormatException();
                }
                double d = Double.parseDouble(s);
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                    doc.put(f, (long) d);
                } else {
                    doc.put(f, d);
                }
            } catch (NumberFormatException e) {
                throw new Invalid(400, what + "field " + f + " must be a number");
            }
        }
    }

    private static boolean isObjectId(JsonNode id) {
        return id.isTextual() && id.textValue().matches("[0-9a-fA-F]{24}");
    }

    /** A new ObjectId-like {@code _id}: 4 bytes of seconds, 8 random bytes, as 24 lower-case hex. */
    static String objectId(long nowMillis) {
        byte[] b = new byte[12];
        ByteBuffer.wrap(b).putInt((int) (nowMillis / 1000));
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        System.arraycopy(r, 0, b, 4, 8);
        return HEX.formatHex(b);
    }

    /** Epoch ms as Nightscout's UTC ISO ({@code toISOString}: milliseconds and 'Z'). */
    static String iso(long millis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(millis));
    }
}
