package org.mqcgm.server.rights;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.security.Reconfirmation;

/**
 * The rights of access and copy: the "My data" page and API, and exports of everything held about a person as a
 * ZIP archive. It knows no other feature: it asks every feature's {@link PersonalData} (handed in as a supplier,
 * because the list of features is complete only after this feature is built).
 */
public final class RightsFeature implements Feature {

    /** The JSON answers of the API, by their component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    private final Platform platform;
    private final Exports exports;
    private final ExportWorker worker;
    private final Supplier<List<PersonalData>> sources;
    private final Reconfirmation reconfirmation;

    private RightsFeature(Platform platform, Exports exports, ExportWorker worker,
                          Supplier<List<PersonalData>> sources, Reconfirmation reconfirmation) {
        this.platform = platform;
        this.exports = exports;
        this.worker = worker;
        this.sources = sources;
        this.reconfirmation = reconfirmation;
    }

    /**
     * Builds the feature and starts this node's export worker.
     *
     * @param reconfirmation password (and code) confirmation before an export (the accounts feature answers)
     * @param personalData   every feature's personal data, this one's included, in the order of App's list
     */
    public static RightsFeature create(Platform platform, Reconfirmation reconfirmation,
                                       Supplier<List<PersonalData>> personalData) {
        Exports exports = new Exports(platform.jdbi(), platform.userKeys(), platform.systemClock());
        ExportWorker worker = new ExportWorker(exports, personalData);
        worker.start();
        return new RightsFeature(platform, exports, worker, personalData, reconfirmation);
    }

    @Override
    public void routes(Routes routes, Web web) {
        new RightsRoutes(exports, worker, sources, reconfirmation, platform.json(), web.pages(), web.contexts())
                .register(routes);
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(Jobs.daily("purge-expired-exports", exports::purgeExpired));
    }

    /**
     * Writes the whole export of {@code owner} (every feature's files and the README) to {@code out} at once: a
     * guardian downloading a minor's data on the minor's behalf (PR-77) gets the same archive the person would.
     */
    public void writeArchive(UUID owner, java.io.OutputStream out) throws IOException {
        ZipArchive zip = new ZipArchive(out, platform.systemClock().instant());
        for (PersonalData data : sources.get()) {
            data.export(owner, zip);
        }
        zip.finish(ExportWorker.README_INTRO);
    }

    /** The person's exports themselves (when they were asked for and how they ended; never the archives). */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(new Category("exports", exports.count(owner),
                        "giving you a copy of your data (your right of access and copy)",
                        "your export requests", "this server's PostgreSQL database; archives encrypted with your "
                        + "key and deleted 7 days after they are made"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                List<java.util.Map<String, Object>> rows = exports.all(owner).stream().map(j -> {
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("id", j.id().toString());
                    m.put("requested", j.createdAt().toString());
                    m.put("status", j.status(exports.now()).id());
                    m.put("finished", j.finishedAt() == null ? null : j.finishedAt().toString());
                    m.put("expires", j.expiresAt() == null ? null : j.expiresAt().toString());
                    return m;
                }).toList();
                archive.json(platform.mapper(), "exports.json",
                        "Your export requests (this one included): when each was requested, its status, when its "
                                + "archive is deleted. JSON array.", rows);
            }
        });
    }

    /** The export store (for tests that play several nodes). */
    Exports exports() {
        return exports;
    }

    /** This node's export worker (for tests that play several nodes). */
    ExportWorker worker() {
        return worker;
    }

    /** Exports still being written on this node stop (another node takes them up). */
    @Override
    public void close() {
        worker.close();
    }
}
