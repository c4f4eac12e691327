package org.mqcgm.server.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
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
}
