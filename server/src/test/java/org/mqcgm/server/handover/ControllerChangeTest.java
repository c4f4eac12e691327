package org.mqcgm.server.handover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.accounts.AccountsFeature;
import org.mqcgm.server.cancellation.CancellationFeature;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.privacy.PolicyVersions;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.PushService;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * A change of controller (PR-51) against the real server and PostgreSQL: the operator announces it (the transfer
 * date at least 30 days away), the policy in force is frozen, every active person is told on every channel with a
 * delivery log, people who delete their account before the date are not transferred, people who do not accept new
 * terms are deleted at the transfer date, and the manifest lists only the accounts that remain. The clock moves to
 * the transfer date.
 */
class ControllerChangeTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    static final ObjectMapper JSON = new ObjectMapper();
    static PushService service;

    @BeforeAll
    static void start() throws Exception {
        service = new PushService();
        service.expectVapidKey(JSON.readTree(new Http(app.url()).get("/api/v1/push/vapid-public-key").body())
                .path("publicKey").asText());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    static ControllerChangeFeature feature() {
        return app.app().feature(ControllerChangeFeature.class);
    }

    static ControllerChanges changes() {
        return feature().changes();
    }

    static Set<UUID> active() {
        return new HashSet<>(app.app().feature(AccountsFeature.class).directory().active());
    }

    static String date(int daysFromToday) {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(daysFromToday).toString();
    }

    static String token(UUID person) {
        return "Bearer " + app.app().apiTokens().create(person, "phone", EnumSet.allOf(Scope.class));
    }

    /** Runs the dispatch job and waits until every active account was told and every e-mail or SMS is out. */
    static List<ControllerChanges.Delivery> tellEveryone(UUID change) {
        app.app().jobs().runNow(ControllerChangeFeature.DISPATCH_JOB);
        return Wait.until("every active account told, every e-mail or SMS accepted", () -> changes()
                .deliveries(change), list -> {
                    Set<UUID> active = active();
                    Set<UUID> served = list.stream().filter(d -> (d.channel().equals("email")
                            || d.channel().equals("sms")) && d.status().equals("sent")).map(
                            ControllerChanges.Delivery::owner).collect(Collectors.toSet());
                    return served.containsAll(active);
                });
    }

    static void publishMinorVersion(String line) {
        app.app().policyVersions().publish(PolicyVersions.bundled() + "\n" + line + "\n", false, Set.of(),
                "A clarification.", null);
    }

    static JsonNode completeAtTransferDate(ControllerChanges.Change c) throws Exception {
        clock.set(c.transferDate().atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(2)));
        app.app().jobs().runNow(ControllerChangeFeature.TRANSFER_JOB);
        ControllerChanges.Change done = Wait.until("completed", () -> changes().get(c.id()).orElseThrow(),
                x -> x.completedAt() != null);
        return JSON.readTree(done.manifest());
    }

    @Test
    @Tag("PR-51")
    void everyActivePersonIsTold_thePolicyIsFrozen_andTheManifestListsOnlyThoseWhoDidNotDelete() throws Exception {
        UUID withPush = app.newUser("change-push@example.org");
        UUID byMail = app.newUser("change-mail@example.org");
        UUID byPhone = app.newUser("+8613800138051");
        UUID leaving = app.newUser("change-leaving@example.org");
        PushService.Subscription s = service.subscribe();
        assertThat(new Http(app.url()).postJson("/api/v1/push/subscriptions", s.json(), "Authorization",
                token(withPush)).statusCode()).isEqualTo(201);
        int inForce = app.app().policyVersions().current().number();

        // Less than 30 days' notice is refused, naming the field and the rule.
        ProblemException early = catchThrowableOfType(() -> changes().announce("Acme Health Ltd",
                "privacy@acme.example", date(29), false, "Acquisition"), ProblemException.class);
        assertThat(early.problem().status()).isEqualTo(422);
        assertThat(early.problem().errors()).extracting(e -> e.field() + " " + e.rule())
                .containsExactly("$.transferDate min-notice-30-days");
        assertThat(changes().open()).isEmpty();

        ControllerChanges.Change c = changes().announce("Acme Health Ltd", "privacy@acme.example, +86 10 1234",
                date(30), false, "Acquisition of the operator");
        assertThat(c.policyVersion()).isEqualTo(inForce);
        // Frozen: no version can be published until the change is completed or cancelled.
        assertThat(catchThrowableOfType(() -> publishMinorVersion("Frozen?"), PolicyVersions.Refused.class))
                .hasMessageContaining("frozen");

        // 100 % of the active accounts get the notice: e-mail or SMS accepted, push, in-app notice, per person.
        List<ControllerChanges.Delivery> log = tellEveryone(c.id());
        Set<UUID> everyone = active();
        assertThat(everyone).contains(withPush, byMail, byPhone, leaving);
        for (UUID person : everyone) {
            assertThat(log).filteredOn(d -> d.owner().equals(person)).extracting(d -> d.notice() + " "
                    + d.channel()).contains("announcement in-app", "announcement push")
                    .containsAnyOf("announcement email", "announcement sms");
        }
        assertThat(log).filteredOn(d -> d.owner().equals(byPhone)).extracting(d -> d.channel() + " " + d.status())
                .contains("sms sent");
        assertThat(log).filteredOn(d -> d.owner().equals(withPush)).extracting(d -> d.channel() + " " + d.status())
                .contains("push sent", "email sent");
        assertThat(JSON.readTree(service.next(s, 10).text()).path("title").asText())
                .isEqualTo("The service is changing hands");
        String mail = app.awaitOutbox("change-mail@example.org",
                java.util.regex.Pattern.compile("(?s)(We are writing to tell you.*)"));
        assertThat(mail).contains("Acme Health Ltd (privacy@acme.example, +86 10 1234)").contains(c.transferDate()
                        .toString()).contains("/settings/export").contains("/settings/delete-account")
                .contains("bound by the privacy policy you accepted (version " + inForce + ")");

        // In the app: a banner, then the notice with links to export and delete; reading it marks it seen.
        Http person = app.login("change-mail@example.org");
        assertThat(person.get("/settings").body()).contains("href=\"/controller-change\"");
        String page = person.get("/controller-change").body();
        assertThat(page).contains("data-testid=\"change-successor\">Acme Health Ltd")
                .contains("href=\"/settings/export\"").contains("href=\"/settings/delete-account\"")
                .doesNotContain("data-testid=\"choice-form\"");
        assertThat(changes().deliveries(c.id())).filteredOn(d -> d.owner().equals(byMail)
                && d.channel().equals("in-app")).extracting(ControllerChanges.Delivery::status).containsExactly("seen");

        // Someone deletes their account before the date; someone new signs up and is told too.
        HttpResponse<String> deleted = new Http(app.url()).postJson("/api/v1/me/cancellation", "{\"password\":\""
                + TestApp.PASSWORD + "\"}", "Authorization", token(leaving));
        assertThat(deleted.statusCode()).as(deleted.body()).isIn(200, 202);
        clock.advance(Duration.ofDays(3));
        UUID newcomer = app.newUser("change-newcomer@example.org");
        assertThat(tellEveryone(c.id())).extracting(ControllerChanges.Delivery::owner).contains(newcomer);

        // Completing before the date is refused.
        assertThat(catchThrowableOfType(() -> changes().requestCompletion(), ProblemException.class).problem()
                .status()).isEqualTo(409);

        Set<UUID> expected = active();
        JsonNode manifest = completeAtTransferDate(c);
        Set<String> listed = new HashSet<>();
        manifest.path("accounts").forEach(a -> listed.add(a.asText()));
        assertThat(listed).isEqualTo(expected.stream().map(UUID::toString).collect(Collectors.toSet()))
                .contains(withPush.toString(), byMail.toString(), byPhone.toString(), newcomer.toString())
                .doesNotContain(leaving.toString());
        assertThat(manifest.path("policyVersion").asInt()).isEqualTo(inForce);
        assertThat(manifest.path("successor").asText()).isEqualTo("Acme Health Ltd");
        assertThat(manifest.path("counts").path("remaining").asInt()).isEqualTo(expected.size());
        assertThat(manifest.path("counts").path("leftBeforeTransfer").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(manifest.path("counts").path("deletedAtTransfer").asInt()).isZero();
        // The freeze ends with the change.
        publishMinorVersion("After the transfer to Acme Health Ltd.");
    }

    @Test
    @Tag("PR-51")
    void whenTheSuccessorChangesTheTermsOnlyThoseWhoAcceptAreTransferred_theOthersAreDeleted() throws Exception {
        UUID accepts = app.newUser("terms-accept@example.org");
        UUID declines = app.newUser("terms-decline@example.org");
        UUID deletesNow = app.newUser("terms-now@example.org");
        UUID silent = app.newUser("terms-silent@example.org");
        ControllerChanges.Change c = changes().announce("Beta Care GmbH", "dpo@beta.example", date(45), true,
                "Bankruptcy of the operator");
        tellEveryone(c.id());
        String mail = app.awaitOutbox("terms-silent@example.org",
                java.util.regex.Pattern.compile("(?s)(We are writing to tell you.*)"));
        assertThat(mail).contains("Beta Care GmbH will process your data under new terms")
                .contains("/controller-change").contains("deleted on the transfer date");

        Http a = app.login("terms-accept@example.org");
        assertThat(a.get("/controller-change").body()).contains("data-testid=\"choice-form\"")
                .contains("data-testid=\"change-terms\"");
        HttpResponse<String> accepted = a.postForm("/controller-change", Map.of("choice", "accept"));
        assertThat(accepted.statusCode()).isEqualTo(303);
        assertThat(a.get("/controller-change?choice=saved").body()).contains("data-choice=\"accept\"")
                .contains("data-testid=\"choice-saved\"");
        HttpResponse<String> wrong = a.postForm("/controller-change", Map.of("choice", "maybe"));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("choice");

        assertThat(app.login("terms-decline@example.org").postForm("/controller-change",
                Map.of("choice", "decline")).statusCode()).isEqualTo(303);
        // "Delete now" declines and leads to the ordinary deletion, confirmed there (here: over the API).
        HttpResponse<String> now = app.login("terms-now@example.org").postForm("/controller-change",
                Map.of("choice", "delete-now"));
        assertThat(now.statusCode()).isEqualTo(303);
        assertThat(now.headers().firstValue("Location")).hasValue("/settings/delete-account");
        assertThat(new Http(app.url()).postJson("/api/v1/me/cancellation", "{\"password\":\"" + TestApp.PASSWORD
                + "\"}", "Authorization", token(deletesNow)).statusCode()).isIn(200, 202);
        assertThat(active()).doesNotContain(deletesNow).contains(declines, silent);
        CancellationFeature cancellation = app.app().feature(CancellationFeature.class);

        JsonNode manifest = completeAtTransferDate(c);
        Set<String> listed = new HashSet<>();
        manifest.path("accounts").forEach(x -> listed.add(x.asText()));
        // Only the people who accepted the new terms (everyone else active was deleted at the transfer date).
        assertThat(listed).containsExactly(accepts.toString());
        assertThat(manifest.path("termsChanged").asBoolean()).isTrue();
        assertThat(manifest.path("counts").path("deletedAtTransfer").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(active()).containsExactly(accepts);
        for (UUID gone : List.of(declines, silent)) {
            assertThat(cancellation.pending(gone) || !app.sql().withHandle(h -> h.createQuery(
                    "select exists (select 1 from account where id = :id)").bind("id", gone).mapTo(Boolean.class)
                    .one())).as("%s closed and queued for erasure", gone).isTrue();
        }
    }

    @Test
    void cancellingUnfreezesThePolicyAndTellsEveryoneWhoWasTold() throws Exception {
        UUID person = app.newUser("cancel-told@example.org");
        ControllerChanges.Change c = changes().announce("Gamma Med", "legal@gamma.example", date(31), false, null);
        ProblemException second = catchThrowableOfType(() -> changes().announce("Delta", "d@delta.example",
                date(60), false, null), ProblemException.class);
        assertThat(second.problem().status()).isEqualTo(409);
        tellEveryone(c.id());
        changes().cancel();
        publishMinorVersion("The transfer to Gamma Med is cancelled.");
        app.app().jobs().runNow(ControllerChangeFeature.DISPATCH_JOB);
        Wait.until("the cancellation is told", () -> changes().deliveries(c.id()), list -> list.stream()
                .anyMatch(d -> d.owner().equals(person) && d.notice().equals("cancellation")
                        && d.channel().equals("email") && d.status().equals("sent")));
        assertThat(app.awaitOutbox("cancel-told@example.org", java.util.regex.Pattern.compile(
                "(?s)(The transfer of the mqcgm service.*)"))).contains("Gamma Med").contains("is cancelled");
        assertThat(app.login("cancel-told@example.org").get("/controller-change").body())
                .contains("data-testid=\"change-cancelled\"");
    }
}
