package org.mqcgm.server.community;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** Posts over HTTP: who sees what, publishing rules, safe rendering, deletion. */
class CommunityPostsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger SEQ = new AtomicInteger();

    /** A member: their id, e-mail and a token with every scope, consenting to publishing. */
    record Member(UUID id, String email, String token) {
        String[] auth() {
            return new String[] {"Authorization", "Bearer " + token};
        }
    }

    static Member member() {
        String email = "member" + SEQ.incrementAndGet() + "@example.org";
        UUID id = app.newUser(email);
        app.app().consents().record(id, Purpose.COMMUNITY, true, "test");
        return new Member(id, email, app.app().apiTokens().create(id, "all", EnumSet.allOf(Scope.class)));
    }

    static Http http() {
        return new Http(app.url());
    }

    static HttpResponse<String> publish(Member m, String body) {
        return http().postJson("/api/v1/posts", body, m.auth());
    }

    static String publishOk(Member m, String text, String visibility) throws Exception {
        HttpResponse<String> r = publish(m, "{\"text\":" + JSON.writeValueAsString(text) + ",\"visibility\":\""
                + visibility + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("id").asText();
    }

    static HttpResponse<String> patch(Member m, String post, String body) {
        return http().send("PATCH", "/api/v1/posts/" + post, body, "Authorization", "Bearer " + m.token(),
                "Content-Type", "application/json");
    }

    @Test
    @Tag("PR-52")
    void nothingIsPublicWithoutTheAuthorsChoiceAndAnonymousVisitorsSeeOnlyPublicPosts() throws Exception {
        Member author = member();
        HttpResponse<String> noChoice = publish(author, "{\"text\":\"hello\"}");
        assertThat(noChoice.statusCode()).isEqualTo(422);
        assertThat(noChoice.body()).contains("\"field\":\"$.visibility\"").contains("\"rule\":\"required\"");

        String priv = publishOk(author, "my private thoughts", "private");
        String followers = publishOk(author, "for my followers", "followers");
        String pub = publishOk(author, "hello everyone", "public");

        Http anonymous = http();
        assertThat(anonymous.get("/api/v1/posts/" + priv).statusCode()).isEqualTo(404);
        assertThat(anonymous.get("/api/v1/posts/" + followers).statusCode()).isEqualTo(404);
        assertThat(anonymous.get("/api/v1/posts/" + pub).statusCode()).isEqualTo(200);
        Member stranger = member();
        assertThat(http().get("/api/v1/posts/" + priv, stranger.auth()).statusCode()).isEqualTo(404);
        assertThat(http().get("/api/v1/posts/" + followers, stranger.auth()).statusCode())
                .as("nobody follows anybody until sharing says so").isEqualTo(404);
        assertThat(http().get("/api/v1/posts/" + priv, author.auth()).statusCode()).isEqualTo(200);

        String feed = anonymous.get("/api/v1/posts?limit=50").body();
        assertThat(feed).contains(pub).doesNotContain(priv).doesNotContain(followers);
        assertThat(http().get("/api/v1/posts?limit=50", author.auth()).body()).contains(pub, priv, followers);

        // Toggle: private again is gone at once for others; public again is back.
        assertThat(patch(author, pub, "{\"visibility\":\"private\"}").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/api/v1/posts/" + pub).statusCode()).isEqualTo(404);
        assertThat(anonymous.get("/api/v1/posts?limit=50").body()).doesNotContain(pub);
        assertThat(patch(author, pub, "{\"visibility\":\"public\"}").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/api/v1/posts/" + pub).statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/api/v1/posts/" + pub).headers().firstValue("Cache-Control"))
                .as("no cache keeps a post that may turn private").hasValue("no-store");
        // Only the author changes a post.
        assertThat(patch(stranger, pub, "{\"visibility\":\"private\"}").statusCode()).isEqualTo(404);
    }

    @Test
    @Tag("PR-52")
    void aPublicAuthorIsShownByTheDisplayNameOnlyNeverContactDetails() throws Exception {
        Member author = member();
        String pub = publishOk(author, "crawl me", "public");
        String before = http().get("/api/v1/posts/" + pub).body();
        assertThat(before).doesNotContain(author.email()).doesNotContain(author.id().toString())
                .contains("\"displayName\":\"Member ");
        HttpResponse<String> phoneName = http().send("PUT", "/api/v1/community/profile",
                "{\"displayName\":\"+86 138 0013 8000\"}", "Authorization", "Bearer " + author.token(),
                "Content-Type", "application/json");
        assertThat(phoneName.statusCode()).isEqualTo(422);
        assertThat(http().send("PUT", "/api/v1/community/profile", "{\"displayName\":\"Sugar Runner\"}",
                "Authorization", "Bearer " + author.token(), "Content-Type", "application/json").statusCode())
                .isEqualTo(200);
        for (String page : new String[] {"/api/v1/posts/" + pub, "/api/v1/posts?limit=50",
                "/api/v1/posts/" + pub + "/comments"}) {
            String body = http().get(page).body();
            assertThat(body).as(page).doesNotContain(author.email()).doesNotContain(author.email().split("@")[0])
                    .doesNotContain(author.id().toString()).doesNotContain("birth");
        }
        assertThat(http().get("/api/v1/posts/" + pub).body()).contains("\"displayName\":\"Sugar Runner\"");
    }

    @Test
    void scriptsEventHandlersAndJavascriptLinksAreRenderedInert() throws Exception {
        Member author = member();
        String text = "<script>alert(1)</script>\n\nhi <img src=x onerror=alert(2)> there\n\n"
                + "[click](javascript:alert(3)) [ok](https://example.org) **bold**";
        String id = publishOk(author, text, "public");
        JsonNode post = JSON.readTree(http().get("/api/v1/posts/" + id).body());
        String html = post.path("html").asText();
        assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("javascript:")
                .doesNotContainPattern("<[^>]*\\son\\w+=")
                .contains("&lt;script&gt;").contains("<strong>bold</strong>")
                .contains("<a href=\"https://example.org\" rel=\"nofollow ugc\">ok</a>");
        assertThat(post.path("text").asText()).isEqualTo(text);

        HttpResponse<String> comment = http().postJson("/api/v1/posts/" + id + "/comments",
                "{\"text\":\"<svg onload=alert(1)> [x](javascript:alert(1))\"}", author.auth());
        assertThat(comment.statusCode()).as(comment.body()).isEqualTo(201);
        String commentHtml = JSON.readTree(http().get("/api/v1/posts/" + id + "/comments").body())
                .path("comments").get(0).path("html").asText();
        assertThat(commentHtml).doesNotContain("<svg").doesNotContain("javascript:");

        HttpResponse<String> badTag = publish(author, "{\"text\":\"t\",\"visibility\":\"public\","
                + "\"tags\":[\"<script>\",\"ok\"]}");
        assertThat(badTag.statusCode()).isEqualTo(422);
        assertThat(badTag.body()).contains("\"field\":\"$.tags[0]\"");
        HttpResponse<String> goodTags = publish(author, "{\"text\":\"t\",\"visibility\":\"public\","
                + "\"tags\":[\"早餐\",\"low-carb\"]}");
        assertThat(goodTags.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(goodTags.body()).path("tags").toString()).isEqualTo("[\"早餐\",\"low-carb\"]");
    }

    @Test
    void textsAreStoredEncryptedUnderTheWritersKey() throws Exception {
        Member author = member();
        String id = publishOk(author, "a unique secret pumpernickel", "private");
        http().postJson("/api/v1/posts/" + id + "/comments", "{\"text\":\"another quince\"}", author.auth());
        String stored = app.sql().withHandle(h -> h.createQuery(
                "select encode(content, 'escape') || coalesce(search::text, '') from community_post where id = :id")
                .bind("id", UUID.fromString(id)).mapTo(String.class).one());
        assertThat(stored).doesNotContain("pumpernickel");
        String comments = app.sql().withHandle(h -> h.createQuery(
                "select string_agg(encode(content, 'escape'), '') from community_comment where post_id = :id")
                .bind("id", UUID.fromString(id)).mapTo(String.class).one());
        assertThat(comments).doesNotContain("quince");
    }

    @Test
    @Tag("PR-90")
    void contactDetailsInATextOthersWillSeeAreRefusedUnlessConfirmedOrRedacted() throws Exception {
        Member author = member();
        String text = "Call me on +86 138 0013 8000 or 13800138000, mail li@example.cn, 中山路12号 or 5 Main Rd";
        String body = "{\"text\":" + JSON.writeValueAsString(text) + ",\"visibility\":\"public\"";
        HttpResponse<String> refused = publish(author, body + "}");
        assertThat(refused.statusCode()).isEqualTo(422);
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.path("type").asText()).endsWith("/contact-details");
        assertThat(problem.path("errors").get(0).path("field").asText()).isEqualTo("$.text");
        assertThat(problem.path("matches").toString()).contains("+86 138 0013 8000", "13800138000",
                "li@example.cn", "中山路12号", "5 Main Rd");
        assertThat(publish(author, body.replace("public", "followers") + "}").statusCode()).isEqualTo(422);

        HttpResponse<String> redacted = publish(author, body + ",\"redact\":true}");
        assertThat(redacted.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(redacted.body()).path("text").asText()).doesNotContain("138").doesNotContain("@")
                .doesNotContain("中山路").contains("[…]");
        HttpResponse<String> confirmed = publish(author, body + ",\"confirmContactDetails\":true}");
        assertThat(confirmed.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(confirmed.body()).path("text").asText()).isEqualTo(text);
        assertThat(publish(author, body.replace("public", "private") + "}").statusCode())
                .as("private posts are not blocked").isEqualTo(201);
        // Making a private text public checks it then.
        String priv = JSON.readTree(publish(author, body.replace("public", "private") + "}").body()).path("id")
                .asText();
        assertThat(patch(author, priv, "{\"visibility\":\"public\"}").statusCode()).isEqualTo(422);
    }

    @Test
    void publishingNeedsTheConsentAndTheScope() {
        UUID id = app.newUser("no-community" + SEQ.incrementAndGet() + "@example.org");
        String token = app.app().apiTokens().create(id, "all", EnumSet.allOf(Scope.class));
        HttpResponse<String> r = http().postJson("/api/v1/posts", "{\"text\":\"x\",\"visibility\":\"public\"}",
                "Authorization", "Bearer " + token);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("CONSENT_REQUIRED").contains("\"purpose\":\"community\"");
        Member m = member();
        String narrow = app.app().apiTokens().create(m.id(), "narrow", EnumSet.of(Scope.PROFILE_READ));
        assertThat(http().postJson("/api/v1/posts", "{\"text\":\"x\",\"visibility\":\"public\"}",
                "Authorization", "Bearer " + narrow).statusCode()).isEqualTo(403);
    }

    @Test
    void commentsLikesReportsAndDeletion() throws Exception {
        Member author = member();
        Member reader = member();
        String id = publishOk(author, "a public post", "public");
        String priv = publishOk(author, "a private post", "private");
        assertThat(http().send("PUT", "/api/v1/posts/" + id + "/like", "", reader.auth()).statusCode())
                .isEqualTo(204);
        assertThat(http().send("PUT", "/api/v1/posts/" + id + "/like", "", reader.auth()).statusCode())
                .isEqualTo(204);
        assertThat(http().send("PUT", "/api/v1/posts/" + priv + "/like", "", reader.auth()).statusCode())
                .isEqualTo(404);
        JsonNode seen = JSON.readTree(http().get("/api/v1/posts/" + id, reader.auth()).body());
        assertThat(seen.path("likes").asInt()).isEqualTo(1);
        assertThat(seen.path("liked").asBoolean()).isTrue();
        HttpResponse<String> c = http().postJson("/api/v1/posts/" + id + "/comments", "{\"text\":\"nice\"}",
                reader.auth());
        assertThat(c.statusCode()).isEqualTo(201);
        String comment = JSON.readTree(c.body()).path("id").asText();
        assertThat(http().postJson("/api/v1/posts/" + priv + "/comments", "{\"text\":\"x\"}", reader.auth())
                .statusCode()).isEqualTo(404);
        assertThat(http().postJson("/api/v1/posts/" + id + "/reports", "{\"reason\":\"spam\"}", reader.auth())
                .statusCode()).isEqualTo(201);
        assertThat(http().postJson("/api/v1/posts/" + priv + "/reports", "{\"reason\":\"spam\"}", reader.auth())
                .statusCode()).isEqualTo(404);
        Member stranger = member();
        assertThat(http().send("DELETE", "/api/v1/comments/" + comment, "", stranger.auth()).statusCode())
                .isEqualTo(404);
        assertThat(http().send("DELETE", "/api/v1/posts/" + id, "", reader.auth()).statusCode()).isEqualTo(404);
        assertThat(http().send("DELETE", "/api/v1/comments/" + comment, "", author.auth()).statusCode())
                .as("the post's author may remove comments under it").isEqualTo(204);
        assertThat(http().send("DELETE", "/api/v1/posts/" + id, "", author.auth()).statusCode()).isEqualTo(204);
        assertThat(http().get("/api/v1/posts/" + id, author.auth()).statusCode()).isEqualTo(404);
        int left = app.sql().withHandle(h -> h.createQuery(
                "select (select count(*) from community_like where post_id = :p) + (select count(*) from "
                        + "community_report where post_id = :p)").bind("p", UUID.fromString(id))
                .mapTo(Integer.class).one());
        assertThat(left).isZero();
    }

    @Test
    @Tag("PR-26")
    void deletingAPostDeletesItsPhotosWithEveryRendition() throws Exception {
        Member author = member();
        HttpResponse<String> upload = org.mqcgm.server.testing.Multipart.upload(app.url(), "/api/v1/community/photos",
                "meal.jpg", "image/jpeg", org.mqcgm.server.testing.Multipart.picture("jpeg", 64, 48), author.auth());
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        String photo = JSON.readTree(upload.body()).path("id").asText();
        HttpResponse<String> r = publish(author, "{\"text\":\"my lunch\",\"visibility\":\"public\","
                + "\"photos\":[\"" + photo + "\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = JSON.readTree(r.body()).path("id").asText();
        String full = "/api/v1/posts/" + id + "/photos/" + photo;
        assertThat(JSON.readTree(r.body()).path("photos").get(0).asText()).isEqualTo(full);
        assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), full).statusCode()).isEqualTo(200);
        assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), full + "?size=thumb").statusCode())
                .isEqualTo(200);
        // A photo of a post that turned private is gone for others at once.
        assertThat(patch(author, id, "{\"visibility\":\"private\"}").statusCode()).isEqualTo(200);
        assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), full).statusCode()).isEqualTo(404);
        assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), full, author.auth()).statusCode())
                .isEqualTo(200);

        assertThat(http().send("DELETE", "/api/v1/posts/" + id, "", author.auth()).statusCode()).isEqualTo(204);
        assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), full, author.auth()).statusCode())
                .isEqualTo(404);
        for (String size : new String[] {"", "?size=thumb"}) {
            assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), "/api/v1/community/photos/" + photo + size,
                    author.auth()).statusCode()).as("the photo itself" + size).isEqualTo(404);
        }
        long rows = app.sql().withHandle(h -> h.createQuery("select count(*) from photo where id = :id")
                .bind("id", UUID.fromString(photo)).mapTo(Long.class).one());
        assertThat(rows).isZero();
    }

    static String uploadPhoto(Member m, String path) throws Exception {
        HttpResponse<String> upload = org.mqcgm.server.testing.Multipart.upload(app.url(), path, "meal.jpg",
                "image/jpeg", org.mqcgm.server.testing.Multipart.picture("jpeg", 64, 48), m.auth());
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        return JSON.readTree(upload.body()).path("id").asText();
    }

    @Test
    void aPhotoBelongsToOnePostOnly() throws Exception {
        Member author = member();
        String photo = uploadPhoto(author, "/api/v1/community/photos");
        String other = uploadPhoto(author, "/api/v1/community/photos");
        assertThat(publish(author, "{\"text\":\"first\",\"visibility\":\"public\",\"photos\":[\"" + photo
                + "\"]}").statusCode()).isEqualTo(201);
        HttpResponse<String> again = publish(author, "{\"text\":\"second\",\"visibility\":\"public\","
                + "\"photos\":[\"" + other + "\",\"" + photo + "\"]}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(422);
        assertThat(again.body()).contains("\"field\":\"$.photos[1]\"").doesNotContain("$.photos[0]");
        // Nothing of the refused post was written, and its other photo is still free.
        assertThat(http().get("/api/v1/posts?limit=50", author.auth()).body()).doesNotContain("second");
        assertThat(publish(author, "{\"text\":\"third\",\"visibility\":\"public\",\"photos\":[\"" + other
                + "\"]}").statusCode()).isEqualTo(201);

        // A photo of a logbook entry is not a post's either.
        String meal = uploadPhoto(author, "/api/v1/photos");
        assertThat(http().postJson("/api/v1/checkins", "{\"time\":\"" + java.time.OffsetDateTime.now()
                .minusHours(1).withNano(0) + "\",\"kind\":\"meal\",\"photos\":[\"" + meal + "\"]}",
                author.auth()).statusCode()).isEqualTo(201);
        HttpResponse<String> fromLogbook = publish(author, "{\"text\":\"my meal\",\"visibility\":\"public\","
                + "\"photos\":[\"" + meal + "\"]}");
        assertThat(fromLogbook.statusCode()).isEqualTo(422);
        assertThat(fromLogbook.body()).contains("\"field\":\"$.photos[0]\"");
    }

    @Test
    void aPostThatCannotBeWrittenLeavesItsPhotosUnattached() throws Exception {
        Member author = member();
        String photo = uploadPhoto(author, "/api/v1/community/photos");
        // The database refuses this author's posts (as a failure after the photos were attached would).
        app.sql().useHandle(h -> h.execute("""
                create function refuse_post() returns trigger language plpgsql as $$
                begin raise exception 'refused for the test'; end $$;
                create trigger refuse_post before insert on community_post for each row
                  when (new.owner_id = '%s') execute function refuse_post()""".formatted(author.id())));
        try {
            HttpResponse<String> failed = publish(author, "{\"text\":\"lost\",\"visibility\":\"public\","
                    + "\"photos\":[\"" + photo + "\"]}");
            assertThat(failed.statusCode()).isEqualTo(500);
        } finally {
            app.sql().useHandle(h -> h.execute(
                    "drop trigger refuse_post on community_post; drop function refuse_post()"));
        }
        String usage = app.sql().withHandle(h -> h.createQuery("select usage from photo where id = :id")
                .bind("id", UUID.fromString(photo)).mapTo(String.class).one());
        assertThat(usage).as("no photo stays attached to a post that was not written").isNull();
        assertThat(publish(author, "{\"text\":\"kept\",\"visibility\":\"public\",\"photos\":[\"" + photo
                + "\"]}").statusCode()).isEqualTo(201);
    }

    @Test
    void theFeedIsPagedNewestFirstWithACursor() throws Exception {
        Member author = member();
        for (int i = 0; i < 5; i++) {
            publishOk(author, "paged " + i, "private");
        }
        JsonNode first = JSON.readTree(http().get("/api/v1/posts?limit=3", author.auth()).body());
        assertThat(first.path("posts")).hasSize(3);
        assertThat(first.path("posts").get(0).path("text").asText()).isEqualTo("paged 4");
        JsonNode second = JSON.readTree(http().get("/api/v1/posts?limit=3&cursor=" + first.path("next").asText(),
                author.auth()).body());
        assertThat(second.path("posts").get(0).path("text").asText()).isEqualTo("paged 1");
        assertThat(http().get("/api/v1/posts?cursor=nonsense").statusCode()).isEqualTo(400);
    }
}
