package org.mqcgm.server.photos;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.mqcgm.server.platform.crypto.UserKeys;
import org.mqcgm.server.platform.media.Photos;

/**
 * The {@code photo} table. Both renditions are encrypted under the owner's key with a context naming the rendition
 * and the photo ({@code photo.full:<id>}, {@code photo.thumb:<id>}), so a ciphertext copied to another row or column
 * does not open.
 */
final class PhotoStore {

    /** A photo's row without its bytes. */
    record Row(UUID id, Instant uploadedAt, Photos.Usage usage, String contentType, int width, int height) {
    }

    private final Jdbi jdbi;
    private final UserKeys keys;
    private final PhotosFeature.Quota quota;

    PhotoStore(Jdbi jdbi, UserKeys keys, PhotosFeature.Quota quota) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.quota = quota;
    }

    static String context(Photos.Size size, UUID id) {
        return (size == Photos.Size.FULL ? "photo.full:" : "photo.thumb:") + id;
    }

    /**
     * Stores a new photo, within the owner's {@link PhotosFeature.Quota}: counted before writing, under a lock of
     * the owner's photos for the transaction, so parallel uploads cannot together go past it (a 422 naming
     * {@code field} otherwise, nothing written).
     */
    void insert(UUID owner, UUID id, Instant at, PhotoPipeline.Result photo, String field) {
        byte[] full = keys.encrypt(owner, context(Photos.Size.FULL, id), photo.full().bytes());
        byte[] thumb = keys.encrypt(owner, context(Photos.Size.THUMB, id), photo.thumb().bytes());
        jdbi.useTransaction(h -> {
            h.createQuery("select 1 from (select pg_advisory_xact_lock(hashtextextended(:key, 0))) l")
                    .bind("key", "photo-quota:" + owner).mapTo(Integer.class).one();
            long[] stored = h.createQuery("""
                            select count(*) as n,
                                   coalesce(sum(octet_length(full_image) + octet_length(thumb_image)), 0) as bytes
                            from photo where owner_id = :owner""")
                    .bind("owner", owner)
                    .map((rs, c) -> new long[] {rs.getLong("n"), rs.getLong("bytes")}).one();
            quota.check(stored[0], stored[1], full.length + thumb.length, field);
            h.createUpdate("""
                        insert into photo (owner_id, id, uploaded_at, content_type, width, height, full_image,
                                           thumb_image)
                        values (:owner, :id, :at, :type, :width, :height, :full, :thumb)""")
                .bind("owner", owner).bind("id", id).bind("at", at)
                .bind("type", photo.full().contentType())
                .bind("width", photo.full().width()).bind("height", photo.full().height())
                .bind("full", full).bind("thumb", thumb)
                .execute();
        });
    }

    Optional<Photos.Image> read(UUID owner, UUID id, Photos.Size size) {
        String column = size == Photos.Size.FULL ? "full_image" : "thumb_image";
        return jdbi.withHandle(h -> h.createQuery("select content_type, " + column
                        + " as bytes from photo where owner_id = :owner and id = :id")
                .bind("owner", owner).bind("id", id)
                .map((rs, c) -> new Photos.Image(rs.getString("content_type"),
                        keys.decrypt(owner, context(size, id), rs.getBytes("bytes"))))
                .findOne());
    }

    Optional<Row> row(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, uploaded_at, usage, content_type, width, height from photo
                        where owner_id = :owner and id = :id""")
                .bind("owner", owner).bind("id", id)
                .map((rs, c) -> row(rs))
                .findOne());
    }

    private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        String usage = rs.getString("usage");
        return new Row(rs.getObject("id", UUID.class), rs.getTimestamp("uploaded_at").toInstant(),
                usage == null ? null : Photos.Usage.valueOf(usage.toUpperCase(java.util.Locale.ROOT)),
                rs.getString("content_type"), rs.getInt("width"), rs.getInt("height"));
    }

    /**
     * Attaches all of {@code ids} to {@code usage}, or none: returns the indexes of the ids that are not the owner's
     * unattached photos, in which case nothing changed.
     */
    List<Integer> attach(UUID owner, List<UUID> ids, Photos.Usage usage, Instant at) {
        return jdbi.inTransaction(h -> attach(h, owner, ids, usage, at));
    }

    /** {@link #attach(UUID, List, Photos.Usage, Instant)} in the caller's transaction. */
    List<Integer> attach(Handle h, UUID owner, List<UUID> ids, Photos.Usage usage, Instant at) {
        String name = usage.name().toLowerCase(java.util.Locale.ROOT);
        {   // one block, as it was inside a transaction of its own
            List<Integer> bad = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                UUID id = ids.get(i);
                Optional<String> current = h.createQuery("""
                                select coalesce(usage, '') from photo where owner_id = :owner and id = :id
                                for update""")
                        .bind("owner", owner).bind("id", id)
                        .mapTo(String.class).findOne();
                // Only a photo attached to nothing yet, checked under the row's lock: two requests racing to attach
                // one photo (a double tap on "Publish") cannot both take it.
                if (id == null || current.isEmpty() || !current.get().isEmpty() || ids.subList(0, i).contains(id)) {
                    bad.add(i);
                }
            }
            if (!bad.isEmpty()) {
                return bad;
            }
            for (UUID id : ids) {
                h.createUpdate("""
                                update photo set usage = :usage, attached_at = coalesce(attached_at, :at)
                                where owner_id = :owner and id = :id""")
                        .bind("usage", name).bind("at", at).bind("owner", owner).bind("id", id)
                        .execute();
            }
            return bad;
        }
    }

    int delete(UUID owner, List<UUID> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbi.withHandle(h -> delete(h, owner, ids));
    }

    /** {@link #delete(UUID, List)} in the caller's transaction. */
    int delete(Handle h, UUID owner, List<UUID> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return h.createUpdate("delete from photo where owner_id = :owner and id = any(:ids)")
                .bind("owner", owner).bindArray("ids", UUID.class, ids.toArray(UUID[]::new))
                .execute();
    }

    /** Deletes photos uploaded before {@code before} and never attached; returns how many. */
    int deleteUnattached(Instant before) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "delete from photo where usage is null and uploaded_at < :before")
                .bind("before", before).execute());
    }

    long count(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from photo where owner_id = :owner")
                .bind("owner", owner).mapTo(Long.class).one());
    }

    /** Every photo of the owner, oldest first, one at a time (the export). */
    void each(UUID owner, Consumer<Row> each) {
        List<Row> rows = jdbi.withHandle(h -> h.createQuery("""
                        select id, uploaded_at, usage, content_type, width, height from photo
                        where owner_id = :owner order by uploaded_at, id""")
                .bind("owner", owner).map((rs, c) -> row(rs)).list());
        rows.forEach(each);
    }
}
