package org.mqcgm.server.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.TestApp;

/** Per-user envelope keys: personal data is ciphertext at rest and dies with its owner's key. */
class UserKeysTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    private static byte[] storedEmail(UUID id) {
        return app.sql().withHandle(h -> h.createQuery("select email_enc from account where id = :id")
                .bind("id", id).mapTo(byte[].class).one());
    }

    @Test
    @Tag("PR-10")
    void emailIsStoredAsCiphertextAndFoundThroughTheBlindIndex() {
        UUID id = app.newUser("Cipher.Text@Example.org", TestApp.PASSWORD);
        byte[] raw = storedEmail(id);
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("cipher.text")
                .doesNotContain("example.org");
        Integer plainRows = app.sql().withHandle(h -> h.createQuery(
                "select count(*) from account where encode(email_index, 'escape') like '%example%'")
                .mapTo(Integer.class).one());
        assertThat(plainRows).isZero();
        // Lookup by the normalised address works (login), whatever the case typed.
        assertThat(app.app().accounts().authenticate("cipher.text@EXAMPLE.org", TestApp.PASSWORD))
                .contains(id);
        assertThat(app.app().accounts().find(id).orElseThrow().email()).isEqualTo("cipher.text@example.org");
    }

    @Test
    void eachUserHasTheirOwnKeyAndCiphertextDoesNotMoveBetweenUsers() {
        UUID a = app.newUser("key-a@example.org", TestApp.PASSWORD);
        UUID b = app.newUser("key-b@example.org", TestApp.PASSWORD);
        byte[] ofA = storedEmail(a);
        // Put A's ciphertext into B's row: B's key cannot open it, so nothing is disclosed.
        app.sql().useHandle(h -> h.createUpdate("update account set email_enc = :e where id = :id")
                .bind("e", ofA).bind("id", b).execute());
        assertThatThrownBy(() -> app.app().accounts().find(b)).hasMessageContaining("decryption failed");
        Integer keys = app.sql().withHandle(h -> h.createQuery(
                "select count(distinct wrapped_keyset) from user_key where owner_id in (<ids>)")
                .bindList("ids", java.util.List.of(a, b)).mapTo(Integer.class).one());
        assertThat(keys).isEqualTo(2);
    }

    /**
     * Not tagged PR-65: this exercises the mechanism; account cancellation's use of it (the erasure job destroys the
     * key, on every node) is tested end to end in {@code cancellation.CancellationTest}.
     */
    @Test
    void deletingTheKeyShredsTheUsersData() {
        UUID id = app.newUser("shred@example.org", TestApp.PASSWORD);
        byte[] ciphertext = storedEmail(id);
        UserKeys keys = new UserKeys(app.sql(), MasterKey.load(masterKeyOf()));
        assertThat(keys.decryptString(id, "account.email", ciphertext)).isEqualTo("shred@example.org");
        app.sql().useTransaction(h -> keys.destroy(h, id));
        UserKeys fresh = new UserKeys(app.sql(), MasterKey.load(masterKeyOf()));
        assertThatThrownBy(() -> fresh.decrypt(id, "account.email", ciphertext))
                .isInstanceOf(UserKeys.KeyDestroyedException.class);
    }

    private static java.nio.file.Path masterKeyOf() {
        return app.masterKeyFile();
    }

    @Test
    void aKeyReadJustBeforeItsDestructionIsNotCachedAfterTheInvalidationNotice() throws Exception {
        UUID id = app.newUser("race@example.org", TestApp.PASSWORD);
        byte[] email = storedEmail(id);
        MasterKey master = MasterKey.load(app.masterKeyFile());
        UserKeys node = new UserKeys(app.sql(), master); // a server node that has not cached the key yet
        UserKeys eraser = new UserKeys(app.sql(), master); // the node whose job erases the account
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        node.afterKeyRead = () -> {
            read.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            // A request on that node reads the wrapped key (the destruction has not committed yet) …
            Future<String> decrypting = reader.submit(() -> node.decryptString(id, "account.email", email));
            assertThat(read.await(1, java.util.concurrent.TimeUnit.MINUTES)).as("the key was read").isTrue();
            // … meanwhile the key is destroyed and the invalidation notice reaches the node (what listen() does) …
            app.sql().useTransaction(h -> eraser.destroy(h, id));
            node.forget(id);
            // … and only then does the request go on to cache the key it read.
            release.countDown();
            assertThat(decrypting.get()).isEqualTo("race@example.org");
        } finally {
            release.countDown();
            reader.shutdown();
        }
        node.afterKeyRead = () -> {
        };
        assertThatThrownBy(() -> node.decryptString(id, "account.email", email))
                .as("the destroyed key must not stay in the node's cache")
                .isInstanceOf(UserKeys.KeyDestroyedException.class);
    }
}
