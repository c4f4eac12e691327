package org.mqcgm.server.photos;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.jobs.Jobs;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;

/**
 * The photos feature: {@code POST /api/v1/photos} (and {@code /api/v1/community/photos}) takes a JPEG, PNG or WebP
 * photo, re-encodes it without any metadata ({@link PhotoPipeline}) and stores it encrypted under the owner's key;
 * {@code GET /api/v1/photos/{id}} ({@code ?size=thumb}) serves it to its owner only, and followers with the
 * {@code photos} share read the logbook's photos at {@code /api/v1/people/{person}/photos/{id}}. The logbook and the
 * community attach photos through the {@link Photos} port this feature provides; a photo never attached is deleted
 * a day after its upload.
 *
 * <p>{@link #attach} also accepts a photo already attached to the same usage (re-saving a check-in with its photos
 * is not an error); a photo attached to the other usage, or not the owner's, is refused.
 */
public final class PhotosFeature implements Feature, Photos {

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /** How long an uploaded photo waits to be attached before it is deleted. */
    static final Duration UNATTACHED_FOR = Duration.ofHours(24);
    static final String PURGE_JOB = "delete-unattached-photos";

    private final PhotoStore store;
    private final PhotoPipeline pipeline;
    private final PhotoRoutes routes;
    private final Clock clock;
    private final com.fasterxml.jackson.databind.ObjectMapper mapper;

    private PhotosFeature(PhotoStore store, PhotoPipeline pipeline, PhotoRoutes routes, Clock clock,
                          com.fasterxml.jackson.databind.ObjectMapper mapper) {
        this.pipeline = pipeline;
        this.mapper = mapper;
        this.store = store;
        this.routes = routes;
        this.clock = clock;
    }

    public static PhotosFeature create(Platform platform) {
        return create(platform, Photos.CheckinTimes.NONE);
    }

    public static PhotosFeature create(Platform platform, Photos.CheckinTimes checkins) {
        return create(platform, checkins, Quota.DEFAULT);
    }

    /**
     * What one person may store in photos (ASVS V12.1.3), counted over all of their photos — attached ones and
     * uploads waiting to be attached — before a new one is written: {@code MQCGM_PHOTO_QUOTA_MB} (default 200) of
     * stored renditions and {@code MQCGM_PHOTO_QUOTA_COUNT} (default 2,000) photos. An upload past either is refused
     * with 422, the rule {@code quota} naming the file field; deleting photos (or check-ins and posts with photos)
     * makes room again.
     *
     * @param maxBytes the most bytes of stored renditions (full and thumbnail, as stored)
     * @param maxCount the most photos
     */
    public record Quota(long maxBytes, int maxCount) {
        public static final Quota DEFAULT = new Quota(200L * 1024 * 1024, 2_000);

        /** The quota of the {@code MQCGM_PHOTO_QUOTA_*} settings; a bad value names the setting. */
        public static Quota from(Map<String, String> settings) {
            return new Quota(number(settings, "MQCGM_PHOTO_QUOTA_MB", DEFAULT.maxBytes() / (1024 * 1024), 1_000_000)
                    * 1024 * 1024, (int) number(settings, "MQCGM_PHOTO_QUOTA_COUNT", DEFAULT.maxCount(), 10_000_000));
        }

