package org.mqcgm.server.nightscout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.mqcgm.core.glucose.GlucoseUnit;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.nightscout.NsQuery.Collection;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.profile.Profiles;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Access.NsPermission;
import org.mqcgm.server.platform.security.Principal;

/**
 * {@code GET /api/v2/properties[/<names,comma-separated>]} (Nightguard, LoopFollow; nightscout-api.md §1.5): the
 * server-side plugin properties computed as Nightscout's plugins compute them, from the wearer's readings and
 * devicestatus:
 * <ul>
 *   <li>{@code bgnow} (plugins/bgnow.js): the newest non-empty five-minute bucket around the newest reading —
 *       {@code mean, last, mills, sgvs[{_id, mgdl, mills, device, direction, type, scaled}]} (plus {@code mgdl},
 *       the last value, which some followers read);</li>
 *   <li>{@code delta}: {@code absolute, elapsedMins, interpolated, mean5MinsAgo, mgdl, scaled, display, previous};
 *       null without two buckets;</li>
 *   <li>{@code buckets}: the four buckets with {@code index, fromMills, toMills};</li>
 *   <li>{@code direction} (plugins/direction.js): {@code display: null, value, label, entity} of the newest reading;</li>
 *   <li>{@code upbat} (plugins/upbat.js): from the newest devicestatus with {@code uploader.battery} (or
 *       {@code uploaderBattery}): {@code display "85%", value, level, status};</li>
 *   <li>{@code dbsize} (plugins/dbsize.js): mqcgm has no per-site database limit, so it is always 0 % of
 *       Nightscout's default 496 MiB, status "current".</li>
 * </ul>
 * Unknown names are left out, as Nightscout does. Read access.
 */
final class NsPropertiesRoutes {

    static final List<String> NAMES = List.of("bgnow", "delta", "buckets", "direction", "upbat", "dbsize");
    private static final long BUCKET_MS = Duration.ofMinutes(5).toMillis();
    private static final long OFFSET_MS = 150_000;
    private static final int BUCKETS = 4;
    private static final Map<String, String> ARROWS = Map.of("NONE", "⇼", "DoubleUp", "⇈", "SingleUp", "↑",
            "FortyFiveUp", "↗", "Flat", "→", "FortyFiveDown", "↘", "SingleDown", "↓", "DoubleDown", "⇊",
            "NOT COMPUTABLE", "-", "RATE OUT OF RANGE", "⇕");

    private final NightscoutFeature.Glucose glucose;
    private final NsDocuments documents;
    private final Profiles profiles;
    private final ObjectMapper mapper;
    private final Clock dataClock;

    NsPropertiesRoutes(NightscoutFeature.Glucose glucose, NsDocuments documents, Profiles profiles,
                       ObjectMapper mapper, Clock dataClock) {
        this.glucose = glucose;
        this.documents = documents;
        this.profiles = profiles;
        this.mapper = mapper;
        this.dataClock = dataClock;
    }

    void register(Routes routes) {
        Access read = Access.nightscout(NsPermission.READ);
        for (String p : NsApiRoutes.PREFIXES) {
            routes.get(p + "/api/v2/properties", read, ctx -> properties(ctx, NAMES));
            routes.get(p + "/api/v2/properties/{names}", read,
                    ctx -> properties(ctx, List.of(ctx.pathParam("names").split(","))));
        }
    }

    private void properties(Context ctx, List<String> asked) {
        UUID owner = Principal.of(ctx).accountId();
        Set<String> names = new LinkedHashSet<>();
        for (String n : asked) {
            if (NAMES.contains(n.trim())) {
                names.add(n.trim());
            }
        }
        boolean mmol = profiles.of(owner).map(p -> p.unit() == GlucoseUnit.MMOL_L).orElse(false);
        ObjectNode out = mapper.createObjectNode();
        if (names.contains("bgnow") || names.contains("delta") || names.contains("buckets")
                || names.contains("direction")) {
            Instant now = dataClock.instant();
            Optional<Reading> last = glucose.latest(owner, now);
            List<ObjectNode> buckets = last.map(r -> buckets(owner, r, now, mmol)).orElse(List.of());
            ObjectNode recent = buckets.stream().filter(b -> !b.has("isEmpty")).findFirst().orElse(null);
            if (names.contains("bgnow")) {
                ObjectNode bgnow = recent == null ? mapper.createObjectNode() : withoutBucketFields(recent);
                if (bgnow.has("last")) {
                    bgnow.set("mgdl", bgnow.get("last"));
                }
                out.set("bgnow", bgnow);
            }
            if (names.contains("delta")) {
                out.set("delta", delta(recent, buckets, mmol));
            }
            if (names.contains("buckets")) {
                ArrayNode b = out.putArray("buckets");
                buckets.forEach(b::add);
            }
            if (names.contains("direction")) {
                out.set("direction", direction(last, owner, now));
            }
        }
        if (names.contains("upbat")) {
            out.set("upbat", upbat(owner));
        }
        if (names.contains("dbsize")) {
            out.set("dbsize", dbsize());
        }
        ctx.json(out);
    }

