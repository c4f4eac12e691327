package org.mqcgm.server.photos;

import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.http.UserContent;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Grant;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.security.ShareScope;

/**
 * The photos API. Uploads come from the logbook (a token with {@code logbook}) and from the community (a token with
 * {@code community}); an access rule names one scope, so the same routes are registered twice: under
 * {@code /api/v1/photos} with {@code logbook} and under {@code /api/v1/community/photos} with {@code community}. A
 * web session holds every scope. Followers with the {@code photos} share read the logbook's photos at
 * {@code /api/v1/people/{person}/photos/{id}}; a post's photos are served by the community feature.
 */
final class PhotoRoutes {

    /** Room for the multipart envelope around a file of the largest size. */
    static final int ENVELOPE = 64 * 1024;
    static final String MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";

    private final PhotoPipeline pipeline;
    private final PhotoStore store;
    private final Clock clock;

    private final Photos.CheckinTimes checkins;

    PhotoRoutes(PhotoPipeline pipeline, PhotoStore store, Clock clock, Photos.CheckinTimes checkins) {
        this.pipeline = pipeline;
        this.store = store;
        this.clock = clock;
        this.checkins = checkins;
    }

    void register(Routes routes) {
        for (var base : List.of(new Base("/api/v1/photos", Scope.LOGBOOK, Photos.Usage.CHECKIN),
                new Base("/api/v1/community/photos", Scope.COMMUNITY, Photos.Usage.POST))) {
            routes.post(base.path(), Access.api(base.scope()), this::upload);
            // A token for the logbook reaches the logbook's photos (and unattached uploads), one for the
            // community the posts' photos: neither the other's.
            routes.get(base.path() + "/{id}", Access.api(base.scope()), ctx -> own(ctx, base.usage()));
            routes.delete(base.path() + "/{id}", Access.api(base.scope()), ctx -> delete(ctx, base.usage()));
        }
        // Logbook photos are health data: the person's consent to its processing is needed, as for the entries.
        routes.get("/api/v1/people/{person}/photos/{id}", Access.sharedApi(Scope.READINGS_READ, ShareScope.PHOTOS)
                .requiring(org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA), this::shared);
    }

    private record Base(String path, Scope scope, Photos.Usage usage) {
    }

    /** Whether the owner's photo is unattached or attached to {@code usage}. */
    private boolean usable(UUID owner, UUID id, Photos.Usage usage) {
        return store.row(owner, id).map(r -> r.usage() == null || r.usage() == usage).orElse(false);
    }

    private void upload(Context ctx) {
        UUID owner = Principal.of(ctx).accountId();
        byte[] file = file(ctx);
        PhotoPipeline.Result result = pipeline.process(file);
        UUID id = UUID.randomUUID();
        store.insert(owner, id, clock.instant(), result, PhotoPipeline.FIELD);
        ctx.status(201).json(new ApiSchemas.PhotoUpload(id.toString(), result.full().width(),
                result.full().height(), result.full().contentType()));
    }

    private void own(Context ctx, Photos.Usage usage) {
        UUID owner = Principal.of(ctx).accountId();
        Photos.Size size = size(ctx);
        Photos.Image image = PathParams.parseUuid(ctx.pathParam("id")).filter(id -> usable(owner, id, usage))
                .flatMap(id -> store.read(owner, id, size))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        send(ctx, image, ctx.pathParam("id"));
    }

