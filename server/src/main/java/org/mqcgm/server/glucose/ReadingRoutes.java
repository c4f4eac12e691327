package org.mqcgm.server.glucose;

import static org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.sse.SseClient;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.time.TimeBounds;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Grant;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.security.ShareScope;

/**
 * The readings API: upload ({@code POST /api/v1/readings}), read a range (JSON, CSV, or downsampled for charts),
 * the latest reading, and a live stream (Server-Sent Events). Times are ISO-8601 with the wearer's UTC offset.
 */
final class ReadingRoutes implements AutoCloseable {

    /** The longest range one read may ask for. */
    static final Duration MAX_RANGE = Duration.ofDays(90);
    /** ISO-8601 with seconds always present and the reading's own offset. */
    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");
    static final Map<String, Duration> RESOLUTIONS = Map.of("5m", Duration.ofMinutes(5), "15m",
            Duration.ofMinutes(15), "1h", Duration.ofHours(1));

    private final Readings readings;
    private final Annotations annotations;
    private final JsonBodies json;
    private final Set<SseClient> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sse-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public ReadingRoutes(Readings readings, Annotations annotations, JsonBodies json) {
        this.readings = readings;
        this.annotations = annotations;
        this.json = json;
        // Comments keep idle streams open through proxies and reveal closed ones.
        heartbeat.scheduleAtFixedRate(() -> streams.forEach(s -> {
            if (s.terminated()) {
                streams.remove(s);
            } else {
                synchronized (s) { // the stream's writers hold it (AccessControl.endWithRetryHint)
                    s.sendComment("keep-alive");
                }
            }
        }), 20, 20, TimeUnit.SECONDS);
    }

    public void register(Routes routes) {
        routes.post("/api/v1/readings", Access.api(Scope.READINGS_WRITE).requiring(HEALTH_DATA), this::upload);
        routes.get("/api/v1/readings", Access.api(Scope.READINGS_READ).requiring(HEALTH_DATA), this::list);
        routes.get("/api/v1/readings/latest", Access.api(Scope.READINGS_READ).requiring(HEALTH_DATA), this::latest);
        routes.sse("/api/v1/readings/stream", Access.api(Scope.READINGS_READ).requiring(HEALTH_DATA), this::stream);
        // The same on the data of a person who shares it with the caller (or the caller's own): history for ranges,
        // live glucose for the latest reading and the stream.
        routes.get("/api/v1/people/{person}/readings",
                Access.sharedApi(Scope.READINGS_READ, ShareScope.HISTORY).requiring(HEALTH_DATA), this::list);
        routes.get("/api/v1/people/{person}/readings/latest",
                Access.sharedApi(Scope.READINGS_READ, ShareScope.GLUCOSE).requiring(HEALTH_DATA), this::latest);
        routes.sse("/api/v1/people/{person}/readings/stream",
                Access.sharedApi(Scope.READINGS_READ, ShareScope.GLUCOSE).requiring(HEALTH_DATA), this::stream);
    }

    /**
     * Whose readings a request reads: the {@code {person}} of a shared route (the caller, or someone sharing with
     * them: checked by the access rule), otherwise the caller.
     */
    static UUID whose(Context ctx) {
        return ctx.pathParamMap().containsKey("person") ? Grant.person(ctx) : Principal.of(ctx).accountId();
    }

    /** The earliest reading time a follower may see (a share of "the last N days"), or null for all. */
    static Instant visibleFrom(Context ctx) {
        return Grant.of(ctx).map(Grant::visibleFrom).orElse(null);
    }

    /** A follower asking for data before their share's window: 403 naming {@code field} (PR-24). */
    static ProblemException outsideSharedWindow(String field, Instant visibleFrom) {
        return new ProblemException(Problem.of(403, "outside-shared-window", "Outside the shared window",
                "This person shares only their data since " + visibleFrom + ".").withErrors(List.of(
                new Problem.FieldError(field, "outside-shared-window", "must not be before " + visibleFrom)))
                .with("visibleFrom", visibleFrom.toString()));
    }

