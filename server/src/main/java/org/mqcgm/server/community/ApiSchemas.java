package org.mqcgm.server.community;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the community API, one record per component schema of {@code openapi.json} (the
 * {@code OpenApiContractTest} keeps both in step).
 */
final class ApiSchemas {

    /** Component schema name → record. */
    static final Map<String, Class<?>> ALL = Map.ofEntries(
            Map.entry("Post", Post.class),
            Map.entry("PostAuthor", Author.class),
            Map.entry("PostFeed", Feed.class),
            Map.entry("PostRequest", PostRequest.class),
            Map.entry("PostPreview", PostPreview.class),
            Map.entry("PostSnapshot", Snapshot.class),
            Map.entry("PostSnapshotRanges", SnapshotRanges.class),
            Map.entry("PostSnapshotHour", SnapshotHour.class),
            Map.entry("PostSnapshotRequest", SnapshotRequest.class),
            Map.entry("PostPatch", PostPatch.class),
            Map.entry("PostComment", Comment.class),
            Map.entry("PostComments", Comments.class),
            Map.entry("CommentRequest", CommentRequest.class),
            Map.entry("AbuseReportRequest", ReportRequest.class),
            Map.entry("AbuseReport", Report.class),
            Map.entry("CommunityProfile", Profile.class),
            Map.entry("SearchResults", SearchResults.class),
            Map.entry("SearchResult", SearchResult.class));

    private ApiSchemas() {
    }

    /** How an author is shown to others: the display name they chose (or a pseudonym), nothing else. */
    record Author(String displayName) {
    }

    /**
     * A post as the caller may see it.
     *
     * @param text    the Markdown source
     * @param html    the text rendered and sanitised (safe to insert as HTML)
     * @param photos  the addresses of the post's photos ({@code ?size=thumb} for the thumbnail)
     * @param mine    whether the caller wrote it
     * @param hidden  hidden by a moderator (only its author still sees it)
     * @param snapshot the author's anonymised metrics attached at publishing, if any
     */
    record Post(String id, Author author, boolean mine, String visibility, String text, String html,
                List<String> tags, List<String> photos, String createdAt, String updatedAt, int likes,
                boolean liked, int comments, boolean hidden,
                @JsonInclude(JsonInclude.Include.NON_NULL) Snapshot snapshot) {
    }

    /**
     * The author's anonymised metrics of the last {@code days} days at the moment of publishing: no name, no id, no
     * date — the same values as their report of that period (glucose in mg/dL, percentages 0–100, null when not
     * computable). The fields are those of {@code platform.snapshot.MetricSnapshots.Snapshot}.
     *
     * @param agp the smoothed AGP percentiles at each whole hour of the day; empty below 14 days or 70 % active
     */
    record Snapshot(int days, int readings, int daysWithData, double activePercent, Double meanMgdl, Double sdMgdl,
                    Double cvPercent, Double gmiPercent, SnapshotRanges ranges, List<SnapshotHour> agp) {
    }

    /** Time in the consensus ranges, in percent. */
    record SnapshotRanges(Double veryLowPercent, Double lowPercent, Double belowRangePercent, Double inRangePercent,
                          Double highPercent, Double veryHighPercent, Double aboveRangePercent) {
    }

    /** The AGP percentiles (mg/dL) at the start of one hour of the day (0..23). */
    record SnapshotHour(int hour, Double p05, Double p25, Double p50, Double p75, Double p95) {
    }

    /** {@code {"days": N}}: attach the author's metrics of the last N days (7, 14, 30 or 90). */
    record SnapshotRequest(Integer days) {
    }

    /**
     * What others would see of a post ({@code POST /api/v1/posts/preview}, nothing stored).
     *
     * @param audience who can see it, in words
     * @param photos   the addresses of the photos (their owner's until published)
     */
    record PostPreview(Author author, String visibility, String audience, String text, String html,
                       List<String> tags, List<String> photos,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Snapshot snapshot) {
    }

    /** A page of the feed, newest first; {@code next} is the cursor of the following page (absent at the end). */
    record Feed(List<Post> posts, @JsonInclude(JsonInclude.Include.NON_NULL) String next) {
    }

    /**
     * The fields of {@code POST /api/v1/posts}.
     *
     * @param visibility            {@code private}, {@code followers} or {@code public}: required, no default
     * @param confirmContactDetails publish although the text contains contact details (PR-90)
     * @param redact                replace the contact details found by "[…]" before publishing
     * @param snapshot              {@code {"days": N}} attaches the author's anonymised metrics of the last N days
     */
    record PostRequest(String text, String visibility, List<String> photos, List<String> tags,
                       SnapshotRequest snapshot,
                       Boolean confirmContactDetails, Boolean redact) {
    }

    /** The fields of {@code PATCH /api/v1/posts/{id}}: each optional. */
    record PostPatch(String text, String visibility, List<String> tags, Boolean confirmContactDetails,
                     Boolean redact) {
    }

    /** A comment as the caller may see it. */
    record Comment(String id, String postId, Author author, boolean mine, String text, String html,
                   String createdAt, boolean hidden) {
    }

    /** The comments of a post, oldest first. */
    record Comments(List<Comment> comments) {
    }

    /** The fields of {@code POST /api/v1/posts/{id}/comments}. */
    record CommentRequest(String text) {
    }

    /** The fields of {@code POST /api/v1/posts/{id}/reports}. */
    record ReportRequest(String reason) {
    }

    /** A report of abuse, as its reporter sees it. */
    record Report(String id, String postId, String createdAt) {
    }

    /** The caller's public display name in the community ({@code PUT /api/v1/community/profile}). */
    record Profile(String displayName) {
    }

    /** The answer of {@code GET /api/v1/search}, best first. */
    record SearchResults(List<SearchResult> results) {
    }

    /**
     * One match.
     *
     * @param type    {@code post} or {@code checkin}
     * @param snippet the matching text, matched terms between {@code [[} and {@code ]]} (plain text: escape it)
     * @param rank    0..1, higher is better
     */
    record SearchResult(String type, String id, String snippet, String time, double rank) {
    }
}