    /** A follower (or the person) reads a photo of the person's logbook: check-in photos only. */
    private void shared(Context ctx) {
        UUID person = Grant.person(ctx);
        if (Grant.of(ctx).isEmpty() && !Principal.of(ctx).has(Scope.LOGBOOK)) {
            // The person's own photos need the scope of their own logbook, as at /api/v1/photos/{id}.
            throw new ProblemException(Problem.of(403, "insufficient-scope", "Insufficient scope",
                    "This token lacks the scope '" + Scope.LOGBOOK.id() + "'.").with("requiredScope",
                    Scope.LOGBOOK.id()));
        }
        Photos.Size size = size(ctx);
        // Only a photo of a check-in inside the share's window, by the check-in's time (not the upload's).
        java.time.Instant window = Grant.of(ctx).map(Grant::visibleFrom).orElse(null);
        Photos.Image image = PathParams.parseUuid(ctx.pathParam("id"))
                .filter(id -> store.row(person, id).map(r -> r.usage() == Photos.Usage.CHECKIN).orElse(false)
                        && (window == null || checkins.attachedSince(person, id, window)))
                .flatMap(id -> store.read(person, id, size))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        send(ctx, image, ctx.pathParam("id"));
    }

    private void delete(Context ctx, Photos.Usage usage) {
        UUID owner = Principal.of(ctx).accountId();
        UUID id = PathParams.parseUuid(ctx.pathParam("id")).filter(i -> usable(owner, i, usage))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        if (store.delete(owner, List.of(id)) == 0) {
            throw new ProblemException(Problem.notFound());
        }
        ctx.status(204);
    }

    /** A photo as a download, never a document of this origin ({@link UserContent}, ASVS V1.12.2). */
    static void send(Context ctx, Photos.Image image, String id) {
        UserContent.serve(ctx, image.bytes(), "photo-" + id + "." + UserContent.extension(image.contentType()));
    }

    private static Photos.Size size(Context ctx) {
        String size = ctx.queryParam("size");
        if (size == null || size.equals("full")) {
            return Photos.Size.FULL;
        }
        if (size.equals("thumb")) {
            return Photos.Size.THUMB;
        }
        throw new ProblemException(Problem.badRequest("Unknown size.",
                new Problem.FieldError("size", "enum", "thumb or full")));
    }

    /**
     * The bytes of the form's {@code file} field. The size is checked before anything is read when the request
     * declares it, and while reading otherwise; the parts stay in memory (no plaintext photo in a temporary file).
     */
    static byte[] file(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "Send the photo as multipart/form-data in the field 'file'.").withErrors(List.of(
                    new Problem.FieldError(PhotoPipeline.FIELD, "multipart", "a multipart/form-data file field"))));
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > PhotoPipeline.MAX_BYTES + ENVELOPE) {
            throw PhotoPipeline.tooLarge();
        }
        if (ctx.req().getAttribute(MULTIPART_CONFIG) == null) {
            ctx.req().setAttribute(MULTIPART_CONFIG, new MultipartConfigElement(
                    System.getProperty("java.io.tmpdir"), PhotoPipeline.MAX_BYTES,
                    PhotoPipeline.MAX_BYTES + ENVELOPE, PhotoPipeline.MAX_BYTES + ENVELOPE));
        }
        Part part;
        try {
            part = ctx.req().getPart(PhotoPipeline.FIELD);
        } catch (IOException | ServletException | RuntimeException e) {
            if (Routes.isMultipartSizeLimit(e)) {
                throw PhotoPipeline.tooLarge();
            }
            throw new ProblemException(Problem.badRequest("The multipart body could not be read.",
                    new Problem.FieldError(PhotoPipeline.FIELD, "multipart", "a well-formed multipart/form-data "
                            + "body")));
        }
        if (part == null) {
            throw new ProblemException(Problem.validation("No photo was sent.", List.of(new Problem.FieldError(
                    PhotoPipeline.FIELD, "required", "a JPEG, PNG or WebP file"))));
        }
        if (part.getSize() > PhotoPipeline.MAX_BYTES) {
            throw PhotoPipeline.tooLarge();
        }
        try (InputStream in = part.getInputStream()) {
            byte[] bytes = in.readNBytes(PhotoPipeline.MAX_BYTES + 1);
            if (bytes.length > PhotoPipeline.MAX_BYTES) {
                throw PhotoPipeline.tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw new ProblemException(Problem.badRequest("The photo could not be read.",
                    new Problem.FieldError(PhotoPipeline.FIELD, "multipart", "a complete file")));
        }
    }

}
