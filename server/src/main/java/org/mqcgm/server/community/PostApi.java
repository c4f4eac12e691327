package org.mqcgm.server.community;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.JsonBodies;
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.RequestFields;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.RateLimit;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.text.ContactDetails;

/**
 * The community API: posts ({@code /api/v1/posts}), their photos, comments, likes and reports of abuse, and the
 * caller's display name. Reading is open to anonymous visitors (public posts only); publishing needs the
 * {@code community} scope and the consent to publishing; what a caller may not see answers 404.
 */
final class PostApi {

    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 50;

    private final Community community;
    private final Photos photos;
    private final JsonBodies json;
    private final Search search;

    PostApi(Community community, Photos photos, JsonBodies json, Search search) {
        this.community = community;
        this.photos = photos;
        this.json = json;
        this.search = search;
    }

    static final Access PUBLISH = Access.api(Scope.COMMUNITY).requiring(Purpose.COMMUNITY);
    static final Access ACT = Access.api(Scope.COMMUNITY);

    void register(Routes routes) {
        routes.post("/api/v1/posts", PUBLISH, this::create);
        routes.post("/api/v1/posts/preview", PUBLISH, this::preview);
        routes.get("/api/v1/posts", Access.PUBLIC, this::feed);
        routes.get("/api/v1/posts/{id}", Access.PUBLIC, ctx -> ctx.json(api(community.post(id(ctx), viewer(ctx)),
                viewer(ctx))));
        routes.patch("/api/v1/posts/{id}", PUBLISH, this::patch);
        routes.delete("/api/v1/posts/{id}", ACT, ctx -> {
            community.delete(Principal.of(ctx).accountId(), id(ctx));
            ctx.status(204);
        });
        routes.get("/api/v1/posts/{id}/photos/{photo}", Access.PUBLIC, this::photo);
        routes.get("/api/v1/posts/{id}/comments", Access.PUBLIC, ctx -> {
            UUID viewer = viewer(ctx);
            Community.Visible post = community.post(id(ctx), viewer);
            ctx.json(new ApiSchemas.Comments(comments(post.row(), viewer)));
        });
        routes.post("/api/v1/posts/{id}/comments", PUBLISH, this::comment);
        routes.delete("/api/v1/comments/{id}", ACT, this::deleteComment);
        routes.put("/api/v1/posts/{id}/like", PUBLISH, ctx -> {
            UUID me = Principal.of(ctx).accountId();
            community.store().like(me, community.post(id(ctx), me).row(), community.clock().instant());
            ctx.status(204);
        });
        routes.delete("/api/v1/posts/{id}/like", ACT, ctx -> {
            UUID me = Principal.of(ctx).accountId();
            community.store().unlike(me, community.post(id(ctx), me).row().id());
            ctx.status(204);
        });
        routes.post("/api/v1/posts/{id}/reports", ACT, this::report);
        routes.put("/api/v1/community/profile", PUBLISH, this::profile);
        routes.limited(RateLimit.SEARCH).get("/api/v1/search", Access.PUBLIC, this::search);
        routes.get("/api/v1/community/profile", ACT, ctx -> ctx.json(new ApiSchemas.Profile(
                community.displayName(Principal.of(ctx).accountId()))));
    }

    /** The signed-in caller allowed to read the community (a session, or a token with the scope), else null. */
    static UUID viewer(Context ctx) {
        return Principal.optional(ctx).filter(p -> p.has(Scope.COMMUNITY)).map(Principal::accountId).orElse(null);
    }

    /**
     * Whose logbook the search may cover: the caller's own, when their credential reaches the logbook (the
     * {@code logbook} scope) and they consent to the processing of their health data; else nobody's (null).
     */
    static UUID logbookOwner(Context ctx, org.mqcgm.server.platform.consent.Consents consents) {
        return Principal.optional(ctx).filter(p -> p.has(Scope.COMMUNITY) && p.has(Scope.LOGBOOK))
                .map(Principal::accountId)
                .filter(id -> consents.granted(id, org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA))
                .orElse(null);
    }

    static UUID id(Context ctx) {
        return PathParams.parseUuid(ctx.pathParam("id")).orElseThrow(() -> new ProblemException(Problem.notFound()));
    }

