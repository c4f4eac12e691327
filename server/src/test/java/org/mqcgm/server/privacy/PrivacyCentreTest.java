package org.mqcgm.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * Settings → Privacy: every optional purpose with what it means and a switch, the history of the person's choices
 * with the policy version of each, the versions they accepted; a withdrawal first shows what stops and takes effect
 * only when confirmed (PR-66); forms need the CSRF token like every other.
 */
class PrivacyCentreTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static List<Boolean> choices(UUID owner, Purpose purpose) {
        return app.sql().withHandle(h -> h.createQuery("select granted from consent_event where owner_id = :o"
                        + " and purpose = :p order by at, id").bind("o", owner).bind("p", purpose.id())
                .mapTo(Boolean.class).list());
    }

    @Test
    void theCentreListsEveryOptionalPurposeTheHistoryAndIsLinkedFromSettings() {
        app.newUser("centre-list@example.org");
        Http web = app.login("centre-list@example.org");
        assertThat(web.get("/settings").body()).contains("href=\"/settings/privacy\"");

        String page = web.get("/settings/privacy").body();
        for (Purpose p : Purpose.optionalOnes()) {
            // tracking is the "Do not track" switch (on by default), the others a switch each
            assertThat(page).contains(p == Purpose.TRACKING ? "data-testid=\"do-not-track\""
                    : "data-testid=\"purpose-" + p.id() + "\"");
        }
        assertThat(page).contains("Glucose storage and display").contains("Newsletter")
                // what needs no choice is explained too
                .contains("Your account").contains("Analysis of your readings")
                // the history: the grant the account was created with, under version 1
                .contains("data-testid=\"consent-history\"").contains("href=\"/privacy/versions/1\"");
        assertThat(page.indexOf("data-testid=\"purpose-health-data\"")).isPositive();
        String healthData = page.substring(page.indexOf("data-testid=\"purpose-health-data\""));
        assertThat(healthData.substring(0, healthData.indexOf("</form>"))).contains(">On<")
                .contains("aria-checked=\"true\"");

        // In Chinese
        web.postForm("/preferences", Map.of("lang", "zh-CN", "return", "/settings/privacy"));
        String zh = web.get("/settings/privacy").body();
        assertThat(zh).contains("血糖数据的存储与显示").contains("您的选择记录").doesNotContain("??privacy.");
    }

    @Test
    @Tag("PR-66")
    void aWithdrawalShowsWhatStopsAndTakesEffectOnlyWhenConfirmed() {
        UUID owner = app.newUser("centre-withdraw@example.org");
        Http web = app.login("centre-withdraw@example.org");

        HttpResponse<String> ask = web.postForm("/settings/privacy", Map.of("purpose", "health-data",
                "granted", "no"));
        assertThat(ask.statusCode()).isEqualTo(200);
        assertThat(ask.body()).contains("data-testid=\"withdraw-confirm\"")
                .contains("New readings are refused; Today, History, reports and the reading API stop at once")
                .contains("name=\"confirm\" value=\"yes\"");
        // Nothing changed yet.
        assertThat(choices(owner, Purpose.HEALTH_DATA)).containsExactly(true);
        assertThat(web.get("/today").statusCode()).isEqualTo(200);

        HttpResponse<String> confirmed = web.postForm("/settings/privacy", Map.of("purpose", "health-data",
                "granted", "no", "confirm", "yes"));
        assertThat(confirmed.statusCode()).isEqualTo(303);
        assertThat(confirmed.headers().firstValue("Location").orElseThrow()).startsWith("/settings/privacy?saved");
        assertThat(choices(owner, Purpose.HEALTH_DATA)).containsExactly(true, false);
        assertThat(web.get("/today", "Accept", "text/html").statusCode()).isEqualTo(403);

        // Switching on needs no confirmation; the history shows every choice.
        assertThat(web.postForm("/settings/privacy", Map.of("purpose", "newsletter", "granted", "yes"))
                .statusCode()).isEqualTo(303);
        assertThat(app.app().consents().granted(owner, Purpose.NEWSLETTER)).isTrue();
        assertThat(web.postForm("/settings/privacy", Map.of("purpose", "health-data", "granted", "yes"))
                .statusCode()).isEqualTo(303);
        assertThat(choices(owner, Purpose.HEALTH_DATA)).containsExactly(true, false, true);
        String page = web.get("/settings/privacy?saved").body();
        assertThat(page).contains("data-testid=\"privacy-saved\"").contains("withdrawn").contains("given");
    }

    @Test
    void contractPurposesAnalysisAndFormsWithoutTheTokenAreRefused() {
        UUID owner = app.newUser("centre-refused@example.org");
        Http web = app.login("centre-refused@example.org");
        for (String purpose : List.of("account", "analysis", "policy", "customer-service", "nonsense")) {
            HttpResponse<String> r = web.postForm("/settings/privacy", Map.of("purpose", purpose, "granted", "no",
                    "confirm", "yes"));
            assertThat(r.statusCode()).as(purpose).isEqualTo(400);
        }
        HttpResponse<String> forged = web.post("/settings/privacy", "application/x-www-form-urlencoded",
                "purpose=health-data&granted=no&confirm=yes");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(choices(owner, Purpose.HEALTH_DATA)).containsExactly(true);
    }
}
