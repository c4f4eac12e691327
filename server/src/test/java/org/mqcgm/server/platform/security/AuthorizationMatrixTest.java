package org.mqcgm.server.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.HandlerType;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.http.Routes;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Walks every registered route with every kind of caller — anonymous, each role, a token with and without the
 * route's scope, the owner and someone else — and checks that access is exactly what the route declares, that
 * nobody reaches another user's resources (they get 404, as if it did not exist), and that administration needs
 * the admin role and two-factor authentication. A new route is covered automatically; a route whose path
 * parameter the test does not know fails it, so nobody can add a route without a matrix entry.
 */
class AuthorizationMatrixTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    static Caller owner;
    static Caller ownerToken;
    static Caller stranger;
    static Caller strangerToken;
    static Caller adminWith2fa;
    static UUID ownerId;
    static String ownerTokenId;
    static String ownerAlertId;
    static String ownerDeviceId;
    static String ownerSessionId;
    static String ownerSensorId;
    static String ownerSensorSessionId;
    static String ownerAnnotationId;
    static String ownerCalibrationId;
    static String ownerExportId;
    static String ownerImportId;
    static String ownerPostId;
    static String ownerCommentId;
    static String ownerPushSubscriptionId;
    static String ownerPhotoId;
    static String ownerShareId;
    static String ownerCheckinId;
    static String ownerLinkId;
    static String ownerTicketId;
    static String ownerAttachmentId;
    static String ownerGrantId;
    static String ownerNightscoutCredentialId;
    static String ownerRequestId;
    static String ownerPasskeyId;

    /** Someone making requests: a browser session (with CSRF) or an API token. */
    record Caller(String name, Http http, String token) {
        HttpResponse<String> call(HandlerType method, String path) {
            String[] auth = token == null ? new String[0] : new String[] {"Authorization", "Bearer " + token};
            List<String> headers = new ArrayList<>(List.of(auth));
            if (method == HandlerType.GET) {
                return http.getOrOpenStream(path, headers.toArray(String[]::new));
            }
            if (token == null) {
                headers.add("X-CSRF-Token");
                headers.add(http.csrfToken());
            }
            headers.add("Content-Type");
            headers.add(path.startsWith("/api/") ? "application/json" : "application/x-www-form-urlencoded");
            String body = path.startsWith("/api/") ? (path.equals("/api/v1/readings") ? "[]" : "{}") : "";
            return http.send(method.name(), path, body, headers.toArray(String[]::new));
        }
    }

    static Caller session(String name, String identifier) {
        Http http = new Http(app.url());
        HttpResponse<String> r = http.postForm("/login", Map.of("identifier", identifier, "password", TestApp.PASSWORD));
        assertThat(r.statusCode()).as(name + " logs in: " + r.body()).isEqualTo(303);
        return new Caller(name, http, null);
    }

    @BeforeAll
    static void start() throws Exception {
        ownerId = app.newUser("owner@example.org");
        owner = session("owner (session)", "owner@example.org");
        ownerToken = new Caller("owner (token, all scopes)", new Http(app.url()),
                app.app().apiTokens().create(ownerId, "all", EnumSet.allOf(Scope.class)));
        ownerTokenId = app.app().apiTokens().list(ownerId).get(0).id().toString();
        HttpResponse<String> device = ownerToken.http().postJson("/api/v1/devices", "{\"platform\":\"ios\","
                        + "\"model\":\"iPhone 15\",\"osVersion\":\"iOS 18\",\"appVersion\":\"2.0\",\"installId\":\"install-owner-1\"}",
                "Authorization", "Bearer " + ownerToken.token());
        ownerDeviceId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(device.body()).path("id").asText();
        ownerSessionId = anotherSessionIdOfTheOwner();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String bearer = "Bearer " + ownerToken.token();
        ownerSensorId = json.readTree(ownerToken.http().postJson("/api/v1/sensors",
                "{\"model\":\"Simulated CGM\",\"serial\":\"SIM-1\"}", "Authorization", bearer).body())
                .path("id").asText();
        ownerSensorSessionId = json.readTree(ownerToken.http().postJson("/api/v1/sensors/" + ownerSensorId
                + "/sessions", "{\"start\":\"2026-01-01T00:00:00Z\"}", "Authorization", bearer).body())
                .path("id").asText();
        ownerAnnotationId = json.readTree(ownerToken.http().postJson("/api/v1/annotations",
                "{\"start\":\"2026-01-01T00:00:00Z\",\"end\":\"2026-01-01T01:00:00Z\",\"kind\":\"sensor-error\","
                        + "\"exclude\":true}", "Authorization", bearer).body())
                .path("id").asText();
        ownerCalibrationId = json.readTree(ownerToken.http().postJson("/api/v1/calibrations",
                "{\"time\":\"2026-01-01T00:00:00Z\",\"mgdl\":110}", "Authorization", bearer).body())
                .path("id").asText();
        ownerExportId = json.readTree(ownerToken.http().postJson("/api/v1/me/exports",
                "{\"password\":\"" + TestApp.PASSWORD + "\"}", "Authorization", bearer).body()).path("id").asText();
        ownerImportId = json.readTree(org.mqcgm.server.testing.Multipart.upload(app.url(), "/api/v1/imports",
                "entries.json", "application/json", "[{\"type\":\"sgv\",\"sgv\":120,\"date\":1767225600000}]"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8), "Authorization", bearer).body())
                .path("id").asText();
        assertThat(ownerImportId).isNotEmpty();
        app.app().consents().record(ownerId, org.mqcgm.server.platform.consent.Consents.Purpose.SHARING, true,
                "test");
        ownerShareId = json.readTree(ownerToken.http().postJson("/api/v1/shares", "{\"scopes\":[\"glucose\"]}",
                "Authorization", bearer).body()).path("id").asText();
        ownerPhotoId = json.readTree(org.mqcgm.server.testing.Multipart.upload(app.url(), "/api/v1/photos",
                "meal.png", "image/png", org.mqcgm.server.testing.Multipart.picture("png", 8, 8), "Authorization",
                bearer).body()).path("id").asText();
        ownerCheckinId = json.readTree(ownerToken.http().postJson("/api/v1/checkins",
                "{\"time\":\"2026-01-01T08:00:00+08:00\",\"kind\":\"note\",\"note\":\"matrix\"}",
                "Authorization", bearer).body()).path("id").asText();
        ownerLinkId = json.readTree(ownerToken.http().postJson("/api/v1/shares/links", "{\"label\":\"Dr Matrix\","
                + "\"from\":\"2026-01-01\",\"to\":\"2026-01-14\"}", "Authorization", bearer).body()).path("id").asText();
        app.app().consents().record(ownerId, org.mqcgm.server.platform.consent.Consents.Purpose.COMMUNITY, true,
                "test");
        ownerPostId = json.readTree(ownerToken.http().postJson("/api/v1/posts",
                "{\"text\":\"mine only\",\"visibility\":\"private\"}", "Authorization", bearer).body())
                .path("id").asText();
        ownerCommentId = json.readTree(ownerToken.http().postJson("/api/v1/posts/" + ownerPostId + "/comments",
                "{\"text\":\"a note\"}", "Authorization", bearer).body()).path("id").asText();
        ownerPushSubscriptionId = json.readTree(ownerToken.http().postJson("/api/v1/push/subscriptions",
                "{\"endpoint\":\"http://127.0.0.1:9/push/matrix\",\"keys\":{\"p256dh\":\""
                        + org.mqcgm.server.platform.crypto.VapidKeys.generate().publicKeyBase64Url()
                        + "\",\"auth\":\"AAAAAAAAAAAAAAAAAAAAAA\"}}", "Authorization", bearer).body())
                .path("id").asText();
        // An urgent low now raises the owner's alert (alerts run on ingest).
        assertThat(ownerToken.http().postJson("/api/v1/readings", "[{\"time\":\"" + java.time.Instant.now()
                .minusSeconds(30) + "\",\"mgdl\":50}]", "Authorization", bearer).statusCode()).isEqualTo(200);
        ownerAlertId = json.readTree(ownerToken.http().get("/api/v1/alerts", "Authorization", bearer).body())
                .path(0).path("id").asText();
        assertThat(List.of(ownerAlertId, ownerPushSubscriptionId, ownerSensorId, ownerSensorSessionId, ownerAnnotationId, ownerCalibrationId,
                ownerExportId, ownerPhotoId, ownerShareId, ownerCheckinId, ownerLinkId, ownerPostId, ownerCommentId)).doesNotContain("");
        UUID strangerId = app.newUser("stranger@example.org");
        app.app().consents().record(strangerId, org.mqcgm.server.platform.consent.Consents.Purpose.COMMUNITY, true,
                "test");
        stranger = session("another user (session)", "stranger@example.org");
        strangerToken = new Caller("another user (token, all scopes)", new Http(app.url()),
                app.app().apiTokens().create(strangerId, "all", EnumSet.allOf(Scope.class)));
        adminWith2fa = fresh(Kind.ADMIN_WITH_2FA);
        // Customer service: the owner's ticket, an image on it, and a grant an agent asked for (still undecided).
        com.fasterxml.jackson.databind.JsonNode ticket = json.readTree(ownerToken.http().postJson(
                "/api/v1/support/tickets", "{\"subject\":\"Matrix\",\"message\":\"help\"}", "Authorization",
                bearer).body());
        ownerTicketId = ticket.path("ticket").path("id").asText();
        ownerAttachmentId = json.readTree(org.mqcgm.server.testing.Multipart.upload(app.url(),
                "/api/v1/support/tickets/" + ownerTicketId + "/attachments", "screen.png", "image/png",
                org.mqcgm.server.testing.Multipart.picture("png", 8, 8), "Authorization", bearer).body())
                .path("messages").path(1).path("attachments").path(0).asText();
        Caller agent = fresh(Kind.SUPPORT);
        ownerGrantId = json.readTree(agent.http().postJson("/api/v1/support/queue/" + ownerTicketId + "/grants",
                "{\"hours\":24,\"scopes\":[\"readings\"]}", "X-CSRF-Token", agent.http().csrfToken()).body())
                .path("id").asText();
        ownerNightscoutCredentialId = json.readTree(ownerToken.http().postJson("/api/v1/nightscout/credentials",
                "{\"name\":\"xDrip+\",\"access\":\"readwrite\"}", "Authorization", bearer).body()).path("id").asText();
        // The rights desk: the owner's request (an enquiry, assigned to support).
        ownerRequestId = json.readTree(ownerToken.http().postJson("/api/v1/me/requests",
                "{\"kind\":\"ENQUIRY\",\"text\":\"What do you hold?\"}", "Authorization", bearer).body())
                .path("id").asText();
        assertThat(List.of(ownerTicketId, ownerAttachmentId, ownerGrantId, ownerNightscoutCredentialId,
                ownerRequestId)).doesNotContain("");
        // Passkeys (issue 16): the owner registers one from Settings with a software authenticator.
        com.fasterxml.jackson.databind.JsonNode passkeyOptions = json.readTree(owner.http().postJson(
                "/settings/passkeys/options", "{}", "X-CSRF-Token", owner.http().csrfToken()).body());
        ownerPasskeyId = json.readTree(owner.http().postJson("/settings/passkeys",
                new org.mqcgm.server.testing.SoftwareAuthenticator("mqcgm.test", "http://mqcgm.test").attestation(
                        passkeyOptions.path("challenge").asText(), java.util.Base64.getUrlDecoder().decode(
                                passkeyOptions.path("user").path("id").asText()), "Matrix key"),
                "X-CSRF-Token", owner.http().csrfToken()).body()).path("id").asText();
        assertThat(ownerPasskeyId).isNotEmpty();
    }

    /**
     * Sessions over the app's own connection pool (one {@code app.sql()} per session would open a new Jdbi and a
     * new database connection for each of the thousand callers).
     */
    private static org.mqcgm.server.accounts.Sessions sessions;

    private static String startSession(UUID account) {
        return sessions().start(account, org.mqcgm.server.accounts.ClientFacts.NONE);
    }

    private static synchronized org.mqcgm.server.accounts.Sessions sessions() {
        if (sessions == null) {
            sessions = new org.mqcgm.server.accounts.Sessions(app.app().database().orElseThrow().jdbi(), clock,
                    Duration.ofHours(12), Duration.ofDays(7));
        }
        return sessions;
    }

    /** The owner's own session is "current" and has no end button; a second session gives an id to aim at. */
    private static Caller ownerSecondSession;

    private static String anotherSessionIdOfTheOwner() {
        Caller second = session("owner (second session)", "owner@example.org");
        ownerSecondSession = second;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/settings/sessions/([0-9a-f]{12})/end")
                .matcher(second.http().get("/settings").body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** The path of a route with its parameters filled with the owner's resources. */
    static String concrete(String path) {
        return path.replace("/settings/tokens/{id}", "/settings/tokens/" + ownerTokenId)
                .replace("/api/v1/alerts/{id}", "/api/v1/alerts/" + ownerAlertId)
                .replace("/alerts/{id}", "/alerts/" + ownerAlertId)
                .replace("/settings/devices/{id}", "/settings/devices/" + ownerDeviceId)
                .replace("/settings/passkeys/{id}", "/settings/passkeys/" + ownerPasskeyId)
                .replace("/api/v1/devices/{id}", "/api/v1/devices/" + ownerDeviceId)
                .replace("/settings/sessions/{id}", "/settings/sessions/" + ownerSessionId)
                .replace("/api/v1/sensors/{id}", "/api/v1/sensors/" + ownerSensorId)
                .replace("/api/v1/calibrations/{id}", "/api/v1/calibrations/" + ownerCalibrationId)
                .replace("/history/data/sensors/{id}", "/history/data/sensors/" + ownerSensorId)
                .replace("/history/data/calibrations/{id}", "/history/data/calibrations/" + ownerCalibrationId)
                .replace("/api/v1/sessions/{id}", "/api/v1/sessions/" + ownerSensorSessionId)
                .replace("/api/v1/annotations/{id}", "/api/v1/annotations/" + ownerAnnotationId)
                .replace("/history/annotations/{id}", "/history/annotations/" + ownerAnnotationId)
                .replace("/api/v1/me/exports/{id}", "/api/v1/me/exports/" + ownerExportId)
                .replace("/api/v1/imports/{id}", "/api/v1/imports/" + ownerImportId)
                .replace("/import/{id}", "/import/" + ownerImportId)
                .replace("/api/v1/shares/links/{id}", "/api/v1/shares/links/" + ownerLinkId)
                .replace("/settings/sharing/links/{id}", "/settings/sharing/links/" + ownerLinkId)
                .replace("{token}", "not-a-live-link-token-0000000000000000000000")
                .replace("/api/v1/checkins/{id}", "/api/v1/checkins/" + ownerCheckinId)
                .replace("/logbook/{id}", "/logbook/" + ownerCheckinId)
                .replace("/photos/{id}", "/photos/" + ownerPhotoId)
                .replace("/api/v1/shares/{id}", "/api/v1/shares/" + ownerShareId)
                .replace("/settings/sharing/{id}", "/settings/sharing/" + ownerShareId)
                .replace("{code}", "not-a-live-invitation-code")
                .replace("{person}", ownerId.toString())
                .replace("{link}", "not-a-live-link")
                .replace("{number}", "1")
                .replace("{name}", "app.css")
                .replace("/api/v1/posts/{id}", "/api/v1/posts/" + ownerPostId)
                .replace("/api/v1/comments/{id}", "/api/v1/comments/" + ownerCommentId)
                .replace("/community/posts/{id}", "/community/posts/" + ownerPostId)
                .replace("/moderation/posts/{id}", "/moderation/posts/" + ownerPostId)
                .replace("/moderation/comments/{id}", "/moderation/comments/" + ownerCommentId)
                .replace("/api/v1/push/subscriptions/{id}", "/api/v1/push/subscriptions/" + ownerPushSubscriptionId)
                .replace("/settings/notifications/{id}", "/settings/notifications/" + ownerPushSubscriptionId)
                .replace("{photo}", UNKNOWN_PHOTO)
                .replace("/support/queue/{id}", "/support/queue/" + ownerTicketId)
                .replace("/support/tickets/{id}", "/support/tickets/" + ownerTicketId)
                .replace("/support/grants/{id}", "/support/grants/" + ownerGrantId)
                .replace("/support/{id}", "/support/" + ownerTicketId)
                .replace("{file}", ownerAttachmentId)
                .replace("/admin/users/{id}", "/admin/users/" + ownerId)
                .replace("/api/v1/admin/incidents/{id}", "/api/v1/admin/incidents/" + UNKNOWN_INCIDENT)
                .replace("/api/v1/admin/disclosures/{id}", "/api/v1/admin/disclosures/" + UNKNOWN_DISCLOSURE)
                .replace("/requests/{id}", "/requests/" + ownerRequestId)
                .replace("/desk/{id}", "/desk/" + ownerRequestId)
                .replace("/api/v1/nightscout/credentials/{id}", "/api/v1/nightscout/credentials/"
                        + ownerNightscoutCredentialId)
                .replace("/settings/nightscout/{id}", "/settings/nightscout/" + ownerNightscoutCredentialId)
                .replace("{site}", "aaaaaaaaaaaa")
                .replace("{spec}", "current.json")
                .replace("{collection}", "treatments")
                .replace("{identifier}", "00000000-0000-5000-8000-000000000000")
                .replace("{since}", "0")
                .replace("{names}", "bgnow,delta")
                // guardians: no invitation, child or report of the owner's (the handlers answer 404 for unknown ones)
                .replace("{invitation}", "00000000-0000-4000-8000-000000000077")
                .replace("{child}", "00000000-0000-4000-8000-000000000078")
                .replace("{report}", "00000000-0000-4000-8000-000000000079");
    }

    /** An incident id no incident has (operators' routes: nobody but an administrator learns they exist). */
    static final String UNKNOWN_INCIDENT = "00000000-0000-4000-8000-000000000048";

    /** A photo id no post has. */
    static final String UNKNOWN_PHOTO = "00000000-0000-4000-8000-000000000021";

    /** A disclosure id the register does not have. */
    static final String UNKNOWN_DISCLOSURE = "00000000-0000-4000-8000-000000000031";

    static boolean ownsAResource(String path) {
        return path.contains("{id}");
    }

    @Test
    void everyPathParameterIsKnownToTheMatrix() {
        for (Routes.Route r : app.app().routes()) {
            assertThat(concrete(r.path())).as("route %s %s has a parameter the matrix does not fill", r.method(),
                    r.path()).doesNotContain("{");
        }
    }

    /** The kinds of caller the access test tries on every route; each test gets fresh ones. */
    enum Kind { ANONYMOUS, USER_SESSION, TOKEN_ALL_SCOPES, TOKEN_PROFILE_ONLY, ADMIN_WITHOUT_2FA, ADMIN_WITH_2FA,
        GUARDIAN, FOLLOWER, SUPPORT, MODERATOR }

    private static final java.util.concurrent.atomic.AtomicInteger SEQ = new java.util.concurrent.atomic.AtomicInteger();

    /** A fresh caller of a kind, with its own account, so destructive routes cannot disturb other tests. */
    static Caller fresh(Kind kind) {
        if (kind == Kind.ANONYMOUS) {
            return new Caller("anonymous", new Http(app.url()), null);
        }
        UUID id = app.newUser("matrix" + SEQ.incrementAndGet() + "@example.org");
        // Like health data, sharing (and community, crash reports) are consents every caller here has given (the
        // routes needing them are walked); the ledger records the three in one transaction.
        app.app().database().orElseThrow().jdbi().useTransaction(h -> {
            for (var purpose : List.of(org.mqcgm.server.platform.consent.Consents.Purpose.SHARING,
                    org.mqcgm.server.platform.consent.Consents.Purpose.COMMUNITY,
                    org.mqcgm.server.platform.consent.Consents.Purpose.CRASH_REPORTS)) {
                app.app().consents().record(h, id, purpose, true, "test");
            }
        });
        switch (kind) {
            case TOKEN_ALL_SCOPES -> {
                return new Caller(kind.name(), new Http(app.url()),
                        app.app().apiTokens().create(id, "all", EnumSet.allOf(Scope.class)));
            }
            case TOKEN_PROFILE_ONLY -> {
                return new Caller(kind.name(), new Http(app.url()),
                        app.app().apiTokens().create(id, "narrow", EnumSet.of(Scope.PROFILE_READ)));
            }
            case ADMIN_WITHOUT_2FA, ADMIN_WITH_2FA -> app.app().accounts().grantRole(id, Role.ADMIN);
            case GUARDIAN -> app.app().accounts().grantRole(id, Role.GUARDIAN);
            case FOLLOWER -> app.app().accounts().grantRole(id, Role.FOLLOWER);
            case SUPPORT -> app.app().accounts().grantRole(id, Role.SUPPORT);
            case MODERATOR -> app.app().accounts().grantRole(id, Role.MODERATOR);
            default -> {
            }
        }
        if (kind == Kind.ADMIN_WITH_2FA) {
            String secret = app.app().accounts().startTwoFactor(id).secret();
            app.app().accounts().enableTwoFactor(id, org.mqcgm.server.testing.TestTotp.code(secret,
                    clock.instant().getEpochSecond()), org.mqcgm.server.accounts.ClientFacts.NONE);
        }
        Http http = new Http(app.url());
        http.setCookie("SESSION", startSession(id));
        // What the caller's first state-changing request would fetch anyway (a page, for the session's CSRF token,
        // which the answer also sets as a cookie): fetched here, while the caller is made.
        http.csrfToken();
        return new Caller(kind.name(), http, null);
    }

    /** One caller per kind for the GET requests of the walk (created on first use). */
    private static final Map<Kind, Caller> READERS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Makes fresh callers side by side (each is a handful of database round trips; the walk needs ~900). */
    private static final java.util.concurrent.ExecutorService MAKERS = java.util.concurrent.Executors
            .newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "matrix-callers");
                t.setDaemon(true);
                return t;
            });

    @org.junit.jupiter.api.AfterAll
    static void stopMakers() {
        MAKERS.shutdownNow();
    }

    /**
     * The fresh callers of one state-changing route, one per kind, each a new account used for one call only. They
     * are all made when the route's first test starts (after the routes before it were called, as if each test made
     * its own), on {@link #MAKERS}, so that their database round trips overlap.
     */
    static final class FreshCallers {
        private final List<Kind> kinds;
        private Map<Kind, java.util.concurrent.Future<Caller>> made;

        FreshCallers(List<Kind> kinds) {
            this.kinds = kinds;
        }

        Caller take(Kind kind) throws Exception {
            java.util.concurrent.Future<Caller> caller;
            synchronized (this) {
                if (made == null) {
                    made = new java.util.EnumMap<>(Kind.class);
                    for (Kind k : kinds) {
                        made.put(k, MAKERS.submit(() -> fresh(k)));
                    }
                }
                caller = made.remove(kind);
            }
            try {
                return caller.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    @TestFactory
    @Tag("PR-19")
    @Tag("PR-53")
    Stream<DynamicTest> everyRouteAnswersEveryCallerAsDeclared() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Routes.Route route : app.app().routes()) {
            if (ownsAResource(route.path()) && route.method() != HandlerType.GET) {
                // Actions on one resource: the foreign-caller check below covers them.
                continue;
            }
            String path = concrete(route.path());
            // A Nightscout route looks only at Nightscout credentials, never at a session's roles: the kinds of
            // caller it can tell apart are none, a session cookie and a bearer token (the roles' sessions add nothing
            // but time).
            List<Kind> kinds = route.access() instanceof Access.Nightscout
                    ? List.of(Kind.ANONYMOUS, Kind.USER_SESSION, Kind.TOKEN_ALL_SCOPES) : List.of(Kind.values());
            FreshCallers freshCallers = new FreshCallers(kinds);
            for (Kind kind : kinds) {
                tests.add(DynamicTest.dynamicTest(route.method() + " " + route.path() + " as " + kind, () -> {
                    // Reading changes nothing, so every GET of a kind shares one caller; a state-changing call gets
                    // a fresh one, so that a destructive route cannot disturb the tests after it.
                    Caller caller = route.method() == HandlerType.GET ? READERS.computeIfAbsent(kind,
                            AuthorizationMatrixTest::fresh) : freshCallers.take(kind);
                    expect(route, kind, caller.call(route.method(), path));
                }));
            }
        }
        return tests.stream();
    }

    private static void expect(Routes.Route route, Kind kind, HttpResponse<String> r) {
        int status = r.statusCode();
        assertThat(status).as("never a server error: " + r.body()).isLessThan(500);
        String location = r.headers().firstValue("Location").orElse("");
        boolean isToken = kind == Kind.TOKEN_ALL_SCOPES || kind == Kind.TOKEN_PROFILE_ONLY;
        switch (route.access()) {
            case Access.Public p -> {
                // Public routes may refuse bad credentials (login) but never ask for a login to be seen.
                assertThat(location).doesNotStartWith("/login?next=");
            }
            case Access.Page page -> {
                if (kind == Kind.ANONYMOUS || isToken) {
                    assertThat(status).isEqualTo(303);
                    assertThat(location).startsWith("/login");
                } else {
                    // A signed-in user is never sent to log in (logging out on purpose goes to plain /login).
                    assertThat(location).doesNotStartWith("/login?next=");
                }
            }
            case Access.Api api -> {
                if (kind == Kind.ANONYMOUS) {
                    assertThat(status).isEqualTo(401);
                } else if (kind == Kind.TOKEN_PROFILE_ONLY && api.scope() != null
                        && api.scope() != Scope.PROFILE_READ) {
                    assertThat(status).isEqualTo(403);
                    assertThat(r.body()).contains("insufficient-scope");
                } else {
                    assertThat(status).as(r.body()).isNotIn(401, 403);
                }
            }
            case Access.Shared shared -> {
                // Every fresh caller is someone other than the person, who shares nothing with them.
                if (shared.page() && (kind == Kind.ANONYMOUS || isToken)) {
                    assertThat(status).isEqualTo(303);
                    assertThat(location).startsWith("/login");
                } else if (kind == Kind.ANONYMOUS) {
                    assertThat(status).isEqualTo(401);
                } else if (kind == Kind.TOKEN_PROFILE_ONLY && shared.scope() != null
                        && shared.scope() != Scope.PROFILE_READ) {
                    assertThat(status).isEqualTo(403);
                } else {
                    assertThat(status).as("someone else's data does not exist for them: " + r.body())
                            .isEqualTo(404);
                }
            }
            case Access.Link link -> {
                // Anyone, signed in or not, with a token that opens no link: nothing exists here.
                assertThat(status).as("a bad link token is unknown: " + r.body()).isEqualTo(404);
                assertThat(location).doesNotStartWith("/login");
                assertThat(r.headers().firstValue("Cache-Control").orElse("")).isEqualTo("no-store");
                assertThat(r.headers().firstValue("X-Robots-Tag").orElse("")).contains("noindex");
            }
            case Access.Moderator moderator -> {
                if (kind == Kind.MODERATOR) {
                    assertThat(status).as(r.body()).isNotIn(401, 403, 404);
                    assertThat(r.body()).doesNotContain("@example.org");
                } else {
                    assertThat(status).as("no existence leak").isEqualTo(404);
                }
            }
            case Access.Support support -> {
                // Agents only, in a web session; the route does not exist for anyone else.
                if (kind == Kind.SUPPORT) {
                    assertThat(status).as(r.body()).isNotIn(401, 403, 404);
                } else {
                    assertThat(status).as("no existence leak").isEqualTo(404);
                }
            }
            case Access.Desk desk -> {
                // The rights desk: support agents (and the DPO) in a web session; the DPO's decisions the DPO only
                // (RightsDeskTest shows the DPO reaches them). Nobody else learns the route exists.
                if (kind == Kind.SUPPORT && !desk.dpoOnly()) {
                    assertThat(status).as(r.body()).isNotIn(401, 403, 404);
                } else {
                    assertThat(status).as("no existence leak").isEqualTo(404);
                }
            }
            case Access.SupportGrant grant -> {
                // An agent without a live grant of the person is refused; nobody else learns the route exists. (The
                // agent with a grant: aSupportAgentReadsAPersonsGlucoseOnlyUnderALiveGrant.)
                if (kind == Kind.SUPPORT) {
                    assertThat(status).as(r.body()).isEqualTo(403);
                    assertThat(r.body()).contains("SUPPORT_GRANT_REQUIRED");
                } else {
                    assertThat(status).as("no existence leak").isEqualTo(404);
                }
            }
            case Access.Nightscout ns -> {
                // Nobody here holds a Nightscout credential: sessions and API tokens are none, and a refusal has
                // Nightscout's own body, which clients parse.
                if (ns.permission() == Access.NsPermission.NONE && !route.path().contains("/authorization/")) {
                    assertThat(status).as(r.body()).isEqualTo(200);
                    assertThat(r.body()).contains("\"UNAUTHORIZED\"");
                } else {
                    assertThat(status).as(r.body()).isEqualTo(401);
                    assertThat(r.body()).isEqualTo(
                            "{\"status\":401,\"message\":\"Unauthorized\",\"description\":\"Invalid/Missing\"}");
                }
            }
            case Access.Dpo dpo -> {
                // Disclosures without consent (PR-31): staff without the dpo role learn they lack it, nobody else
                // learns the route exists. (The officer's own calls: DisclosuresTest.)
                if (kind == Kind.ADMIN_WITH_2FA || kind == Kind.ADMIN_WITHOUT_2FA || kind == Kind.SUPPORT
                        || kind == Kind.MODERATOR) {
                    assertThat(status).as(r.body()).isEqualTo(403);
                    assertThat(r.body()).contains("DPO_REQUIRED");
                } else {
                    assertThat(status).as("no existence leak").isEqualTo(404);
                }
            }
            case Access.Admin admin -> {
                if (kind == Kind.ADMIN_WITH_2FA) {
                    // Recording something in the incident register answers 201 Created; pages answer 200.
                    assertThat(status).as(r.body()).isEqualTo(route.method() == HandlerType.POST
                            && route.path().startsWith("/api/v1/admin/incidents") ? 201 : 200);
                    assertThat(r.body()).doesNotContain("@example.org");
                } else if (kind == Kind.ADMIN_WITHOUT_2FA) {
                    assertThat(status).isEqualTo(403);
                    assertThat(r.body()).contains("two-factor-required");
                } else {
                    assertThat(status).as("no existence leak").isEqualTo(404);
                }
            }
        }
    }

    /** Where health data is read or written: every route under these paths needs the health-data consent. */
    static final List<String> HEALTH_DATA_PATHS = List.of("/api/v1/readings", "/api/v1/sensors", "/api/v1/sessions",
            "/api/v1/calibrations", "/api/v1/annotations", "/api/v1/reports", "/reports", "/today", "/history",
            "/api/v1/checkins", "/logbook", "/api/v1/alerts", "/alerts", "/api/v1/imports", "/import");

    /**
     * Deletion at the owner's request needs no consent (a person who withdrew it can still delete): exactly these
     * routes under the health-data paths are exempt.
     */
    static final List<String> DELETION_ROUTES = List.of("DELETE /api/v1/sensors/{id}",
            "DELETE /api/v1/calibrations/{id}", "GET /history/data", "POST /history/data/readings",
            "POST /history/data/readings/delete", "GET /history/data/sensors/{id}/delete",
            "POST /history/data/sensors/{id}/delete", "GET /history/data/calibrations/{id}/delete",
            "POST /history/data/calibrations/{id}/delete");

    static boolean touchesHealthData(String path) {
        return HEALTH_DATA_PATHS.stream().anyMatch(prefix -> path.equals(prefix) || path.startsWith(prefix + "/")
                || path.startsWith(prefix + "?"));
    }

    static boolean isDeletion(Routes.Route route) {
        return DELETION_ROUTES.contains(route.method() + " " + route.path());
    }

    /** A web session of a new account with the dpo role, with or without two-factor authentication. */
    static Caller dataProtectionOfficer(boolean twoFactor) {
        UUID id = app.newUser("matrix-dpo" + SEQ.incrementAndGet() + "@example.org");
        app.app().accounts().grantRole(id, Role.DPO);
        if (twoFactor) {
            String secret = app.app().accounts().startTwoFactor(id).secret();
            app.app().accounts().enableTwoFactor(id, org.mqcgm.server.testing.TestTotp.code(secret,
                    clock.instant().getEpochSecond()), org.mqcgm.server.accounts.ClientFacts.NONE);
        }
        Http http = new Http(app.url());
        http.setCookie("SESSION", startSession(id));
        http.csrfToken();
        return new Caller(twoFactor ? "DPO_WITH_2FA" : "DPO_WITHOUT_2FA", http, null);
    }

    /**
     * Every route the dpo role opens — disclosures ({@link Access.Dpo}) and the rights desk with its decisions
     * ({@link Access.Desk}) — is one rule: the officer needs two-factor authentication (403 before any handler runs,
     * so nothing changes); with it, the officer reaches what the role opens (GET routes walked; the decisions:
     * RightsDeskTest, DisclosuresTest).
     */
    @Test
    void theDataProtectionOfficerNeedsTwoFactorOnEveryRouteTheRoleOpens() {
        Caller without = dataProtectionOfficer(false);
        Caller with = dataProtectionOfficer(true);
        List<Routes.Route> officers = app.app().routes().stream()
                .filter(r -> r.access() instanceof Access.Dpo || r.access() instanceof Access.Desk).toList();
        assertThat(officers).extracting(Routes.Route::path).contains("/dpo/requests/{id}/refusal", "/desk",
                "/api/v1/admin/disclosures");
        for (Routes.Route route : officers) {
            String path = concrete(route.path());
            HttpResponse<String> refused = without.call(route.method(), path);
            assertThat(refused.statusCode()).as(route.method() + " " + route.path() + ": " + refused.body())
                    .isEqualTo(403);
            assertThat(refused.body()).contains("two-factor-required");
            if (route.method() == HandlerType.GET) {
                HttpResponse<String> reached = with.call(route.method(), path);
                assertThat(reached.statusCode()).as(route.method() + " " + route.path() + ": " + reached.body())
                        .isNotIn(401, 403);
            }
        }
    }

    @Test
    void deletionRoutesNeedNoConsentAndExist() {
        List<String> registered = app.app().routes().stream().map(r -> r.method() + " " + r.path()).toList();
        assertThat(registered).containsAll(DELETION_ROUTES);
        for (Routes.Route route : app.app().routes()) {
            if (isDeletion(route)) {
                assertThat(route.access().consents()).as(route.method() + " " + route.path()).isEmpty();
            }
        }
    }

    /**
     * A caller whose account does not consent to the processing of health data reaches none of it: the API answers
     * 403 CONSENT_REQUIRED, pages explain the consent (and link to Settings → Privacy). A new route under a
     * health-data path without the requirement fails here.
     */
    @TestFactory
    @Tag("PR-19")
    Stream<DynamicTest> healthDataNeedsTheOwnersConsent() {
        List<DynamicTest> tests = new ArrayList<>();
        List<Routes.Route> healthRoutes = app.app().routes().stream()
                .filter(r -> touchesHealthData(r.path()) && !isDeletion(r)).toList();
        tests.add(DynamicTest.dynamicTest("the health-data paths have routes", () ->
                assertThat(healthRoutes).hasSizeGreaterThanOrEqualTo(HEALTH_DATA_PATHS.size())));
        for (Routes.Route route : healthRoutes) {
            tests.add(DynamicTest.dynamicTest(route.method() + " " + route.path() + " declares the consent", () ->
                    assertThat(route.access().consents()).contains(
                            org.mqcgm.server.platform.consent.Consents.Purpose.HEALTH_DATA)));
            boolean api = route.path().startsWith("/api/");
            for (boolean token : api ? new boolean[] {true, false} : new boolean[] {false}) {
                tests.add(DynamicTest.dynamicTest(route.method() + " " + route.path() + " without consent ("
                        + (token ? "token" : "session") + ")", () -> {
                    Caller caller = withoutConsent(token);
                    HttpResponse<String> r = api ? caller.call(route.method(), concrete(route.path()))
                            : route.method() == HandlerType.GET
                            ? caller.http().get(concrete(route.path()), "Accept", "text/html")
                            : caller.http().send(route.method().name(), concrete(route.path()), "", "Accept",
                            "text/html", "X-CSRF-Token", caller.http().csrfToken(), "Content-Type",
                            "application/x-www-form-urlencoded");
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
                    if (api) {
                        assertThat(r.headers().firstValue("Content-Type").orElse(""))
                                .startsWith("application/problem+json");
                        assertThat(r.body()).contains("\"code\":\"CONSENT_REQUIRED\"")
                                .contains("\"purpose\":\"health-data\"");
                    } else {
                        assertThat(r.body()).contains("data-testid=\"consent-required\"")
                                .contains("href=\"/settings#privacy\"");
                    }
                }));
            }
        }
        return tests.stream();
    }

    /** A fresh account that has not consented to the processing of health data. */
    static Caller withoutConsent(boolean token) {
        UUID id = app.newUserWithoutConsent("no-consent" + SEQ.incrementAndGet() + "@example.org");
        if (token) {
            return new Caller("without consent (token)", new Http(app.url()),
                    app.app().apiTokens().create(id, "all", EnumSet.allOf(Scope.class)));
        }
        Http http = new Http(app.url());
        http.setCookie("SESSION", startSession(id));
        return new Caller("without consent (session)", http, null);
    }

    @TestFactory
    @Tag("PR-19")
    Stream<DynamicTest> nobodyReachesAnotherUsersResources() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Routes.Route route : app.app().routes()) {
            if (!ownsAResource(route.path())) {
                continue;
            }
            for (Caller caller : List.of(stranger, strangerToken, adminWith2fa)) {
                boolean applicable = caller.token() == null ? !route.path().startsWith("/api/")
                        : route.path().startsWith("/api/");
                if (!applicable) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(route.method() + " " + route.path() + " of the owner as "
                        + caller.name(), () -> {
                    HttpResponse<String> r = caller.call(route.method(), concrete(route.path()));
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
                }));
            }
        }
        tests.add(DynamicTest.dynamicTest("the owner's resources are untouched", () -> {
            assertThat(app.app().apiTokens().list(ownerId)).anySatisfy(t -> {
                assertThat(t.id().toString()).isEqualTo(ownerTokenId);
                assertThat(t.active()).isTrue();
            });
            assertThat(app.app().devices().list(ownerId)).extracting(d -> d.id().toString()).contains(ownerDeviceId);
            java.util.Optional<Boolean> passkey = app.sql().withHandle(h -> h.createQuery(
                            "select name_enc is not null from passkey where owner_id = :o and id = cast(:id as uuid)")
                    .bind("o", ownerId).bind("id", ownerPasskeyId).mapTo(Boolean.class).findOne());
            assertThat(passkey).as("the owner's passkey is not removed").hasValue(true);
            String annotations = ownerToken.http().get("/api/v1/annotations?from=2025-12-31T00:00:00Z"
                    + "&to=2026-01-02T00:00:00Z", "Authorization", "Bearer " + ownerToken.token()).body();
            assertThat(annotations).contains(ownerAnnotationId).contains("\"exclude\":true");
            String sessions = ownerToken.http().get("/api/v1/sessions", "Authorization", "Bearer "
                    + ownerToken.token()).body();
            assertThat(sessions).contains(ownerSensorSessionId).doesNotContain("\"end\":\"2");
            assertThat(ownerToken.http().get("/api/v1/sensors", "Authorization", "Bearer " + ownerToken.token())
                    .body()).contains(ownerSensorId);
            assertThat(ownerToken.http().get("/api/v1/calibrations?from=2025-12-31T00:00:00Z&to=2026-01-02T00:00:00Z",
                    "Authorization", "Bearer " + ownerToken.token()).body()).contains(ownerCalibrationId);
            assertThat(org.mqcgm.server.testing.Multipart.download(app.url(), "/api/v1/photos/" + ownerPhotoId,
                    "Authorization", "Bearer " + ownerToken.token()).statusCode()).isEqualTo(200);
            assertThat(ownerToken.http().get("/api/v1/shares/links", "Authorization", "Bearer " + ownerToken.token())
                    .body()).contains(ownerLinkId).contains("\"state\":\"active\"");
            // The session the strangers aimed at (the owner's first one) is alive and listed.
            assertThat(owner.http().get("/today").statusCode()).isEqualTo(200);
            assertThat(ownerSecondSession.http().get("/settings").body()).contains(ownerSessionId);
            assertThat(ownerToken.http().get("/api/v1/posts/" + ownerPostId + "/comments", "Authorization",
                    "Bearer " + ownerToken.token()).body()).contains(ownerCommentId);
        }));
        return tests.stream();
    }

    /**
     * A follower with a share of the owner's live glucose reaches exactly the routes on the owner's data that the
     * share covers (200), and every other route on it is a 404 — and all of them are 404 once the owner revokes it.
     */
    @Test
    @Tag("PR-24")
    void aFollowerReachesExactlyWhatTheShareCoversAndNothingAfterRevocation() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String bearer = "Bearer " + ownerToken.token();
        ownerToken.http().postJson("/api/v1/readings", "[{\"time\":\"" + java.time.Instant.now().minusSeconds(60)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\",\"mgdl\":140}]", "Authorization", bearer);
        HttpResponse<String> share = ownerToken.http().postJson("/api/v1/shares", "{\"scopes\":[\"glucose\"]}",
                "Authorization", bearer);
        String shareId = json.readTree(share.body()).path("id").asText();
        UUID followerId = app.newUser("follower-with-share@example.org");
        Caller token = new Caller("follower (token)", new Http(app.url()),
                app.app().apiTokens().create(followerId, "all", EnumSet.allOf(Scope.class)));
        Http web = new Http(app.url());
        web.setCookie("SESSION", startSession(followerId));
        Caller session = new Caller("follower (session)", web, null);
        HttpResponse<String> accepted = token.http().postJson("/api/v1/following", "{\"invitation\":\""
                + json.readTree(share.body()).path("invitation").asText() + "\"}", "Authorization", "Bearer "
                + token.token());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        List<Routes.Route> shared = app.app().routes().stream()
                .filter(r -> r.access() instanceof Access.Shared && r.method() == HandlerType.GET).toList();
        assertThat(shared).extracting(Routes.Route::path).contains("/api/v1/people/{person}/readings/latest",
                "/people/{person}/today", "/api/v1/people/{person}/readings");
        for (Routes.Route r : shared) {
            Access.Shared rule = (Access.Shared) r.access();
            Caller caller = rule.page() ? session : token;
            HttpResponse<String> answer = caller.call(r.method(), concrete(r.path()));
            assertThat(answer.statusCode()).as(r.path() + " " + answer.body())
                    .isEqualTo(rule.share() == ShareScope.GLUCOSE ? 200 : 404);
        }
        assertThat(ownerToken.http().send("DELETE", "/api/v1/shares/" + shareId, "", "Authorization", bearer)
                .statusCode()).isEqualTo(204);
        for (Routes.Route r : shared) {
            Caller caller = ((Access.Shared) r.access()).page() ? session : token;
            assertThat(caller.call(r.method(), concrete(r.path())).statusCode()).as("after revocation: " + r.path())
                    .isEqualTo(404);
        }
    }

    /**
     * A person's glucose for customer service ({@code /admin/users/{id}/glucose}, PR-23) with every kind of caller:
     * only the agent the person approved a grant for reads it (200), an agent without one gets 403, and the owner,
     * a follower with a glucose share, an administrator, another user's token and anonymous callers get 404, as if
     * the route did not exist.
     */
    @Test
    void aSupportAgentReadsAPersonsGlucoseOnlyUnderALiveGrant() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String bearer = "Bearer " + ownerToken.token();
        String ticket = json.readTree(ownerToken.http().postJson("/api/v1/support/tickets",
                "{\"subject\":\"Odd readings\",\"message\":\"please look\"}", "Authorization", bearer).body())
                .path("ticket").path("id").asText();
        Caller agent = fresh(Kind.SUPPORT);
        String grant = json.readTree(agent.http().postJson("/api/v1/support/queue/" + ticket + "/grants",
                "{\"hours\":2,\"scopes\":[\"readings\"]}", "X-CSRF-Token", agent.http().csrfToken()).body())
                .path("id").asText();
        String path = "/admin/users/" + ownerId + "/glucose";
        assertThat(agent.call(HandlerType.GET, path).statusCode()).as("asked, not yet approved").isEqualTo(403);
        assertThat(ownerToken.http().postJson("/api/v1/support/grants/" + grant + "/approve", "{}",
                "Authorization", bearer).statusCode()).isEqualTo(200);

        HttpResponse<String> share = ownerToken.http().postJson("/api/v1/shares", "{\"scopes\":[\"glucose\"]}",
                "Authorization", bearer);
        UUID followerId = app.newUser("support-matrix-follower@example.org");
        String followerToken = app.app().apiTokens().create(followerId, "all", EnumSet.allOf(Scope.class));
        assertThat(new Http(app.url()).postJson("/api/v1/following", "{\"invitation\":\""
                + json.readTree(share.body()).path("invitation").asText() + "\"}", "Authorization", "Bearer "
                + followerToken).statusCode()).isEqualTo(201);
        Http followerWeb = new Http(app.url());
        followerWeb.setCookie("SESSION", startSession(followerId));

        Map<Caller, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put(agent, 200);
        expected.put(fresh(Kind.SUPPORT), 403);
        expected.put(owner, 404);
        expected.put(ownerToken, 404);
        expected.put(new Caller("follower with a glucose share (session)", followerWeb, null), 404);
        expected.put(new Caller("follower with a glucose share (token)", new Http(app.url()), followerToken), 404);
        expected.put(adminWith2fa, 404);
        expected.put(strangerToken, 404);
        expected.put(fresh(Kind.ANONYMOUS), 404);
        expected.forEach((caller, status) -> {
            HttpResponse<String> r = caller.call(HandlerType.GET, path);
            assertThat(r.statusCode()).as(caller.name() + ": " + r.body()).isEqualTo(status);
        });
    }

    @Test
    void foreignReadingsAreInvisible() {
        ownerToken.http().postJson("/api/v1/readings", "[{\"time\":\"2026-01-01T00:00:00Z\",\"mgdl\":321}]",
                "Authorization", "Bearer " + ownerToken.token());
        HttpResponse<String> r = strangerToken.http().get("/api/v1/readings?from=2025-12-31T00:00:00Z"
                + "&to=2026-01-02T00:00:00Z", "Authorization", "Bearer " + strangerToken.token());
        assertThat(r.body()).isEqualTo("[]");
    }
}
