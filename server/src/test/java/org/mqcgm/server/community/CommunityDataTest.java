package org.mqcgm.server.community;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.Multipart;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.Wait;

/** What the community holds about a person appears in "My data" and in the export. */
class CommunityDataTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void myDataCountsAndTheExportHoldsPostsCommentsLikesAndReports() throws Exception {
        UUID id = app.newUser("mine@example.org");
        app.app().consents().record(id, Purpose.COMMUNITY, true, "test");
        String[] auth = {"Authorization", "Bearer " + app.app().apiTokens().create(id, "all",
                EnumSet.allOf(Scope.class))};
        Http http = new Http(app.url());
        String post = JSON.readTree(http.postJson("/api/v1/posts", "{\"text\":\"my breakfast note\","
                + "\"visibility\":\"private\",\"tags\":[\"早餐\"]}", auth).body()).path("id").asText();
        http.postJson("/api/v1/posts/" + post + "/comments", "{\"text\":\"a comment of mine\"}", auth);
        http.send("PUT", "/api/v1/posts/" + post + "/like", "", auth);
        http.postJson("/api/v1/posts/" + post + "/reports", "{\"reason\":\"testing reports\"}", auth);

        Map<String, Long> counts = new LinkedHashMap<>();
        JSON.readTree(http.get("/api/v1/me/data", auth).body()).path("categories")
                .forEach(c -> counts.put(c.path("id").asText(), c.path("count").asLong()));
        assertThat(counts).containsEntry("community-posts", 1L).containsEntry("community-comments", 1L)
                .containsEntry("community-likes", 1L).containsEntry("community-reports", 1L);

        HttpResponse<String> export = http.postJson("/api/v1/me/exports", "{\"password\":\"" + TestApp.PASSWORD
                + "\"}", auth);
        assertThat(export.statusCode()).as(export.body()).isEqualTo(202);
        String location = export.headers().firstValue("Location").orElseThrow();
        Wait.until("the export is ready", () -> JSON.readTree(http.get(location, auth).body()).path("status")
                .asText(), "ready"::equals);
        String archive = JSON.readTree(http.get(location, auth).body()).path("archive").asText();
        HttpResponse<byte[]> zip = Multipart.download(app.url(), archive, auth);
        assertThat(zip.statusCode()).isEqualTo(200);
        String community = null;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals("community.json")) {
                    community = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        assertThat(community).isNotNull();
        JsonNode data = JSON.readTree(community);
        assertThat(data.path("posts").get(0).path("text").asText()).isEqualTo("my breakfast note");
        assertThat(data.path("posts").get(0).path("tags").get(0).asText()).isEqualTo("早餐");
        assertThat(data.path("comments").get(0).path("text").asText()).isEqualTo("a comment of mine");
        assertThat(data.path("likes").get(0).asText()).isEqualTo(post);
        assertThat(data.path("reports").get(0).path("reason").asText()).isEqualTo("testing reports");
    }
}
