package org.mqcgm.server.glucose;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.marks.CheckinMarks;
import org.mqcgm.server.platform.security.Reconfirmation;

/**
 * The glucose feature: readings (upload, read, CSV, live stream), sensors, sessions, calibrations, annotations,
 * and the Today and History pages. Other features read glucose only through {@link #readings()}.
 */
public final class GlucoseFeature implements Feature {

    /** The JSON answers of the API, by their component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    private final Platform platform;
    private final ReadingStore store;
    private final ReadingEvents events;
    private final Annotations annotations;
    private final Readings readings;
    private final Sensors sensors;
    private final ReadingRoutes readingRoutes;
    private final Reconfirmation reconfirmation;
    private final CheckinMarks marks;

    private GlucoseFeature(Platform platform, ReadingStore store, ReadingEvents events, Annotations annotations,
                           Readings readings, Sensors sensors, Reconfirmation reconfirmation, CheckinMarks marks) {
        this.marks = marks;
        this.reconfirmation = reconfirmation;
        this.platform = platform;
        this.store = store;
        this.events = events;
        this.annotations = annotations;
        this.readings = readings;
        this.sensors = sensors;
        this.readingRoutes = new ReadingRoutes(readings, annotations, platform.json());
    }

    /**
     * Builds the feature; re-stores readings a schema older than V3 kept in clear.
     *
     * @param timeZones      a person's home zone (the accounts feature answers): readings are kept in blocks per local day
     * @param reconfirmation the owner's password (and code) before a deletion (the accounts feature answers)
     * @param marks          the logbook's entries shown on Today and History (the logbook answers)
     */
    public static GlucoseFeature create(Platform platform, Function<UUID, ZoneId> timeZones,
                                        Reconfirmation reconfirmation, CheckinMarks marks) {
        return create(platform, timeZones, reconfirmation, marks, java.util.Map.of());
    }

    /**
     * Builds the feature with the upload settings of {@code settings} (a flat map of {@code MQCGM_*} settings:
     * {@code MQCGM_UPLOAD_COALESCE=on|off} and its tuning, see {@link #uploadSettings}).
     */
    public static GlucoseFeature create(Platform platform, Function<UUID, ZoneId> timeZones,
                                        Reconfirmation reconfirmation, CheckinMarks marks,
                                        java.util.Map<String, String> settings) {
        UploadCommitter.Settings coalesce = UploadCommitter.Settings.from(settings);
        Clock dataClock = platform.dataClock();
        ReadingEvents events = new ReadingEvents(platform.jdbi());
        events.listen(platform.notifications());
        ReadingStore store = new ReadingStore(platform.jdbi(), platform.userKeys(), timeZones, dataClock,
                new org.mqcgm.server.platform.transparency.PurposeGuard(platform.jdbi(), platform.systemClock()));
        store.adoptV1Readings();
        Annotations annotations = new Annotations(platform.jdbi(), platform.userKeys(), platform.systemClock());
        Readings readings = new Readings(store, dataClock, events, platform.jdbi(), platform.mapper(), annotations,
                platform.meters());
        Sensors sensors = new Sensors(platform.jdbi(), platform.userKeys(), platform.systemClock());
        sensors.listen(platform.notifications());
        sensors.encryptPlainRows();
        sensors.encryptPlainEndReasons();
        annotations.encryptPlainKinds();
        GlucoseFeature feature = new GlucoseFeature(platform, store, events, annotations, readings, sensors,
                reconfirmation, marks);
        if (coalesce.enabled()) {
            feature.committer = new UploadCommitter(platform.jdbi(), coalesce, platform.meters());
            readings.coalesceWith(feature.committer);
        }
        return feature;
    }

    /** Commits live uploads together (null when {@code MQCGM_UPLOAD_COALESCE=off}). */
    private UploadCommitter committer;

