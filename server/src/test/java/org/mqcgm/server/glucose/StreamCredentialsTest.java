package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.EventStream;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The live stream lasts only as long as the credential it was opened with: a revoked token, a logged-out session
 * or a revocation made by another node (a NOTIFY straight from SQL) ends it at once, while the owner's other
 * streams keep delivering.
 */
class StreamCredentialsTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final HttpClient client = HttpClient.newHttpClient();

    static EventStream open(String... headers) throws Exception {
        return EventStream.open(app, headers);
    }

    static void upload(String token, int mgdl) {
        EventStream.upload(app, token, mgdl, 60 - mgdl % 50);
    }

    static String token(UUID owner) {
        return app.app().apiTokens().create(owner, "stream", EnumSet.allOf(Scope.class));
    }

    @Test
    void revokingTheTokenEndsItsStreamAndOnlyIts() throws Exception {
        UUID owner = app.newUser("stream-token@example.org");
        String revoked = token(owner);
        String kept = token(owner);
        upload(kept, 100);
        EventStream a = open("Authorization", "Bearer " + revoked);
        EventStream b = open("Authorization", "Bearer " + kept);

        HttpResponse<String> delete = new Http(app.url()).send("DELETE", "/api/v1/auth/token", null,
                "Authorization", "Bearer " + revoked);
        assertThat(delete.statusCode()).isLessThan(300);

        a.awaitEnd();
        upload(kept, 111);
        assertThat(b.nextReading()).contains("\"mgdl\":111");
        assertThat(b.ended()).isNotDone();
    }

    @Test
    void loggingOutEndsTheSessionsStream() throws Exception {
        UUID owner = app.newUser("stream-session@example.org");
        upload(token(owner), 120);
        Http browser = new Http(app.url());
        assertThat(browser.postForm("/login", Map.of("identifier", "stream-session@example.org", "password",
                TestApp.PASSWORD)).statusCode()).isEqualTo(303);
        EventStream stream = open("Cookie", "SESSION=" + browser.cookie("SESSION").orElseThrow());

        assertThat(browser.postForm("/logout", Map.of()).statusCode()).isEqualTo(303);

        stream.awaitEnd();
    }

    @Test
    void aRevocationAnnouncedByAnotherNodeEndsTheStream() throws Exception {
        UUID owner = app.newUser("stream-node@example.org");
        String token = token(owner);
        upload(token, 130);
        EventStream stream = open("Authorization", "Bearer " + token);

        // Another node revokes the token and announces it: only the database connects the two.
        app.sql().useTransaction(h -> {
            h.execute("update api_token set revoked_at = now() where owner_id = ?", owner);
            h.createQuery("select pg_notify('mqcgm_credentials_revoked', :owner)").bind("owner", owner.toString())
                    .mapTo(String.class).one();
        });

        stream.awaitEnd();
    }
}
