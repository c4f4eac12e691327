package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.EventStream;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * A live stream of health data also ends when the owner withdraws the consent its route requires (announced on
 * every node), and when its session reaches its end without anyone logging out (found by the periodic check).
 */
class StreamConsentAndExpiryTest {

    static final MutableClock systemClock = MutableClock.now();
    @RegisterExtension
    static final TestApp app = TestApp.perClass(Clock.systemUTC(), systemClock);

    static EventStream open(String... headers) throws Exception {
        return EventStream.open(app, headers);
    }

    static void upload(String token, int mgdl, int secondsAgo) {
        EventStream.upload(app, token, mgdl, secondsAgo);
    }

    static String tokenWithAReading(UUID owner) {
        String token = app.app().apiTokens().create(owner, "stream", EnumSet.allOf(Scope.class));
        upload(token, 140, 120);
        return token;
    }

    @Test
    void withdrawingTheHealthDataConsentEndsTheStream() throws Exception {
        UUID owner = app.newUser("stream-consent@example.org");
        String token = tokenWithAReading(owner);
        EventStream stream = open("Authorization", "Bearer " + token);
        systemClock.advance(Duration.ofSeconds(1)); // the withdrawal comes after the grant on the ledger's clock

        HttpResponse<String> withdraw = new Http(app.url()).postJson("/api/v1/me/consents",
                "{\"purpose\":\"health-data\",\"granted\":false}", "Authorization", "Bearer " + token);
        assertThat(withdraw.statusCode()).as(withdraw.body()).isLessThan(300);

        stream.ended().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWithdrawalAnnouncedByAnotherNodeEndsTheStream() throws Exception {
        UUID owner = app.newUser("stream-consent-node@example.org");
        String token = tokenWithAReading(owner);
        EventStream stream = open("Authorization", "Bearer " + token);

        // Another node records the withdrawal and announces it: only the database connects the two.
        app.sql().useTransaction(h -> {
            h.execute("insert into consent_event (owner_id, id, at, purpose, granted, channel, policy_version) "
                    + "values (?, gen_random_uuid(), ?, 'health-data', false, 'test', 'x')", owner,
                    java.time.OffsetDateTime.ofInstant(systemClock.instant().plusSeconds(1), java.time.ZoneOffset.UTC));
            h.createQuery("select pg_notify('mqcgm_consent_changed', :payload)")
                    .bind("payload", owner + "/health-data").mapTo(String.class).one();
        });

        stream.ended().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSessionThatReachesItsEndEndsItsStream() throws Exception {
        UUID owner = app.newUser("stream-expiry@example.org");
        String token = tokenWithAReading(owner);
        Http browser = new Http(app.url());
        assertThat(browser.postForm("/login", Map.of("identifier", "stream-expiry@example.org", "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        EventStream stream = open("Cookie", "SESSION=" + browser.cookie("SESSION").orElseThrow());

        app.app().recheckStreams();
        upload(token, 150, 60);
        assertThat(stream.nextReading()).as("a valid session keeps its stream").contains("\"mgdl\":150");

        systemClock.advance(Duration.ofDays(8)); // past the absolute end (12 hours): no logout, no notice
        app.app().recheckStreams();

        stream.ended().get(10, TimeUnit.SECONDS);
    }

    /**
     * ASVS V3.3.2: watching is no activity. The stream, its periodic re-check and the page's background refreshes do
     * not move the session's idle end (30 minutes by default), so a dashboard left open signs out and its stream
     * ends; a request the person makes does move it.
     */
    @Test
    void watchingAStreamOrRefreshingInTheBackgroundDoesNotKeepAnIdleSessionAlive() throws Exception {
        UUID owner = app.newUser("stream-idle@example.org");
        String token = tokenWithAReading(owner);
        Http browser = app.login("stream-idle@example.org");
        EventStream stream = open("Cookie", "SESSION=" + browser.cookie("SESSION").orElseThrow());

        systemClock.advance(Duration.ofMinutes(20));
        app.app().recheckStreams();
        assertThat(browser.get("/today", "X-Background-Refresh", "1").statusCode()).isEqualTo(200);
        upload(token, 151, 60);
        assertThat(stream.nextReading()).as("20 minutes in, the session lives").contains("\"mgdl\":151");

        systemClock.advance(Duration.ofMinutes(11)); // 31 minutes since the login, the last thing the person did
        app.app().recheckStreams();
        stream.ended().get(10, TimeUnit.SECONDS);
        assertThat(browser.get("/today", "X-Background-Refresh", "1").statusCode()).isEqualTo(303);

        // a person using the page keeps the session: each request moves the idle end
        Http active = app.login("stream-idle@example.org");
        for (int i = 0; i < 3; i++) {
            systemClock.advance(Duration.ofMinutes(25));
            assertThat(active.get("/today").statusCode()).as("after %d × 25 minutes of use", i + 1).isEqualTo(200);
        }
    }
}