    /**
     * The upload settings among {@code settings} ({@code MQCGM_UPLOAD_*}), checked: a wrong one throws
     * {@link IllegalArgumentException} naming it (the server refuses to start).
     */
    public static java.util.Map<String, String> uploadSettings(java.util.Map<String, String> settings) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith("MQCGM_UPLOAD_") && v != null) {
                out.put(k, v);
            }
        });
        UploadCommitter.Settings.from(out);
        return out;
    }

    @Override
    public void routes(Routes routes, Web web) {
        readingRoutes.register(routes);
        new GlucoseApiRoutes(sensors, annotations, platform.json(), platform.dataClock()).register(routes);
        new TodayPage(readings, annotations, marks, web.pages(), web.contexts(), web.profiles()).register(routes);
        new HistoryPage(readings, annotations, marks, web.pages(), web.contexts(), web.profiles()).register(routes);
        ReadingDeletions deletions = new ReadingDeletions(platform.jdbi(), store, annotations);
        new DeletionApiRoutes(deletions, sensors, reconfirmation, platform.json(), platform.dataClock())
                .register(routes);
        new DataPage(deletions, sensors, reconfirmation, platform.dataClock(), web.pages(), web.contexts())
                .register(routes);
    }

    @Override
    public List<Jobs.Job> jobs() {
        return List.of(new Jobs.Job("compact-glucose", Duration.ofHours(1), store::compact));
    }

    /**
     * A person's readings for a research export, read without a running server ({@code mqcgm admin
     * research-export}); read-only, so the home zone (needed only to write day blocks) is not asked.
     */
    public static org.mqcgm.server.platform.retention.ResearchSubjects.Readings researchReadings(
            org.jdbi.v3.core.Jdbi jdbi, org.mqcgm.server.platform.crypto.UserKeys keys) {
        ReadingStore store = new ReadingStore(jdbi, keys, owner -> java.time.ZoneOffset.UTC, Clock.systemUTC(),
                new org.mqcgm.server.platform.transparency.PurposeGuard(jdbi, Clock.systemUTC()));
        // read for research (PR-03): the purpose registry allows it CGM data
        return (owner, from, to) -> org.mqcgm.server.platform.transparency.PurposeContext.call(
                org.mqcgm.server.platform.consent.Consents.Purpose.RESEARCH, () -> store.range(owner, from, to))
                .stream()
                .map(r -> new org.mqcgm.server.platform.retention.ResearchSubjects.Point(r.time(), r.mgdl())).toList();
    }

    /** Upload receipts (Idempotency-Key answers) after a day, deleted by the retention job. */
    @Override
    public List<org.mqcgm.server.platform.retention.Expiry> expiries() {
        return List.of(new org.mqcgm.server.platform.retention.SqlExpiry("idempotency-keys", platform.jdbi(),
                "idempotency_key", "created_at", "owner_id", "true"));
    }

    /** Readings, sensors, sessions, calibrations and annotations, for "My data" and the export. */
    @Override
    public List<org.mqcgm.server.platform.rights.PersonalData> personalData() {
        return List.of(new GlucoseData(platform.jdbi(), store, sensors, annotations, platform.mapper()));
    }

    /** Open streams end, then the event listener stops. */
    @Override
    public void close() {
        readingRoutes.close();
        if (committer != null) {
            committer.close(); // commits what is queued before the database goes
        }
        events.close();
    }

    /**
     * Tells {@code listener}, on the node that took an upload, after it committed, that a person has new readings
     * (the alerts feature evaluates its rules then: on ingest, not by polling).
     */
    public void afterReadingsStored(org.mqcgm.server.platform.readings.IngestListener listener) {
        readings.afterStored(listener);
    }

    /**
     * The expected end of a person's current sensor session, if one is running at {@code now} (alerts give notice
     * some hours before).
     */
    public java.util.Optional<java.time.Instant> sensorSessionEnd(UUID owner, java.time.Instant now) {
        return sensors.expectedEnd(owner, now);
    }

    /** The readings of a person: storage, statistics, events (the port reports and the demo use). */
    public Readings readings() {
        return readings;
    }
}