    private void create(Context ctx) {
        UUID me = Principal.of(ctx).accountId();
        PostStore.Row row = community.publish(me, draft(ctx));
        ctx.status(201).header("Location", "/api/v1/posts/" + row.id())
                .json(api(community.post(row.id(), me), me));
    }

    /**
     * What others would see of a post with this body, nothing stored (PR-52): the same checks as publishing, the
     * text as rendered, the display name shown, the audience in words, the photos and the snapshot.
     */
    private void preview(Context ctx) {
        UUID me = Principal.of(ctx).accountId();
        Community.Draft d = draft(ctx);
        List<Problem.FieldError> taken = new ArrayList<>();
        for (int i = 0; i < d.photos().size(); i++) {
            UUID photo = d.photos().get(i);
            if (photos.usage(me, photo).isPresent() || photos.read(me, photo, Photos.Size.THUMB).isEmpty()) {
                taken.add(new Problem.FieldError("$.photos[" + i + "]", "photo",
                        "must be the id of a photo you uploaded and did not attach elsewhere"));
            }
        }
        if (!taken.isEmpty()) {
            throw new ProblemException(Problem.validation("Some photos cannot be attached.", taken));
        }
        String audience = switch (d.visibility()) {
            case "public" -> "Anyone on the internet can see this, also people without an account.";
            case "followers" -> "Your followers can see this: the people you share your data with.";
            default -> "Only you can see this.";
        };
        ctx.header("Cache-Control", "no-store").json(new ApiSchemas.PostPreview(
                new ApiSchemas.Author(community.displayName(me)), d.visibility(), audience, d.text(),
                PostText.html(d.text()), d.tags(),
                d.photos().stream().map(p -> "/api/v1/community/photos/" + p).toList(),
                community.snapshotOf(new Community.Content(d.text(), d.tags(), d.snapshot()))));
    }

