package org.mqcgm.server.community;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.mqcgm.server.platform.Web;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.platform.text.ContactDetails;
import org.mqcgm.server.platform.web.PageContext;

/**
 * The community pages, phone first and without JavaScript: {@code /community} (feed and publish form),
 * {@code /community/posts/{id}} (a post, its comments, like, report, delete), {@code /search} and the moderators'
 * queue {@code /moderation}.
 */
final class CommunityPages {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final Community community;
    private final Search search;
    private final Photos photos;
    private final Web web;

    CommunityPages(Community community, Search search, Photos photos, Web web) {
        this.community = community;
        this.search = search;
        this.photos = photos;
        this.web = web;
    }

    void register(Routes routes) {
        Access publish = Access.PAGE.requiring(Purpose.COMMUNITY);
        routes.get("/community", Access.PAGE, ctx -> feed(ctx, Views.Form.EMPTY, List.of(), List.of(), 200,
                "1".equals(ctx.queryParam("published"))));
        routes.post("/community", publish, this::publish);
        routes.get("/community/posts/{id}", Access.PUBLIC, this::post);
        routes.post("/community/posts/{id}/comments", publish, ctx -> {
            UUID me = Principal.of(ctx).accountId();
            Community.Visible post = community.post(PostApi.id(ctx), me);
            String text = ctx.formParam("text");
            if (text != null && !text.isBlank() && text.length() <= Community.MAX_COMMENT) {
                community.addComment(me, post.row(), text);
            }
            ctx.redirect("/community/posts/" + post.row().id(), HttpStatus.SEE_OTHER);
        });
        routes.post("/community/posts/{id}/like", publish, ctx -> {
            UUID me = Principal.of(ctx).accountId();
            Community.Visible post = community.post(PostApi.id(ctx), me);
            if (community.store().counts(post.row().id(), me).liked()) {
                community.store().unlike(me, post.row().id());
            } else {
                community.store().like(me, post.row(), community.clock().instant());
            }
            ctx.redirect("/community/posts/" + post.row().id(), HttpStatus.SEE_OTHER);
        });
        routes.post("/community/posts/{id}/report", Access.PAGE, ctx -> {
            UUID me = Principal.of(ctx).accountId();
            Community.Visible post = community.post(PostApi.id(ctx), me);
            String reason = ctx.formParam("reason");
            if (reason == null || reason.isBlank()) {
                reason = "(no reason given)";
            }
            community.report(me, post.row(), reason.length() > Community.MAX_REASON
                    ? reason.substring(0, Community.MAX_REASON) : reason);
            ctx.redirect("/community/posts/" + post.row().id() + "?reported=1", HttpStatus.SEE_OTHER);
        });
        routes.post("/community/posts/{id}/delete", Access.PAGE, ctx -> {
            community.delete(Principal.of(ctx).accountId(), PostApi.id(ctx));
            ctx.redirect("/community", HttpStatus.SEE_OTHER);
        });
        routes.get("/search", Access.PUBLIC, this::search);
        routes.get("/moderation", Access.MODERATOR, this::moderation);
        routes.post("/moderation/posts/{id}/hide", Access.MODERATOR, ctx -> moderate(ctx, true, true));
        routes.post("/moderation/posts/{id}/restore", Access.MODERATOR, ctx -> moderate(ctx, true, false));
        routes.post("/moderation/comments/{id}/hide", Access.MODERATOR, ctx -> moderate(ctx, false, true));
        routes.post("/moderation/comments/{id}/restore", Access.MODERATOR, ctx -> moderate(ctx, false, false));
    }

    // ---- views ----

    static String time(Instant t, ZoneId zone) {
        return TIME.format(t.atZone(zone));
    }

    Views.Post view(Community.Visible v, UUID viewer, ZoneId zone) {
        PostStore.Row r = v.row();
        PostStore.Counts counts = community.store().counts(r.id(), viewer);
        String base = "/api/v1/posts/" + r.id() + "/photos/";
        return new Views.Post(r.id().toString(), community.displayName(r.owner()), r.owner().equals(viewer),
                r.visibility(), PostText.html(v.content().text()), v.content().tags(),
                r.photos().stream().map(p -> new Views.Photo(base + p, base + p + "?size=thumb")).toList(),
                time(r.createdAt(), zone), counts.likes(), counts.liked(), counts.comments(), r.hiddenAt() != null);
    }