    /** Nightscout's four five-minute buckets ending 2.5 minutes after the newest reading, newest first. */
    private List<ObjectNode> buckets(UUID owner, Reading newest, Instant now, boolean mmol) {
        long lastMills = newest.time().toEpochMilli();
        List<ObjectNode> buckets = new ArrayList<>();
        List<List<ObjectNode>> sgvs = new ArrayList<>();
        for (int i = 0; i < BUCKETS; i++) {
            long from = lastMills - OFFSET_MS - i * BUCKET_MS;
            ObjectNode b = mapper.createObjectNode();
            b.put("index", i).put("fromMills", from).put("toMills", from + BUCKET_MS);
            buckets.add(b);
            sgvs.add(new ArrayList<>());
        }
        Instant from = Instant.ofEpochMilli(lastMills - OFFSET_MS - (BUCKETS - 1) * BUCKET_MS);
        List<Reading> rs = glucose.range(owner, from.minus(Duration.ofMinutes(20)), newest.time().plusSeconds(1));
        List<ObjectNode> entries = NsEntries.toEntries(mapper, rs, 0);
        for (ObjectNode e : entries) {
            long mills = e.path("date").asLong();
            if (mills > now.toEpochMilli()) {
                continue;
            }
            for (int i = 0; i < BUCKETS; i++) {
                ObjectNode b = buckets.get(i);
                if (mills >= b.get("fromMills").asLong() && mills <= b.get("toMills").asLong()) {
                    sgvs.get(i).add(sgv(e, mmol));
                    break;
                }
            }
        }
        for (int i = 0; i < BUCKETS; i++) {
            analyze(buckets.get(i), sgvs.get(i));
        }
        return buckets;
    }

    /** A reading as Nightscout's sandbox sgv: {@code _id, mgdl, mills, device, direction, type, scaled}. */
    private ObjectNode sgv(ObjectNode entry, boolean mmol) {
        ObjectNode s = mapper.createObjectNode();
        int mgdl = entry.path("sgv").asInt();
        s.put("_id", entry.path("_id").asText());
        s.put("mgdl", mgdl);
        s.put("mills", entry.path("date").asLong());
        s.put("device", entry.path("device").asText());
        s.put("direction", entry.path("direction").asText());
        if (entry.has("noise")) {
            s.set("noise", entry.get("noise"));
        }
        s.put("type", "sgv");
        if (mmol) {
            s.put("scaled", Math.round(mgdl / 18.0 * 10) / 10.0);
        } else {
            s.put("scaled", mgdl);
        }
        return s;
    }

    /** bgnow.js analyzeBucket: mean and last of the values above 39, the errors apart; isEmpty for none. */
    private void analyze(ObjectNode bucket, List<ObjectNode> sgvs) {
        if (sgvs.isEmpty()) {
            bucket.put("isEmpty", true);
            bucket.putArray("sgvs");
            return;
        }
        List<ObjectNode> good = sgvs.stream().filter(s -> s.path("mgdl").asInt() > 39).toList();
        List<ObjectNode> errors = sgvs.stream().filter(s -> s.path("mgdl").asInt() < 39).toList();
        if (!good.isEmpty()) {
            bucket.put("mean", good.stream().mapToInt(s -> s.path("mgdl").asInt()).average().orElseThrow());
            ObjectNode newest = good.stream().max((a, b) -> Long.compare(a.path("mills").asLong(),
                    b.path("mills").asLong())).orElseThrow();
            bucket.put("last", newest.path("mgdl").asInt());
            bucket.put("mills", newest.path("mills").asLong());
        }
        if (!errors.isEmpty()) {
            ArrayNode e = bucket.putArray("errors");
            errors.forEach(e::add);
        }
        ArrayNode a = bucket.putArray("sgvs");
        sgvs.forEach(a::add);
    }

    private static ObjectNode withoutBucketFields(ObjectNode bucket) {
        ObjectNode out = bucket.deepCopy();
        out.remove(List.of("index", "fromMills", "toMills"));
        return out;
    }

