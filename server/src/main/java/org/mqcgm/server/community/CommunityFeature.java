package org.mqcgm.server.community;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.platform.Feature;
import org.mqcgm.server.platform.Platform;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.rights.ExportArchive;
import org.mqcgm.server.platform.rights.PersonalData;
import org.mqcgm.server.platform.search.PersonalSearch;
import org.mqcgm.server.platform.snapshot.MetricSnapshots;

/**
 * Community publishing, moderation and search: posts with a visibility the author chooses each time (private,
 * followers, public — no default), comments, likes, reports of abuse, a moderation queue, and a search over the
 * posts a caller may see plus their own logbook. Texts are encrypted under their writer's key; only posts visible
 * beyond their author are indexed for search.
 */
public final class CommunityFeature implements Feature {

    /** The search's statement (benchmarks run it as the search does; named parameters as in {@code Search}). */
    public static final String SEARCH_STATEMENT = Search.RANK_NEWEST;

    /** The JSON of the API, by component schema name in {@code openapi.json}. */
    public static final java.util.Map<String, Class<?>> API_SCHEMAS = ApiSchemas.ALL;

    /**
     * Whether {@code viewer} follows {@code author} (so sees the author's followers posts): the sharing feature
     * answers it; until it is wired, nobody follows anybody.
     */
    @FunctionalInterface
    public interface Followers {
        boolean isFollower(UUID author, UUID viewer);

        Followers NONE = (author, viewer) -> false;
    }

    /** No photo store (before the photos feature is wired): a post may carry no photo. */
    public static final Photos NO_PHOTOS = new Photos() {
        @Override
        public void attach(UUID owner, List<UUID> ids, Usage usage, String field) {
            if (!ids.isEmpty()) {
                throw new ProblemException(Problem.validation("Photos cannot be attached on this server yet.",
                        List.of(new Problem.FieldError(field + "[0]", "unknown-photo", "is not a photo of yours"))));
            }
        }

        @Override
        public Optional<Image> read(UUID owner, UUID id, Size size) {
            return Optional.empty();
        }

        @Override
        public UUID upload(UUID owner, byte[] file, String field) {
            throw new ProblemException(Problem.validation("Photos cannot be uploaded on this server yet.",
                    List.of(new Problem.FieldError(field, "unavailable", "photos are not offered"))));
        }

        @Override
        public Optional<Usage> usage(UUID owner, UUID id) {
            return Optional.empty();
        }

        @Override
        public void delete(UUID owner, List<UUID> ids) {
        }
    };

    private final Platform platform;
    private final Community community;
    private final PostApi api;
    private final Search search;
    private final Photos photos;

    private CommunityFeature(Platform platform, Community community, PostApi api, Search search, Photos photos) {
        this.platform = platform;
        this.community = community;
        this.api = api;
        this.search = search;
        this.photos = photos;
    }

    /**
     * @param photos    the photo store (re-encoding, thumbnails, encryption) posts attach their photos to
     * @param followers who follows whom (the sharing feature), for followers posts
     * @param logbook   search in the caller's own logbook
     * @param snapshots the author's anonymised metrics of a recent period, attached to a post on request
     */
    public static CommunityFeature create(Platform platform, Photos photos, Followers followers,
                                          PersonalSearch logbook, MetricSnapshots snapshots) {
        Community community = new Community(new PostStore(platform.jdbi()), platform.userKeys(), platform.mapper(),
                photos, followers, platform.systemClock(), platform.consents(), snapshots);
        Search search = new Search(community, logbook);
        return new CommunityFeature(platform, community, new PostApi(community, photos, platform.json(), search),
                search, photos);
    }

    /**
     * As {@link #create(Platform, Photos, Followers, PersonalSearch, MetricSnapshots)}, refusing public posts of
     * minors ({@code minor}: the guardians feature's {@code Minors#isMinor}, PR-78).
     */
    public static CommunityFeature create(Platform platform, Photos photos, Followers followers,
                                          PersonalSearch logbook, MetricSnapshots snapshots,
                                          java.util.function.Predicate<UUID> minor) {
        CommunityFeature feature = create(platform, photos, followers, logbook, snapshots);
        feature.community.minors(minor);
        return feature;
    }

    /** The posts (tests of the search within this package). */
    Community community() {
        return community;
    }

    /**
     * Publishes a text post as {@code author} without the HTTP checks of the API (no contact-details check, no
     * consent check): for benchmarks and demos that seed many posts. Returns the post's id.
     */
    public UUID seed(UUID author, String text, String visibility, List<String> tags) {
        if (!Community.VISIBILITIES.contains(visibility)) {
            throw new IllegalArgumentException("visibility: " + visibility);
        }
        return community.publish(author, new Community.Draft(text, visibility, List.of(), tags, null)).id();
    }

    @Override
    public void routes(Routes routes, Web web) {
        api.register(routes);
        new CommunityPages(community, search, photos, web, platform.secrets()).register(routes);
    }

    /** What the person published and did in the community: posts, comments, likes, reports. */
    @Override
    public List<PersonalData> personalData() {
        return List.of(new PersonalData() {
            @Override
            public List<Category> categories(UUID owner) {
                PostStore s = community.store();
                String where = "this server's PostgreSQL database, encrypted with your key";
                return List.of(
                        new Category("community-posts", s.count("community_post", owner),
                                "publishing to the community (your choice of audience for each post)", "you", where),
                        new Category("community-comments", s.count("community_comment", owner),
                                "publishing to the community", "you", where),
                        new Category("community-likes", s.count("community_like", owner),
                                "publishing to the community", "you", "this server's PostgreSQL database"),
                        new Category("community-reports", s.count("community_report", owner),
                                "moderating the community (reports of abuse you made)", "you", where));
            }

            @Override
            public void export(UUID owner, ExportArchive archive) throws IOException {
                PostStore s = community.store();
                List<java.util.Map<String, Object>> posts = s.postsOf(owner).stream().map(r -> {
                    Community.Content c = community.content(r);
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("id", r.id());
                    m.put("createdAt", r.createdAt());
                    m.put("updatedAt", r.updatedAt());
                    m.put("visibility", r.visibility());
                    m.put("text", c.text());
                    m.put("tags", c.tags());
                    m.put("snapshot", c.snapshot());
                    m.put("photos", r.photos());
                    m.put("hiddenByModerator", r.hiddenAt() != null);
                    return m;
                }).toList();
                List<java.util.Map<String, Object>> comments = s.commentsOf(owner).stream().map(c -> {
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("id", c.id());
                    m.put("post", c.postId());
                    m.put("createdAt", c.createdAt());
                    m.put("text", community.commentText(c));
                    return m;
                }).toList();
                List<java.util.Map<String, Object>> reports = s.reportsOf(owner).stream().map(r -> {
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("id", r.id());
                    m.put("post", r.postId());
                    m.put("createdAt", r.createdAt());
                    m.put("reason", community.reason(r));
                    return m;
                }).toList();
                java.util.Map<String, Object> all = new java.util.LinkedHashMap<>();
                all.put("displayName", s.displayName(owner).orElse(null));
                all.put("posts", posts);
                all.put("comments", comments);
                all.put("likes", s.likesOf(owner));
                all.put("reports", reports);
                archive.json(platform.mapper(), "community.json", "What you published in the "
                        + "community: your display name, your posts (text, tags, audience, photo ids, attached "
                        + "metrics), your comments, the posts you liked and the reports of abuse you made. JSON "
                        + "object.", all);
            }
        });
    }
}
