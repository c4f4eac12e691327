package org.mqcgm.server.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/** The sharing pages without JavaScript: invite, confirm, link and QR, accept, people, who saw, revoke. */
class SharingPagesTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static HttpResponse<String> post(Http http, String path, List<String[]> fields) {
        StringBuilder body = new StringBuilder("_csrf=" + URLEncoder.encode(http.csrfToken(), StandardCharsets.UTF_8));
        for (String[] f : fields) {
            body.append('&').append(URLEncoder.encode(f[0], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(f[1], StandardCharsets.UTF_8));
        }
        return http.post(path, "application/x-www-form-urlencoded", body.toString());
    }

    static String group(String body, String regex) {
        Matcher m = Pattern.compile(regex).matcher(body);
        assertThat(m.find()).as(regex + " in " + body).isTrue();
        return m.group(1);
    }

    /**
     * PR-44: the wearer sees the recipient and the exact categories before confirming, and the consent ledger
     * stores exactly those categories for that share; PR-24: the follower then sees only what is shared, and
     * nothing once it is revoked; the wearer sees who looked.
     */
    @Test
    @Tag("PR-44")
    void inviteConfirmAcceptFollowAndRevokeWithoutJavaScript() throws Exception {
        UUID wearer = app.newUser("wearer-page@example.org");
        UUID follower = app.newUser("follower-page@example.org");
        new Http(app.url()).postJson("/api/v1/readings", "[{\"time\":\"" + Instant.now().minusSeconds(120)
                .truncatedTo(ChronoUnit.SECONDS) + "\",\"mgdl\":123}]", "Authorization", "Bearer "
                + app.app().apiTokens().create(wearer, "w", java.util.EnumSet.allOf(
                org.mqcgm.server.platform.security.Scope.class)));
        Http w = app.login("wearer-page@example.org");

        // Without the sharing consent, the page says so and offers the privacy centre instead of the form.
        String before = w.get("/settings/sharing").body();
        assertThat(before).contains("data-testid=\"sharing-consent-needed\"").doesNotContain("invite-form");
        app.app().consents().record(wearer, Purpose.SHARING, true, "test");
        assertThat(w.get("/settings/sharing").body()).contains("data-testid=\"invite-form\"");

        List<String[]> nobody = List.<String[]>of(new String[] {"with", "nobody"});
        HttpResponse<String> wrong = post(w, "/settings/sharing", nobody);
        assertThat(wrong.statusCode()).isEqualTo(422);
        assertThat(wrong.body()).contains("data-testid=\"errors\"");

        List<String[]> form = List.of(new String[] {"with", "Family@example.org"},
                new String[] {"scopes", "glucose"}, new String[] {"scopes", "history"},
                new String[] {"historyDays", "14"}, new String[] {"until", ""}, new String[] {"low", ""},
                new String[] {"high", ""});
        HttpResponse<String> confirm = post(w, "/settings/sharing", form);
        assertThat(confirm.statusCode()).as(confirm.body()).isEqualTo(200);
        assertThat(confirm.body()).contains("data-testid=\"confirm-recipient\">family@example.org<")
                .contains("data-scope=\"glucose\"").contains("data-scope=\"history\"")
                .doesNotContain("data-scope=\"logbook\"");
        int shares = app.sql().withHandle(h -> h.createQuery("select count(*) from share where owner_id = :o")
                .bind("o", wearer).mapTo(Integer.class).one());
        assertThat(shares).as("nothing before the confirmation").isZero();

        HttpResponse<String> created = post(w, "/settings/sharing/confirm", form);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String link = group(created.body(), "value=\"(http://mqcgm.test/follow/[^\"]+)\"");
        assertThat(created.body()).contains("data-testid=\"share-qr\"").contains("<path d=\"M");
        String ledger = app.sql().withHandle(h -> h.createQuery("""
                        select channel from consent_event where owner_id = :o and purpose = 'sharing'
                        order by at desc limit 1""").bind("o", wearer).mapTo(String.class).one());
        assertThat(ledger).startsWith("web share ").contains("[glucose,history]").contains("last 14 days")
                .contains("f***@example.org");

        // The follower: anonymous visitors are sent to log in and come back.
        String path = link.substring("http://mqcgm.test".length());
        HttpResponse<String> anonymous = new Http(app.url()).get(path);
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location").orElse("")).startsWith("/login?next=");
        Http f = app.login("follower-page@example.org");
        String invitation = f.get(path).body();
        assertThat(invitation).contains("wearer-page@example.org").contains("data-testid=\"accept\"");
        HttpResponse<String> accepted = post(f, path, List.of());
        assertThat(accepted.statusCode()).isEqualTo(303);
        assertThat(accepted.headers().firstValue("Location").orElse("")).isEqualTo("/people/" + wearer + "/today");
        assertThat(f.get(path).body()).contains("data-testid=\"invitation-problem\"");

        String people = f.get("/people").body();
        assertThat(people).contains("wearer-page@example.org").contains("data-testid=\"person-latest\">123<");
        String today = f.get("/people/" + wearer + "/today").body();
        assertThat(today).contains("data-live=\"/api/v1/people/" + wearer + "/readings/stream\"")
                .contains("data-testid=\"current-value\">123<").contains("data-testid=\"person-name\"");
        // Someone else's reading is never offered to the installed app's offline store (only the own Today page is).
        assertThat(today).doesNotContain("data-reading-");
        HttpResponse<String> history = f.get("/people/" + wearer + "/history");
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(history.body()).doesNotContain("data-testid=\"annotate\"").doesNotContain("manage-data");
        assertThat(f.get("/people/" + wearer + "/history?date=" + java.time.LocalDate.now().minusDays(20))
                .statusCode()).isEqualTo(403);
        HttpResponse<String> report = f.get("/people/" + wearer + "/reports");
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).doesNotContain("data-testid=\"report-pdf\"");

