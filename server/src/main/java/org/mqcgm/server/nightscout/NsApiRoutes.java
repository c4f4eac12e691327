package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.profile.Profile;
import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Access.NsPermission;
import org.mqcgm.server.platform.security.AccessControl.NightscoutRefused;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.nightscout.NsQuery.Collection;

/**
 * The Nightscout API v1 (entries, status, verifyauth, experiments) and v2 authorization, served at the root and
 * under {@code /ns/{site}/} (docs/nightscout.md).
 */
final class NsApiRoutes {

    /** The Nightscout API level whose behaviour we match (xDrip+ and AAPS look at it). */
    static final String NIGHTSCOUT_VERSION = "15.0.7";
    /** Entries without a date filter come from this window before now, as in Nightscout (trap 1). */
    static final Duration IMPLICIT_WINDOW = Duration.ofDays(4);
    static final int DEFAULT_COUNT = 10;
    static final int MAX_COUNT = 100_000;
    /** How far back one entries query looks at most (bounded work). */
    static final Duration MAX_SCAN = Duration.ofDays(400);
    private static final Duration CHUNK = Duration.ofDays(7);
    private static final Duration TREND_MARGIN = Duration.ofMinutes(20);
    /** The fields of an entry a query may look at to be tested on a reading's time and type alone. */
    private static final java.util.Set<String> ENTRY_TIME_AND_TYPE = java.util.Set.of("date", "type");
    /** Prefixes every route is served under: the root, and a credential's own site. */
    static final List<String> PREFIXES = List.of("", "/ns/{site}");

    private final NightscoutFeature.Glucose glucose;
    private final NsDocuments documents;
    private final NsTreatmentLog treatmentLog;
    private final NsAuth auth;
    private final NsCredentials credentials;
    private final Profiles profiles;
    private final ObjectMapper mapper;
    private final Clock dataClock;
    private final Clock systemClock;

    NsApiRoutes(NightscoutFeature.Glucose glucose, NsDocuments documents, NsTreatmentLog treatmentLog, NsAuth auth, NsCredentials credentials, Profiles profiles,
                ObjectMapper mapper, Clock dataClock, Clock systemClock) {
        this.glucose = glucose;
        this.documents = documents;
        this.treatmentLog = treatmentLog;
        this.auth = auth;
        this.credentials = credentials;
        this.profiles = profiles;
        this.mapper = mapper;
        this.dataClock = dataClock;
        this.systemClock = systemClock;
    }

