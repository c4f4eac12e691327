package org.mqcgm.server.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.core.imports.Conversion;
import org.mqcgm.core.imports.ImportException;
import org.mqcgm.core.imports.ImportFormat;
import org.mqcgm.core.imports.Importers;
import org.mqcgm.core.imports.ParsedFile;
import org.mqcgm.core.imports.Skipped;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.logbook.LogbookEntries;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;

/**
 * Imports of a person's export files: a preview first (kept encrypted with the owner's key for an hour), then the
 * commit, which stores every reading in one transaction through the glucose feature's ingest path (so imported
 * readings behave like uploads: deduplicated per second, the live Today page and alerts told), then the file's
 * logbook check-ins in one transaction through the logbook's port (one per kind and second: those the logbook has
 * already are left out). A failure leaves the import to be committed again, and committing again stores only what
 * is missing: nothing is stored twice.
 */
final class Imports {

    /** How long an import (its file, preview and result) is kept. */
    static final Duration KEEP = Duration.ofHours(1);
    static final int SKIPPED_SHOWN = 100;
    static final int ROWS_SHOWN = 50;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Imports.class);

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final ObjectMapper mapper;
    private final Clock systemClock;
    private final Clock dataClock;
    private final Function<UUID, ZoneId> homeZones;
    private final ImportsFeature.ReadingSink sink;
    private final ImportsFeature.StoredReadings stored;
    private final LogbookEntries logbook;

    Imports(Jdbi jdbi, UserKeys keys, ObjectMapper mapper, Clock systemClock, Clock dataClock,
            Function<UUID, ZoneId> homeZones, ImportsFeature.ReadingSink sink, ImportsFeature.StoredReadings stored,
            LogbookEntries logbook) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.mapper = mapper;
        this.systemClock = systemClock;
        this.dataClock = dataClock;
        this.homeZones = homeZones;
        this.sink = sink;
        this.stored = stored;
        this.logbook = logbook;
    }

    ZoneId homeZone(UUID owner) {
        return homeZones.apply(owner);
    }

    // ------------------------------------------------------------------ preview

    /** Reads the file, converts it and keeps it with its preview; a file that cannot be imported is a 422. */
    ApiSchemas.Import preview(UUID owner, byte[] file, String zoneParam, String formatParam, boolean logbookAllowed) {
        ImportFormat format = null;
        if (formatParam != null && !formatParam.isBlank()) {
            format = ImportFormat.byId(formatParam).orElseThrow(() -> new ProblemException(Problem.badRequest(
                    "Unknown format.", new Problem.FieldError("format", "enum",
                            "one of clarity, libreview, nightscout, tidepool"))));
        }
        Optional<ZoneId> confirmed = zone(zoneParam);
        ParsedFile parsed = parse(file, format);
        ZoneId home = homeZone(owner);
        ZoneId zone = confirmed.orElse(home);
        UUID id = UUID.randomUUID();
        Instant now = systemClock.instant();
        // The home zone (given or not: the page's zone list starts on it) is an assumption until the commit confirms.
        ApiSchemas.Import view = view(owner, id, parsed, zone, zone.equals(home), now.plus(KEEP), logbookAllowed);
        byte[] fileEnc = keys.encrypt(owner, context(id, "file"), deflate(file));
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into import_job (owner_id, id, format, status, progress, file_enc, preview_enc,
                                                created_at, expires_at)
                        values (:owner, :id, :format, 'preview', 0, :file, :preview, :created, :expires)""")
                .bind("owner", owner).bind("id", id).bind("format", parsed.format().id())
                .bind("file", fileEnc).bind("preview", encryptView(owner, id, view))
                .bind("created", now.atOffset(ZoneOffset.UTC)).bind("expires", now.plus(KEEP).atOffset(ZoneOffset.UTC))
                .execute());
        return view;
    }

    static ParsedFile parse(byte[] file, ImportFormat format) {
        try {
            return Importers.parse(file, format);
        } catch (ImportException e) {
            throw new ProblemException(Problem.of(422, "import-file", "The file cannot be imported", e.getMessage())
                    .withErrors(List.of(new Problem.FieldError("file", e.rule(), e.getMessage()))));
        }
    }

    /** An IANA zone id from a form or body field; absent when blank; 400 naming the field otherwise. */
    static Optional<ZoneId> zone(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            ZoneId zone = ZoneId.of(text.strip());
            if (zone instanceof ZoneOffset && !text.strip().equals("UTC") && !text.strip().equals("Z")) {
                throw new java.time.DateTimeException("offset, not a zone");
            }
            return Optional.of(zone);
        } catch (java.time.DateTimeException e) {
            throw new ProblemException(Problem.badRequest("Unknown time zone.", new Problem.FieldError("zone",
                    "time-zone", "an IANA time zone such as Europe/Berlin or America/New_York")));
        }
    }

    /**
     * The preview of a file in {@code zone}. Without {@code logbookAllowed} (an API token without the scope
     * {@code logbook}) the file's check-ins are skipped rows, and the commit stores none.
     */
    private ApiSchemas.Import view(UUID owner, UUID id, ParsedFile parsed, ZoneId zone, boolean assumed,
                                   Instant expires, boolean logbookAllowed) {
        Conversion.Converted c = convert(parsed, zone, logbookAllowed);
        if (c.readings().isEmpty() && c.checkins().isEmpty()) {
            String detail = "The file holds no sensor glucose reading or logbook entry that can be imported ("
                    + c.skipped().size() + " rows skipped).";
            throw new ProblemException(Problem.of(422, "import-file", "The file cannot be imported", detail)
                    .withErrors(List.of(new Problem.FieldError("file", "no-readings", detail)))
                    .with("skipped", shown(c.skipped())));
        }
        int duplicates = c.readings().isEmpty() ? 0 : duplicates(owner, c.readings());
        Map<String, Integer> kinds = new TreeMap<>();
        c.checkins().forEach(k -> kinds.merge(k.entry().kind(), 1, Integer::sum));
        int checkinDuplicates = c.checkins().size() - freshCheckins(owner, c.checkins()).size();
        List<Instant> ends = new ArrayList<>();
        c.first().ifPresent(ends::add);
        c.last().ifPresent(ends::add);
        if (!c.checkins().isEmpty()) {
            ends.add(c.checkins().get(0).time().toInstant());
            ends.add(c.checkins().get(c.checkins().size() - 1).time().toInstant());
        }
        Instant first = ends.stream().min(Instant::compareTo).orElseThrow();
        Instant last = ends.stream().max(Instant::compareTo).orElseThrow();
        return new ApiSchemas.Import(id.toString(), "preview", 0, parsed.format().id(), parsed.unit().symbol(),
                zone.getId(), assumed && parsed.format().zoneLess(), first.toString(), last.toString(),
                c.readings().size(), duplicates, c.gapRows().size(), cap(c.gapRows()), c.repeatRows().size(),
                cap(c.repeatRows()), c.skipped().size(), shown(c.skipped()), parsed.note(), null, expires.toString(),
                c.checkins().size(), kinds, checkinDuplicates, null, logbookAllowed);
    }

    /** The file in {@code zone}; without {@code logbook}, its check-ins become skipped rows. */
    private Conversion.Converted convert(ParsedFile parsed, ZoneId zone, boolean logbook) {
        Conversion.Converted c = Conversion.convert(parsed, zone, dataClock.instant());
        if (logbook || c.checkins().isEmpty()) {
            return c;
        }
        List<Skipped> skipped = new ArrayList<>(c.skipped());
        new java.util.TreeSet<>(c.checkins().stream().map(Conversion.Checkin::row).toList()).forEach(row ->
                skipped.add(new Skipped(row, "logbook entry left out: the API token lacks the scope logbook")));
        skipped.sort(java.util.Comparator.comparingInt(Skipped::row));
        return new Conversion.Converted(c.readings(), List.copyOf(skipped), c.gapRows(), c.repeatRows(), List.of());
    }

    /** The check-ins (oldest first) that the logbook has not yet: none of their kind at their second. */
    private List<Conversion.Checkin> freshCheckins(UUID owner, List<Conversion.Checkin> checkins) {
        if (checkins.isEmpty()) {
            return List.of();
        }
        Instant from = checkins.get(0).time().toInstant();
        Instant to = checkins.get(checkins.size() - 1).time().toInstant().plusSeconds(1);
        Set<String> have = new HashSet<>();
        for (ObjectNode n : logbook.between(owner, from, to, Integer.MAX_VALUE)) {
            JsonNode type = n.get("insulinType");
            have.add(Conversion.Checkin.key(n.path("kind").asText(), type == null ? null : type.asText(),
                    OffsetDateTime.parse(n.path("time").asText()).toEpochSecond()));
        }
        return checkins.stream().filter(k -> !have.contains(k.key())).toList();
    }

    private static List<Integer> cap(List<Integer> rows) {
        return List.copyOf(rows.subList(0, Math.min(rows.size(), ROWS_SHOWN)));
    }

    private static List<ApiSchemas.ImportSkippedRow> shown(List<Skipped> skipped) {
        return skipped.stream().limit(SKIPPED_SHOWN).map(s -> new ApiSchemas.ImportSkippedRow(s.row(), s.reason()))
                .toList();
    }

    /** How many of {@code readings} (oldest first) are at a second already stored for {@code owner}. */
    private int duplicates(UUID owner, List<Reading> readings) {
        Instant from = readings.get(0).time();
        Instant to = readings.get(readings.size() - 1).time().plusSeconds(1);
        Set<Long> seconds = new HashSet<>();
        for (Reading r : stored.range(owner, from, to)) {
            seconds.add(r.time().getEpochSecond());
        }
        int n = 0;
        for (Reading r : readings) {
            if (seconds.contains(r.time().getEpochSecond())) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ reading

    Optional<ApiSchemas.Import> find(UUID owner, UUID id) {
        Instant now = systemClock.instant();
        return jdbi.withHandle(h -> h.createQuery("""
                        select status, progress, preview_enc from import_job
                        where owner_id = :owner and id = :id and expires_at > :now""")
                .bind("owner", owner).bind("id", id).bind("now", now.atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> decryptView(owner, id, rs.getBytes("preview_enc"))
                        .withState(rs.getString("status"), rs.getInt("progress")))
                .findOne());
    }

    // ------------------------------------------------------------------ commit

    /**
     * Claims the import for its commit (preview or failed → importing), re-converting it in {@code zoneParam} when
     * one is given. 404 when there is no such import of the owner's; 409 when it is already importing or done.
     */
    ApiSchemas.Import begin(UUID owner, UUID id, String zoneParam) {
        Optional<ZoneId> zone = zone(zoneParam);
        Instant now = systemClock.instant();
        int claimed = jdbi.withHandle(h -> h.createUpdate("""
                        update import_job set status = 'importing', progress = 5
                        where owner_id = :owner and id = :id and status in ('preview', 'failed') and expires_at > :now""")
                .bind("owner", owner).bind("id", id).bind("now", now.atOffset(ZoneOffset.UTC)).execute());
        if (claimed == 0) {
            ApiSchemas.Import current = find(owner, id).orElseThrow(() -> new ProblemException(Problem.notFound()));
            throw new ProblemException(Problem.of(409, "import-" + current.status(),
                    current.status().equals("done") ? "Already imported" : "Being imported",
                    current.status().equals("done") ? "This import was stored already; upload the file again to "
                            + "import it again (nothing is stored twice)." : "This import is being stored.")
                    .with("import", ImportRoutes.API + "/" + id));
        }
        ApiSchemas.Import current = find(owner, id).orElseThrow(() -> new ProblemException(Problem.notFound()));
        if (zone.isPresent() && (!zone.get().getId().equals(current.zone()) || current.zoneAssumed())) {
            try {
                byte[] file = file(owner, id);
                ApiSchemas.Import redone = view(owner, id, parse(file, ImportFormat.byId(current.format())
                        .orElseThrow()), zone.get(), false, Instant.parse(current.expires()), current.logbook());
                saveView(owner, id, redone);
                current = redone.withState("importing", 5);
            } catch (RuntimeException e) {
                setState(owner, id, "preview", 0);
                throw e;
            }
        }
        return current;
    }

    /**
     * Stores the claimed import's readings in one transaction and records the result. On failure nothing is stored
     * and the import is marked failed (it can be committed again).
     */
    ApiSchemas.Import run(UUID owner, UUID id) {
        try {
            ApiSchemas.Import current = find(owner, id).orElseThrow(() -> new ProblemException(Problem.notFound()));
            byte[] file = file(owner, id);
            setState(owner, id, "importing", 20);
            ParsedFile parsed = parse(file, ImportFormat.byId(current.format()).orElseThrow());
            setState(owner, id, "importing", 40);
            Conversion.Converted c = convert(parsed, ZoneId.of(current.zone()), current.logbook());
            setState(owner, id, "importing", 60);
            int storedNow = c.readings().isEmpty() ? 0 : sink.store(owner, c.readings());
            setState(owner, id, "importing", 80);
            List<Conversion.Checkin> fresh = freshCheckins(owner, c.checkins());
            List<Optional<ObjectNode>> results = logbook.addAll(owner, fresh.stream()
                    .map(k -> LogbookEntries.checkin(k.time(), k.entry())).toList());
            List<ApiSchemas.ImportSkippedRow> refused = new ArrayList<>();
            for (int k = 0; k < fresh.size(); k++) {
                if (results.get(k).isEmpty()) {
                    refused.add(new ApiSchemas.ImportSkippedRow(fresh.get(k).row(),
                            "the logbook did not accept this " + fresh.get(k).entry().kind()));
                }
            }
            ApiSchemas.Import done = current.withStored(storedNow, c.readings().size() - storedNow,
                    fresh.size() - refused.size(), c.checkins().size() - fresh.size()).withRefused(refused);
            jdbi.useHandle(h -> h.createUpdate("""
                            update import_job set status = 'done', progress = 100, file_enc = null,
                                                  preview_enc = :preview
                            where owner_id = :owner and id = :id""")
                    .bind("owner", owner).bind("id", id).bind("preview", encryptView(owner, id, done)).execute());
            return done;
        } catch (RuntimeException e) {
            log.warn("import {} failed: {}", id, org.mqcgm.server.platform.db.SafeErrors.describe(e));
            setState(owner, id, "failed", 0);
            if (e instanceof ProblemException p && p.problem().status() < 500) {
                throw p;
            }
            throw new ProblemException(Problem.of(500, "import-failed", "The import failed",
                    "Nothing was stored; commit the import again.").with("import", ImportRoutes.API + "/" + id));
        }
    }

    private void setState(UUID owner, UUID id, String status, int progress) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update import_job set status = :status, progress = :progress
                        where owner_id = :owner and id = :id""")
                .bind("owner", owner).bind("id", id).bind("status", status).bind("progress", progress).execute());
    }

    private void saveView(UUID owner, UUID id, ApiSchemas.Import view) {
        jdbi.useHandle(h -> h.createUpdate("update import_job set preview_enc = :p where owner_id = :owner and id = :id")
                .bind("owner", owner).bind("id", id).bind("p", encryptView(owner, id, view)).execute());
    }

    private byte[] file(UUID owner, UUID id) {
        byte[] enc = jdbi.withHandle(h -> h.createQuery(
                        "select file_enc from import_job where owner_id = :owner and id = :id")
                .bind("owner", owner).bind("id", id).mapTo(byte[].class).findOne().orElse(null));
        if (enc == null) {
            throw new ProblemException(Problem.notFound());
        }
        return inflate(keys.decrypt(owner, context(id, "file"), enc));
    }

    // ------------------------------------------------------------------ housekeeping

    int purgeExpired() {
        return jdbi.withHandle(h -> h.createUpdate("delete from import_job where expires_at <= :now")
                .bind("now", systemClock.instant().atOffset(ZoneOffset.UTC)).execute());
    }

    long count(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from import_job where owner_id = :owner")
                .bind("owner", owner).mapTo(Long.class).one());
    }

    /** The owner's imports for the export: id, format, status, created, expires (no readings, no file). */
    List<java.util.Map<String, Object>> all(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, format, status, created_at, expires_at from import_job
                        where owner_id = :owner order by created_at""")
                .bind("owner", owner)
                .map((rs, ctx) -> {
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("id", rs.getString("id"));
                    m.put("format", rs.getString("format"));
                    m.put("status", rs.getString("status"));
                    m.put("created", rs.getObject("created_at", OffsetDateTime.class).toInstant().toString());
                    m.put("expires", rs.getObject("expires_at", OffsetDateTime.class).toInstant().toString());
                    return m;
                }).list());
    }

    // ------------------------------------------------------------------ encryption

    private static String context(UUID id, String what) {
        return "import:" + id + ":" + what;
    }

    private byte[] encryptView(UUID owner, UUID id, ApiSchemas.Import view) {
        try {
            return keys.encrypt(owner, context(id, "preview"), mapper.writeValueAsBytes(view));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ApiSchemas.Import decryptView(UUID owner, UUID id, byte[] enc) {
        try {
            return mapper.readValue(keys.decrypt(owner, context(id, "preview"), enc), ApiSchemas.Import.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
            byte[] buf = new byte[64 * 1024];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    static byte[] inflate(byte[] data) {
        Inflater in = new Inflater();
        try {
            in.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 4);
            byte[] buf = new byte[64 * 1024];
            while (!in.finished()) {
                int n = in.inflate(buf);
                if (n == 0 && (in.needsInput() || in.needsDictionary())) {
                    throw new IllegalStateException("truncated import file");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException("damaged import file", e);
        } finally {
            in.end();
        }
    }

    Instant now() {
        return systemClock.instant();
    }
}
