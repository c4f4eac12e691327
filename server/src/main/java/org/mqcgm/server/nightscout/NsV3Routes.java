package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.nightscout.NsQuery.Collection;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Access.NsPermission;
import org.mqcgm.server.platform.security.AccessControl.NightscoutRefused;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;

/**
 * The Nightscout API v3 (nightscout-api.md §2.7, what AAPS's NSClient v3 calls A1–A15), at {@code /api/v3} under
 * both prefixes ({@link NsApiRoutes#PREFIXES}); docs/nightscout.md "API v3".
 *
 * <p>Reads answer {@code {status, result}}; creates {@code {status, identifier, lastModified[, isDeduplication,
 * deduplicatedIdentifier]}} at the top level (201 with {@code Location} for a new document, 200 for a duplicate);
 * errors {@code {status, message}} (and {@code description: null}, the server's Nightscout error shape). Credentials are any Nightscout credential of the wearer (normally the bearer JWT
 * from {@code /api/v2/authorization/request/<token>}); a missing or bad one is a 401, which is what makes AAPS fetch
 * a JWT (its first call carries an empty {@code Bearer }). AAPS's {@code Date: <ms>} header is ignored.
 *
 * <p><b>Entries are our readings</b> plus the non-sgv entries kept in {@link NsDocuments}. A reading is an
 * {@code sgv} entry whose {@code identifier} is its derived {@code _id} ({@link NsEntries#id}): a client's own
 * identifier of an sgv entry is replaced by it (the create answers the one to use). Readings have no modification
 * time: their {@code srvCreated} and {@code srvModified} are the reading's own time, so a history since {@code x}
 * lists the readings taken after {@code x} — a reading backfilled later with a time older than the client's last
 * sync is not in its history (a search by date finds it). Deleting a reading removes it for good (readings have no
 * soft delete), so it does not appear in history as {@code isValid: false}; a duplicate sgv create keeps the stored
 * reading (200, isDeduplication).
 */
final class NsV3Routes {

    /** Nightscout's API v3 version we follow. */
    static final String API_VERSION = "3.0.3-alpha";
    static final int MAX_LIMIT = NsQuery.V3_MAX_LIMIT;
    private static final Duration TREND_MARGIN = Duration.ofMinutes(20);
    private static final Duration CHUNK = Duration.ofDays(7);
    private static final List<Collection> COLLECTIONS = List.of(Collection.DEVICESTATUS, Collection.ENTRIES,
            Collection.FOOD, Collection.PROFILE, Collection.SETTINGS, Collection.TREATMENTS);

    private final NightscoutFeature.Glucose glucose;
    private final NsDocuments documents;
    private final NsAuth auth;
    private final ObjectMapper mapper;
    private final Clock dataClock;
    private final Clock systemClock;
    /** Treatments of the logbook's kinds become check-ins (set by the feature; none in unit wiring). */
    private NsTreatmentLog treatmentLog;

    /** Mirrors treatments written through v3 into the logbook, as v1 does. */
    NsV3Routes withTreatmentLog(NsTreatmentLog log) {
        this.treatmentLog = log;
        return this;
    }

    private void mirror(UUID owner, Collection c, NsDocuments.Stored stored) {
        if (c == Collection.TREATMENTS && treatmentLog != null && stored != null) {
            if (stored.valid()) {
                treatmentLog.mirror(owner, stored.v1());
            } else {
                treatmentLog.unmirror(owner, stored.id());
            }
        }
    }

    NsV3Routes(NightscoutFeature.Glucose glucose, NsDocuments documents, NsAuth auth, ObjectMapper mapper,
               Clock dataClock, Clock systemClock) {
        this.glucose = glucose;
        this.documents = documents;
        this.auth = auth;
        this.mapper = mapper;
        this.dataClock = dataClock;
        this.systemClock = systemClock;
    }