    void register(Routes routes) {
        Access read = Access.nightscout(NsPermission.READ);
        Access write = Access.nightscout(NsPermission.WRITE);
        Access anyone = Access.nightscout(NsPermission.NONE);
        for (String p : PREFIXES) {
            for (String s : List.of("", ".json")) {
                routes.get(p + "/api/v1/status" + s, read, this::status);
                routes.post(p + "/api/v1/entries" + s, write, ns(this::postEntries));
                routes.delete(p + "/api/v1/entries" + s, write, ns(ctx -> deleteEntries(ctx, null)));
                routes.get(p + "/api/v1/treatments" + s, read, ns(ctx -> getDocs(ctx, Collection.TREATMENTS)));
                routes.post(p + "/api/v1/treatments" + s, write, ns(ctx -> postDocs(ctx, Collection.TREATMENTS)));
                routes.put(p + "/api/v1/treatments" + s, write, ns(ctx -> putDoc(ctx, Collection.TREATMENTS)));
                routes.delete(p + "/api/v1/treatments" + s, write, ns(ctx -> deleteDocs(ctx, Collection.TREATMENTS)));
                routes.get(p + "/api/v1/devicestatus" + s, read, ns(ctx -> getDocs(ctx, Collection.DEVICESTATUS)));
                routes.post(p + "/api/v1/devicestatus" + s, write,
                        ns(ctx -> postDocs(ctx, Collection.DEVICESTATUS)));
                routes.delete(p + "/api/v1/devicestatus" + s, write,
                        ns(ctx -> deleteDocs(ctx, Collection.DEVICESTATUS)));
                routes.get(p + "/api/v1/profile" + s, read, ns(ctx -> getDocs(ctx, Collection.PROFILE)));
                routes.get(p + "/api/v1/profiles" + s, read, ns(ctx -> getDocs(ctx, Collection.PROFILE)));
                routes.post(p + "/api/v1/profile" + s, write, ns(ctx -> postDocs(ctx, Collection.PROFILE)));
                routes.put(p + "/api/v1/profile" + s, write, ns(ctx -> putDoc(ctx, Collection.PROFILE)));
            }
            for (String s : List.of("", ".json", ".csv", ".tsv", ".txt")) {
                routes.get(p + "/api/v1/entries" + s, read, ns(ctx -> entries(ctx, null, format(s))));
            }
            routes.get(p + "/api/v1/entries/{spec}", read, ns(this::entriesSpec));
            routes.delete(p + "/api/v1/entries/{spec}", write, ns(ctx -> deleteEntries(ctx, ctx.pathParam("spec"))));
            routes.delete(p + "/api/v1/treatments/{spec}", write,
                    ns(ctx -> deleteDoc(ctx, Collection.TREATMENTS)));
            routes.delete(p + "/api/v1/devicestatus/{spec}", write,
                    ns(ctx -> deleteDoc(ctx, Collection.DEVICESTATUS)));
            routes.get(p + "/api/v1/profile/{spec}", read, ns(this::profileSpec));
            routes.delete(p + "/api/v1/profile/{spec}", write, ns(ctx -> deleteDoc(ctx, Collection.PROFILE)));
            routes.get(p + "/api/v1/verifyauth", anyone, this::verifyauth);
            routes.get(p + "/api/v1/experiments/test", write, ctx -> ctx.json(mapper.createObjectNode()
                    .put("status", "ok")));
            routes.get(p + "/api/v2/authorization/request/{token}", anyone, this::authorizationRequest);
        }
    }

