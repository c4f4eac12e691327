package org.mqcgm.server.community;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Role;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** The community pages over HTTP: the publish form, a post, moderation, search. */
class CommunityPagesTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger SEQ = new AtomicInteger();

    record Person(UUID id, String email, Http web) {
        HttpResponse<String> form(String path, Map<String, String> fields) {
            Map<String, String> all = new LinkedHashMap<>(fields);
            all.put("_csrf", web.csrfToken());
            return web.postForm(path, all);
        }
    }

    static Person person(Role role) {
        String email = "pages" + SEQ.incrementAndGet() + "@example.org";
        UUID id = app.newUser(email);
        app.app().consents().record(id, Purpose.COMMUNITY, true, "test");
        if (role != null) {
            app.app().accounts().grantRole(id, role);
        }
        Http web = new Http(app.url());
        assertThat(web.postForm("/login", Map.of("identifier", email, "password", TestApp.PASSWORD)).statusCode())
                .isEqualTo(303);
        return new Person(id, email, web);
    }

    /** Publishes from the form: a private post at once, others through "Publish" on the preview. */
    static HttpResponse<String> publish(Person p, Map<String, String> fields) {
        HttpResponse<String> first = p.form("/community", fields);
        if (first.statusCode() != 200 || !first.body().contains("data-testid=\"preview\"")) {
            return first;
        }
        return fromPreview(p.web(), first.body(), "confirm=preview");
    }

    /** Sends the preview's form as a browser would, with the button pressed ({@code confirm=preview}, {@code edit=1}). */
    static HttpResponse<String> fromPreview(Http web, String preview, String button) {
        String form = preview.substring(preview.indexOf("data-testid=\"preview-form\""));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">").matcher(form);
        StringBuilder body = new StringBuilder(button);
        while (m.find()) {
            body.append('&').append(URLEncoder.encode(m.group(1), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(unescape(m.group(2)), StandardCharsets.UTF_8));
        }
        return web.post("/community", "application/x-www-form-urlencoded", body.toString());
    }

    static String unescape(String html) {
        return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&#x27;", "'").replace("&amp;", "&");
    }

    static int posts(UUID owner) {
        return app.sql().withHandle(h -> h.createQuery("select count(*) from community_post where owner_id = :o")
                .bind("o", owner).mapTo(Integer.class).one());
    }

    static String postId(HttpResponse<String> published) {
        assertThat(published.statusCode()).as(published.body()).isEqualTo(303);
        String location = published.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/community/posts/");
        return location.substring("/community/posts/".length());
    }

    @Test
    @Tag("PR-52")
    void theFormHasNoAudienceCheckedAndRefusesAPostWithoutOne() {
        Person p = person(null);
        String page = p.web().get("/community").body();
        assertThat(page).contains("data-testid=\"visibility-public\"").contains("accept=\"image/*\"")
                .contains("capture=");
        assertThat(page.replaceAll("(?s).*<fieldset data-testid=\"visibility\">(.*?)</fieldset>.*", "$1"))
                .doesNotContain("checked");
        HttpResponse<String> r = p.form("/community", Map.of("text", "hello"));
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("Choose who sees the post");
    }

    @Test
    @Tag("PR-52")
    void aPostForFollowersOrEveryoneIsPublishedOnlyFromAPreviewOfWhatOthersWillSee() {
        Person p = person(null);
        Map<String, String> draft = Map.of("text", "**Hello** <i>world</i>", "visibility", "public", "tags",
                "breakfast", "displayName", "Sugar Fan");
        HttpResponse<String> preview = p.form("/community", draft);
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).contains("data-testid=\"preview\"")
                .contains("Anyone on the internet can see this")
                .contains("<strong>Hello</strong> &lt;i&gt;world&lt;/i&gt;").contains("#breakfast")
                .contains("data-testid=\"post-author\">Sugar Fan<").contains("data-testid=\"preview-publish\"")
                .contains("data-testid=\"preview-edit\"").doesNotContain(p.email());
        assertThat(posts(p.id())).as("nothing is published by the form").isZero();
        assertThat(new Http(app.url()).get("/api/v1/posts?limit=50").body()).doesNotContain("Hello");

        // "Publish" without this preview's digest (forged, or the draft changed): the preview again, not published.
        Map<String, String> forged = new LinkedHashMap<>(draft);
        forged.put("confirm", "preview");
        forged.put("preview", "0".repeat(64));
        assertThat(p.form("/community", forged).body()).contains("data-testid=\"preview\"");
        String changed = preview.body().replace("name=\"text\" value=\"", "name=\"text\" value=\"changed ");
        assertThat(fromPreview(p.web(), changed, "confirm=preview").body()).contains("data-testid=\"preview\"")
                .contains("changed");
        assertThat(posts(p.id())).isZero();

        // "Edit": the form again with the draft.
        HttpResponse<String> edit = fromPreview(p.web(), preview.body(), "edit=1");
        assertThat(edit.statusCode()).isEqualTo(200);
        assertThat(edit.body()).contains("data-testid=\"publish-form\"").contains("**Hello** &lt;i&gt;world")
                .contains("value=\"Sugar Fan\"").doesNotContain("data-testid=\"preview\"");
        assertThat(posts(p.id())).isZero();

        // "Publish": exactly what was shown.
        String id = postId(fromPreview(p.web(), preview.body(), "confirm=preview"));
        String shown = new Http(app.url()).get("/community/posts/" + id).body();
        assertThat(shown).contains("<strong>Hello</strong> &lt;i&gt;world&lt;/i&gt;").contains("#breakfast")
                .contains("data-testid=\"post-author\">Sugar Fan<");

        assertThat(p.form("/community", Map.of("text", "for friends", "visibility", "followers")).body())
                .contains("Your followers can see this");
        assertThat(p.form("/community", Map.of("text", "just me", "visibility", "private")).statusCode())
                .as("a private post needs no preview").isEqualTo(303);
        assertThat(posts(p.id())).isEqualTo(2);
    }

    @Test
    @Tag("PR-90")
    void contactDetailsAreShownWithPublishAnywayAndRemoveThem() {
        Person p = person(null);
        Map<String, String> draft = Map.of("text", "Text me at 13800138000", "visibility", "public");
        HttpResponse<String> warned = p.form("/community", draft);
        assertThat(warned.statusCode()).isEqualTo(422);
        assertThat(warned.body()).contains("data-testid=\"contact-warning\"").contains("13800138000")
                .contains("Publish anyway").contains("Remove them");
        Map<String, String> redact = new LinkedHashMap<>(draft);
        redact.put("redact", "true");
        HttpResponse<String> redacted = p.form("/community", redact);
        assertThat(redacted.body()).as("the preview shows the text without them").contains("Text me at […]")
                .doesNotContain("13800138000");
        String id = postId(fromPreview(p.web(), redacted.body(), "confirm=preview"));
        assertThat(p.web().get("/community/posts/" + id).body()).contains("Text me at […]")
                .doesNotContain("13800138000");
        Map<String, String> anyway = new LinkedHashMap<>(draft);
        anyway.put("confirmContactDetails", "true");
        assertThat(p.web().get("/community/posts/" + postId(publish(p, anyway))).body())
                .contains("13800138000");
        assertThat(p.form("/community", Map.of("text", "Text me at 13800138000", "visibility", "private"))
                .statusCode()).as("private posts are not blocked").isEqualTo(303);
    }

    @Test
    void aReportedPostHiddenByAModeratorIsGoneForOthersAndMarkedForItsAuthor() throws Exception {
        Person author = person(null);
        Person reader = person(null);
        Person moderator = person(Role.MODERATOR);
        String id = postId(publish(author, Map.of("text", "buy cheap pills", "visibility", "public")));
        assertThat(reader.form("/community/posts/" + id + "/report", Map.of("reason", "spam <b>ad</b>"))
                .statusCode()).isEqualTo(303);
        assertThat(reader.web().get("/moderation").statusCode()).as("not a moderator: no such page").isEqualTo(404);
        assertThat(author.web().get("/moderation").statusCode()).isEqualTo(404);
        String queue = moderator.web().get("/moderation").body();
        assertThat(queue).contains("buy cheap pills").contains("1 reports").contains("spam &lt;b&gt;ad&lt;/b&gt;")
                .doesNotContain(author.email()).doesNotContain(reader.email());
        assertThat(moderator.form("/moderation/posts/" + id + "/hide", Map.of()).statusCode()).isEqualTo(303);

        assertThat(reader.web().get("/community/posts/" + id).statusCode()).isEqualTo(404);
        assertThat(new Http(app.url()).get("/api/v1/posts/" + id).statusCode()).isEqualTo(404);
        assertThat(reader.web().get("/community").body()).doesNotContain("buy cheap pills");
        assertThat(author.web().get("/community/posts/" + id).body()).contains("Hidden by a moderator");
        String token = app.app().apiTokens().create(author.id(), "t", EnumSet.allOf(Scope.class));
        assertThat(JSON.readTree(new Http(app.url()).get("/api/v1/posts/" + id, "Authorization", "Bearer " + token)
                .body()).path("hidden").asBoolean()).isTrue();
        assertThat(reader.web().get("/search?q=pills").body()).doesNotContain("cheap");

        assertThat(moderator.form("/moderation/posts/" + id + "/restore", Map.of()).statusCode()).isEqualTo(303);
        assertThat(reader.web().get("/community/posts/" + id).statusCode()).isEqualTo(200);
    }

    @Test
    void aHiddenCommentIsGoneForOthers() {
        Person author = person(null);
        Person reader = person(null);
        Person moderator = person(Role.MODERATOR);
        String id = postId(publish(author, Map.of("text", "a fine post", "visibility", "public")));
        reader.form("/community/posts/" + id + "/comments", Map.of("text", "rude words here"));
        reader.form("/community/posts/" + id + "/report", Map.of("reason", "rude comment"));
        String queue = moderator.web().get("/moderation").body();
        String comment = queue.replaceAll("(?s).*/moderation/comments/([0-9a-f-]{36})/hide.*", "$1");
        assertThat(moderator.form("/moderation/comments/" + comment + "/hide", Map.of()).statusCode())
                .isEqualTo(303);
        assertThat(author.web().get("/community/posts/" + id).body()).doesNotContain("rude words here");
        assertThat(reader.web().get("/community/posts/" + id).body()).contains("rude words here")
                .contains("Hidden by a moderator");
    }

    @Test
    void searchResultsAreHighlightedAndEscaped() {
        Person p = person(null);
        postId(publish(p, Map.of("text", "<b>bold</b> 米饭很好吃", "visibility", "public")));
        String page = new Http(app.url()).get("/search?q=" + URLEncoder.encode("米饭", StandardCharsets.UTF_8))
                .body();
        assertThat(page).contains("<mark>米饭</mark>").contains("&lt;b&gt;bold&lt;/b&gt;")
                .doesNotContain("<b>bold</b>");
        assertThat(new Http(app.url()).get("/search?q=%27%3B%20drop%20table").statusCode()).isEqualTo(200);
        assertThat(p.web().get("/search?q=x", "Accept-Language", "zh-CN").statusCode()).isEqualTo(200);
    }
}
