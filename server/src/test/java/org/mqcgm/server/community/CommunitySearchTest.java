package org.mqcgm.server.community;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** The community search over HTTP: Chinese and English, visibility, injection payloads. */
class CommunitySearchTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @RegisterExtension
    static final org.mqcgm.testkit.LogCapture log = new org.mqcgm.testkit.LogCapture();

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger SEQ = new AtomicInteger();
    static String a;
    static String b;
    static String chinese;
    static String english;

    static String member() {
        UUID id = app.newUser("searcher" + SEQ.incrementAndGet() + "@example.org");
        app.app().consents().record(id, Purpose.COMMUNITY, true, "test");
        return "Bearer " + app.app().apiTokens().create(id, "all", EnumSet.allOf(Scope.class));
    }

    static String publish(String token, String text, String visibility, String tags) throws Exception {
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/posts", "{\"text\":"
                + JSON.writeValueAsString(text) + ",\"visibility\":\"" + visibility + "\",\"tags\":" + tags + "}",
                "Authorization", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("id").asText();
    }

    @BeforeAll
    static void posts() throws Exception {
        a = member();
        b = member();
        chinese = publish(a, "今天早餐吃了米饭，血糖升得很快", "public", "[\"早餐\"]");
        english = publish(a, "Porridge for **breakfast** kept my glucose flat", "public", "[\"breakfast\"]");
        publish(a, "zanzibarquux is my private note", "private", "[]");
        publish(a, "quetzalfollow for my followers only", "followers", "[]");
    }

    static JsonNode search(String token, String query) throws Exception {
        String path = "/api/v1/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
        HttpResponse<String> r = token == null ? new Http(app.url()).get(path)
                : new Http(app.url()).get(path, "Authorization", token);
        assertThat(r.statusCode()).as(query + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("results");
    }

    static List<String> ids(JsonNode results) {
        List<String> ids = new ArrayList<>();
        results.forEach(r -> ids.add(r.path("id").asText()));
        return ids;
    }

    @Test
    void chineseIsFoundByItsWordsAndNotByOthers() throws Exception {
        for (String word : List.of("米饭", "血糖", "早餐吃", "今天早餐吃了米饭")) {
            assertThat(ids(search(null, word))).as(word).contains(chinese);
        }
        assertThat(ids(search(null, "面条"))).doesNotContain(chinese);
        assertThat(ids(search(null, "米面"))).doesNotContain(chinese);
        JsonNode hit = search(null, "血糖").get(0);
        assertThat(hit.path("type").asText()).isEqualTo("post");
        assertThat(hit.path("snippet").asText()).contains("[[血糖]]");
        assertThat(hit.path("rank").asDouble()).isBetween(0.0, 1.0);
        // words of both languages must all match
        assertThat(ids(search(null, "米饭 porridge"))).doesNotContain(chinese, english);
    }

    @Test
    void whenMoreMatchThanAreRankedTheNewestMatchesAreFound() throws Exception {
        String author = member();
        // the oldest says the word three times (the best rank), each newer one once
        String oldest = publish(author, "kumquatrank kumquatrank kumquatrank", "public", "[]");
        List<String> newer = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            newer.add(publish(author, "kumquatrank once, number " + i, "public", "[]"));
        }
        Community community = app.app().feature(CommunityFeature.class).community();
        List<String> threeRanked = new Search(community, org.mqcgm.server.platform.search.PersonalSearch.NONE, 3)
                .search(null, null, "kumquatrank", null, null, List.of()).stream().map(h -> h.id().toString())
                .toList();
        assertThat(threeRanked).containsExactlyInAnyOrderElementsOf(newer);
        List<String> allRanked = new Search(community, org.mqcgm.server.platform.search.PersonalSearch.NONE, 4)
                .search(null, null, "kumquatrank", null, null, List.of()).stream().map(h -> h.id().toString())
                .toList();
        assertThat(allRanked).hasSize(4).first().isEqualTo(oldest);
    }

    @Test
    void englishIsFoundCaseInsensitivelyWithTagsAndDates() throws Exception {
        assertThat(ids(search(null, "BREAKFAST"))).contains(english);
        assertThat(search(null, "glucose").get(0).path("snippet").asText()).contains("[[glucose]]");
        assertThat(ids(JSON.readTree(new Http(app.url()).get("/api/v1/search?q=glucose&tags=breakfast").body())
                .path("results"))).contains(english);
        assertThat(ids(JSON.readTree(new Http(app.url()).get("/api/v1/search?q=glucose&tags=other").body())
                .path("results"))).doesNotContain(english);
        assertThat(ids(JSON.readTree(new Http(app.url()).get("/api/v1/search?q=glucose&from=2000-01-01&to=2001-01-01")
                .body()).path("results"))).isEmpty();
    }

    @Test
    @Tag("PR-25")
    void nobodyFindsAnotherPersonsPrivateOrUnsharedContent() throws Exception {
        assertThat(search(b, "zanzibarquux")).isEmpty();
        assertThat(search(null, "zanzibarquux")).isEmpty();
        assertThat(search(b, "quetzalfollow")).isEmpty();
        assertThat(search(null, "quetzalfollow")).isEmpty();
        // The author finds their own private post, which was never indexed.
        assertThat(search(a, "zanzibarquux")).hasSize(1);
        assertThat(search(a, "quetzalfollow")).hasSize(1);
        long indexed = app.sql().withHandle(h -> h.createQuery(
                "select count(*) from community_post where visibility = 'private' and search is not null")
                .mapTo(Long.class).one());
        assertThat(indexed).isZero();
    }

    @Test
    @Tag("PR-25")
    void injectionPayloadsAreLiteralTextOrNoMatchNeverAnError() throws Exception {
        List<String> payloads = List.of("' OR 1=1 --", "'; drop table community_post; --", "米饭' & !血糖",
                "a & | ! : * ( ) '", "glucose:*", "!glucose", "glucose <-> flat", "title:foo AND bar~2^3",
                "*:*", "\\", "''''", ")(", "<->", "&&", "血糖:A", "glucose OR 1=1", "x".repeat(5000),
                "\u0000", "%27", "$$", "NULL");
        for (String p : payloads) {
            search(null, p);
            search(b, p);
        }
        assertThat(ids(search(null, "血糖 & !米饭"))).as("operators are ignored, the words are searched")
                .contains(chinese);
        assertThat(ids(search(null, "glucose:*"))).contains(english);
        long posts = app.sql().withHandle(h -> h.createQuery("select count(*) from community_post")
                .mapTo(Long.class).one());
        assertThat(posts).as("the table survived").isGreaterThanOrEqualTo(4L);
        assertThat(new Http(app.url()).get("/api/v1/search?q=x&from=yesterday").statusCode()).isEqualTo(400);
    }

    /**
     * Wired to the other features: a post for "followers" reaches the people the author shares their data with,
     * and search covers the caller's own logbook — never someone else's (PR-25).
     */
    @Test
    @Tag("PR-25")
    void followersSeeFollowersPostsAndEachPersonFindsOnlyTheirOwnLogbook() throws Exception {
        UUID authorId = app.newUser("logbook-searcher@example.org");
        app.app().consents().record(authorId, Purpose.COMMUNITY, true, "test");
        String author = "Bearer " + app.app().apiTokens().create(authorId, "all", EnumSet.allOf(Scope.class));
        String communityOnly = "Bearer " + app.app().apiTokens().create(authorId, "community",
                EnumSet.of(Scope.COMMUNITY));
        String post = publish(author, "vermilionfollow for the people I share with", "followers", "[]");
        String follower = member();
        String stranger = member();
        Http http = new Http(app.url());
        assertThat(http.postJson("/api/v1/me/consents", "{\"purpose\":\"sharing\",\"granted\":true}",
                "Authorization", author).statusCode()).isIn(200, 201);
        String invitation = JSON.readTree(http.postJson("/api/v1/shares", "{\"scopes\":[\"glucose\"]}",
                "Authorization", author).body()).path("invitation").asText();
        assertThat(http.postJson("/api/v1/following", "{\"invitation\":\"" + invitation + "\"}",
                "Authorization", follower).statusCode()).isEqualTo(201);
        assertThat(http.get("/api/v1/posts/" + post, "Authorization", follower).statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1/posts/" + post, "Authorization", stranger).statusCode()).isEqualTo(404);
        assertThat(ids(search(follower, "vermilionfollow"))).containsExactly(post);
        assertThat(search(stranger, "vermilionfollow")).isEmpty();

        HttpResponse<String> checkin = http.postJson("/api/v1/checkins", "{\"time\":\"2026-11-30T08:00:00Z\","
                + "\"kind\":\"note\",\"note\":\"xylophonic breakfast 小米粥\"}", "Authorization", author);
        assertThat(checkin.statusCode()).as(checkin.body()).isEqualTo(201);
        String id = JSON.readTree(checkin.body()).path("id").asText();
        JsonNode own = search(author, "xylophonic");
        assertThat(own).hasSize(1);
        assertThat(own.get(0).path("type").asText()).isEqualTo("checkin");
        assertThat(own.get(0).path("id").asText()).isEqualTo(id);
        assertThat(ids(search(author, "小米粥"))).contains(id);
        assertThat(search(communityOnly, "xylophonic")).as("a token without the logbook scope").isEmpty();
        assertThat(search(follower, "xylophonic")).isEmpty();
        assertThat(search(stranger, "xylophonic")).isEmpty();
        assertThat(search(null, "xylophonic")).isEmpty();
    }

    /** Times at the ends of the calendar are refused by name (a forged cursor too), never a server error. */
    @Test
    void timesAtTheEndsOfTheCalendarAreRefusedByName() throws Exception {
        Http http = new Http(app.url());
        for (String q : List.of("to=%2B999999999-01-01", "from=-999999999-01-01", "to=9999-12-31T23:59:59Z",
                "from=1800-01-01")) {
            HttpResponse<String> r = http.get("/api/v1/search?q=a&" + q, "Authorization", a);
            assertThat(r.statusCode()).as(q + ": " + r.body()).isIn(400, 422);
        }
        String cursor = java.util.Base64.getUrlEncoder().encodeToString(("+999999999-01-01T00:00:00Z/"
                + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        assertThat(http.get("/api/v1/posts?cursor=" + cursor, "Authorization", a).statusCode()).isEqualTo(400);
    }

    /** Queries are stored nowhere: not in the logs (the access log included), not in any table. */
    @Test
    @Tag("PR-25")
    void queriesAreNeitherLoggedNorStored() throws Exception {
        String query = "quinoaquery" + SEQ.incrementAndGet();
        log.clear();
        assertThat(search(a, query)).isEmpty();
        assertThat(search(null, query + " 米饭")).isNotNull();
        assertThat(log.text()).doesNotContain(query).contains("/api/v1/search");
        long stored = app.sql().withHandle(h -> h.createQuery("""
                        select count(*) from information_schema.columns c
                        where c.table_schema = 'public' and c.data_type in ('text', 'character varying', 'jsonb')
                        """).mapTo(Long.class).one());
        assertThat(stored).isPositive();
        for (String table : app.sql().withHandle(h -> h.createQuery("""
                        select table_name from information_schema.tables where table_schema = 'public'
                        and table_type = 'BASE TABLE'""").mapTo(String.class).list())) {
            long hits = app.sql().withHandle(h -> h.createQuery("select count(*) from \"" + table + "\" t"
                    + " where t::text like :q").bind("q", "%" + query + "%").mapTo(Long.class).one());
            assertThat(hits).as(table).isZero();
        }
    }
}