    /**
     * The checked draft of a {@code POST /api/v1/posts} (or its preview) body: every field's rule, the
     * contact-details check (PR-90) and the snapshot (which needs {@code readings:read}, the consent to health data
     * and enough readings).
     */
    private Community.Draft draft(Context ctx) {
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.PostRequest.class));
        List<Problem.FieldError> errors = new ArrayList<>();
        String text = Community.text(body, "text", Community.MAX_TEXT, true, errors);
        String visibility = Community.visibility(body, true, errors);
        List<UUID> photoIds = Community.photoIds(body, errors);
        List<String> tags = Community.tags(body, errors);
        boolean confirm = Community.flag(body, "confirmContactDetails", errors);
        boolean redact = Community.flag(body, "redact", errors);
        Integer days = Community.snapshotDays(body, errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The post is not valid.", errors));
        }
        text = Community.checkContactDetails(text, visibility, confirm, redact, "$.text");
        Principal principal = Principal.of(ctx);
        JsonNode snapshot = null;
        if (days != null) {
            if (!principal.has(Scope.READINGS_READ)) {
                // Attaching metrics reads the author's readings: the token must be allowed to read them.
                throw new ProblemException(Problem.of(403, "insufficient-scope", "Insufficient scope",
                        "Attaching a snapshot needs the scope 'readings:read'.")
                        .with("requiredScope", Scope.READINGS_READ.id()));
            }
            snapshot = community.snapshot(principal.accountId(), days, "$.snapshot.days");
        }
        return new Community.Draft(text, visibility, photoIds, tags == null ? List.of() : tags, snapshot);
    }

    private void feed(Context ctx) {
        UUID viewer = viewer(ctx);
        int limit = limit(ctx);
        Community.Page page = community.feed(viewer, ctx.queryParam("cursor"), limit);
        ctx.header("Cache-Control", "no-store")
                .json(new ApiSchemas.Feed(page.posts().stream().map(v -> api(v, viewer)).toList(), page.next()));
    }

    static int limit(Context ctx) {
        String s = ctx.queryParam("limit");
        if (s == null) {
            return DEFAULT_PAGE;
        }
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= MAX_PAGE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ProblemException(Problem.badRequest("The limit is not valid.",
                new Problem.FieldError("limit", "range", "must be 1 to " + MAX_PAGE)));
    }

    private void patch(Context ctx) {
        UUID me = Principal.of(ctx).accountId();
        PostStore.Row row = community.own(id(ctx), me);
        JsonNode body = json.readObject(ctx, RequestFields.of(ApiSchemas.PostPatch.class));
        List<Problem.FieldError> errors = new ArrayList<>();
        String text = Community.text(body, "text", Community.MAX_TEXT, false, errors);
        String visibility = Community.visibility(body, false, errors);
        List<String> tags = Community.tags(body, errors);
        boolean confirm = Community.flag(body, "confirmContactDetails", errors);
        boolean redact = Community.flag(body, "redact", errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The change is not valid.", errors));
        }
        String after = visibility == null ? row.visibility() : visibility;
        String checked = text != null ? text : community.content(row).text();
        if (text != null || !"private".equals(after) && "private".equals(row.visibility())) {
            // new text, or an old private text becoming visible to others: check it now (PR-90)
            checked = Community.checkContactDetails(checked, after, confirm, redact, "$.text");
        }
        community.update(row, checked, visibility, tags);
        ctx.json(api(community.post(row.id(), me), me));
    }

    private void photo(Context ctx) {
        UUID viewer = viewer(ctx);
        Community.Visible post = community.post(id(ctx), viewer);
        UUID photo = PathParams.parseUuid(ctx.pathParam("photo")).filter(p -> post.row().photos().contains(p))
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        Photos.Size size = "thumb".equals(ctx.queryParam("size")) ? Photos.Size.THUMB : Photos.Size.FULL;
        Photos.Image image = photos.read(post.row().owner(), photo, size)
                .orElseThrow(() -> new ProblemException(Problem.notFound()));
        // Never kept by a cache: a post made private again must be gone at once (PR-52). A download, never a
        // document of this origin (ASVS V1.12.2).
        org.mqcgm.server.platform.http.UserContent.serve(ctx, image.bytes(), "photo-" + photo + "."
                + org.mqcgm.server.platform.http.UserContent.extension(image.contentType()));
    }

    List<ApiSchemas.Comment> comments(PostStore.Row post, UUID viewer) {
        List<ApiSchemas.Comment> out = new ArrayList<>();
        for (PostStore.CommentRow c : community.store().comments(post.id(), 500)) {
            boolean mine = c.owner().equals(viewer);
            if (c.hiddenAt() != null && !mine) {
                continue;
            }
            String text = community.commentText(c);
            out.add(new ApiSchemas.Comment(c.id().toString(), c.postId().toString(),
                    new ApiSchemas.Author(community.displayName(c.owner())), mine, text, PostText.html(text),
                    c.createdAt().toString(), c.hiddenAt() != null));
        }
        return out;
    }

    private void comment(Context ctx) {
        UUID me = Principal.of(ctx).accountId();
        Community.Visible post = community.post(id(ctx), me);
        String text = oneText(ctx, ApiSchemas.CommentRequest.class, "text", Community.MAX_COMMENT, "comment");
        PostStore.CommentRow c = community.addComment(me, post.row(), text);
        ctx.status(201).json(new ApiSchemas.Comment(c.id().toString(), c.postId().toString(),
                new ApiSchemas.Author(community.displayName(me)), true, text, PostText.html(text),
                c.createdAt().toString(), false));
    }

    /**
     * Reads a body of one required text field ({@code request}'s record names the accepted fields): the field's
     * text of 1 to {@code max} characters, else 422 naming it ("The {@code what} is not valid.").
     */
    private String oneText(Context ctx, Class<? extends Record> request, String field, int max, String what) {
        JsonNode body = json.readObject(ctx, RequestFields.of(request));
        List<Problem.FieldError> errors = new ArrayList<>();
        String text = Community.text(body, field, max, true, errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation("The " + what + " is not valid.", errors));
        }
        return text;
    }

    private void deleteComment(Context ctx) {
        UUID me = Principal.of(ctx).accountId();
        UUID id = PathParams.parseUuid(ctx.pathParam("id")).orElseThrow(() -> new ProblemException(Problem.notFound()));
        Optional<PostStore.CommentRow> c = community.store().findComment(id)
                .filter(x -> x.owner().equals(me) || x.postOwner().equals(me));
        if (c.isEmpty() || !community.store().deleteComment(id)) {
            throw new ProblemException(Problem.notFound());
        }
        ctx.status(204);
    }

    private void report(Context ctx) {
        UUID me = Principal.of(ctx).accountId();
        Community.Visible post = community.post(id(ctx), me);
        String reason = oneText(ctx, ApiSchemas.ReportRequest.class, "reason", Community.MAX_REASON, "report");
        PostStore.ReportRow r = community.report(me, post.row(), reason);
        ctx.status(201).json(new ApiSchemas.Report(r.id().toString(), r.postId().toString(),
                r.createdAt().toString()));
    }

    private void profile(Context ctx) {
        String name = oneText(ctx, ApiSchemas.Profile.class, "displayName", Community.MAX_NAME, "display name");
        if (!ContactDetails.find(name).isEmpty()) {
            throw new ProblemException(Problem.validation("The display name is not valid.", List.of(
                    new Problem.FieldError("$.displayName", "contact-details",
                            "a display name must not be a phone number, an e-mail or an address"))));
        }
        UUID me = Principal.of(ctx).accountId();
        community.store().setDisplayName(me, name.strip());
        ctx.json(new ApiSchemas.Profile(community.displayName(me)));
    }

    /** The post as the API shows it to {@code viewer}. */
    ApiSchemas.Post api(Community.Visible v, UUID viewer) {
        PostStore.Row r = v.row();
        PostStore.Counts counts = community.store().counts(r.id(), viewer);
        String base = "/api/v1/posts/" + r.id() + "/photos/";
        return new ApiSchemas.Post(r.id().toString(), new ApiSchemas.Author(community.displayName(r.owner())),
                r.owner().equals(viewer), r.visibility(), v.content().text(), PostText.html(v.content().text()),
                v.content().tags(), r.photos().stream().map(p -> base + p).toList(), r.createdAt().toString(),
                r.updatedAt().toString(), counts.likes(), counts.liked(), counts.comments(), r.hiddenAt() != null,
                community.snapshotOf(v.content()));
    }

    /** Posts the caller may see plus the caller's own logbook; the query is neither stored nor logged. */
    private void search(Context ctx) {
        Instant from = parseTime(ctx.queryParam("from"), "from");
        Instant to = parseTime(ctx.queryParam("to"), "to");
        List<Problem.FieldError> errors = new ArrayList<>();
        List<String> tags = Community.tags(ctx.queryParam("tags"), errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.badRequest("The tags are not valid.",
                    errors.toArray(Problem.FieldError[]::new)));
        }
        List<ApiSchemas.SearchResult> results = search.search(viewer(ctx), logbookOwner(ctx,
                search.consents()), ctx.queryParam("q"), from, to, tags)
                .stream().map(h -> new ApiSchemas.SearchResult(h.type(), h.id().toString(), h.snippet(),
                        h.time().toString(), h.rank())).toList();
        ctx.header("Cache-Control", "no-store").json(new ApiSchemas.SearchResults(results));
    }

    static Instant parseTime(String s, String field) {
        if (s == null || s.isBlank()) {
            return null;
        }
        Instant t;
        try {
            t = Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            try {
                t = java.time.LocalDate.parse(s).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            } catch (java.time.DateTimeException e2) {
                throw new ProblemException(Problem.badRequest("The time is not valid.",
                        new Problem.FieldError(field, "format", "must be an ISO-8601 instant or date")));
            }
        }
        // The database keeps years 1900-9999 of our data: anything else is refused by name, never a 5xx.
        java.util.Optional<org.mqcgm.core.time.TimeBounds.Violation> out =
                org.mqcgm.core.time.TimeBounds.rangeBound(t, Instant.now());
        if (out.isPresent()) {
            throw new ProblemException(Problem.validation("The time is outside the supported times.",
                    List.of(new Problem.FieldError(field, out.get().rule(), out.get().message()))));
        }
        return t;
    }
}
