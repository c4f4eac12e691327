package org.mqcgm.server.community;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * A post with the author's metric snapshot: the values of their report of the same days, nothing that names them
 * or dates anything, only with their consent to the processing of health data and enough readings; shown on the
 * post's page. The data clock is fixed, so the report and the snapshot see the same "now".
 */
class CommunitySnapshotTest {

    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.fixed(NOW, ZoneOffset.UTC));

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger SEQ = new AtomicInteger();

    record Member(UUID id, String email, String token) {
        String[] auth() {
            return new String[] {"Authorization", "Bearer " + token};
        }
    }

    /** A member consenting to publishing (and, when {@code health}, to the processing of health data). */
    static Member member(boolean health, Scope... scopes) {
        String email = "snap" + SEQ.incrementAndGet() + "@example.org";
        UUID id = health ? app.newUser(email) : app.newUserWithoutConsent(email);
        app.app().consents().record(id, Purpose.COMMUNITY, true, "test");
        return new Member(id, email, app.app().apiTokens().create(id, "t",
                scopes.length == 0 ? EnumSet.allOf(Scope.class) : EnumSet.of(scopes[0], scopes)));
    }

    /** Uploads a reading every 5 minutes over the {@code span} before now, swinging 35..265 mg/dL once a day. */
    static void readings(Member m, Duration span) {
        StringBuilder body = new StringBuilder("[");
        for (Instant t = NOW.minus(span); !t.isAfter(NOW); t = t.plus(Duration.ofMinutes(5))) {
            long mgdl = Math.round(150 + 115 * Math.sin(2 * Math.PI * t.getEpochSecond() / 86_400.0));
            body.append(body.length() > 1 ? "," : "").append("{\"time\":\"").append(t).append("\",\"mgdl\":")
                    .append(mgdl).append('}');
        }
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/readings", body.append(']').toString(),
                m.auth());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static HttpResponse<String> publish(Member m, String visibility, String snapshot) {
        return new Http(app.url()).postJson("/api/v1/posts", "{\"text\":\"my fortnight\",\"visibility\":\""
                + visibility + "\",\"snapshot\":" + snapshot + "}", m.auth());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void theSnapshotHoldsTheReportsValuesOfTheSameDaysAndNothingThatNamesOrDates() throws Exception {
        Member m = member(true);
        readings(m, Duration.ofDays(15));
        HttpResponse<String> published = publish(m, "public", "{\"days\":14}");
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
        String id = json(published).path("id").asText();
        JsonNode snap = json(new Http(app.url()).get("/api/v1/posts/" + id)).path("snapshot");

        // The report of the same days: today and the 13 before it, in the author's zone.
        LocalDate today = NOW.atZone(BERLIN).toLocalDate();
        JsonNode report = json(new Http(app.url()).get("/api/v1/reports?from=" + today.minusDays(13) + "&to="
                + today, m.auth()));
        JsonNode metrics = report.path("metrics");
        assertThat(snap.path("days").asInt()).isEqualTo(14);
        assertThat(snap.path("readings").asInt()).isEqualTo(report.path("sufficiency").path("readings").asInt())
                .isGreaterThan(3_500);
        assertThat(snap.path("daysWithData").asInt()).isEqualTo(14);
        assertThat(snap.path("activePercent").asDouble())
                .isEqualTo(report.path("sufficiency").path("activePercent").asDouble());
        for (String f : new String[] {"meanMgdl", "sdMgdl", "cvPercent", "gmiPercent"}) {
            assertThat(snap.path(f).isNumber()).as(f).isTrue();
            assertThat(snap.path(f).asDouble()).as(f).isEqualTo(metrics.path(f).asDouble());
        }
        for (String f : new String[] {"veryLowPercent", "lowPercent", "belowRangePercent", "inRangePercent",
                "highPercent", "veryHighPercent", "aboveRangePercent"}) {
            assertThat(snap.path("ranges").path(f).asDouble()).as(f)
                    .isEqualTo(metrics.path("timeInRanges").path(f).asDouble());
        }
        assertThat(snap.path("ranges").path("veryLowPercent").asDouble()).isPositive();
        assertThat(snap.path("ranges").path("veryHighPercent").asDouble()).isPositive();
        // The AGP curve at whole hours: the report's smoothed curve at minutes 0, 60, … 1380.
        JsonNode smoothed = report.path("agp").path("smoothed");
        assertThat(snap.path("agp")).hasSize(24);
        for (JsonNode hour : snap.path("agp")) {
            int bin = -1;
            for (int i = 0; i < smoothed.path("minuteOfDay").size(); i++) {
                if (smoothed.path("minuteOfDay").get(i).asInt() == hour.path("hour").asInt() * 60) {
                    bin = i;
                }
            }
            assertThat(bin).isNotNegative();
            for (String p : new String[] {"p05", "p25", "p50", "p75", "p95"}) {
                assertThat(hour.path(p).asDouble()).isEqualTo(smoothed.path(p).get(bin).asDouble());
            }
        }
        // Anonymised: no date, no account id, no e-mail, no name inside the snapshot.
        String text = snap.toString();
        assertThat(text).doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}").doesNotContain(m.id().toString())
                .doesNotContain(m.email()).doesNotContain("Member").doesNotContain("Europe");
        // Stored inside the encrypted content: the database row holds no metric in clear.
        String row = app.sql().withHandle(h -> h.createQuery(
                        "select encode(content, 'escape') from community_post where id = cast(:id as uuid)")
                .bind("id", id).mapTo(String.class).one());
        assertThat(row).doesNotContain("meanMgdl").doesNotContain("inRangePercent");
    }

    @Test
    void aSnapshotIsSeenOnlyByThePostsAudience() throws Exception {
        Member m = member(true);
        readings(m, Duration.ofDays(8));
        HttpResponse<String> r = publish(m, "followers", "{\"days\":7}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = json(r).path("id").asText();
        assertThat(json(r).path("snapshot").path("days").asInt()).isEqualTo(7);
        assertThat(json(r).path("snapshot").path("agp")).as("below 14 days no AGP curve").isEmpty();
        assertThat(new Http(app.url()).get("/api/v1/posts/" + id).statusCode()).isEqualTo(404);
        assertThat(new Http(app.url()).get("/api/v1/posts/" + id, member(true).auth()).statusCode())
                .isEqualTo(404);
        assertThat(new Http(app.url()).get("/api/v1/posts?limit=50").body()).doesNotContain(id);
    }

    @Test
    void withoutTheConsentToHealthDataNoSnapshotIsAttached() throws Exception {
        Member m = member(false);
        HttpResponse<String> r = publish(m, "public", "{\"days\":7}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("\"rule\":\"consent-required\"").contains("\"field\":\"$.snapshot.days\"")
                .contains("health-data");
        int posts = app.sql().withHandle(h -> h.createQuery("select count(*) from community_post where owner_id = :o")
                .bind("o", m.id()).mapTo(Integer.class).one());
        assertThat(posts).isZero();
    }

    @Test
    void tooFewReadingsOrAWrongLengthOrScopeIsRefusedByName() throws Exception {
        Member m = member(true);
        readings(m, Duration.ofHours(6));
        HttpResponse<String> few = publish(m, "public", "{\"days\":7}");
        assertThat(few.statusCode()).as(few.body()).isEqualTo(422);
        assertThat(few.body()).contains("\"field\":\"$.snapshot.days\"").contains("\"rule\":\"insufficient-data\"");
        Member none = member(true);
        assertThat(publish(none, "public", "{\"days\":14}").body()).contains("insufficient-data");

        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("{\"days\":15}", "\"field\":\"$.snapshot.days\",\"rule\":\"one-of\"");
        wrong.put("{\"days\":\"14\"}", "\"field\":\"$.snapshot.days\",\"rule\":\"one-of\"");
        wrong.put("{}", "\"field\":\"$.snapshot.days\",\"rule\":\"required\"");
        wrong.put("{\"days\":14,\"from\":\"2026-01-01\"}", "\"field\":\"$.snapshot.from\",\"rule\":\"unknown-field\"");
        wrong.put("14", "\"field\":\"$.snapshot\",\"rule\":\"type\"");
        wrong.forEach((snapshot, expected) -> {
            HttpResponse<String> r = publish(m, "public", snapshot);
            assertThat(r.statusCode()).as(snapshot).isEqualTo(422);
            assertThat(r.body()).as(snapshot).contains(expected);
        });

        Member noReadings = member(true, Scope.COMMUNITY);
        readings(member(true), Duration.ofMinutes(5)); // (another member's data changes nothing)
        HttpResponse<String> scope = publish(noReadings, "public", "{\"days\":7}");
        assertThat(scope.statusCode()).isEqualTo(403);
        assertThat(scope.body()).contains("insufficient-scope").contains("readings:read");
    }

    @Test
    void thePostPageShowsTheSnapshotInTheViewersLanguage() throws Exception {
        Member m = member(true);
        readings(m, Duration.ofDays(8));
        String id = json(publish(m, "public", "{\"days\":7}")).path("id").asText();
        String en = new Http(app.url()).get("/community/posts/" + id).body();
        assertThat(en).contains("data-testid=\"post-snapshot\"").contains("Metrics of the last 7 days")
                .contains("data-testid=\"snapshot-mean\"").contains("class=\"tirbar\"")
                .contains("Target range, 70–180 mg/dL");
        String zh = new Http(app.url()).get("/community/posts/" + id, "Accept-Language", "zh-CN").body();
        assertThat(zh).contains("最近 7 天的指标");
        String plain = publishPlain(m);
        assertThat(new Http(app.url()).get("/community/posts/" + plain).body())
                .doesNotContain("data-testid=\"post-snapshot\"");
    }

    @Test
    void thePublishFormAttachesTheSnapshotShownInThePreviewOrSaysWhyNot() {
        Member m = member(true);
        readings(m, Duration.ofDays(8));
        Http web = new Http(app.url());
        assertThat(web.postForm("/login", Map.of("identifier", m.email(), "password", TestApp.PASSWORD))
                .statusCode()).isEqualTo(303);
        assertThat(web.get("/community").body()).contains("data-testid=\"snapshot-input\"")
                .contains("<option value=\"14\"");
        HttpResponse<String> preview = web.postForm("/community", Map.of("text", "my week", "visibility", "public",
                "snapshot", "7"));
        assertThat(preview.body()).contains("data-testid=\"preview\"").contains("Metrics of the last 7 days")
                .contains("data-testid=\"post-snapshot\"");
        String id = CommunityPagesTest.postId(CommunityPagesTest.fromPreview(web, preview.body(), "confirm=preview"));
        assertThat(new Http(app.url()).get("/community/posts/" + id).body()).contains("Metrics of the last 7 days");

        HttpResponse<String> refused = web.postForm("/community", Map.of("text", "my quarter", "visibility",
                "public", "snapshot", "90"));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("Too few readings in the last 90 days")
                .contains("<option value=\"90\" selected");
    }

    @Test
    void theApiPreviewShowsWhatOthersWouldSeeAndStoresNothing() throws Exception {
        Member m = member(true);
        readings(m, Duration.ofDays(8));
        HttpResponse<String> upload = org.mqcgm.server.testing.Multipart.upload(app.url(), "/api/v1/community/photos",
                "meal.jpg", "image/jpeg", org.mqcgm.server.testing.Multipart.picture("jpeg", 64, 48), m.auth());
        String photo = json(upload).path("id").asText();
        HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/posts/preview", "{\"text\":\"**my** week\","
                + "\"visibility\":\"public\",\"tags\":[\"cgm\"],\"photos\":[\"" + photo + "\"],"
                + "\"snapshot\":{\"days\":7}}", m.auth());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode p = json(r);
        assertThat(p.path("audience").asText()).startsWith("Anyone on the internet can see this");
        assertThat(p.path("html").asText()).contains("<strong>my</strong> week");
        assertThat(p.path("author").path("displayName").asText()).startsWith("Member ");
        assertThat(p.path("photos").get(0).asText()).isEqualTo("/api/v1/community/photos/" + photo);
        assertThat(p.path("snapshot").path("days").asInt()).isEqualTo(7);
        int posts = app.sql().withHandle(h -> h.createQuery("select count(*) from community_post where owner_id = :o")
                .bind("o", m.id()).mapTo(Integer.class).one());
        assertThat(posts).isZero();
        String usage = app.sql().withHandle(h -> h.createQuery("select usage from photo where id = :id")
                .bind("id", UUID.fromString(photo)).mapTo(String.class).one());
        assertThat(usage).isNull();
        HttpResponse<String> contact = new Http(app.url()).postJson("/api/v1/posts/preview",
                "{\"text\":\"call 13800138000\",\"visibility\":\"followers\"}", m.auth());
        assertThat(contact.statusCode()).isEqualTo(422);
        assertThat(contact.body()).contains("contact-details");
    }

    static String publishPlain(Member m) throws Exception {
        return json(new Http(app.url()).postJson("/api/v1/posts", "{\"text\":\"no numbers\",\"visibility\":"
                + "\"public\"}", m.auth())).path("id").asText();
    }
}
