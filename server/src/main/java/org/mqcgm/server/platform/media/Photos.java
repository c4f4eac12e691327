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

    /** One rendition's bytes (JPEG or PNG, no metadata). */
    record Image(String contentType, byte[] bytes) {
    }

    /**
     * Attaches the owner's uploaded photos to something of theirs ({@code usage}): a photo never attached is
     * removed a day after its upload. Throws a 422 problem naming {@code field}{@code [i]} when an id is not a
     * photo of the owner (or is already attached elsewhere), attaching none of them.
     */
    void attach(UUID owner, List<UUID> ids, Usage usage, String field);

    /** A rendition of one of the owner's photos, if it exists. */
    Optional<Image> read(UUID owner, UUID id, Size size);

    /** The usage a photo of the owner is attached to, if it exists and is attached. */
    Optional<Usage> usage(UUID owner, UUID id);

    /** Deletes photos of the owner with every rendition (what they were attached to was deleted). */
    void delete(UUID owner, List<UUID> ids);

    /**
     * Stores a photo the owner uploaded through a page (a form without JavaScript, e.g. the logbook's meal form) as
     * {@code POST /api/v1/photos} does — recognised by content, re-encoded without metadata, encrypted — and returns
     * its id, not yet attached ({@link #attach} it to {@code usage}'s entry). A file that is not an accepted photo is
     * a 4xx problem, and nothing is stored.
     */
    default UUID store(UUID owner, byte[] bytes, Usage usage) {
        throw new org.mqcgm.server.platform.http.ProblemException(org.mqcgm.server.platform.http.Problem.of(415,
                "unsupported-media-type", "Photos not available", "This server cannot store photos."));
    }
}
