package org.mqcgm.server.imports;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.logbook.LogbookEntries;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/**
 * Imports of export files from the systems people used before (Clarity, LibreView, Nightscout, Tidepool): the API
 * {@code /api/v1/imports}, the page {@code /import}, and the hourly purge of what an import keeps.
 */
public final class ImportsFeature implements Feature {

    /** The JSON answers and requests of the API, by their component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;
    /** The largest file an import takes through the API (a year of 5-minute Tidepool JSON is about 40 MB). */
    public static final int MAX_FILE_BYTES = 64 * 1024 * 1024;

    /** Stores readings for their owner as an upload would (the glucose feature's {@code Readings.store}). */
    @FunctionalInterface
    public interface ReadingSink {
        /** Stores {@code readings} in one transaction; returns how many were new. */
        int store(UUID owner, List<Reading> readings);
    }

    /** The readings already stored for a person in {@code [from, to)} (the glucose feature's store). */
    @FunctionalInterface
    public interface StoredReadings {
        List<Reading> range(UUID owner, Instant from, Instant to);
    }

    private final Imports imports;
    private final Platform platform;

    private ImportsFeature(Platform platform, Imports imports) {
        this.platform = platform;
        this.imports = imports;
    }

    /**
     * @param homeZones the account's home zone (assumed for files of local times until the user confirms one)
     * @param sink      where committed readings go
     * @param stored    what is stored already (duplicates in the preview)
     * @param logbook   where a file's meals, insulin, meter readings, exercise and notes go
     */
    public static ImportsFeature create(Platform platform, Function<UUID, ZoneId> homeZones, ReadingSink sink,
                                        StoredReadings stored, LogbookEntries logbook) {
        return new ImportsFeature(platform, new Imports(platform.jdbi(), platform.userKeys(), platform.mapper(),
                platform.systemClock(), platform.dataClock(), homeZones, sink, stored, logbook));
    }

    @Override
    public void routes(Routes routes, Web web) {
        new ImportRoutes(imports, platform.json(), web.pages(), web.contexts(), MAX_FILE_BYTES).register(routes);
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(new Jobs.Job("purge-expired-imports", Duration.ofMinutes(10), imports::purgeExpired));
    }

    /**
     * Imports are kept an hour (file and preview encrypted with the person's key); while they exist they are listed
     * in "My data" and their bookkeeping is in the export (the imported readings are in the glucose export).
     */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(new Category("imports", imports.count(owner),
                        "importing readings from a file you uploaded", "files you uploaded",
                        "this server's PostgreSQL database, encrypted with your key; deleted an hour after the upload"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                archive.json(platform.mapper(), "imports.json", "Your file imports of the last hour: id, format, "
                        + "status, when uploaded and when deleted (the readings are in readings files). JSON array.",
                        imports.all(owner));
            }
        });
    }

    /** The service (the CLI and tests drive imports through it): readings and logbook check-ins. */
    public Preview preview(UUID owner, byte[] file, String zone, String format) {
        return new Preview(imports.preview(owner, file, zone, format, true));
    }

    /** Commits an import (as the API does) and answers the finished view. */
    public Preview commit(UUID owner, UUID id, String zone) {
        imports.begin(owner, id, zone);
        return new Preview(imports.run(owner, id));
    }

    /** An import's public face for the CLI: the same fields as the API's answer. */
    public record Preview(String id, String status, String format, String unit, String zone, boolean zoneAssumed,
                          String first, String last, int count, int duplicates, int dstGaps, int dstRepeats,
                          int skippedTotal, List<String> skipped, String note, Integer stored, int checkins,
                          java.util.Map<String, Integer> checkinKinds, int checkinDuplicates,
                          Integer checkinsStored) {
        Preview(ApiSchemas.Import i) {
            this(i.id(), i.status(), i.format(), i.unit(), i.zone(), i.zoneAssumed(), i.first(), i.last(), i.count(),
                    i.duplicates(), i.dstGaps(), i.dstRepeats(), i.skippedTotal(),
                    i.skipped().stream().map(s -> s.row() + ": " + s.reason()).toList(), i.note(), i.stored(),
                    i.checkins(), i.checkinKinds(), i.checkinDuplicates(), i.checkinsStored());
        }
    }
}
