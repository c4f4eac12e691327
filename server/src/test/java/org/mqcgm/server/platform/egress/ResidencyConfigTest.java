package org.mqcgm.server.platform.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.server.App;
import org.mqcgm.server.ConfigException;
import org.mqcgm.server.ServerConfig;

/**
 * Residency and the recipients file are checked before the server starts (PR-80, PR-82, PR-47, PR-48): a store
 * declared in another region, a recipient without a DPA, a secondary use not marked as such, a field that is never
 * shared, or a recipient outside the region while cross-border transfers are off are configuration errors naming
 * the setting and the requirement.
 */
class ResidencyConfigTest {

    @TempDir
    Path dir;

    private Map<String, String> valid() throws IOException {
        Map<String, String> s = org.mqcgm.server.testing.ConfigFixture.validSettings(dir);
        s.put("MQCGM_REGION", "cn-east");
        return s;
    }

    static String recipient(String id, String region, String purposes, String extra) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + id + " Ltd\",\"purposes\":[" + purposes + "],"
                + "\"categories\":[\"GLU\",\"ACC\"],\"region\":\"" + region + "\",\"country\":\"CN\","
                + "\"privacyPolicy\":\"https://" + id + ".example/privacy\",\"endpoint\":\"https://" + id
                + ".example/in\",\"fields\":[\"subject\",\"time\",\"mgdl\"]" + extra + "}";
    }

    static final String DPA = ",\"dpa\":{\"reference\":\"DPA-1\",\"signatory\":\"A. Signer\",\"expires\":\"2099-12-31\"}";

    private Map<String, String> withRecipients(String... recipients) throws IOException {
        Path file = dir.resolve("recipients.json");
        Files.writeString(file, "[" + String.join(",", recipients) + "]");
        Map<String, String> s = valid();
        s.put("MQCGM_RECIPIENTS_FILE", file.toString());
        return s;
    }

    @Test
    @Tag("PR-80")
    void aStoreDeclaredInAnotherRegionStopsTheServer() throws IOException {
        Map<String, String> same = valid();
        same.put("MQCGM_DB_REGION", "cn-east");
        same.put("MQCGM_STORE_REGION", "CN-EAST");
        same.put("MQCGM_BACKUP_REGION", "cn-east");
        Residency ok = ServerConfig.fromSettings(same).residency();
        assertThat(ok.region()).isEqualTo("cn-east");
        // The inventory lists every store with its region, each the deployment's.
        assertThat(ok.inventory("db", "outbox", "ledger")).extracting(s -> s.region(ok.region()))
                .containsOnly("cn-east").hasSize(4);
        for (String setting : new String[] {"MQCGM_DB_REGION", "MQCGM_STORE_REGION", "MQCGM_BACKUP_REGION"}) {
            Map<String, String> elsewhere = valid();
            elsewhere.put(setting, "eu-west");
            assertThatThrownBy(() -> ServerConfig.fromSettings(elsewhere)).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(setting + ": PR-80").hasMessageContaining("'eu-west'")
                    .hasMessageContaining("'cn-east'");
        }
        // A configuration made in code is refused by the server itself, before the key or the database is touched.
        ServerConfig inCode = new ServerConfig("jdbc:postgresql://127.0.0.1:1/none", "u", "p", 1,
                dir.resolve("no-such-key.json"), "127.0.0.1", 0, 1_000_000, ServerConfig.Argon2Cost.DEFAULT,
                java.time.Duration.ofHours(1), java.time.Duration.ofHours(2), null, dir.resolve("outbox"),
                "http://localhost").withResidency(new Residency("cn-east", null, null, "us-east", false,
                java.util.List.of()));
        assertThatThrownBy(() -> App.start(inCode, Clock.systemUTC())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("MQCGM_BACKUP_REGION: PR-80");
    }

    @Test
    @Tag("PR-47")
    void aRecipientWithoutItsDataProcessingAgreementIsAConfigurationError() throws IOException {
        assertThatThrownBy(() -> ServerConfig.fromSettings(withRecipients(recipient("clinic", "cn-east",
                "\"care\"", ""))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("MQCGM_RECIPIENTS_FILE: clinic: ")
                .hasMessageContaining("PR-47").hasMessageContaining("dpa.reference");
        assertThatThrownBy(() -> ServerConfig.fromSettings(withRecipients(recipient("clinic", "cn-east",
                "\"care\"", ",\"dpa\":{\"reference\":\"DPA-1\",\"signatory\":\"A\"}"))))
                .hasMessageContaining("PR-47");
        // A field that is never shared (PR-10) or outside the declared categories is refused as well.
        assertThatThrownBy(() -> ServerConfig.fromSettings(withRecipients(recipient("clinic", "cn-east",
                "\"care\"", DPA).replace("\"mgdl\"", "\"phone\"")))).hasMessageContaining("PR-10");
        assertThat(ServerConfig.fromSettings(withRecipients(recipient("clinic", "cn-east", "\"care\"", DPA)))
                .residency().recipients()).extracting(Recipient::id).containsExactly("clinic");
    }

    @Test
    @Tag("PR-48")
    void noRecipientHasASecondaryUseUnlessTheOperatorMarksIt() throws IOException {
        // A fresh deployment declares no recipient at all.
        assertThat(ServerConfig.fromSettings(valid()).residency().recipients()).isEmpty();
        assertThatThrownBy(() -> ServerConfig.fromSettings(withRecipients(recipient("lab", "cn-east",
                "\"care\",\"research\"", DPA)))).isInstanceOf(ConfigException.class).hasMessageContaining("PR-48");
        Recipient marked = ServerConfig.fromSettings(withRecipients(recipient("lab", "cn-east", "\"research\"",
                DPA + ",\"secondaryUse\":true"))).residency().recipients().getFirst();
        assertThat(marked.hasSecondaryUse()).isTrue();
    }

    @Test
    @Tag("PR-82")
    void aRecipientOutsideTheRegionNeedsCrossBorderTransfersSwitchedOn() throws IOException {
        Map<String, String> off = withRecipients(recipient("overseas", "eu-west", "\"care\"", DPA));
        assertThatThrownBy(() -> ServerConfig.fromSettings(off)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("MQCGM_RECIPIENTS_FILE: PR-82").hasMessageContaining("overseas");
        off.put("MQCGM_CROSS_BORDER", "allow");
        Residency on = ServerConfig.fromSettings(off).residency();
        assertThat(on.crossBorderAllowed()).isTrue();
        assertThat(on.crossBorder(on.recipients().getFirst())).isTrue();
        assertThat(ServerConfig.fromSettings(valid()).residency().crossBorderAllowed()).isFalse();
    }
}