    Views.Comment view(PostStore.CommentRow c, UUID viewer, ZoneId zone) {
        return new Views.Comment(c.id().toString(), community.displayName(c.owner()), c.owner().equals(viewer),
                PostText.html(community.commentText(c)), time(c.createdAt(), zone), c.hiddenAt() != null);
    }

    static ZoneId zone(PageContext page) {
        return page.signedIn() ? page.zone() : java.time.ZoneOffset.UTC;
    }

    // ---- feed and publishing ----

    private void feed(Context ctx, Views.Form form, List<String> messages, List<String> contacts, int status,
                      boolean published) {
        PageContext page = web.contexts().of(ctx);
        UUID me = Principal.of(ctx).accountId();
        Community.Page feed = community.feed(me, ctx.queryParam("cursor"), PostApi.DEFAULT_PAGE);
        ZoneId zone = zone(page);
        ctx.status(status);
        web.pages().render(ctx, page, "community/feed.jte", Map.of("model", new Views.Feed(
                feed.posts().stream().map(v -> view(v, me, zone)).toList(), feed.next(), form, messages, contacts,
                community.displayName(me), published)));
    }

    private void publish(Context ctx) {
        PageContext page = web.contexts().of(ctx);
        String text = ctx.formParam("text");
        String visibility = ctx.formParam("visibility");
        String tagField = ctx.formParam("tags");
        Views.Form form = new Views.Form(text == null ? "" : text,
                visibility != null && Community.VISIBILITIES.contains(visibility) ? visibility : null,
                tagField == null ? "" : tagField);
        List<String> messages = new ArrayList<>();
        List<Problem.FieldError> errors = new ArrayList<>();
        List<String> tags = Community.tags(tagField, errors);
        if (text == null || text.isBlank() || text.length() > Community.MAX_TEXT) {
            messages.add(page.t("community.error.text", Community.MAX_TEXT));
        }
        if (form.visibility() == null) {
            messages.add(page.t("community.error.visibility"));
        }
        if (!errors.isEmpty()) {
            messages.add(page.t("community.error.tags"));
        }
        if (!messages.isEmpty()) {
            feed(ctx, form, messages, List.of(), 422, false);
            return;
        }
        String checked;
        try {
            checked = Community.checkContactDetails(text, visibility,
                    "true".equals(ctx.formParam("confirmContactDetails")), "true".equals(ctx.formParam("redact")),
                    "text");
        } catch (ProblemException e) {
            feed(ctx, form, List.of(), ContactDetails.find(text), 422, false);
            return;
        }
        UUID me = Principal.of(ctx).accountId();
        List<io.javalin.http.UploadedFile> files = ctx.uploadedFiles("photos").stream()
                .filter(f -> f.size() > 0).toList();
        if (files.size() > Community.MAX_PHOTOS) {
            feed(ctx, form, List.of(page.t("community.error.photos", Community.MAX_PHOTOS)), List.of(), 422, false);
            return;
        }
        List<UUID> photoIds = new ArrayList<>();
        for (io.javalin.http.UploadedFile f : files) {
            try (java.io.InputStream in = f.content()) {
                photoIds.add(photos.upload(me, in.readAllBytes(), "photos"));
            } catch (ProblemException e) {
                feed(ctx, form, List.of(page.t("community.error.photo", f.filename())), List.of(),
                        e.problem().status(), false);
                return;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        String name = ctx.formParam("displayName");
        if (name != null && !name.isBlank() && name.strip().length() <= Community.MAX_NAME
                && ContactDetails.find(name).isEmpty()) {
            community.store().setDisplayName(me, name.strip());
        }
        PostStore.Row row = community.publish(me, new Community.Draft(checked, visibility, photoIds, tags, null));
        ctx.redirect("/community/posts/" + row.id(), HttpStatus.SEE_OTHER);
    }

    // ---- one post ----

    private void post(Context ctx) {
        PageContext page = web.contexts().of(ctx);
        UUID viewer = PostApi.viewer(ctx);
        Community.Visible post = community.post(PostApi.id(ctx), viewer);
        ZoneId zone = zone(page);
        List<Views.Comment> comments = community.store().comments(post.row().id(), 500).stream()
                .filter(c -> c.hiddenAt() == null || c.owner().equals(viewer))
                .map(c -> view(c, viewer, zone)).toList();
        ctx.header("Cache-Control", "no-store");
        web.pages().render(ctx, page, "community/post.jte", Map.of("model", new Views.PostPage(
                view(post, viewer, zone), comments, viewer != null, "1".equals(ctx.queryParam("reported")))));
    }

    // ---- search ----

    private void search(Context ctx) {
        PageContext page = web.contexts().of(ctx);
        String q = ctx.queryParam("q");
        String from = ctx.queryParam("from");
        String to = ctx.queryParam("to");
        String tags = ctx.queryParam("tags");
        List<String> messages = new ArrayList<>();
        List<Views.Result> results = new ArrayList<>();
        boolean searched = q != null && !q.isBlank() || tags != null && !tags.isBlank();
        if (searched) {
            try {
                List<Problem.FieldError> errors = new ArrayList<>();
                List<String> tagList = Community.tags(tags, errors);
                if (!errors.isEmpty()) {
                    throw new ProblemException(Problem.badRequest("tags", errors.toArray(Problem.FieldError[]::new)));
                }
                ZoneId zone = zone(page);
                for (Search.Hit h : search.search(PostApi.viewer(ctx),
                        PostApi.logbookOwner(ctx, search.consents()), q, PostApi.parseTime(from, "from"),
                        PostApi.parseTime(to, "to"), tagList)) {
                    String href = "post".equals(h.type()) ? "/community/posts/" + h.id() : "/logbook";
                    results.add(new Views.Result(h.type(), href, Views.parts(h.snippet()), time(h.time(), zone)));
                }
            } catch (ProblemException e) {
                ctx.status(400);
                messages.add(page.t("community.search.invalid"));
            }
        }
        ctx.header("Cache-Control", "no-store");
        web.pages().render(ctx, page, "community/search.jte", Map.of("model", new Views.Search(
                q == null ? "" : q, from == null ? "" : from, to == null ? "" : to, tags == null ? "" : tags,
                results, searched, messages)));
    }

    // ---- moderation ----

    private void moderation(Context ctx) {
        PageContext page = web.contexts().of(ctx);
        ZoneId zone = zone(page);
        UUID moderator = Principal.of(ctx).accountId();
        Map<UUID, List<PostStore.ReportRow>> byPost = new LinkedHashMap<>();
        for (PostStore.ReportRow r : community.store().reports(500)) {
            byPost.computeIfAbsent(r.postId(), k -> new ArrayList<>()).add(r);
        }
        List<Views.Reported> queue = new ArrayList<>();
        byPost.forEach((postId, reports) -> community.store().find(postId).ifPresent(row -> {
            Community.Visible v = new Community.Visible(row, community.content(row));
            List<Views.Comment> comments = community.store().comments(postId, 200).stream()
                    .map(c -> view(c, moderator, zone)).toList();
            queue.add(new Views.Reported(view(v, moderator, zone), reports.size(),
                    reports.stream().map(community::reason).toList(), comments));
        }));
        ctx.header("Cache-Control", "no-store");
        web.pages().render(ctx, page, "community/moderation.jte", Map.of("model", new Views.Moderation(queue)));
    }

    private void moderate(Context ctx, boolean post, boolean hide) {
        UUID id = Community.uuid(ctx.pathParam("id")).orElseThrow(() -> new ProblemException(Problem.notFound()));
        Instant at = hide ? community.clock().instant() : null;
        boolean found = post ? community.store().setHidden(id, at) : community.store().setCommentHidden(id, at);
        if (!found) {
            throw new ProblemException(Problem.notFound());
        }
        ctx.redirect("/moderation", HttpStatus.SEE_OTHER);
    }
}
