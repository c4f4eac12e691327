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
import org.mqcgm.server.platform.http.PathParams;
import org.mqcgm.server.platform.http.Problem;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.media.Photos;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.RateLimit;
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

    CommunityPages(Community community, Search search, Photos photos, Web web,
                   org.mqcgm.server.platform.crypto.DeploymentSecrets secrets) {
        this.community = community;
        this.search = search;
        this.photos = photos;
        this.web = web;
        this.secrets = secrets;
    }

    private final org.mqcgm.server.platform.crypto.DeploymentSecrets secrets;

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
        routes.limited(RateLimit.SEARCH).get("/search", Access.PUBLIC, this::search);
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

    Views.Post view(Community.Visible v, UUID viewer, PageContext page) {
        PostStore.Row r = v.row();
        PostStore.Counts counts = community.store().counts(r.id(), viewer);
        String base = "/api/v1/posts/" + r.id() + "/photos/";
        return new Views.Post(r.id().toString(), community.displayName(r.owner()), r.owner().equals(viewer),
                r.visibility(), PostText.html(v.content().text()), v.content().tags(),
                r.photos().stream().map(p -> new Views.Photo(base + p, base + p + "?size=thumb")).toList(),
                time(r.createdAt(), zone(page)), counts.likes(), counts.liked(), counts.comments(),
                r.hiddenAt() != null, snapshot(community.snapshotOf(v.content()), page));
    }

    /** An attached snapshot in the viewer's unit and language (null: none). */
    static Views.Snapshot snapshot(ApiSchemas.Snapshot s, PageContext page) {
        if (s == null) {
            return null;
        }
        org.mqcgm.core.glucose.GlucoseUnit unit = page.unit();
        String u = unit.symbol();
        List<Views.Stat> stats = new ArrayList<>();
        stats.add(new Views.Stat(page.t("reports.stats.mean"), glucose(s.meanMgdl(), unit) + " " + u,
                "snapshot-mean"));
        stats.add(new Views.Stat(page.t("reports.stats.gmi"), percent(s.gmiPercent(), "%.1f"), "snapshot-gmi"));
        stats.add(new Views.Stat(page.t("reports.stats.cv"), percent(s.cvPercent(), "%.1f"), "snapshot-cv"));
        stats.add(new Views.Stat(page.t("reports.stats.active"), percent(s.activePercent(), "%.0f"),
                "snapshot-active"));
        ApiSchemas.SnapshotRanges t = s.ranges();
        String highFrom = unit == org.mqcgm.core.glucose.GlucoseUnit.MG_DL ? unit.format(181) : "10.1";
        List<Views.Range> ranges = List.of(
                new Views.Range("vhigh", page.t("reports.tir.vhigh", unit.format(250), u),
                        percent(t.veryHighPercent(), "%.0f")),
                new Views.Range("high", page.t("reports.tir.high", highFrom, unit.format(250), u),
                        percent(t.highPercent(), "%.0f")),
                new Views.Range("inrange", page.t("reports.tir.inrange", unit.format(70), unit.format(180), u),
                        percent(t.inRangePercent(), "%.0f")),
                new Views.Range("low", page.t("reports.tir.low", unit.format(54), unit.format(69), u),
                        percent(t.lowPercent(), "%.0f")),
                new Views.Range("vlow", page.t("reports.tir.vlow", unit.format(54), u),
                        percent(t.veryLowPercent(), "%.0f")));
        return new Views.Snapshot(page.t("community.snapshot.title", s.days()), stats, ranges,
                bar(t.belowRangePercent()), bar(t.inRangePercent()), bar(t.aboveRangePercent()));
    }

    private static String glucose(Double mgdl, org.mqcgm.core.glucose.GlucoseUnit unit) {
        if (mgdl == null) {
            return "–";
        }
        return unit == org.mqcgm.core.glucose.GlucoseUnit.MG_DL ? String.format(java.util.Locale.ROOT, "%.0f", mgdl)
                : String.format(java.util.Locale.ROOT, "%.1f", unit.fromMgdl(mgdl));
    }

    private static String percent(Double v, String format) {
        return v == null ? "–" : String.format(java.util.Locale.ROOT, format, v) + " %";
    }

    private static double bar(Double v) {
        return v == null ? 0 : Math.round(v * 10) / 10.0;
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
        ctx.status(status);
        web.pages().render(ctx, page, "community/feed.jte", Map.of("model", new Views.Feed(
                feed.posts().stream().map(v -> view(v, me, page)).toList(), feed.next(), form, messages, contacts,
                form.displayName() != null ? form.displayName() : community.displayName(me), published)));
    }

    /**
     * The publish form. A private post is published at once. A post for followers or everyone is first shown as a
     * preview of exactly what others will see (PR-52), with "Publish" and "Edit": it is published only from that
     * preview ({@code confirm=preview} with the preview's digest of the same draft), never from the form itself.
     * The contact-details warning (PR-90) comes before the preview; photos chosen on the form are uploaded for the
     * preview and carried (as ids) to publishing or back to the form.
     */
    private void publish(Context ctx) {
        PageContext page = web.contexts().of(ctx);
        UUID me = Principal.of(ctx).accountId();
        String text = ctx.formParam("text");
        String visibility = ctx.formParam("visibility");
        String tagField = ctx.formParam("tags");
        String days = ctx.formParam("snapshot");
        String name = ctx.formParam("displayName");
        Views.Form form = new Views.Form(text == null ? "" : text,
                visibility != null && Community.VISIBILITIES.contains(visibility) ? visibility : null,
                tagField == null ? "" : tagField, days == null ? "" : days, carriedPhotos(ctx, me),
                name == null ? null : name, "true".equals(ctx.formParam("confirmContactDetails")));
        if (ctx.formParam("edit") != null) {
            feed(ctx, form, List.of(), List.of(), 200, false);
            return;
        }
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
        Integer snapshotDays = null;
        if (days != null && !days.isBlank()) {
            snapshotDays = org.mqcgm.server.platform.snapshot.MetricSnapshots.DAYS.stream()
                    .filter(d -> d.toString().equals(days.strip())).findFirst().orElse(null);
            if (snapshotDays == null) {
                messages.add(page.t("community.error.snapshot.days"));
            }
        }
        if (!messages.isEmpty()) {
            feed(ctx, form, messages, List.of(), 422, false);
            return;
        }
        String checked;
        try {
            checked = Community.checkContactDetails(text, visibility, form.confirmContactDetails(),
                    "true".equals(ctx.formParam("redact")), "text");
        } catch (ProblemException e) {
            feed(ctx, form, List.of(), ContactDetails.find(text), 422, false);
            return;
        }
        com.fasterxml.jackson.databind.JsonNode snapshot = null;
        if (snapshotDays != null) {
            try {
                snapshot = community.snapshot(me, snapshotDays, "snapshot");
            } catch (ProblemException e) {
                feed(ctx, form, List.of(page.t(e.problem().status() == 403 ? "community.error.snapshot.consent"
                        : "community.error.snapshot.data", snapshotDays)), List.of(), e.problem().status(), false);
                return;
            }
        }
        List<io.javalin.http.UploadedFile> files = ctx.uploadedFiles("photos").stream()
                .filter(f -> f.size() > 0).toList();
        if (form.photos().size() + files.size() > Community.MAX_PHOTOS) {
            feed(ctx, form, List.of(page.t("community.error.photos", Community.MAX_PHOTOS)), List.of(), 422, false);
            return;
        }
        List<UUID> photoIds = new ArrayList<>(form.photos().stream().map(UUID::fromString).toList());
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
        String chosenName = name != null && !name.isBlank() && name.strip().length() <= Community.MAX_NAME
                && ContactDetails.find(name).isEmpty() ? name.strip() : null;
        Views.Form draft = new Views.Form(checked, visibility, String.join(", ", tags), days == null ? "" : days,
                photoIds.stream().map(UUID::toString).toList(), chosenName, form.confirmContactDetails());
        if (!"private".equals(visibility) && !(CONFIRM.equals(ctx.formParam("confirm"))
                && digest(ctx, me, draft).equals(ctx.formParam("preview")))) {
            preview(ctx, page, me, draft, tags, snapshot);
            return;
        }
        PostStore.Row row;
        try {
            row = community.publish(me, new Community.Draft(checked, visibility, photoIds, tags, snapshot));
        } catch (ProblemException e) {
            // a carried photo attached elsewhere meanwhile: the form again, without it
            feed(ctx, new Views.Form(checked, visibility, draft.tags(), draft.snapshot(), List.of(), chosenName,
                    form.confirmContactDetails()), List.of(page.t("community.error.photosTaken")), List.of(),
                    e.problem().status(), false);
            return;
        }
        if (chosenName != null) {
            community.store().setDisplayName(me, chosenName);
        }
        ctx.redirect("/community/posts/" + row.id(), HttpStatus.SEE_OTHER);
    }

    static final String CONFIRM = "preview";

    /** Photo ids carried from a preview or an edit: the caller's own uploads not attached to anything. */
    private List<String> carriedPhotos(Context ctx, UUID me) {
        List<String> out = new ArrayList<>();
        for (String s : ctx.formParams("photo")) {
            PathParams.parseUuid(s).filter(id -> photos.usage(me, id).isEmpty()
                            && photos.read(me, id, Photos.Size.THUMB).isPresent())
                    .filter(id -> !out.contains(id.toString()) && out.size() < Community.MAX_PHOTOS)
                    .ifPresent(id -> out.add(id.toString()));
        }
        return out;
    }

    /**
     * The digest of a previewed draft, bound to the session (through its CSRF token) and keyed with the deployment's
     * secret (an HMAC: a client cannot make one without being shown the preview): publishing from a preview needs
     * the digest of the same draft, so what is published is what was shown.
     */
    String digest(Context ctx, UUID me, Views.Form draft) {
        String csrf = ctx.formParam("_csrf");
        String canonical = String.join("\u0000", me.toString(), csrf == null ? "" : csrf,
                draft.text().replace("\r\n", "\n").replace('\r', '\n'),
                draft.visibility(), draft.tags(), draft.snapshot(), String.join(",", draft.photos()),
                draft.displayName() == null ? "" : draft.displayName(), String.valueOf(draft.confirmContactDetails()));
        return java.util.HexFormat.of().formatHex(secrets.pseudonym("community.preview", canonical));
    }

    /** What others will see of the draft, with who they are, and "Publish" / "Edit" (PR-52). */
    private void preview(Context ctx, PageContext page, UUID me, Views.Form draft, List<String> tags,
                         com.fasterxml.jackson.databind.JsonNode snapshot) {
        String base = "/api/v1/community/photos/";
        Views.Post post = new Views.Post("", draft.displayName() != null ? draft.displayName()
                : community.displayName(me), false, draft.visibility(), PostText.html(draft.text()), tags,
                draft.photos().stream().map(p -> new Views.Photo(base + p, base + p + "?size=thumb")).toList(),
                time(community.clock().instant(), zone(page)), 0, false, 0, false,
                snapshot(snapshot == null ? null : community.snapshotOf(new Community.Content("", List.of(),
                        snapshot)), page));
        ctx.header("Cache-Control", "no-store");
        web.pages().render(ctx, page, "community/preview.jte", Map.of("model", new Views.Preview(post,
                page.t("community.preview.audience." + draft.visibility()), draft, digest(ctx, me, draft))));
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
                view(post, viewer, page), comments, viewer != null, "1".equals(ctx.queryParam("reported")))));
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
            queue.add(new Views.Reported(view(v, moderator, page), reports.size(),
                    reports.stream().map(community::reason).toList(), comments));
        }));
        ctx.header("Cache-Control", "no-store");
        web.pages().render(ctx, page, "community/moderation.jte", Map.of("model", new Views.Moderation(queue)));
    }

    private void moderate(Context ctx, boolean post, boolean hide) {
        UUID id = PathParams.parseUuid(ctx.pathParam("id")).orElseThrow(() -> new ProblemException(Problem.notFound()));
        Instant at = hide ? community.clock().instant() : null;
        boolean found = post ? community.store().setHidden(id, at) : community.store().setCommentHidden(id, at);
        if (!found) {
            throw new ProblemException(Problem.notFound());
        }
        ctx.redirect("/moderation", HttpStatus.SEE_OTHER);
    }
}
