package org.mqcgm.server.platform.media;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Photos people upload (a meal in the logbook, a picture in a community post): recognised by content, re-encoded
 * without any metadata, thumbnailed and stored encrypted under the owner's key. The photos feature provides it;
 * the features photos are attached to (logbook, community) take it, and decide themselves who else may see a
 * photo attached to what they hold (a follower with the {@code photos} share, readers of a post).
 */
public interface Photos {

    /** Which rendition. */
    enum Size { FULL, THUMB }

    /** What a photo is attached to: a check-in of the logbook, or a community post or comment. */
    enum Usage { CHECKIN, POST }

    /** The largest photo file accepted, in bytes (10 MB). */
    int MAX_BYTES = 10 * 1024 * 1024;

    /** One rendition's bytes (JPEG or PNG, no metadata). */
    record Image(String contentType, byte[] bytes) {
    }

    /**
     * Attaches the owner's uploaded photos to something of theirs ({@code usage}): a photo never attached is
     * removed a day after its upload. Throws a 422 problem naming {@code field}{@code [i]} when an id is not a
     * photo of the owner (or is already attached elsewhere), attaching none of them.
     */
    void attach(UUID owner, List<UUID> ids, Usage usage, String field);

    /**
     * {@link #attach(UUID, List, Usage, String)} inside the caller's transaction {@code h}, so that what the photos
     * are attached to and the attachment commit or roll back together.
     */
    default void attach(org.jdbi.v3.core.Handle h, UUID owner, List<UUID> ids, Usage usage, String field) {
        attach(owner, ids, usage, field);
    }

    /** {@link #delete(UUID, List)} inside the caller's transaction {@code h}. */
    default void delete(org.jdbi.v3.core.Handle h, UUID owner, List<UUID> ids) {
        delete(owner, ids);
    }

    /**
     * The full rendition of {@code file} through the same pipeline and refusals as {@link #upload}, stored nowhere:
     * for files kept elsewhere (a support ticket's attachments), which the photo quota does not count.
     */
    default Image reencode(UUID owner, byte[] file, String field) {
        UUID id = upload(owner, file, field);
        try {
            return read(owner, id, Size.FULL).orElseThrow();
        } finally {
            delete(owner, List.of(id));
        }
    }

    /** A rendition of one of the owner's photos, if it exists. */
    Optional<Image> read(UUID owner, UUID id, Size size);

    /** The usage a photo of the owner is attached to, if it exists and is attached. */
    Optional<Usage> usage(UUID owner, UUID id);

    /**
     * Stores a photo the owner sent in a form of another feature (the bytes of its file field, a page without
     * JavaScript), through the same pipeline as {@code POST /api/v1/photos}: refused with the same problems (413,
     * 415, 422) naming {@code field}, nothing stored then. Returns the new photo's id, not yet attached.
     */
    UUID upload(UUID owner, byte[] file, String field);

    /**
     * Whether a photo of the owner belongs to a check-in at or after {@code from} (the logbook answers): a follower
     * whose share starts at {@code from} sees the photos of the check-ins they see, by the check-in's time, not the
     * photo's upload time.
     */
    @FunctionalInterface
    interface CheckinTimes {
        boolean attachedSince(UUID owner, UUID photo, java.time.Instant from);

        /** No logbook: no check-in photo is shown inside a window. */
        CheckinTimes NONE = (owner, photo, from) -> false;
    }

    /** Deletes photos of the owner with every rendition (what they were attached to was deleted). */
    void delete(UUID owner, List<UUID> ids);
}
