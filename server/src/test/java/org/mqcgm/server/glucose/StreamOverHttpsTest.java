package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.accounts.ClientFacts;
import org.mqcgm.server.accounts.Sessions;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.EventStream;
import org.mqcgm.server.testing.TestApp;

/**
 * Over HTTPS the session cookie is {@code __Host-SESSION}: a stream opened with it is watched under that name, so
 * a credential change of the owner that leaves the session valid (another token revoked) does not end it.
 */
class StreamOverHttpsTest {

    @Test
    void aHostSessionStreamOutlivesTheRevocationOfAnotherCredential() throws Exception {
        try (TestApp app = TestApp.startWithPublicUrl("https://mqcgm.example")) {
            UUID owner = app.newUser("stream-https@example.org");
            String kept = app.app().apiTokens().create(owner, "kept", EnumSet.allOf(Scope.class));
            String revoked = app.app().apiTokens().create(owner, "revoked", EnumSet.allOf(Scope.class));
            EventStream.upload(app, kept, 100, 60 - 100 % 50);
            String session = new Sessions(app.sql(), Clock.systemUTC(), Duration.ofHours(12), Duration.ofDays(7))
                    .start(owner, ClientFacts.NONE);
            EventStream byToken = EventStream.open(app, "Authorization", "Bearer " + revoked);
            EventStream bySession = EventStream.open(app, "Cookie", "__Host-SESSION=" + session);

            assertThat(new Http(app.url()).send("DELETE", "/api/v1/auth/token", null, "Authorization",
                    "Bearer " + revoked).statusCode()).isLessThan(300);
            // The owner's streams were checked again: the revoked token's ended, the session's must not have.
            byToken.ended().get(10, TimeUnit.SECONDS);

            EventStream.upload(app, kept, 111, 60 - 111 % 50);
            assertThat(bySession.nextReading()).contains("\"mgdl\":111");
            assertThat(bySession.ended()).isNotDone();
        }
    }
}
