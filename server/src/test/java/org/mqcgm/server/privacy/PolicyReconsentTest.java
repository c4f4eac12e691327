package org.mqcgm.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * A major policy version is not accepted by continuing to use the service (PR-83): until a person clicks to accept
 * it, their optional purposes count as not granted — the API answers 403 POLICY_ACCEPTANCE_REQUIRED and pages send
 * them to the acceptance page — while what is stored stays. Accepting records a {@code policy} ledger entry with the
 * new version. A minor version is only announced, once.
 */
class PolicyReconsentTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    @Tag("PR-83")
    @Tag("PR-84")
    void aMajorVersionPausesOptionalProcessingUntilAcceptedAndAMinorOneIsAnnouncedOnce() {
        UUID alice = app.newUser("reconsent-alice@example.org");
        UUID bob = app.newUser("reconsent-bob@example.org");
        String aliceBearer = "Bearer " + app.app().apiTokens().create(alice, "all", EnumSet.allOf(Scope.class));
        String bobBearer = "Bearer " + app.app().apiTokens().create(bob, "all", EnumSet.allOf(Scope.class));
        Http api = new Http(app.url());
        String time = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
        String window = "?from=" + Instant.parse(time).minus(1, ChronoUnit.HOURS) + "&to="
                + Instant.parse(time).plus(1, ChronoUnit.HOURS);
        assertThat(api.postJson("/api/v1/readings", "[{\"time\":\"" + time + "\",\"mgdl\":133}]",
                "Authorization", aliceBearer).statusCode()).isBetween(200, 201);
        Http web = app.login("reconsent-alice@example.org");
        assertThat(web.get("/today").statusCode()).isEqualTo(200);

        PolicyVersions.Version major = app.app().policyVersions().publish(PolicyVersions.bundled()
                        + "\nA new recipient of shared data.\n", true, Set.of(PolicyVersions.Change.RECIPIENTS),
                "Readings you share may also reach your clinic's system.", null);

        // Under the prior rules until accepted: optional processing is off, for everyone who has not accepted.
        for (String bearer : List.of(aliceBearer, bobBearer)) {
            HttpResponse<String> read = api.get("/api/v1/readings" + window, "Authorization", bearer);
            assertThat(read.statusCode()).isEqualTo(403);
            assertThat(read.body()).contains("POLICY_ACCEPTANCE_REQUIRED");
        }
        assertThat(app.app().consents().granted(alice, Purpose.HEALTH_DATA)).isFalse();
        assertThat(app.app().consents().granted(alice, Purpose.ACCOUNT)).isTrue();
        HttpResponse<String> today = web.get("/today");
        assertThat(today.statusCode()).isEqualTo(303);
        assertThat(today.headers().firstValue("Location")).contains("/privacy/accept?next=%2Ftoday");
        // Pages needing no optional purpose still open, with a notice pointing to the acceptance.
        String settings = web.get("/settings").body();
        assertThat(settings).contains("data-testid=\"notice\"").contains("href=\"/privacy/accept\"");

        String accept = web.get("/privacy/accept?next=/today").body();
        assertThat(accept).contains("Readings you share may also reach your clinic").contains(major.version())
                .contains("Who receives shared, transferred or disclosed data changes");
        // Accepting a version one was not shown is refused.
        HttpResponse<String> stale = web.postForm("/privacy/accept", Map.of("version",
                app.app().policyVersions().byNumber(1).orElseThrow().version(), "next", "/today"));
        assertThat(stale.statusCode()).isEqualTo(409);
        HttpResponse<String> accepted = web.postForm("/privacy/accept", Map.of("version", major.version(),
                "next", "/today"));
        assertThat(accepted.statusCode()).isEqualTo(303);
        assertThat(accepted.headers().firstValue("Location")).contains("/today");

        List<String> policyEvents = app.sql().withHandle(h -> h.createQuery("select policy_version from"
                        + " consent_event where owner_id = :o and purpose = 'policy' and granted")
                .bind("o", alice).mapTo(String.class).list());
        assertThat(policyEvents).containsExactly(major.version());
        assertThat(web.get("/today").statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/readings" + window, "Authorization", aliceBearer).body()).contains("133");
        assertThat(web.get("/settings/privacy").body()).contains("data-testid=\"accepted-versions\"")
                .contains("href=\"/privacy/versions/" + major.number() + "\"");
        // Bob has not accepted: still paused.
        assertThat(api.get("/api/v1/readings" + window, "Authorization", bobBearer).statusCode()).isEqualTo(403);

        // A minor version: no acceptance needed, a notice once.
        app.app().policyVersions().publish(major.text() + "\nTypo fixed.\n", false, Set.of(), "Typo fixed.", null);
        HttpResponse<String> first = web.get("/today");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("data-testid=\"notice\"").contains("Typo fixed.");
        assertThat(web.get("/settings").body()).doesNotContain("data-testid=\"notice\"");
        assertThat(web.get("/today").body()).doesNotContain("data-testid=\"notice\"");
        assertThat(api.get("/api/v1/readings" + window, "Authorization", aliceBearer).statusCode()).isEqualTo(200);
    }
}
