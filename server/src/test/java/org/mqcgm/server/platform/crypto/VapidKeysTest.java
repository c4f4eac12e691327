package org.mqcgm.server.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.TestApp;

/** The deployment's VAPID key pair: made once, the same on every node and after a restart, stored wrapped. */
class VapidKeysTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void theKeyPairIsMadeOnceKeptWrappedAndTheSameForEveryNode() {
        MasterKey master = MasterKey.load(app.masterKeyFile());
        VapidKeys first = VapidKeys.loadOrCreate(app.sql(), master);
        VapidKeys again = VapidKeys.loadOrCreate(app.sql(), MasterKey.load(app.masterKeyFile()));
        assertThat(again.publicKeyBase64Url()).isEqualTo(first.publicKeyBase64Url());
        assertThat(again.privateKey().getS()).isEqualTo(first.privateKey().getS());
        byte[] pub = Base64.getUrlDecoder().decode(first.publicKeyBase64Url());
        assertThat(pub).hasSize(65).startsWith((byte) 4);
        byte[] stored = app.sql().withHandle(h -> h.createQuery(
                "select wrapped from deployment_secret where name = 'vapid'").mapTo(byte[].class).one());
        byte[] scalar = first.privateKey().getS().toByteArray();
        byte[] d = Arrays.copyOfRange(scalar, Math.max(0, scalar.length - 32), scalar.length);
        assertThat(indexOf(stored, d)).as("the private scalar is not stored in clear").isNegative();
        assertThat(indexOf(stored, first.privateKey().getEncoded())).isNegative();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