    /** Bad input found by the query parser or the document store: Nightscout's error shape, never a 5xx. */
    private static io.javalin.http.Handler ns(io.javalin.http.Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (NsDocuments.Invalid e) {
                throw new NightscoutRefused(e.status(), switch (e.status()) {
                    case 404 -> "Not Found";
                    case 410 -> "Gone";
                    case 422 -> "Unprocessable Entity";
                    default -> "Bad Request";
                }, e.getMessage());
            }
        };
    }

    private static String format(String suffix) {
        return suffix.isEmpty() ? "json" : suffix.substring(1);
    }

    // --- status, verifyauth, authorization -------------------------------------------------------------------

    private void status(Context ctx) {
        Principal p = Principal.of(ctx);
        Optional<Profile> profile = profiles.of(p.accountId());
        Instant now = systemClock.instant();
        ObjectNode s = mapper.createObjectNode();
        s.put("status", "ok");
        s.put("name", "mqcgm");
        s.put("version", NIGHTSCOUT_VERSION);
        s.put("serverTime", NsEntries.ISO_MILLIS.format(now));
        s.put("serverTimeEpoch", now.toEpochMilli());
        s.put("apiEnabled", true);
        s.put("careportalEnabled", true);
        s.put("boluscalcEnabled", false);
        ObjectNode settings = s.putObject("settings");
        settings.put("units", profile.map(pr -> pr.unit() == GlucoseUnit.MMOL_L ? "mmol" : "mg/dl").orElse("mg/dl"));
        settings.put("timeFormat", 24);
        settings.put("customTitle", "mqcgm");
        settings.put("theme", "colors");
        ObjectNode thresholds = settings.putObject("thresholds");
        // the wearer's own ranges (Nightscout: bgHigh/bgLow alarm levels, the target band between)
        org.mqcgm.core.metrics.RangeThresholds t = profile.map(Profile::targets).orElse(null);
        thresholds.put("bgHigh", t == null ? 250 : (int) Math.round(t.veryHigh()))
                .put("bgTargetTop", t == null ? 180 : (int) Math.round(t.high()))
                .put("bgTargetBottom", t == null ? 70 : (int) Math.round(t.low()))
                .put("bgLow", t == null ? 54 : (int) Math.round(t.veryLow()));
        ArrayNode enable = settings.putArray("enable");
        for (String plugin : List.of("careportal", "rawbg", "iob", "cob", "basal", "devicestatus", "upbat")) {
            enable.add(plugin);
        }
        settings.putArray("authDefaultRoles").add("denied");
        s.putObject("extendedSettings").putObject("devicestatus").put("advanced", true);
        String token = ctx.queryParam("token");
        Optional<NsCredentials.Found> found = token == null ? Optional.empty() : credentials.byToken(token);
        if (found.isPresent()) {
            s.set("authorized", mapper.valueToTree(auth.issue(found.get(), token)));
        } else {
            s.putNull("authorized");
        }
        s.put("runtimeState", "loaded");
        ctx.json(s);
    }

    /** Always 200; {@code message.message} says whether the credential is good ("OK") or not ("UNAUTHORIZED"). */
    private void verifyauth(Context ctx) {
        Optional<Principal> p = Principal.optional(ctx);
        boolean write = p.map(x -> x.has(org.mqcgm.server.platform.security.Scope.READINGS_WRITE)).orElse(false);
        ObjectNode body = mapper.createObjectNode();
        body.put("status", 200);
        ObjectNode m = body.putObject("message");
        m.put("canRead", p.isPresent());
        m.put("canWrite", write);
        m.put("isAdmin", write);
        m.put("message", p.isPresent() ? "OK" : "UNAUTHORIZED");
        m.put("rolefound", p.isPresent() ? "FOUND" : "NOTFOUND");
        m.put("permissions", p.isPresent() ? "ROLE" : "DEFAULT");
        ctx.json(body);
    }

    /** A JWT for a role token (AAPS v3, LoopFollow): 200 {token, sub, permissionGroups, iat, exp}, else 401. */
    private void authorizationRequest(Context ctx) {
        String token = ctx.pathParam("token");
        Optional<NsCredentials.Found> found = credentials.byToken(token);
        String site = ctx.pathParamMap().get("site");
        if (found.isEmpty() || (site != null && !found.get().site().equals(site))) {
            throw NightscoutRefused.UNAUTHORIZED;
        }
        ctx.json(auth.issue(found.get(), token));
    }

    // --- entries -----------------------------------------------------------------------------------------------

    private void entriesSpec(Context ctx) {
        String spec = ctx.pathParam("spec");
        String name = spec;
        String format = "json";
        int dot = spec.lastIndexOf('.');
        if (dot > 0) {
            format = spec.substring(dot + 1);
            name = spec.substring(0, dot);
            if (!List.of("json", "csv", "tsv", "txt").contains(format)) {
                throw new NightscoutRefused(404, "Not Found", "Unknown format '" + format + "'");
            }
        }
        if (name.equals("current")) {
            current(ctx, format);
        } else if (name.matches("[0-9a-f]{24}")) {
            byId(ctx, name, format);
        } else if (name.matches("[a-z]{1,20}")) {
            entries(ctx, name, format);
        } else {
            throw new NightscoutRefused(404, "Not Found", "No such entries path");
        }
    }

    /** The newest sgv entry, whatever its age (Nightscout's may be an mbg or cal, within four days: traps 1, 11). */
    private void current(Context ctx, String format) {
        UUID owner = Principal.of(ctx).accountId();
        Instant now = dataClock.instant();
        Optional<Reading> latest = glucose.latest(owner, now.plus(Duration.ofMinutes(5)));
        List<NsEntries.Entry> out = new ArrayList<>(1);
        if (latest.isPresent()) {
            Instant t = latest.get().time();
            List<Reading> around = glucose.range(owner, t.minus(TREND_MARGIN), t.plusSeconds(1));
            out.add(NsEntries.readingAt(around, around.size() - 1));
        }
        write(ctx, out, format);
    }

    private void byId(Context ctx, String id, String format) {
        UUID owner = Principal.of(ctx).accountId();
        List<NsEntries.Entry> out = new ArrayList<>(1);
        Optional<Instant> t = NsEntries.instantOf(id);
        if (t.isPresent()) {
            List<Reading> around = glucose.range(owner, t.get().minus(TREND_MARGIN), t.get().plusSeconds(1));
            if (!around.isEmpty() && around.get(around.size() - 1).time().equals(t.get())) {
                out.add(NsEntries.readingAt(around, around.size() - 1));
            }
        }
        write(ctx, out, format);
    }

    private void entries(Context ctx, String type, String format) {
        UUID owner = Principal.of(ctx).accountId();
        int count = count(ctx, DEFAULT_COUNT);
        NsQuery query = NsQuery.v1(Collection.ENTRIES, ctx.queryParamMap());
        if (type != null) {
            query = query.andEquals("type", type);
        }
        Instant now = dataClock.instant();
        if (!query.hasTimeFilter()) {
            query = query.notBefore(now.minus(IMPLICIT_WINDOW).toEpochMilli());
        }
        List<NsEntries.Entry> out = new ArrayList<>();
        if (query.mayMatchType("sgv") && count > 0) {
            out.addAll(readings(owner, query, count, now));
        }
        if (count > 0 && !(query.types().isPresent() && query.types().get().equals(java.util.Set.of("sgv")))) {
            for (NsDocuments.Stored d : documents.find(owner, Collection.ENTRIES, query, count, 0)) {
                out.add(new NsEntries.DocumentEntry(d.v1()));
            }
            out.sort((a, b) -> Long.compare(b.date(), a.date()));
            if (out.size() > count) {
                out = new ArrayList<>(out.subList(0, count));
            }
        }
        write(ctx, out, format);
    }

    /** Our readings matching an entries query, newest first, at most {@code count}; bounded work (see MAX_SCAN). */
    private List<NsEntries.ReadingEntry> readings(UUID owner, NsQuery query, int count, Instant now) {
        List<NsEntries.ReadingEntry> out = new ArrayList<>();
        // A query on the time and type alone (the usual count and date queries) is tested on them, without
        // building each entry's tree first.
        ObjectNode probe = query.looksOnlyAt(ENTRY_TIME_AND_TYPE) ? mapper.createObjectNode().put("type", "sgv")
                : null;
        Instant latest = now.plus(Duration.ofDays(1));
        Instant to = query.toMillis().isPresent() && query.toMillis().getAsLong() < latest.toEpochMilli()
                ? Instant.ofEpochMilli(query.toMillis().getAsLong() + 1) : now.plus(Duration.ofMinutes(10));
        Instant from = query.fromMillis().isPresent() ? Instant.ofEpochMilli(Math.max(0, query.fromMillis()
                .getAsLong())) : Instant.EPOCH;
        Instant floor = to.minus(MAX_SCAN);
        if (from.isBefore(floor)) {
            from = floor;
        }
        // Newest first, in windows sized to what is asked (a count of 288 five-minute readings is a day): most
        // queries read one window; each further window is twice as long, up to a week.
        Duration window = Duration.ofMinutes(5L * Math.min(count, 2016) + TREND_MARGIN.toMinutes());
        if (window.compareTo(Duration.ofHours(1)) < 0) {
            window = Duration.ofHours(1);
        }
        Instant chunkTo = to;
        while (out.size() < count && chunkTo.isAfter(from)) {
            Instant chunkFrom = chunkTo.minus(window).isBefore(from) ? from : chunkTo.minus(window);
            List<Reading> rs = glucose.range(owner, chunkFrom.minus(TREND_MARGIN), chunkTo);
            for (int i = rs.size() - 1; i >= 0 && !rs.get(i).time().isBefore(chunkFrom); i--) {
                boolean matches;
                NsEntries.ReadingEntry e = null;
                if (probe != null) {
                    matches = query.test(probe.put("date", rs.get(i).time().toEpochMilli()));
                } else {
                    e = NsEntries.readingAt(rs, i);
                    matches = query.test(e.node(mapper));
                }
                if (matches) {
                    out.add(e != null ? e : NsEntries.readingAt(rs, i));
                    if (out.size() == count) {
                        break;
                    }
                }
            }
            chunkTo = chunkFrom;
            window = window.multipliedBy(2).compareTo(CHUNK) > 0 ? CHUNK : window.multipliedBy(2);
        }
        return out;
    }

    /**
     * {@code DELETE /entries?find…}, {@code /entries/<_id>}, {@code /entries/<type>}, {@code /entries/*}: readings
     * and other entries matching; answers {@code {n, ok, deletedCount}} as Nightscout's driver result does.
     */
    private void deleteEntries(Context ctx, String spec) {
        UUID owner = Principal.of(ctx).accountId();
        NsQuery query = NsQuery.v1(Collection.ENTRIES, ctx.queryParamMap());
        int deleted = 0;
        if (spec != null && spec.matches("[0-9a-f]{24}")) {
            Optional<Instant> t = NsEntries.instantOf(spec);
            if (t.isPresent()) {
                deleted += glucose.delete(owner, t.get(), t.get().plusSeconds(1));
            } else if (documents.deleteById(owner, Collection.ENTRIES, spec)) {
                deleted++;
            }
            deletedAnswer(ctx, deleted);
            return;
        }
        if (spec != null && !spec.equals("*")) {
            if (!spec.matches("[a-z]{1,20}")) {
                throw new NightscoutRefused(404, "Not Found", "No such entries path");
            }
            query = query.andEquals("type", spec);
        }
        Instant now = dataClock.instant();
        if (!query.hasTimeFilter()) {
            query = query.notBefore(now.minus(IMPLICIT_WINDOW).toEpochMilli());
        }
        if (query.mayMatchType("sgv")) {
            for (NsEntries.ReadingEntry e : readings(owner, query, MAX_COUNT, now)) {
                Instant t = Instant.ofEpochMilli(e.date());
                deleted += glucose.delete(owner, t, t.plusSeconds(1));
            }
        }
        deleted += documents.delete(owner, Collection.ENTRIES, query);
        deletedAnswer(ctx, deleted);
    }

    private void deletedAnswer(Context ctx, int n) {
        ctx.json(mapper.createObjectNode().put("n", n).put("ok", 1).put("deletedCount", n));
    }

    // --- treatments, devicestatus, profile -----------------------------------------------------------------------

    /**
     * v1 reads of a document collection: Nightscout's default count (treatments 100, or 1000 with a {@code find};
     * devicestatus and profile 10), newest first, the implicit four-day window for treatments and devicestatus when
     * the query names no time and no identity ({@code _id}, {@code uuid}, {@code identifier}, {@code id},
     * {@code syncIdentifier}: a lookup by id finds old documents too, unlike Nightscout, trap 1), none for
     * profiles; {@code Last-Modified} from the newest modification, {@code If-Modified-Since} → 304.
     */
    private void getDocs(Context ctx, Collection c) {
        UUID owner = Principal.of(ctx).accountId();
        boolean find = ctx.queryParamMap().keySet().stream().anyMatch(k -> k.startsWith("find"));
        int count = count(ctx, c == Collection.TREATMENTS ? (find ? 1000 : 100) : DEFAULT_COUNT);
        NsQuery query = NsQuery.v1(c, ctx.queryParamMap());
        boolean identity = ctx.queryParamMap().keySet().stream().anyMatch(k -> k.matches(
                "find\\[(_id|uuid|identifier|id|syncIdentifier)].*"));
        if (c != Collection.PROFILE && !query.hasTimeFilter() && !identity) {
            query = query.notBefore(dataClock.instant().minus(IMPLICIT_WINDOW).toEpochMilli());
        }
        List<NsDocuments.Stored> docs = documents.find(owner, c, query, count, 0);
        java.util.OptionalLong modified = NsDocuments.newestModified(docs);
        List<ObjectNode> out = docs.stream().map(NsDocuments.Stored::v1).toList();
        if (c == Collection.TREATMENTS) {
            // the logbook's view: check-ins logged in mqcgm are treatments too
            Instant now = dataClock.instant();
            Instant from = query.fromMillis().isPresent() ? Instant.ofEpochMilli(Math.max(0,
                    query.fromMillis().getAsLong())) : identity ? now.minus(MAX_SCAN) : now.minus(IMPLICIT_WINDOW);
            Instant to = query.toMillis().isPresent() ? Instant.ofEpochMilli(query.toMillis().getAsLong() + 1)
                    : now.plus(Duration.ofDays(1));
            List<ObjectNode> all = new ArrayList<>();
            for (ObjectNode t : treatmentLog.view(owner, new ArrayList<>(out), from, to, count)) {
                if (t.path("enteredBy").asText().equals(NsTreatmentLog.ENTERED_BY) && !query.test(t)) {
                    continue;
                }
                all.add(t);
            }
            all.sort(query.order()::compare);
            out = all.size() > count ? all.subList(0, count) : all;
            long newest = out.stream().mapToLong(t -> NsEntries.parseDate(t.path("created_at").asText(""))
                    .map(x -> x.toInstant().toEpochMilli()).orElse(0L)).max().orElse(0);
            if (newest > 0 && (modified.isEmpty() || newest > modified.getAsLong())) {
                modified = java.util.OptionalLong.of(newest);
            }
        }
        if (modified.isPresent() && notModified(ctx, Instant.ofEpochMilli(modified.getAsLong()))) {
            return;
        }
        ctx.json(out);
    }

    /** {@code GET /profile/current} (the newest profile or null) and {@code /profile/<_id>}. */
    private void profileSpec(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        String spec = ctx.pathParam("spec");
        if (spec.equals("current") || spec.equals("current.json")) {
            List<NsDocuments.Stored> docs = documents.find(owner, Collection.PROFILE, NsQuery.all(Collection.PROFILE),
                    1, 0);
            ctx.contentType("application/json").result(docs.isEmpty() ? "null" : docs.get(0).v1().toString());
            return;
        }
        Optional<NsDocuments.Stored> doc = documents.byId(owner, Collection.PROFILE, spec.replace(".json", ""));
        ctx.json(doc.filter(NsDocuments.Stored::valid).map(d -> List.of(d.v1())).orElse(List.of()));
    }

    /** v1 inserts: an array, or one object; one echoed document with {@code _id} per input, always 200. */
    private void postDocs(Context ctx, Collection c) {
        UUID owner = Principal.of(ctx).accountId();
        List<ObjectNode> batch = objects(NsBodies.read(ctx, mapper), c.path);
        List<ObjectNode> stored = batch.isEmpty() ? List.of() : documents.v1Insert(owner, c, batch);
        if (c == Collection.TREATMENTS) {
            stored.forEach(t -> treatmentLog.mirror(owner, t));
        }
        ctx.json(stored);
    }

    /** {@code PUT /treatments}, {@code PUT /profile}: one object, upserted by {@code _id}; answers it. */
    private void putDoc(Context ctx, Collection c) {
        UUID owner = Principal.of(ctx).accountId();
        JsonNode body = NsBodies.read(ctx, mapper);
        if (!body.isObject()) {
            throw new NightscoutRefused(400, "Bad Request", "Send one " + c.path + " object");
        }
        if (c == Collection.TREATMENTS && body.path("_id").isTextual()) {
            // xDrip+ sends back a treatment it downloaded from a check-in: the treatment takes the check-in's place
            String id = body.path("_id").asText().toLowerCase(java.util.Locale.ROOT);
            if (documents.byId(owner, c, id).isEmpty()) {
                Instant now = dataClock.instant();
                treatmentLog.checkinOf(owner, id, now.minus(MAX_SCAN), now.plus(Duration.ofDays(1)))
                        .ifPresent(checkin -> treatmentLog.remove(owner, checkin));
            }
        }
        ObjectNode stored = documents.v1Put(owner, c, (ObjectNode) body);
        if (c == Collection.TREATMENTS) {
            treatmentLog.mirror(owner, stored);
        }
        ctx.json(stored);
    }

    private void deleteDoc(Context ctx, Collection c) {
        UUID owner = Principal.of(ctx).accountId();
        String spec = ctx.pathParam("spec").replace(".json", "");
        if (spec.equals("*")) {
            deletedAnswer(ctx, documents.delete(owner, c, NsQuery.v1(c, ctx.queryParamMap())));
            return;
        }
        if (c == Collection.TREATMENTS) {
            treatmentLog.unmirror(owner, spec.toLowerCase(java.util.Locale.ROOT));
            if (documents.byId(owner, c, spec).isEmpty()) {
                Instant now = dataClock.instant();
                boolean removed = treatmentLog.checkinOf(owner, spec, now.minus(MAX_SCAN), now.plus(Duration.ofDays(1)))
                        .map(checkin -> treatmentLog.remove(owner, checkin)).orElse(false);
                deletedAnswer(ctx, removed ? 1 : 0);
                return;
            }
        }
        deletedAnswer(ctx, documents.deleteById(owner, c, spec) ? 1 : 0);
    }

    /** {@code DELETE /<collection>?find…}: the matching documents (the implicit window as for reads). */
    private void deleteDocs(Context ctx, Collection c) {
        UUID owner = Principal.of(ctx).accountId();
        NsQuery query = NsQuery.v1(c, ctx.queryParamMap());
        boolean find = ctx.queryParamMap().keySet().stream().anyMatch(k -> k.startsWith("find"));
        if (!find) {
            throw new NightscoutRefused(400, "Bad Request", "Name what to delete with find[...]");
        }
        if (c == Collection.TREATMENTS) {
            for (NsDocuments.Stored d : documents.find(owner, c, query, NsDocuments.SCAN_CAP, 0)) {
                treatmentLog.unmirror(owner, d.id());
            }
        }
        deletedAnswer(ctx, documents.delete(owner, c, query));
    }

    private List<ObjectNode> objects(JsonNode body, String what) {
        List<ObjectNode> out = new ArrayList<>();
        if (body.isArray()) {
            int i = 0;
            for (JsonNode n : body) {
                if (!n.isObject()) {
                    throw new NightscoutRefused(400, "Bad Request", what + "[" + i + "] must be an object");
                }
                out.add((ObjectNode) n);
                i++;
            }
        } else if (body.isObject()) {
            out.add((ObjectNode) body);
        } else {
            throw new NightscoutRefused(400, "Bad Request", "Send an array of " + what + " or one object");
        }
        if (out.size() > 10_000) {
            throw new NightscoutRefused(413, "Payload Too Large", "At most 10000 " + what + " per request");
        }
        return out;
    }

    private boolean notModified(Context ctx, Instant last) {
        if (unchangedSince(ctx, last)) {
            ctx.status(304).json(mapper.createObjectNode().put("status", 304).put("message", "Not modified"));
            return true;
        }
        ctx.header("Last-Modified", httpDate(last));
        return false;
    }

    /**
     * Whether the request's {@code If-Modified-Since} is at or after {@code last} (to the second, as HTTP dates
     * are); an absent or unreadable date is no condition.
     */
    static boolean unchangedSince(Context ctx, Instant last) {
        String since = ctx.header("If-Modified-Since");
        if (since == null) {
            return false;
        }
        try {
            Instant s = java.time.ZonedDateTime.parse(since, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return !last.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).isAfter(s);
        } catch (java.time.format.DateTimeParseException ignored) {
            return false;
        }
    }

    /** An instant as an HTTP date ({@code Last-Modified}). */
    static String httpDate(Instant t) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .atOffset(ZoneOffset.UTC));
    }

    private static int count(Context ctx, int defaultCount) {
        String c = ctx.queryParam("count");
        if (c == null || c.isBlank()) {
            return defaultCount;
        }
        try {
            int n = Integer.parseInt(c.trim());
            if (n < 0 || n > MAX_COUNT) {
                throw new NightscoutRefused(400, "Bad Request", "count must be 0 to " + MAX_COUNT);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new NightscoutRefused(400, "Bad Request", "count must be a whole number");
        }
    }

    /** JSON, or Nightscout's header-less CSV/TSV lines; Last-Modified from the newest entry (304 when unchanged). */
    private void write(Context ctx, List<? extends NsEntries.Entry> entries, String format) {
        long newest = entries.stream().mapToLong(NsEntries.Entry::date).max().orElse(0);
        if (newest > 0 && notModified(ctx, Instant.ofEpochMilli(newest))) {
            return;
        }
        Optional<NsCsv.Format> text = NsCsv.Format.ofExtension(format);
        if (text.isPresent()) {
            List<ObjectNode> nodes = entries.stream().map(e -> e.node(mapper)).toList();
            ctx.contentType(text.get().contentType + "; charset=utf-8").result(NsCsv.format(nodes, text.get()));
        } else {
            // the bytes ctx.json would write for their trees, without building them, straight to the response
            ctx.contentType(io.javalin.http.ContentType.APPLICATION_JSON);
            try {
                NsEntries.write(mapper, entries, ctx.outputStream());
            } catch (java.io.IOException clientGone) {
                // only the connection can fail here: nobody is left to answer
            }
        }
    }

    private void postEntries(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        JsonNode body = NsBodies.read(ctx, mapper);
        List<JsonNode> items = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(items::add);
        } else if (body.isObject() && body.has("date")) {
            items.add(body);
        } else if (!body.isObject()) {
            throw new NightscoutRefused(400, "Bad Request", "Send an array of entries (or one entry with 'date')");
        }
        if (items.size() > 10_000) {
            throw new NightscoutRefused(413, "Payload Too Large", "At most 10000 entries per request");
        }
        Instant latest = dataClock.instant().plus(Duration.ofMinutes(5));
        List<Reading> readings = new ArrayList<>();
        List<ObjectNode> others = new ArrayList<>();
        List<Integer> otherAt = new ArrayList<>();
        ArrayNode echo = mapper.createArrayNode();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String at = "entries[" + i + "]";
            if (!item.isObject()) {
                throw new NightscoutRefused(400, "Bad Request", at + " must be an object");
            }
            JsonNode type = item.get("type");
            if (type != null && !type.isNull() && !type.isTextual()) {
                throw new NightscoutRefused(400, "Bad Request", at + ".type must be a string");
            }
            String t = type == null || type.isNull() ? (item.has("sgv") ? "sgv" : "") : type.asText();
            ObjectNode out = ((ObjectNode) item).deepCopy();
            if (t.equals("sgv")) {
                NsEntries.Parsed parsed = NsEntries.parseSgv(item, at, latest);
                switch (parsed) {
                    case NsEntries.Invalid inv -> throw new NightscoutRefused(400, "Bad Request",
                            inv.field() + " " + inv.rule());
                    case NsEntries.Ok ok -> {
                        readings.add(ok.reading());
                        normalise(out, ok.reading().time(), ok.reading().offset());
                        out.put("_id", NsEntries.id(ok.reading().time()));
                    }
                    case NsEntries.NotStored ns -> out.put("_id", NsEntries.id(
                            Instant.ofEpochMilli(Math.max(0, item.path("date").asLong(0)))));
                }
            } else {
                // mbg, cal and other entry types: kept with the other Nightscout documents, echoed below
                others.add((ObjectNode) item);
                otherAt.add(i);
            }
            echo.add(out);
        }
        if (!others.isEmpty()) {
            List<ObjectNode> stored = documents.v1Insert(owner, Collection.ENTRIES, others);
            for (int k = 0; k < stored.size(); k++) {
                echo.set(otherAt.get(k), stored.get(k));
            }
        }
        if (!readings.isEmpty()) {
            glucose.store(owner, readings);
        }
        ctx.json(echo);
    }

    private static void normalise(ObjectNode e, Instant time, ZoneOffset offset) {
        String iso = NsEntries.ISO_MILLIS.format(time);
        e.put("date", time.toEpochMilli());
        e.put("dateString", iso);
        e.put("sysTime", iso);
        e.put("utcOffset", offset.getTotalSeconds() / 60);
        e.remove("identifier");
    }
}
