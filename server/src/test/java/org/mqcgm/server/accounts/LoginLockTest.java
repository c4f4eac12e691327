package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * Locks after failed logins cost the attacker, not the owner, and say nothing about whether an account exists.
 * Client addresses are simulated with X-Forwarded-For through a trusted proxy (the loopback peer).
 */
class LoginLockTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClassBehindProxy("127.0.0.1/32", clock);

    static Http http;

    @BeforeAll
    static void start() {
        http = new Http(app.url());
    }

    private static HttpResponse<String> login(String client, String identifier, String password) {
        return http.postJson("/api/v1/auth/token", "{\"identifier\":\"" + identifier + "\",\"password\":\""
                + password + "\"}", "X-Forwarded-For", client);
    }

    /** The answer without the request id, which differs for every request whoever asks. */
    private static String answer(HttpResponse<String> r) {
        return r.statusCode() + " " + r.headers().firstValue("Retry-After").orElse("-") + " "
                + r.headers().firstValue("Content-Type").orElse("-") + " "
                + r.body().replaceAll("\"requestId\":\"[^\"]*\"", "\"requestId\":\"…\"");
    }

    @Test
    @Tag("PR-06")
    void anAttackerFailingTenTimesLocksOnlyItselfOutAndTheOwnerIsTold() {
        app.newUser("lock.owner@example.org");
        for (int i = 0; i < LoginFailures.PER_CLIENT; i++) {
            assertThat(login("198.51.100.66", "lock.owner@example.org", "guess " + i).statusCode()).isEqualTo(401);
        }
        // The attacker's network is locked, even with the right password…
        HttpResponse<String> attacker = login("198.51.100.66", "lock.owner@example.org", TestApp.PASSWORD);
        assertThat(attacker.statusCode()).isEqualTo(429);
        // … the owner at home is not.
        HttpResponse<String> owner = login("203.0.113.10", "lock.owner@example.org", TestApp.PASSWORD);
        assertThat(owner.statusCode()).as(owner.body()).isEqualTo(201);
        assertThat(app.awaitOutbox("lock.owner@example.org", Pattern.compile("(locked for 15 minutes)")))
                .isNotEmpty();
    }

    @Test
    void anUnknownLoginAndALockedKnownOneGetTheSameAnswers() {
        app.newUser("lock.known@example.org");
        for (int i = 0; i < LoginFailures.PER_CLIENT; i++) {
            HttpResponse<String> unknown = login("198.51.100.77", "lock.ghost@example.org", "guess " + i);
            HttpResponse<String> known = login("198.51.100.77", "lock.known@example.org", "guess " + i);
            assertThat(answer(unknown)).isEqualTo(answer(known)).startsWith("401 ");
        }
        HttpResponse<String> unknown = login("198.51.100.77", "lock.ghost@example.org", TestApp.PASSWORD);
        HttpResponse<String> known = login("198.51.100.77", "lock.known@example.org", TestApp.PASSWORD);
        assertThat(answer(unknown)).isEqualTo(answer(known)).startsWith("429 ");
    }

    @Test
    void manyNetworksTogetherLockTheAccountForNewNetworksButNotForTheOwnersKnownOne() {
        app.newUser("lock.spread@example.org");
        assertThat(login("203.0.113.20", "lock.spread@example.org", TestApp.PASSWORD).statusCode()).isEqualTo(201);
        int networks = LoginFailures.PER_ACCOUNT / LoginFailures.PER_CLIENT;
        for (int n = 0; n < networks; n++) {
            for (int i = 0; i < LoginFailures.PER_CLIENT; i++) {
                assertThat(login("192.0.2." + (n + 1), "lock.spread@example.org", "guess " + i).statusCode())
                        .isEqualTo(401);
            }
        }
        assertThat(login("198.18.0.1", "lock.spread@example.org", TestApp.PASSWORD).statusCode()).isEqualTo(429);
        HttpResponse<String> owner = login("203.0.113.20", "lock.spread@example.org", TestApp.PASSWORD);
        assertThat(owner.statusCode()).as(owner.body()).isEqualTo(201);
    }
}