        String access = w.get("/settings/sharing/access").body();
        assertThat(access).contains("follower-page@example.org").contains("data-testid=\"access-entry\"")
                .doesNotContain("123");

        String settings = w.get("/settings/sharing").body();
        String id = group(settings, "action=\"/settings/sharing/([0-9a-f-]{36})/revoke\"");
        assertThat(post(w, "/settings/sharing/" + id + "/revoke", List.of()).statusCode()).isEqualTo(303);
        assertThat(f.get("/people/" + wearer + "/today").statusCode()).isEqualTo(404);
        assertThat(f.get("/people").body()).contains("data-testid=\"people-empty\"");
        assertThat(w.get("/settings/sharing").body()).contains("data-status=\"ended\"");
    }

    @Test
    void aFollowerLeavesFromTheirPeoplePage() throws Exception {
        UUID wearer = app.newUser("wearer-leave@example.org");
        app.app().consents().record(wearer, Purpose.SHARING, true, "test");
        app.newUser("follower-leave@example.org");
        Http w = app.login("wearer-leave@example.org");
        List<String[]> form = List.<String[]>of(new String[] {"scopes", "glucose"});
        String body = post(w, "/settings/sharing/confirm", form).body();
        String path = group(body, "value=\"http://mqcgm.test(/follow/[^\"]+)\"");
        Http f = app.login("follower-leave@example.org");
        assertThat(post(f, path, List.of()).statusCode()).isEqualTo(303);
        assertThat(f.get("/people").body()).contains("wearer-leave@example.org");
        assertThat(post(f, "/people/" + wearer + "/leave", List.of()).statusCode()).isEqualTo(303);
        assertThat(f.get("/people").body()).contains("data-testid=\"people-empty\"");
        assertThat(post(f, "/people/" + wearer + "/leave", List.of()).statusCode()).isEqualTo(404);
        assertThat(f.get("/follow/forged-code-that-does-not-exist-at-all").statusCode()).isEqualTo(404);
    }
}