    /** bgnow.js calcDelta: the change from the previous non-empty bucket, per five minutes when further apart. */
    private JsonNode delta(ObjectNode recent, List<ObjectNode> buckets, boolean mmol) {
        if (recent == null || !recent.has("mean")) {
            return mapper.nullNode();
        }
        long recentMills = recent.path("mills").asLong();
        ObjectNode previous = buckets.stream().filter(b -> !b.has("isEmpty") && b.has("mean")
                && b.path("mills").asLong() < recentMills).findFirst().orElse(null);
        if (previous == null) {
            return mapper.nullNode();
        }
        double recentMean = recent.path("mean").asDouble();
        double absolute = recentMean - previous.path("mean").asDouble();
        double elapsedMins = (recentMills - previous.path("mills").asLong()) / 60_000.0;
        boolean interpolated = elapsedMins > 9;
        double mean5MinsAgo = interpolated ? recentMean - absolute / elapsedMins * 5 : recentMean - absolute;
        long mgdl = Math.round(recentMean - mean5MinsAgo);
        ObjectNode d = mapper.createObjectNode();
        d.put("absolute", absolute);
        d.put("elapsedMins", elapsedMins);
        d.put("interpolated", interpolated);
        d.put("mean5MinsAgo", mean5MinsAgo);
        d.put("mgdl", mgdl);
        String display;
        if (mmol) {
            double scaled = Math.round((scale(recentMean) - scale(mean5MinsAgo)) * 10) / 10.0;
            d.put("scaled", scaled);
            display = (scaled >= 0 ? "+" : "") + scaled;
        } else {
            d.put("scaled", mgdl);
            display = (mgdl >= 0 ? "+" : "") + mgdl;
        }
        d.put("display", display);
        d.set("previous", withoutBucketFields(previous));
        return d;
    }

    /** Nightscout's scaleMgdl for mmol/L: one decimal. */
    private static double scale(double mgdl) {
        return Math.round(mgdl / 18.0 * 10) / 10.0;
    }

    /** direction.js info: {@code {display: null, value, label, entity}} of the newest reading. */
    private ObjectNode direction(Optional<Reading> last, UUID owner, Instant now) {
        ObjectNode d = mapper.createObjectNode();
        d.putNull("display");
        if (last.isEmpty()) {
            return d;
        }
        Instant t = last.get().time();
        List<Reading> around = glucose.range(owner, t.minus(Duration.ofMinutes(20)), t.plusSeconds(1));
        if (around.isEmpty()) {
            return d;
        }
        String value = NsEntries.toEntries(mapper, around, around.size() - 1).get(0).path("direction").asText();
        String label = ARROWS.getOrDefault(value, "-");
        d.put("value", value);
        d.put("label", label);
        d.put("entity", "&#" + (int) label.charAt(0) + ";");
        return d;
    }

    /** upbat.js: the battery of the newest devicestatus that has one. */
    private ObjectNode upbat(UUID owner) {
        ObjectNode u = mapper.createObjectNode();
        u.putNull("display");
        for (NsDocuments.Stored s : documents.find(owner, Collection.DEVICESTATUS, NsQuery.all(Collection.DEVICESTATUS),
                50, 0)) {
            JsonNode battery = s.doc().path("uploader").path("battery");
            if (!battery.isNumber()) {
                battery = s.doc().path("uploaderBattery");
            }
            if (battery.isNumber() && battery.asDouble() > 0) {
                double b = battery.asDouble();
                if (battery.isIntegralNumber()) {
                    u.put("value", battery.asLong());
                } else {
                    u.put("value", b);
                }
                u.put("display", (battery.isIntegralNumber() ? String.valueOf(battery.asLong())
                        : String.valueOf(b)) + "%");
                u.put("level", b >= 95 ? 100 : b >= 55 ? 75 : b >= 30 ? 50 : 25);
                if (b <= 30 && b > 20) {
                    u.put("status", "warn");
                } else if (b <= 20) {
                    u.put("status", "urgent");
                } else {
                    u.putNull("status");
                }
                return u;
            }
        }
        return u;
    }

    /** dbsize.js's shape; mqcgm has no per-site database limit, so nothing is ever near it. */
    private ObjectNode dbsize() {
        ObjectNode d = mapper.createObjectNode();
        d.put("display", "0%");
        d.put("status", "current");
        d.put("dataPercentage", 0);
        d.put("notificationLevel", 0);
        d.putObject("details").put("fileSize", 0).put("maxSize", 496).put("dataSize", 0).put("sizePercentage", 0);
        return d;
    }
}