        private static long number(Map<String, String> settings, String name, long fallback, long max) {
            String v = settings.getOrDefault(name, "").strip();
            if (v.isEmpty()) {
                return fallback;
            }
            try {
                long n = Long.parseLong(v);
                if (n >= 1 && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException(name + " must be a whole number from 1 to " + max + " (got '" + v
                    + "')");
        }

        /**
         * Refuses a photo of {@code adding} bytes for someone who stores {@code count} photos of {@code bytes} bytes,
         * when it would go past either limit: a 422 problem naming {@code field} with the rule {@code quota}.
         */
        void check(long count, long bytes, long adding, String field) {
            if (count + 1 > maxCount || bytes + adding > maxBytes) {
                throw new ProblemException(Problem.validation("Your photo storage is full: delete some photos to add"
                        + " new ones.", List.of(new Problem.FieldError(field, "quota", "at most " + maxCount
                        + " photos and " + maxBytes / (1024 * 1024) + " MB of photos per person (you store " + count
                        + " photos, " + (bytes + 1024 * 1024 - 1) / (1024 * 1024) + " MB)"))));
            }
        }
    }

    /**
     * @param checkins whether a photo belongs to a check-in inside a follower's window (the logbook answers)
     * @param quota    what one person may store ({@link Quota})
     */
    public static PhotosFeature create(Platform platform, Photos.CheckinTimes checkins, Quota quota) {
        PhotoStore store = new PhotoStore(platform.jdbi(), platform.userKeys(), quota);
        PhotoPipeline pipeline = new PhotoPipeline();
        return new PhotosFeature(store, pipeline, new PhotoRoutes(pipeline, store, platform.systemClock(), checkins),
                platform.systemClock(), platform.mapper());
    }

    /** The port the logbook and the community take. */
    public Photos photos() {
        return this;
    }

    @Override
    public void routes(Routes routes, Web web) {
        this.routes.register(routes);
    }

    /** Every hour: photos uploaded more than a day ago and never attached are deleted with their renditions. */
    @Override
    public List<Jobs.Job> jobs() {
        return List.of(new Jobs.Job(PURGE_JOB, Duration.ofHours(1),
                () -> store.deleteUnattached(clock.instant().minus(UNATTACHED_FOR))));
    }

    @Override
    public void attach(UUID owner, List<UUID> ids, Usage usage, String field) {
        attached(store.attach(owner, ids, usage, clock.instant()), field);
    }

    @Override
    public void attach(org.jdbi.v3.core.Handle h, UUID owner, List<UUID> ids, Usage usage, String field) {
        attached(store.attach(h, owner, ids, usage, clock.instant()), field);
    }

    @Override
    public void delete(org.jdbi.v3.core.Handle h, UUID owner, List<UUID> ids) {
        store.delete(h, owner, ids);
    }

    private static void attached(List<Integer> bad, String field) {
        if (!bad.isEmpty()) {
            throw new ProblemException(Problem.validation("Some photos cannot be attached.", bad.stream()
                    .map(i -> new Problem.FieldError(field + "[" + i + "]", "photo",
                            "must be the id of a photo you uploaded and did not attach elsewhere"))
                    .toList()));
        }
    }

    @Override
    public UUID upload(UUID owner, byte[] file, String field) {
        PhotoPipeline.Result result = pipeline.process(file, field);
        UUID id = UUID.randomUUID();
        store.insert(owner, id, clock.instant(), result, field);
        return id;
    }

    /** Re-encoded without being stored: nothing to count against the owner's {@link Quota}. */
    @Override
    public Image reencode(UUID owner, byte[] file, String field) {
        PhotoPipeline.Result result = pipeline.process(file, field);
        return new Image(result.full().contentType(), result.full().bytes());
    }

    @Override
    public Optional<Image> read(UUID owner, UUID id, Size size) {
        return store.read(owner, id, size);
    }

    @Override
    public Optional<Usage> usage(UUID owner, UUID id) {
        return store.row(owner, id).map(PhotoStore.Row::usage);
    }

    @Override
    public void delete(UUID owner, List<UUID> ids) {
        store.delete(owner, ids);
    }

    /** "My data": how many photos; the export: each photo's full rendition and an index of them. */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                return List.of(new Category("photos", store.count(owner),
                        "showing the photos of your logbook and your posts to you and to those you choose",
                        "you: photos you uploaded (re-encoded without any metadata: no location, no camera)",
                        "this server's PostgreSQL database, encrypted with your key"));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                List<Map<String, Object>> index = new ArrayList<>();
                List<PhotoStore.Row> rows = new ArrayList<>();
                store.each(owner, rows::add);
                for (PhotoStore.Row row : rows) {
                    Optional<Image> image = store.read(owner, row.id(), Size.FULL);
                    if (image.isEmpty()) {
                        continue; // deleted meanwhile
                    }
                    String name = "photos/" + row.id() + (row.contentType().equals("image/png") ? ".png" : ".jpg");
                    try (OutputStream out = archive.file(name, "A photo you uploaded, as stored (re-encoded, at "
                            + "most 2,048 pixels on the long side, without metadata)")) {
                        out.write(image.get().bytes());
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("file", name);
                    m.put("id", row.id());
                    m.put("uploaded", row.uploadedAt().toString());
                    m.put("attachedTo", row.usage() == null ? null : row.usage().name().toLowerCase(
                            java.util.Locale.ROOT));
                    m.put("width", row.width());
                    m.put("height", row.height());
                    index.add(m);
                }
                if (!rows.isEmpty()) {
                    archive.json(mapper, "photos.json", "Your photos: file in this archive, id, "
                            + "when uploaded, what it is attached to (checkin or post), width and height. JSON "
                            + "array, oldest first.", index);
                }
            }
        });
    }

    /**
     * Runs the whole pipeline on {@code file} without storing anything (the benchmark): recognise, check the
     * header, decode, turn upright, re-encode at most 2,048 px and thumbnail. Returns the sizes in bytes of the full
     * image and of the thumbnail; a refused file throws the problem the API would answer with.
     */
    public static int[] reencode(byte[] file) {
        PhotoPipeline.Result r = new PhotoPipeline().process(file);
        return new int[] {r.full().bytes().length, r.thumb().bytes().length};
    }

    /** How many photos the owner has (tests). */
    long count(UUID owner) {
        return store.count(owner);
    }
}
