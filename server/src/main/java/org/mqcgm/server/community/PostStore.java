package org.mqcgm.server.community;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The community's tables. Texts arrive here already encrypted (the {@code content} column); the search terms
 * ({@code search}, a tsvector literal made by {@link SearchText}) only for posts visible beyond their author.
 */
final class PostStore {

    /** One post row. */
    record Row(UUID owner, UUID id, Instant createdAt, Instant updatedAt, String visibility, byte[] content,
               List<UUID> photos, Instant hiddenAt) {
    }

    /** One comment row. */
    record CommentRow(UUID owner, UUID id, UUID postOwner, UUID postId, Instant createdAt, byte[] content,
                      Instant hiddenAt) {
    }

    /** One report row. */
    record ReportRow(UUID owner, UUID id, UUID postOwner, UUID postId, Instant createdAt, byte[] reason) {
    }

    static final String POST_COLUMNS = "owner_id, id, created_at, updated_at, visibility, content, photos, hidden_at";

    private final Jdbi jdbi;

    PostStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getObject("owner_id", UUID.class), rs.getObject("id", UUID.class),
                instant(rs, "created_at"), instant(rs, "updated_at"), rs.getString("visibility"),
                rs.getBytes("content"), uuids(rs.getArray("photos")), instant(rs, "hidden_at"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static List<UUID> uuids(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return Arrays.stream((Object[]) array.getArray()).map(o -> (UUID) o).toList();
    }

    static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    void insert(Row r, String vector, List<String> tags) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into community_post (owner_id, id, created_at, updated_at, visibility, content, photos,
                                                    search, search_tags)
                        values (:owner, :id, :created, :created, :visibility, :content, :photos,
                                cast(:search as tsvector), :tags)""")
                .bind("owner", r.owner()).bind("id", r.id()).bind("created", utc(r.createdAt()))
                .bind("visibility", r.visibility()).bind("content", r.content())
                .bindArray("photos", UUID.class, r.photos())
                .bind("search", vector)
                .bindArray("tags", String.class, tags == null ? null : tags)
                .execute());
    }

    void update(UUID owner, UUID id, Instant at, String visibility, byte[] content, String vector,
                List<String> tags) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update community_post set updated_at = :at, visibility = :visibility, content = :content,
                               search = cast(:search as tsvector), search_tags = :tags
                        where owner_id = :owner and id = :id""")
                .bind("owner", owner).bind("id", id).bind("at", utc(at)).bind("visibility", visibility)
                .bind("content", content).bind("search", vector)
                .bindArray("tags", String.class, tags)
                .execute());
    }

    Optional<Row> find(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("select " + POST_COLUMNS + " from community_post where id = :id")
                .bind("id", id).map((rs, ctx) -> row(rs)).findOne());
    }

    /**
     * Candidates for a viewer's feed, newest first, before the cursor: the viewer's own posts (hidden or not) and
     * others' non-hidden posts of the given visibilities.
     */
    List<Row> candidates(UUID viewer, List<String> visibilities, Instant beforeTime, UUID beforeId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + POST_COLUMNS + """
                         from community_post
                        where ((hidden_at is null and visibility = any(:visibilities)) or owner_id = :viewer)
                          and (cast(:t as timestamptz) is null or (created_at, id) < (:t, :beforeId))
                        order by created_at desc, id desc limit :limit""")
                .bind("viewer", viewer).bindArray("visibilities", String.class, visibilities)
                .bind("t", utc(beforeTime)).bind("beforeId", beforeId).bind("limit", limit)
                .map((rs, ctx) -> row(rs)).list());
    }

    /** Deletes a post (its comments, likes and reports go with it); returns its photos, or empty if none was. */
    Optional<List<UUID>> delete(UUID owner, UUID id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        delete from community_post where owner_id = :owner and id = :id returning photos""")
                .bind("owner", owner).bind("id", id).map((rs, ctx) -> uuids(rs.getArray("photos"))).findOne());
    }

    boolean setHidden(UUID id, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("update community_post set hidden_at = :at where id = :id")
                .bind("id", id).bind("at", utc(at)).execute()) > 0;
    }

    boolean setCommentHidden(UUID id, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("update community_comment set hidden_at = :at where id = :id")
                .bind("id", id).bind("at", utc(at)).execute()) > 0;
    }

    // ---- likes ----

    void like(UUID owner, Row post, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into community_like (owner_id, post_owner, post_id, created_at)
                        values (:owner, :postOwner, :post, :at) on conflict do nothing""")
                .bind("owner", owner).bind("postOwner", post.owner()).bind("post", post.id()).bind("at", utc(at))
                .execute());
    }

    void unlike(UUID owner, UUID post) {
        jdbi.useHandle(h -> h.createUpdate("delete from community_like where owner_id = :owner and post_id = :post")
                .bind("owner", owner).bind("post", post).execute());
    }

    /** Likes of each post, and whether the viewer likes it, in one query. */
    record Counts(int likes, boolean liked, int comments) {
    }

    Counts counts(UUID post, UUID viewer) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select (select count(*) from community_like where post_id = :post) as likes,
                               (select count(*) from community_like where post_id = :post and owner_id = :viewer)
                                 as liked,
                               (select count(*) from community_comment where post_id = :post
                                  and (hidden_at is null or owner_id = :viewer)) as comments""")
                .bind("post", post).bind("viewer", viewer)
                .map((rs, ctx) -> new Counts(rs.getInt("likes"), rs.getInt("liked") > 0, rs.getInt("comments")))
                .one());
    }

    // ---- comments ----

    void insertComment(CommentRow c) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into community_comment (owner_id, id, post_owner, post_id, created_at, content)
                        values (:owner, :id, :postOwner, :post, :at, :content)""")
                .bind("owner", c.owner()).bind("id", c.id()).bind("postOwner", c.postOwner())
                .bind("post", c.postId()).bind("at", utc(c.createdAt())).bind("content", c.content())
                .execute());
    }

    static CommentRow comment(ResultSet rs) throws SQLException {
        return new CommentRow(rs.getObject("owner_id", UUID.class), rs.getObject("id", UUID.class),
                rs.getObject("post_owner", UUID.class), rs.getObject("post_id", UUID.class),
                instant(rs, "created_at"), rs.getBytes("content"), instant(rs, "hidden_at"));
    }

    List<CommentRow> comments(UUID post, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, id, post_owner, post_id, created_at, content, hidden_at
                        from community_comment where post_id = :post order by created_at, id limit :limit""")
                .bind("post", post).bind("limit", limit).map((rs, ctx) -> comment(rs)).list());
    }

    Optional<CommentRow> findComment(UUID id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, id, post_owner, post_id, created_at, content, hidden_at
                        from community_comment where id = :id""")
                .bind("id", id).map((rs, ctx) -> comment(rs)).findOne());
    }

    boolean deleteComment(UUID id) {
        return jdbi.withHandle(h -> h.createUpdate("delete from community_comment where id = :id")
                .bind("id", id).execute()) > 0;
    }

    // ---- reports ----

    void insertReport(ReportRow r) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into community_report (owner_id, id, post_owner, post_id, created_at, reason)
                        values (:owner, :id, :postOwner, :post, :at, :reason)""")
                .bind("owner", r.owner()).bind("id", r.id()).bind("postOwner", r.postOwner())
                .bind("post", r.postId()).bind("at", utc(r.createdAt())).bind("reason", r.reason())
                .execute());
    }

    /** Every report, grouped by post, the most reported first (the moderation queue). */
    List<ReportRow> reports(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select r.owner_id, r.id, r.post_owner, r.post_id, r.created_at, r.reason
                        from community_report r
                        join (select post_id, count(*) as n, max(created_at) as latest from community_report
                              group by post_id) c on c.post_id = r.post_id
                        order by c.n desc, c.latest desc, r.post_id, r.created_at limit :limit""")
                .bind("limit", limit)
                .map((rs, ctx) -> new ReportRow(rs.getObject("owner_id", UUID.class), rs.getObject("id", UUID.class),
                        rs.getObject("post_owner", UUID.class), rs.getObject("post_id", UUID.class),
                        instant(rs, "created_at"), rs.getBytes("reason")))
                .list());
    }

    // ---- display names ----

    Optional<String> displayName(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select display_name from community_profile where owner_id = :o")
                .bind("o", owner).mapTo(String.class).findOne());
    }

    void setDisplayName(UUID owner, String name) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into community_profile (owner_id, display_name) values (:o, :n)
                        on conflict (owner_id) do update set display_name = excluded.display_name""")
                .bind("o", owner).bind("n", name).execute());
    }

    // ---- personal data ----

    record Mine(List<Row> posts, List<CommentRow> comments, List<UUID> likes, List<ReportRow> reports) {
    }

    long count(String table, UUID owner) {
        return org.mqcgm.server.platform.rights.PersonalData.rows(jdbi, table, owner);
    }

    List<Row> postsOf(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select " + POST_COLUMNS
                        + " from community_post where owner_id = :o order by created_at desc, id desc")
                .bind("o", owner).map((rs, ctx) -> row(rs)).list());
    }

    /** The owner's private posts, newest first (at most {@code limit}): searched by decrypting them. */
    List<Row> privatePostsOf(UUID owner, Instant from, Instant to, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + POST_COLUMNS + """
                         from community_post where owner_id = :o and visibility = 'private'
                          and (cast(:from as timestamptz) is null or created_at >= :from)
                          and (cast(:to as timestamptz) is null or created_at < :to)
                        order by created_at desc limit :limit""")
                .bind("o", owner).bind("from", utc(from)).bind("to", utc(to)).bind("limit", limit)
                .map((rs, ctx) -> row(rs)).list());
    }

    List<CommentRow> commentsOf(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, id, post_owner, post_id, created_at, content, hidden_at
                        from community_comment where owner_id = :o order by created_at""")
                .bind("o", owner).map((rs, ctx) -> comment(rs)).list());
    }

    List<ReportRow> reportsOf(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select owner_id, id, post_owner, post_id, created_at, reason
                        from community_report where owner_id = :o order by created_at""")
                .bind("o", owner)
                .map((rs, ctx) -> new ReportRow(rs.getObject("owner_id", UUID.class), rs.getObject("id", UUID.class),
                        rs.getObject("post_owner", UUID.class), rs.getObject("post_id", UUID.class),
                        instant(rs, "created_at"), rs.getBytes("reason")))
                .list());
    }

    List<UUID> likesOf(UUID owner) {
        return jdbi.withHandle(h -> h.createQuery("select post_id from community_like where owner_id = :o")
                .bind("o", owner).mapTo(UUID.class).list());
    }

    static List<UUID> copy(List<UUID> ids) {
        return new ArrayList<>(ids);
    }

    Handle open() {
        return jdbi.open();
    }
}
