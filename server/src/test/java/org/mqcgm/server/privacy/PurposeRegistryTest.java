package org.mqcgm.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.HandlerType;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.consent.Consents.Basis;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The purpose registry: every purpose has a legal basis and its texts in both languages; the consent API takes every
 * optional purpose and nothing else; withdrawing a purpose stops every route that needs it at the next request,
 * without undoing what was done while it was granted (PR-66, PR-67).
 */
class PurposeRegistryTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger SEQ = new AtomicInteger();

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void everyPurposeHasABasisAndItsTextsInEnglishAndChinese() {
        assertThat(Arrays.stream(Purpose.values()).map(Purpose::id)).doesNotHaveDuplicates()
                .contains("account", "health-data", "analysis", "sharing", "community", "search",
                        "push-notifications", "crash-reports", "customer-service", "research", "newsletter",
                        "tracking", "policy");
        for (Language language : List.of(Language.EN, Language.ZH_CN)) {
            Messages msg = Messages.of(language);
            for (Purpose p : Purpose.values()) {
                assertThat(List.of(p.nameKey(), p.whatKey(), p.stopsKey()))
                        .allSatisfy(key -> assertThat(msg.has(key)).as(language + " " + key).isTrue());
            }
        }
        assertThat(Purpose.ACCOUNT.basis()).isEqualTo(Basis.CONTRACT);
        assertThat(Purpose.CUSTOMER_SERVICE.basis()).isEqualTo(Basis.CONTRACT);
        assertThat(Purpose.POLICY.basis()).isEqualTo(Basis.ACCEPTANCE);
        // Analysing one's own readings is part of the health-data consent, not a choice of its own.
        assertThat(Purpose.ANALYSIS.decidedBy()).isEqualTo(Purpose.HEALTH_DATA);
        assertThat(Purpose.optionalOnes()).containsExactly(Purpose.HEALTH_DATA, Purpose.SHARING, Purpose.COMMUNITY,
                Purpose.SEARCH, Purpose.PUSH_NOTIFICATIONS, Purpose.CRASH_REPORTS, Purpose.RESEARCH,
                Purpose.NEWSLETTER, Purpose.TRACKING);
    }

    @Test
    void onlyPurposesWithAFeatureHaveRoutesAndEveryRouteAsksForAnOptionalPurposeOrOnePartOfIt() {
        for (Routes.Route r : app.app().routes()) {
            for (Purpose p : r.access().consents()) {
                assertThat(p.available()).as(r.path() + " needs " + p.id()).isTrue();
                assertThat(p.decidedBy().optional()).as(r.path() + " needs " + p.id()).isTrue();
            }
        }
    }

    @Test
    void theApiTakesEveryOptionalPurposeAndRefusesContractsAnalysisAndThePolicy() throws Exception {
        UUID owner = app.newUserWithoutConsent("registry-api@example.org");
        String bearer = "Bearer " + app.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class));
        Http http = new Http(app.url());
        for (Purpose p : Purpose.optionalOnes()) {
            HttpResponse<String> r = http.postJson("/api/v1/me/consents",
                    "{\"purpose\":\"" + p.id() + "\",\"granted\":true}", "Authorization", bearer);
            assertThat(r.statusCode()).as(p.id() + ": " + r.body()).isEqualTo(201);
            assertThat(app.app().consents().granted(owner, p)).as(p.id()).isTrue();
        }
        for (String refused : List.of("account", "customer-service", "analysis", "policy", "marketing")) {
            HttpResponse<String> r = http.postJson("/api/v1/me/consents",
                    "{\"purpose\":\"" + refused + "\",\"granted\":false}", "Authorization", bearer);
            assertThat(r.statusCode()).as(refused + ": " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("$.purpose").contains("newsletter");
        }
        JsonNode ledger = JSON.readTree(http.get("/api/v1/me/consents", "Authorization", bearer).body());
        assertThat(ledger).hasSize(Purpose.optionalOnes().size());
        // A contract purpose needs no consent; analysis follows health data.
        assertThat(app.app().consents().granted(owner, Purpose.ACCOUNT)).isTrue();
        assertThat(app.app().consents().granted(owner, Purpose.ANALYSIS)).isTrue();
    }

    static final String READING_TIME = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS)
            .toString();

    /**
     * Health data, the optional purpose with a feature today: withdrawal refuses the very next upload, read, report
     * and page, while the readings stored before stay stored and the ledger keeps both the grant and the withdrawal.
     * Giving the consent again shows the earlier readings again.
     */
    @Test
    @Tag("PR-66")
    @Tag("PR-67")
    void withdrawingHealthDataStopsItAtOnceWithoutUndoingWhatWasDone() throws Exception {
        UUID owner = app.newUser("registry-withdraw@example.org");
        String bearer = "Bearer " + app.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class));
        Http api = new Http(app.url());
        Http web = new Http(app.url());
        assertThat(web.postForm("/login", Map.of("identifier", "registry-withdraw@example.org",
                "password", TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        String window = "?from=" + Instant.parse(READING_TIME).minus(1, ChronoUnit.HOURS)
                + "&to=" + Instant.parse(READING_TIME).plus(1, ChronoUnit.HOURS);

        HttpResponse<String> upload = api.postJson("/api/v1/readings",
                "[{\"time\":\"" + READING_TIME + "\",\"mgdl\":142}]", "Authorization", bearer);
        assertThat(upload.statusCode()).as(upload.body()).isBetween(200, 201);
        assertThat(api.get("/api/v1/readings" + window, "Authorization", bearer).body()).contains("142");
        assertThat(web.get("/today").statusCode()).isEqualTo(200);

        HttpResponse<String> withdrawn = api.postJson("/api/v1/me/consents",
                "{\"purpose\":\"health-data\",\"granted\":false}", "Authorization", bearer);
        assertThat(withdrawn.statusCode()).isEqualTo(201);

        // The next request of each kind is refused.
        HttpResponse<String> another = api.postJson("/api/v1/readings",
                "[{\"time\":\"" + Instant.parse(READING_TIME).plusSeconds(300) + "\",\"mgdl\":150}]",
                "Authorization", bearer);
        assertThat(another.statusCode()).isEqualTo(403);
        assertThat(another.body()).contains("CONSENT_REQUIRED");
        assertThat(api.get("/api/v1/readings" + window, "Authorization", bearer).statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/reports", "Authorization", bearer).statusCode()).isEqualTo(403);
        HttpResponse<String> today = web.get("/today", "Accept", "text/html");
        assertThat(today.statusCode()).isEqualTo(403);
        assertThat(today.body()).contains("data-testid=\"consent-required\"");

        // Nothing is undone: the reading stored under the grant is still stored, the refused one never was.
        int stored = app.sql().withHandle(h -> h.createQuery(
                        "select (select count(*) from glucose_recent where owner_id = :o)"
                                + " + (select count(*) from glucose_day where owner_id = :o)")
                .bind("o", owner).mapTo(Integer.class).one());
        assertThat(stored).isEqualTo(1);
        List<Boolean> events = app.sql().withHandle(h -> h.createQuery(
                        "select granted from consent_event where owner_id = :o and purpose = 'health-data'"
                                + " order by at, id")
                .bind("o", owner).mapTo(Boolean.class).list());
        assertThat(events).containsExactly(true, false);

        api.postJson("/api/v1/me/consents", "{\"purpose\":\"health-data\",\"granted\":true}", "Authorization",
                bearer);
        String again = api.get("/api/v1/readings" + window, "Authorization", bearer).body();
        assertThat(again).contains("142").doesNotContain("150");
    }

    /**
     * For every consent-based purpose: every route whose access rule needs it (or a purpose part of it) answers
     * before the withdrawal and is refused right after it — API routes with 403 CONSENT_REQUIRED naming the
     * purpose, pages with the page explaining the consent — while every other page and API read still answers.
     * Purposes without a feature have no route yet.
     */
    @TestFactory
    @Tag("PR-05")
    @Tag("PR-66")
    Stream<DynamicTest> everyRouteNeedingAPurposeIsRefusedRightAfterItsWithdrawal() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Purpose purpose : Purpose.optionalOnes()) {
            List<Routes.Route> routes = app.app().routes().stream()
                    .filter(r -> r.access().consents().stream().anyMatch(p -> p.decidedBy() == purpose)).toList();
            if (purpose == Purpose.NEWSLETTER) {
                // Processed by the sending job only, which asks the ledger at sending time (NewsletterTest).
                tests.add(DynamicTest.dynamicTest("newsletter is sent by a job, no route needs it", () ->
                        assertThat(routes).isEmpty()));
                continue;
            }
            if (!purpose.available()) {
                tests.add(DynamicTest.dynamicTest(purpose.id() + " has no feature yet, so no route", () ->
                        assertThat(routes).isEmpty()));
                continue;
            }
            tests.add(DynamicTest.dynamicTest(purpose.id() + ": " + routes.size() + " routes", () -> {
                assertThat(routes).isNotEmpty();
                String login = "registry-walk" + SEQ.incrementAndGet() + "@example.org";
                UUID owner = app.newUserWithoutConsent(login);
                Purpose.optionalOnes().forEach(p -> app.app().consents().record(owner, p, true, "test"));
                String bearer = "Bearer " + app.app().apiTokens().create(owner, "all", EnumSet.allOf(Scope.class));
                Http web = new Http(app.url());
                assertThat(web.postForm("/login", Map.of("identifier", login, "password", TestApp.PASSWORD))
                        .statusCode()).isEqualTo(303);
                for (Routes.Route r : routes) {
                    assertThat(call(web, bearer, r, owner).body()).as("before: " + r)
                            .doesNotContain("CONSENT_REQUIRED").doesNotContain("consent-required");
                }
                app.app().consents().record(owner, purpose, false, "test");
                // Refusing one purpose disables only its features (PR-05): every page and API read that does not
                // need it still answers.
                for (Routes.Route r : app.app().routes()) {
                    boolean personal = r.access() instanceof org.mqcgm.server.platform.security.Access.Page
                            || r.access() instanceof org.mqcgm.server.platform.security.Access.Api;
                    if (r.method() != HandlerType.GET || routes.contains(r) || !personal) {
                        continue;
                    }
                    HttpResponse<String> other = call(web, bearer, r, owner);
                    assertThat(other.statusCode()).as("unrelated: " + r).isNotEqualTo(403);
                    assertThat(other.body()).as("unrelated: " + r).doesNotContain("CONSENT_REQUIRED")
                            .doesNotContain("consent-required");
                }
                for (Routes.Route r : routes) {
                    HttpResponse<String> answer = call(web, bearer, r, owner);
                    assertThat(answer.statusCode()).as("after: " + r + " " + answer.body()).isEqualTo(403);
                    if (r.path().startsWith("/api/")) {
                        assertThat(answer.body()).contains("\"code\":\"CONSENT_REQUIRED\"")
                                .contains("\"purpose\":\"" + purpose.id() + "\"");
                    } else {
                        assertThat(answer.body()).contains("data-testid=\"consent-required\"");
                    }
                }
            }));
        }
        return tests.stream();
    }

    private static HttpResponse<String> call(Http web, String bearer, Routes.Route r, UUID owner) {
        String path = r.path().replace("{id}", UUID.randomUUID().toString()).replace("{number}", "1")
                .replace("{person}", owner.toString()).replace("{code}", "not-a-live-code")
                .replace("{name}", "app.css").replace("{link}", "not-a-live-link")
                .replace("{file}", UUID.randomUUID().toString())
                .replace("{invitation}", UUID.randomUUID().toString()).replace("{child}", UUID.randomUUID().toString())
                .replace("{report}", UUID.randomUUID().toString());
        boolean api = path.startsWith("/api/");
        if (r.method() == HandlerType.GET) {
            return api ? web.getOrOpenStream(path, "Authorization", bearer)
                    : web.get(path, "Accept", "text/html");
        }
        return api ? web.send(r.method().name(), path, path.equals("/api/v1/readings") ? "[]" : "{}",
                "Authorization", bearer, "Content-Type", "application/json")
                : web.send(r.method().name(), path, "", "Accept", "text/html", "X-CSRF-Token", web.csrfToken(),
                "Content-Type", "application/x-www-form-urlencoded");
    }
}