    void register(Routes routes) {
        Access read = Access.nightscout(NsPermission.READ);
        Access write = Access.nightscout(NsPermission.WRITE);
        for (String p : NsApiRoutes.PREFIXES) {
            String v3 = p + "/api/v3";
            // the fixed paths first: they win over /{collection}
            routes.get(v3 + "/version", read, v3(this::version));
            routes.get(v3 + "/status", read, v3(this::status));
            routes.get(v3 + "/lastModified", read, v3(this::lastModified));
            routes.get(v3 + "/{collection}", read, v3(this::search));
            routes.post(v3 + "/{collection}", write, v3(this::create));
            routes.get(v3 + "/{collection}/history", read, v3(ctx -> history(ctx, null)));
            routes.get(v3 + "/{collection}/history/{since}", read, v3(ctx -> history(ctx, ctx.pathParam("since"))));
            routes.get(v3 + "/{collection}/{identifier}", read, v3(this::readOne));
            routes.put(v3 + "/{collection}/{identifier}", write, v3(ctx -> update(ctx, false)));
            routes.patch(v3 + "/{collection}/{identifier}", write, v3(ctx -> update(ctx, true)));
            routes.delete(v3 + "/{collection}/{identifier}", write, v3(this::delete));
        }
    }

    /** Bad input of a v3 call: {@code {status, message}} with Nightscout's texts, never a 5xx. */
    private Handler v3(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (NsDocuments.Invalid e) {
                error(ctx, e.status(), e.getMessage());
            } catch (NightscoutRefused e) {
                error(ctx, e.status(), e.description() == null ? e.getMessage() : e.description());
            }
        };
    }

    /** {@code {status, message, description: null}} (written by the server's Nightscout error handler). */
    private static void error(Context ctx, int status, String message) {
        throw new NightscoutRefused(status, message, null);
    }

    private static Collection collection(Context ctx) {
        return Collection.of(ctx.pathParam("collection"))
                .orElseThrow(() -> new NsDocuments.Invalid(404, "Collection not found"));
    }

    // --- version, status, lastModified -----------------------------------------------------------------------

    private ObjectNode versionResult() {
        ObjectNode r = mapper.createObjectNode();
        r.put("version", NsApiRoutes.NIGHTSCOUT_VERSION);
        r.put("apiVersion", API_VERSION);
        r.put("srvDate", systemClock.millis());
        r.putObject("storage").put("storage", "postgresql").put("version", "mqcgm");
        return r;
    }

    private void version(Context ctx) {
        ok(ctx, versionResult());
    }

    /** As version, plus {@code apiPermissions}: "crud" on all six for a read-and-write credential, else "r". */
    private void status(Context ctx) {
        ObjectNode r = versionResult();
        String perms = Principal.of(ctx).has(Scope.READINGS_WRITE) ? "crud" : "r";
        ObjectNode p = r.putObject("apiPermissions");
        for (Collection c : COLLECTIONS) {
            p.put(c.path, perms);
        }
        ok(ctx, r);
    }

    /**
     * The newest srvModified of each collection in ms (0 when it holds nothing); entries: the newest of our
     * readings' times and the other entries' srvModified.
     */
    private void lastModified(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        Map<Collection, Long> modified = documents.lastModified(owner);
        long readings = glucose.latest(owner, dataClock.instant().plus(Duration.ofDays(1)))
                .map(r -> r.time().toEpochMilli()).orElse(0L);
        ObjectNode r = mapper.createObjectNode();
        r.put("srvDate", systemClock.millis());
        ObjectNode cols = r.putObject("collections");
        for (Collection c : COLLECTIONS) {
            long m = modified.getOrDefault(c, 0L);
            if (c == Collection.ENTRIES) {
                m = Math.max(m, readings);
            } else if (c == Collection.TREATMENTS && treatmentLog != null) {
                m = Math.max(m, treatmentLog.lastChanged(owner)); // check-ins logged in mqcgm are treatments too
            }
            cols.put(c.path, m);
        }
        ok(ctx, r);
    }

    private void ok(Context ctx, JsonNode result) {
        ObjectNode body = mapper.createObjectNode().put("status", 200);
        body.set("result", result);
        ctx.json(body);
    }

    // --- search, history, read ---------------------------------------------------------------------------------

    /** {@code GET /<col>}: v3 filters, sort, limit (default and max 1000; more → 400), skip, fields. */
    private void search(Context ctx) {
        Collection c = collection(ctx);
        UUID owner = Principal.of(ctx).accountId();
        NsQuery query = NsQuery.v3(c, ctx.queryParamMap());
        int wanted = query.limit() + query.skip();
        List<ObjectNode> found = new ArrayList<>();
        for (NsDocuments.Stored d : documents.find(owner, c, query, wanted, 0)) {
            found.add(d.v3());
        }
        if (c == Collection.ENTRIES && query.mayMatchType("sgv")) {
            found.addAll(readings(owner, query, wanted));
            found.sort(query.order());
        }
        if (c == Collection.TREATMENTS && treatmentLog != null) {
            // check-ins logged in mqcgm are treatments too, as in v1
            Instant from = Instant.ofEpochMilli(Math.max(0, query.fromMillis().orElse(0)));
            Instant to = query.toMillis().isPresent() ? Instant.ofEpochMilli(query.toMillis().getAsLong() + 1)
                    : dataClock.instant().plus(Duration.ofDays(1));
            for (ObjectNode t : treatmentLog.v3Between(owner, from, to, wanted)) {
                if (query.test(t)) {
                    found.add(t);
                }
            }
            found.sort(query.order());
        }
        ArrayNode result = mapper.createArrayNode();
        int from = Math.min(found.size(), query.skip());
        for (ObjectNode d : found.subList(from, Math.min(found.size(), from + query.limit()))) {
            result.add(query.project(d));
        }
        ok(ctx, result);
    }

    /**
     * {@code GET /<col>/history/<ms|ISO>}: documents modified after that, ascending by srvModified, soft-deleted
     * ones included ({@code isValid: false}); {@code Last-Modified} and {@code ETag: W/"<max srvModified>"} (AAPS
     * parses the ETag by position); 304 when nothing is newer. Without the path parameter the request's
     * {@code Last-Modified} header (seconds) is the bound, inclusive.
     */
    private void history(Context ctx, String sinceParam) {
        Collection c = collection(ctx);
        UUID owner = Principal.of(ctx).accountId();
        long since;
        if (sinceParam != null) {
            since = instant(sinceParam).orElseThrow(() -> new NsDocuments.Invalid(400,
                    "Bad lastModified: epoch milliseconds or ISO-8601"));
        } else {
            String header = ctx.header("Last-Modified");
            if (header == null) {
                throw new NsDocuments.Invalid(400, "Missing lastModified: put it in the path or the Last-Modified"
                        + " header");
            }
            try {
                since = ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                        .toEpochMilli() - 1;
            } catch (DateTimeParseException e) {
                throw new NsDocuments.Invalid(400, "Bad Last-Modified header");
            }
        }
        int limit = limit(ctx.queryParam("limit"));
        List<ObjectNode> out = new ArrayList<>();
        for (NsDocuments.Stored d : documents.v3History(owner, c, since, limit).docs()) {
            out.add(d.v3());
        }
        if (c == Collection.TREATMENTS && treatmentLog != null) {
            out.addAll(treatmentLog.v3ChangedSince(owner, Instant.ofEpochMilli(since), limit));
        }
        if (c == Collection.ENTRIES || (c == Collection.TREATMENTS && treatmentLog != null)) {
            if (c == Collection.ENTRIES) {
                out.addAll(readingsAfter(owner, since, limit));
            }
            out.sort(Comparator.comparingLong((ObjectNode d) -> d.path("srvModified").asLong())
                    .thenComparing(d -> d.path("identifier").asText()));
            if (out.size() > limit) {
                // never end a page inside one millisecond: the client asks again from the last one, exclusive
                long cut = out.get(limit - 1).path("srvModified").asLong();
                int end = limit;
                while (end < out.size() && out.get(end).path("srvModified").asLong() == cut) {
                    end++;
                }
                out = new ArrayList<>(out.subList(0, end));
            }
        }
        if (out.isEmpty()) {
            ctx.status(304);
            return;
        }
        long max = out.stream().mapToLong(d -> d.path("srvModified").asLong()).max().orElseThrow();
        ctx.header("Last-Modified", httpDate(max));
        ctx.header("ETag", "W/\"" + max + "\"");
        ArrayNode result = mapper.createArrayNode();
        out.forEach(result::add);
        ok(ctx, result);
    }

    /** {@code GET /<col>/<identifier>}: 200, 404, 410 when soft-deleted, 304 after If-Modified-Since. */
    private void readOne(Context ctx) {
        Collection c = collection(ctx);
        UUID owner = Principal.of(ctx).accountId();
        String identifier = ctx.pathParam("identifier");
        ObjectNode doc;
        if (c == Collection.ENTRIES && NsEntries.instantOf(identifier).isPresent()) {
            doc = reading(owner, NsEntries.instantOf(identifier).get())
                    .orElseThrow(() -> new NsDocuments.Invalid(404, "Document not found"));
        } else {
            Optional<NsDocuments.Stored> stored = documents.v3Read(owner, c, identifier);
            Optional<ObjectNode> checkin = stored.isEmpty() && c == Collection.TREATMENTS && treatmentLog != null
                    ? treatmentLog.v3Checkin(owner, identifier) : Optional.empty();
            if (checkin.isPresent()) {
                doc = checkin.get();
            } else {
                NsDocuments.Stored found = stored.orElseThrow(() -> new NsDocuments.Invalid(404,
                        "Document not found"));
                if (!found.valid()) {
                    throw new NsDocuments.Invalid(410, "Document has been deleted");
                }
                doc = found.v3();
            }
        }
        long modified = doc.path("srvModified").asLong();
        if (NsApiRoutes.unchangedSince(ctx, Instant.ofEpochMilli(modified))) {
            ctx.status(304);
            return;
        }
        ctx.header("Last-Modified", httpDate(modified));
        ok(ctx, doc);
    }

    // --- create, update, delete --------------------------------------------------------------------------------

    /** {@code POST /<col>}: 201 + Location for a new document, 200 + isDeduplication for a known one. */
    private void create(Context ctx) {
        Collection c = collection(ctx);
        UUID owner = Principal.of(ctx).accountId();
        ObjectNode body = object(ctx);
        if (c == Collection.ENTRIES && isSgv(body)) {
            createReading(ctx, owner, body);
            return;
        }
        NsDocuments.Written w = documents.v3Create(owner, c, body, subject(ctx));
        mirror(owner, c, w.stored());
        ObjectNode answer = mapper.createObjectNode();
        if (w.created()) {
            ctx.status(201).header("Location", location(ctx, w.identifier()));
            answer.put("status", 201);
        } else {
            answer.put("status", 200);
        }
        answer.put("identifier", w.identifier());
        if (w.deduplication()) {
            answer.put("isDeduplication", true);
            if (w.deduplicatedIdentifier() != null) {
                answer.put("deduplicatedIdentifier", w.deduplicatedIdentifier());
            }
        }
        answer.put("lastModified", w.lastModified());
        ctx.json(answer);
    }

    private void createReading(Context ctx, UUID owner, ObjectNode body) {
        ObjectNode prepared = documents.v3Prepare(Collection.ENTRIES, body);
        Reading reading = parse(prepared);
        String identifier = NsEntries.id(reading.time());
        boolean known = reading(owner, reading.time()).isPresent();
        ObjectNode answer = mapper.createObjectNode();
        if (known) {
            answer.put("status", 200).put("identifier", identifier).put("isDeduplication", true);
            String sent = body.path("identifier").asText("");
            if (!sent.isEmpty() && !sent.equals(identifier)) {
                answer.put("deduplicatedIdentifier", identifier);
            }
        } else {
            glucose.store(owner, List.of(reading));
            ctx.status(201).header("Location", location(ctx, identifier));
            answer.put("status", 201).put("identifier", identifier);
        }
        answer.put("lastModified", reading.time().toEpochMilli());
        ctx.json(answer);
    }

    /** An sgv entry as a reading; a field of the wrong type or a value we do not store is a 400. */
    private Reading parse(ObjectNode entry) {
        NsEntries.Parsed parsed = NsEntries.parseSgv(entry, "entry", dataClock.instant().plus(Duration.ofMinutes(5)));
        return switch (parsed) {
            case NsEntries.Ok ok -> ok.reading();
            case NsEntries.Invalid inv -> throw new NsDocuments.Invalid(400, "Bad " + inv.field() + ": "
                    + inv.rule());
            case NsEntries.NotStored ns -> throw new NsDocuments.Invalid(400, "The sgv entry is not stored: "
                    + ns.reason());
        };
    }

    /**
     * {@code PUT} (replace, or store under that identifier: 201) and {@code PATCH} (merge): 200; 404 missing, 410
     * soft-deleted, 422 read-only, 400 "Field X cannot be modified by the client". {@code isValid: true} sent for a
     * valid document is no change (AAPS sends its whole record).
     */
    private void update(Context ctx, boolean patch) {
        Collection c = collection(ctx);
        UUID owner = Principal.of(ctx).accountId();
        String identifier = ctx.pathParam("identifier");
        ObjectNode body = object(ctx);
        JsonNode isValid = body.get("isValid");
        if (isValid != null && isValid.isBoolean() && isValid.booleanValue()) {
            body.remove("isValid");
        }
        if (c == Collection.ENTRIES && NsEntries.instantOf(identifier).isPresent()) {
            updateReading(ctx, owner, NsEntries.instantOf(identifier).get(), body, patch);
            return;
        }
        Optional<UUID> checkin = c == Collection.TREATMENTS && treatmentLog != null
                && documents.v3Read(owner, c, identifier).isEmpty()
                ? treatmentLog.checkin(owner, identifier) : Optional.empty();
        if (checkin.isPresent()) {
            // a check-in logged in mqcgm, served as a treatment: the change goes to the logbook
            ObjectNode changed = treatmentLog.v3Update(owner, checkin.get(), body, patch).orElseThrow(() ->
                    new NsDocuments.Invalid(400, "Bad or missing field: the treatment must stay a "
                            + "check-in of its kind within the logbook's ranges"));
            ctx.json(mapper.createObjectNode().put("status", 200).put("identifier", identifier)
                    .put("lastModified", changed.path("srvModified").asLong(systemClock.millis())));
            return;
        }
        ObjectNode answer = mapper.createObjectNode();
        if (patch) {
            NsDocuments.Stored s = documents.v3Patch(owner, c, identifier, body, subject(ctx));
            mirror(owner, c, s);
            answer.put("status", 200).put("identifier", s.identifier()).put("lastModified", s.srvModified());
        } else {
            NsDocuments.Written w = documents.v3Put(owner, c, identifier, body, subject(ctx));
            mirror(owner, c, w.stored());
            if (w.created()) {
                ctx.status(201).header("Location", location(ctx, w.identifier()));
            }
            answer.put("status", w.created() ? 201 : 200).put("identifier", w.identifier())
                    .put("lastModified", w.lastModified());
        }
        ctx.json(answer);
    }

    /**
     * A reading's value, direction or noise changed through PUT/PATCH: the reading of that second is replaced. Its
     * identifier, date, utcOffset and device cannot change (400), as for any v3 document.
     */
    private void updateReading(Context ctx, UUID owner, Instant time, ObjectNode body, boolean patch) {
        ObjectNode old = reading(owner, time).orElseThrow(() -> new NsDocuments.Invalid(404, "Document not found"));
        for (String f : NsDocuments.IMMUTABLE) {
            JsonNode sent = body.get(f);
            JsonNode was = old.get(f);
            boolean same = sent == null || (was != null && (sent.equals(was)
                    || (sent.isNumber() && was.isNumber() && sent.asDouble() == was.asDouble())));
            // a reading keeps no app, subject or modifiedBy: sending one changes nothing
            if (!same && was != null) {
                throw new NsDocuments.Invalid(400, "Field " + f + " cannot be modified by the client");
            }
        }
        ObjectNode merged = patch ? old.deepCopy() : mapper.createObjectNode();
        if (!patch) {
            merged.set("date", old.get("date"));
            merged.set("utcOffset", old.get("utcOffset"));
            merged.set("device", old.get("device"));
        }
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!NsDocuments.IMMUTABLE.contains(e.getKey())) {
                merged.set(e.getKey(), e.getValue());
            }
        }
        merged.remove("dateString");
        merged.remove("trend");
        Reading reading = parse(merged);
        glucose.delete(owner, time, time.plusSeconds(1));
        glucose.store(owner, List.of(reading));
        ctx.json(mapper.createObjectNode().put("status", 200).put("identifier", NsEntries.id(time))
                .put("lastModified", time.toEpochMilli()));
    }

    /** {@code DELETE /<col>/<identifier>[?permanent=true]}: soft by default; a reading is deleted for good. */
    private void delete(Context ctx) {
        Collection c = collection(ctx);
        UUID owner = Principal.of(ctx).accountId();
        String identifier = ctx.pathParam("identifier");
        boolean deleted;
        if (c == Collection.ENTRIES && NsEntries.instantOf(identifier).isPresent()) {
            Instant t = NsEntries.instantOf(identifier).get();
            deleted = glucose.delete(owner, t, t.plusSeconds(1)) > 0;
        } else {
            Optional<UUID> checkin = Optional.empty();
            if (c == Collection.TREATMENTS && treatmentLog != null) {
                Optional<NsDocuments.Stored> doc = documents.v3Read(owner, c, identifier);
                doc.ifPresent(d -> treatmentLog.unmirror(owner, d.id()));
                checkin = doc.isEmpty() ? treatmentLog.checkin(owner, identifier) : Optional.empty();
            }
            // a check-in logged in mqcgm is deleted from the logbook (for good: it has no soft delete)
            deleted = checkin.isPresent() ? treatmentLog.remove(owner, checkin.get())
                    : documents.v3Delete(owner, c, identifier, "true".equals(ctx.queryParam("permanent")));
        }
        if (!deleted) {
            throw new NsDocuments.Invalid(404, "Document not found");
        }
        ctx.json(mapper.createObjectNode().put("status", 200));
    }

    // --- readings as v3 entries ----------------------------------------------------------------------------------

    /** The reading of that second as a v3 entry. */
    private Optional<ObjectNode> reading(UUID owner, Instant time) {
        List<Reading> around = glucose.range(owner, time.minus(TREND_MARGIN), time.plusSeconds(1));
        if (around.isEmpty() || !around.get(around.size() - 1).time().equals(time)) {
            return Optional.empty();
        }
        return Optional.of(v3(NsEntries.toEntries(mapper, around, around.size() - 1).get(0)));
    }

    /** A reading's entry in v3's view: identifier = _id; srvCreated = srvModified = its time. */
    private static ObjectNode v3(ObjectNode entry) {
        entry.put("identifier", entry.path("_id").asText());
        long t = entry.path("date").asLong();
        entry.put("srvCreated", t);
        entry.put("srvModified", t);
        return entry;
    }

    /**
     * Our readings matching a v3 entries query: in the query's time order when it is ordered by {@code date} (or
     * not at all), stopping after {@code wanted}; otherwise up to {@link NsDocuments#SCAN_CAP} to be sorted by the
     * caller. Bounded: at most {@link NsApiRoutes#MAX_SCAN} of readings are looked at.
     */
    private List<ObjectNode> readings(UUID owner, NsQuery query, int wanted) {
        boolean timeOrdered = query.sortField() == null || query.sortField().equals("date");
        boolean ascending = timeOrdered && !query.descending();
        int cap = timeOrdered ? wanted : NsDocuments.SCAN_CAP;
        Instant latest = dataClock.instant().plus(Duration.ofDays(1));
        Instant to = query.toMillis().isPresent() && query.toMillis().getAsLong() < latest.toEpochMilli()
                ? Instant.ofEpochMilli(query.toMillis().getAsLong() + 1) : latest;
        Instant from = query.fromMillis().isPresent()
                ? Instant.ofEpochMilli(Math.max(0, query.fromMillis().getAsLong())) : Instant.EPOCH;
        if (from.isBefore(to.minus(NsApiRoutes.MAX_SCAN))) {
            from = to.minus(NsApiRoutes.MAX_SCAN);
        }
        List<ObjectNode> out = new ArrayList<>();
        if (ascending) {
            for (Instant f = from; out.size() < cap && f.isBefore(to); f = f.plus(CHUNK)) {
                Instant t = f.plus(CHUNK).isAfter(to) ? to : f.plus(CHUNK);
                List<ObjectNode> chunk = chunk(owner, f, t);
                java.util.Collections.reverse(chunk);
                take(chunk, query, out, cap);
            }
        } else {
            for (Instant t = to; out.size() < cap && t.isAfter(from); t = t.minus(CHUNK)) {
                Instant f = t.minus(CHUNK).isBefore(from) ? from : t.minus(CHUNK);
                take(chunk(owner, f, t), query, out, cap);
            }
        }
        return out;
    }

    private static void take(List<ObjectNode> chunk, NsQuery query, List<ObjectNode> out, int cap) {
        for (ObjectNode e : chunk) {
            if (out.size() >= cap) {
                return;
            }
            if (query.test(e)) {
                out.add(e);
            }
        }
    }

    /** The readings with {@code from <= time < to} as v3 entries, newest first. */
    private List<ObjectNode> chunk(UUID owner, Instant from, Instant to) {
        List<Reading> rs = glucose.range(owner, from.minus(TREND_MARGIN), to);
        int first = 0;
        while (first < rs.size() && rs.get(first).time().isBefore(from)) {
            first++;
        }
        List<ObjectNode> out = NsEntries.toEntries(mapper, rs, first);
        out.forEach(NsV3Routes::v3);
        return out;
    }

    /** Readings taken after {@code since} (ms), oldest first, at most {@code limit}; bounded like a search. */
    private List<ObjectNode> readingsAfter(UUID owner, long since, int limit) {
        Instant to = dataClock.instant().plus(Duration.ofDays(1));
        Instant from = Instant.ofEpochMilli(Math.max(0, since + 1));
        if (from.isBefore(to.minus(NsApiRoutes.MAX_SCAN))) {
            from = to.minus(NsApiRoutes.MAX_SCAN);
        }
        List<ObjectNode> out = new ArrayList<>();
        for (Instant f = from; out.size() < limit && f.isBefore(to); f = f.plus(CHUNK)) {
            Instant t = f.plus(CHUNK).isAfter(to) ? to : f.plus(CHUNK);
            List<ObjectNode> chunk = chunk(owner, f, t);
            for (int i = chunk.size() - 1; i >= 0 && out.size() < limit; i--) {
                if (chunk.get(i).path("date").asLong() > since) {
                    out.add(chunk.get(i));
                }
            }
        }
        return out;
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private ObjectNode object(Context ctx) {
        JsonNode body = NsBodies.read(ctx, mapper);
        if (!body.isObject() || body.isEmpty()) {
            throw new NsDocuments.Invalid(400, "Bad or missing request body");
        }
        return (ObjectNode) body;
    }

    private static boolean isSgv(ObjectNode body) {
        JsonNode type = body.get("type");
        return type == null || type.isNull() ? body.has("sgv") : "sgv".equals(type.asText());
    }

    /** The credential's name, kept as the document's {@code subject} / {@code modifiedBy}. */
    private String subject(Context ctx) {
        return auth.found(ctx).map(NsCredentials.Found::name).orElse(null);
    }

    private static String location(Context ctx, String identifier) {
        String path = ctx.path();
        return (path.endsWith("/") ? path : path + "/") + identifier;
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return MAX_LIMIT;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new NsDocuments.Invalid(400, "Parameter limit out of tolerance (1 to " + MAX_LIMIT + ")");
    }

    /** Epoch ms (digits) or ISO-8601. */
    private static OptionalLong instant(String s) {
        if (s.matches("\\d{1,15}")) {
            return OptionalLong.of(Long.parseLong(s));
        }
        return NsQuery.parseInstant(s);
    }

    private static String httpDate(long millis) {
        return NsApiRoutes.httpDate(Instant.ofEpochMilli(millis));
    }
}
