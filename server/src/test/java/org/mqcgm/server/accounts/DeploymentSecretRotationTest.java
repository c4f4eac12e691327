package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.crypto.DeploymentSecrets;
import org.mqcgm.server.platform.crypto.MasterKey;
import org.mqcgm.server.platform.crypto.VapidKeys;
import org.mqcgm.server.platform.db.Database;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The deployment secret is replaced online (issue 16, ASVS V1.6.3): {@code mqcgm keys rotate-deployment-secret}
 * makes a new version current on the running server and recomputes the e-mail indexes; logins by e-mail, passwords
 * peppered with the old version (re-peppered at login) and API tokens keep working across it; retiring the old
 * version waits until nothing needs it, and afterwards it is gone and everything still works.
 */
class DeploymentSecretRotationTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static String hash(String email) {
        java.util.UUID id = app.app().accounts().findId(email).orElseThrow();
        return app.sql().withHandle(h -> h.createQuery("select password_hash from account where id = :id")
                .bind("id", id).mapTo(String.class).one());
    }

    @Test
    void theDeploymentSecretIsReplacedWhileServingAndTheOldVersionIsRetiredWhenNothingNeedsIt() {
        String token = app.newUserToken("rotating-a@example.org", Scope.READINGS_READ);
        app.newUser("rotating-b@example.org");
        assertThat(hash("rotating-a@example.org")).startsWith("p1$");
        app.login("rotating-a@example.org");
        Database db = app.app().database().orElseThrow();
        MasterKey master = MasterKey.load(app.masterKeyFile());

        AccountAdministration.SecretRotation rotation = AccountAdministration.rotateDeploymentSecret(db, master);
        assertThat(rotation.version()).isEqualTo(2);
        assertThat(rotation.indexesRecomputed()).isGreaterThanOrEqualTo(2);
        DeploymentSecrets now = DeploymentSecrets.loadOrCreate(db.jdbi(), master);
        assertThat(now.versions()).containsExactly(2, 1);
        byte[] index = app.sql().withHandle(h -> h.createQuery("select email_index from account where id = :id")
                .bind("id", app.app().accounts().findId("rotating-a@example.org").orElseThrow())
                .mapTo(byte[].class).one());
        assertThat(index).isEqualTo(now.pseudonym("email-index", "rotating-a@example.org"));

        // The running server takes up version 2: a login (found by its new index, the password checked under the
        // kept version 1) re-peppers the password under version 2.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            app.login("rotating-a@example.org");
            assertThat(hash("rotating-a@example.org")).startsWith("p2$");
        });
        Http http = new Http(app.url());
        assertThat(http.get("/api/v1/readings", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);

        // Retiring waits: for the codes and files of the old version to expire, and for B's password.
        assertThatThrownBy(() -> AccountAdministration.retireDeploymentSecret(db, master, false, Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("--force");
        Clock later = Clock.offset(Clock.systemUTC(), AccountAdministration.RETIRE_AFTER.plusHours(1));
        assertThatThrownBy(() -> AccountAdministration.retireDeploymentSecret(db, master, false, later))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 passwords");
        app.login("rotating-b@example.org");
        assertThat(hash("rotating-b@example.org")).startsWith("p2$");

        AccountAdministration.SecretRetirement retirement =
                AccountAdministration.retireDeploymentSecret(db, master, false, later);
        assertThat(retirement.retired()).isEqualTo(1);
        assertThat(retirement.passwordsToReset()).isZero();
        List<String> rows = app.sql().withHandle(h -> h.createQuery(
                "select name from deployment_secret where name like 'root%' order by name").mapTo(String.class).list());
        assertThat(rows).containsExactly("root.v2");
        assertThat(DeploymentSecrets.loadOrCreate(db.jdbi(), master).versions()).containsExactly(2);

        // Everything still works without the old version.
        app.login("rotating-a@example.org");
        app.login("rotating-b@example.org");
        assertThat(http.get("/api/v1/readings", "Authorization", "Bearer " + token).statusCode()).isEqualTo(200);
        assertThat(AccountAdministration.retireDeploymentSecret(db, master, false, later).retired()).isZero();
    }

    /**
     * {@code mqcgm keys rotate-vapid-key}: the VAPID key pair is replaced under the master key and every push
     * subscription, bound to the old public key, ends; a server started afterwards loads the new pair.
     */
    @Test
    void theVapidKeyIsReplacedAndTheSubscriptionsBoundToTheOldOneEnd() throws Exception {
        String token = app.newUserToken("vapid-rotation@example.org", Scope.ALERTS);
        Http http = new Http(app.url());
        String p256dh = VapidKeys.generate().publicKeyBase64Url();
        String auth = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[16]);
        assertThat(http.postJson("/api/v1/push/subscriptions", "{\"endpoint\":\"http://127.0.0.1:9/push/rotation\","
                + "\"expirationTime\":null,\"keys\":{\"p256dh\":\"" + p256dh + "\",\"auth\":\"" + auth + "\"}}",
                "Authorization", "Bearer " + token).statusCode()).isEqualTo(201);
        String before = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                http.get("/api/v1/push/vapid-public-key").body()).path("publicKey").asText();
        MasterKey master = MasterKey.load(app.masterKeyFile());

        assertThat(org.mqcgm.server.push.PushFeature.endAllSubscriptions(app.sql())).isEqualTo(1);
        VapidKeys replaced = VapidKeys.replace(app.sql(), master);

        int subscriptions = app.sql().withHandle(h -> h.createQuery("select count(*) from push_subscription")
                .mapTo(Integer.class).one());
        assertThat(subscriptions).isZero();
        assertThat(replaced.publicKeyBase64Url()).isNotEqualTo(before);
        assertThat(VapidKeys.loadOrCreate(app.sql(), master).publicKeyBase64Url())
                .isEqualTo(replaced.publicKeyBase64Url());
        int keys = app.sql().withHandle(h -> h.createQuery(
                "select count(*) from deployment_secret where name = 'vapid'").mapTo(Integer.class).one());
        assertThat(keys).isOne();
    }
}