    private void upload(Context ctx) {
        Principal p = Principal.of(ctx);
        checkContentDigest(ctx);
        JsonNode body = json.readTree(ctx);
        boolean atomic = "true".equalsIgnoreCase(ctx.queryParam("atomic"));
        Readings.Outcome outcome = readings.ingest(p.accountId(), body, atomic, idempotencyKey(ctx));
        if (outcome.replayed()) {
            ctx.header("Idempotent-Replayed", "true");
        }
        if (outcome.rejected() == 0) {
            ctx.status(HttpStatus.OK).json(new ApiSchemas.UploadResult(outcome.accepted(), outcome.duplicates(), 0));
            return;
        }
        String detail = atomic
                ? outcome.rejected() + " readings broke a rule; nothing was stored (atomic=true)."
                : outcome.rejected() + " readings broke a rule and were not stored; the others were stored.";
        throw new ProblemException(Problem.validation(detail, outcome.errors())
                .with("accepted", outcome.accepted())
                .with("duplicates", outcome.duplicates())
                .with("rejected", outcome.rejected()));
    }

    /**
     * The per-batch checksum (PR-18): when the uploader sends {@code Content-Digest} (RFC 9530) with sha-256 or
     * sha-512, a body that does not match it is refused before anything is parsed or stored.
     */
    static void checkContentDigest(Context ctx) {
        String header = ctx.header("Content-Digest");
        if (header == null) {
            return;
        }
        boolean checked = false;
        for (String member : header.split(",")) {
            String[] kv = member.trim().split("=", 2);
            String algorithm = kv[0].trim().toLowerCase(Locale.ROOT);
            String jca = switch (algorithm) {
                case "sha-256" -> "SHA-256";
                case "sha-512" -> "SHA-512";
                default -> null;
            };
            if (jca == null) {
                continue;
            }
            String value = kv.length == 2 ? kv[1].trim() : "";
            byte[] claimed;
            try {
                if (value.length() < 2 || value.charAt(0) != ':' || value.charAt(value.length() - 1) != ':') {
                    throw new IllegalArgumentException();
                }
                claimed = java.util.Base64.getDecoder().decode(value.substring(1, value.length() - 1));
            } catch (IllegalArgumentException e) {
                throw new ProblemException(Problem.badRequest("The Content-Digest header is malformed.",
                        new Problem.FieldError("Content-Digest", "format", "must be like sha-256=:<base64>:")));
            }
            try {
                byte[] actual = MessageDigest.getInstance(jca).digest(ctx.bodyAsBytes());
                if (!MessageDigest.isEqual(actual, claimed)) {
                    throw new ProblemException(Problem.badRequest(
                            "The body does not match its Content-Digest; it was damaged on the way. Nothing was stored.",
                            new Problem.FieldError("Content-Digest", "digest-mismatch",
                                    "must be the " + algorithm + " digest of the body")));
                }
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            checked = true;
        }
        if (!checked) {
            throw new ProblemException(Problem.badRequest("The Content-Digest header names no supported algorithm.",
                    new Problem.FieldError("Content-Digest", "algorithm", "must use sha-256 or sha-512")));
        }
    }

    private static Optional<Readings.IdempotencyKey> idempotencyKey(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key == null) {
            return Optional.empty();
        }
        if (key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ProblemException(Problem.badRequest("The Idempotency-Key header is not usable.",
                    new Problem.FieldError("Idempotency-Key", "format", "must be 1 to 255 visible ASCII characters")));
        }
        try {
            return Optional.of(new Readings.IdempotencyKey(key,
                    MessageDigest.getInstance("SHA-256").digest(ctx.bodyAsBytes())));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void list(Context ctx) {
        UUID owner = whose(ctx);
        Instant now = readings.clock().instant();
        Instant to = instantParam(ctx, "to", now.plus(Readings.FUTURE_TOLERANCE), now);
        Instant from = instantParam(ctx, "from", to.minus(Duration.ofHours(24)), now);
        Instant window = visibleFrom(ctx);
        if (window != null && from.isBefore(window)) {
            if (ctx.queryParam("from") != null && !ctx.queryParam("from").isBlank()) {
                throw outsideSharedWindow("from", window);
            }
            from = window;
        }
        if (!from.isBefore(to)) {
            throw new ProblemException(Problem.badRequest("'from' must be before 'to'.",
                    new Problem.FieldError("from", "before-to", "must be before to")));
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new ProblemException(Problem.badRequest("The range is longer than 90 days.",
                    new Problem.FieldError("to", "max-range", "must be at most 90 days after from")));
        }
        String resolution = Optional.ofNullable(ctx.queryParam("resolution")).orElse("raw");
        if (!resolution.equals("raw") && !RESOLUTIONS.containsKey(resolution)) {
            throw new ProblemException(Problem.badRequest("Unknown resolution.",
                    new Problem.FieldError("resolution", "one-of", "must be raw, 5m, 15m or 1h")));
        }
        List<Reading> list = readings.store().range(owner, from, to);
        List<Annotations.Annotation> notes = annotations.overlapping(owner, from, to);
        if (!resolution.equals("raw")) {
            ctx.json(downsample(Annotations.forStatistics(list, notes), RESOLUTIONS.get(resolution)));
            return;
        }
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/csv")) {
            CsvExport csv = new CsvExport("time", "mgdl", "marker", "trend", "quality", "device", "excluded");
            for (Reading r : list) {
                csv.record(ISO.format(r.localTime()), r.mgdl(),
                        r.marker() == Reading.Marker.VALUE ? "" : r.marker().name().toLowerCase(Locale.ROOT),
                        r.hasTrend() ? Double.toString(r.trend()) : "", r.quality() >= 0 ? r.quality() : "",
                        CsvExport.text(r.source()), excluded(r, notes));
            }
            ctx.contentType("text/csv; charset=utf-8").result(csv.toString());
            return;
        }
        List<ApiSchemas.ReadingView> out = new ArrayList<>(list.size());
        for (Reading r : list) {
            out.add(excluded(r, notes) ? view(r).markedExcluded() : view(r));
        }
        ctx.json(out);
    }

    private static boolean excluded(Reading r, List<Annotations.Annotation> notes) {
        return notes.stream().anyMatch(a -> a.exclude() && a.covers(r.time()));
    }

    /** Mean, minimum and maximum per time bucket, for charts of long ranges. */
    static List<ApiSchemas.ReadingBucket> downsample(List<Reading> list, Duration bucket) {
        long size = bucket.getSeconds();
        List<ApiSchemas.ReadingBucket> out = new ArrayList<>();
        int i = 0;
        while (i < list.size()) {
            long start = Math.floorDiv(list.get(i).time().getEpochSecond(), size) * size;
            long sum = 0;
            int min = Integer.MAX_VALUE;
            int max = Integer.MIN_VALUE;
            int n = 0;
            while (i < list.size() && list.get(i).time().getEpochSecond() < start + size) {
                int v = list.get(i).mgdl();
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
                n++;
                i++;
            }
            out.add(new ApiSchemas.ReadingBucket(Instant.ofEpochSecond(start).toString(), Math.round((double) sum / n),
                    min, max, n));
        }
        return out;
    }

    private void latest(Context ctx) {
        Instant window = visibleFrom(ctx);
        ctx.json(view(latestOf(whose(ctx)).filter(r -> window == null || !r.time().isBefore(window)).orElseThrow(() -> new ProblemException(Problem.of(404, "no-readings",
                "No readings", "There are no readings yet.")))));
    }

    private Optional<Reading> latestOf(UUID owner) {
        return readings.store().latest(owner, readings.clock().instant().plus(Readings.FUTURE_TOLERANCE));
    }

    /**
     * The live stream: the latest reading at once (event {@code reading}), then each newer one as it arrives.
     */
    private void stream(SseClient client) {
        UUID owner = whose(client.ctx());
        Instant window = visibleFrom(client.ctx());
        client.keepAlive();
        streams.add(client);
        long[] lastSent = {Long.MIN_VALUE};
        Consumer<Optional<Reading>> send = latest -> latest.filter(r -> window == null || !r.time().isBefore(window))
                .ifPresent(r -> {
                    synchronized (lastSent) {
                        if (r.time().getEpochSecond() > lastSent[0]) {
                            lastSent[0] = r.time().getEpochSecond();
                            synchronized (client) { // the stream's writers hold it (AccessControl.endWithRetryHint)
                                client.sendEvent("reading", view(r), Long.toString(lastSent[0]));
                            }
                        }
                    }
                });
        Runnable stop = follow(owner, send);
        client.onClose(() -> {
            stop.run();
            streams.remove(client);
        });
        send.accept(latestOf(owner));
    }

    /**
     * Adds a stream to the streams of {@code owner}'s readings on this node. All of them share one watcher: when
     * a reading arrives, the newest reading is read once and handed to every stream (a wearer with 20 followers
     * costs one read per reading, not 20); each stream applies its own window.
     */
    private Runnable follow(UUID owner, Consumer<Optional<Reading>> stream) {
        live.compute(owner, (k, set) -> {
            if (set == null) {
                Set<Consumer<Optional<Reading>>> ofOwner = ConcurrentHashMap.newKeySet();
                liveStops.put(owner, readings.events().watch(owner, o -> {
                    if (!ofOwner.isEmpty()) {
                        Optional<Reading> latest = latestForStreams(o);
                        for (Consumer<Optional<Reading>> each : ofOwner) {
                            try {
                                each.accept(latest);
                            } catch (RuntimeException e) {
                                // a stream that broke is closed by its heartbeat; the others go on
                            }
                        }
                    }
                }));
                set = ofOwner;
            }
            set.add(stream);
            return set;
        });
        return () -> live.computeIfPresent(owner, (k, set) -> {
            set.remove(stream);
            if (!set.isEmpty()) {
                return set;
            }
            Runnable unwatch = liveStops.remove(owner);
            if (unwatch != null) {
                unwatch.run();
            }
            return null;
        });
    }

    /** How often the fan-out reads a new reading again when the database did not answer (1, 2, 4, 8 s apart). */
    static final int FAN_OUT_ATTEMPTS = 5;

    /**
     * The newest reading for the streams, read again after 1, 2, 4 and 8 s when the read fails: the fan-out runs
     * once per new reading (on a virtual thread of its own), so a read refused while every database connection was
     * busy lost that reading for every follower until the wearer's next one, five minutes later (the soak:
     * 239 of 1,515 readings in its first minutes, docs/benchmarks.md "Ten thousand wearers").
     */
    private Optional<Reading> latestForStreams(UUID owner) {
        for (int attempt = 1; ; attempt++) {
            try {
                return latestOf(owner);
            } catch (RuntimeException e) {
                if (attempt >= FAN_OUT_ATTEMPTS || closed) {
                    throw e;
                }
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1L << (attempt - 1));
                try {
                    while (!closed && System.nanoTime() < until) {
                        Thread.sleep(100); // in slices: closing the server does not wait out a back-off
                    }
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The streams of each owner followed on this node (see {@link #follow}). */
    private final Map<UUID, Set<Consumer<Optional<Reading>>>> live = new ConcurrentHashMap<>();
    private final Map<UUID, Runnable> liveStops = new ConcurrentHashMap<>();

    static ApiSchemas.ReadingView view(Reading r) {
        return new ApiSchemas.ReadingView(ISO.format(r.localTime()), r.mgdl(),
                r.marker() != Reading.Marker.VALUE ? r.marker().name().toLowerCase(Locale.ROOT) : null,
                r.hasTrend() ? r.trend() : null,
                r.quality() >= 0 ? r.quality() : null,
                r.status() != 0 ? r.status() : null,
                r.source(), null);
    }

    /**
     * A {@code from}/{@code to} query parameter: an ISO-8601 date-time with offset (400 when malformed) within
     * {@link TimeBounds#rangeBound} of {@code now} (422 naming the parameter otherwise).
     */
    static Instant instantParam(Context ctx, String name, Instant fallback, Instant now) {
        return org.mqcgm.server.platform.http.QueryTimes.rangeBound(ctx, name, fallback, now);
    }

    /** A time outside its bounds: 422 naming the field and the rule. */
    static ProblemException outOfBounds(String field, TimeBounds.Violation violation) {
        return org.mqcgm.server.platform.http.QueryTimes.outOfBounds(field, violation);
    }

    private volatile boolean closed;

    @Override
    public void close() {
        closed = true;
        heartbeat.shutdownNow();
        streams.forEach(SseClient::close);
    }
}
