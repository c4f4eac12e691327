package org.mqcgm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @TempDir
    Path dir;

    private Map<String, String> valid() throws IOException {
        return org.mqcgm.server.testing.ConfigFixture.validSettings(dir);
    }

    /**
     * The privacy-governance settings (age of majority, retention periods, the regulator, the DPO's address) are read
     * from the --config file like every other setting, the environment winning, and checked at load.
     */
    @Test
    void governanceSettingsComeFromTheConfigFileOrTheEnvironmentAndAreChecked() throws IOException {
        assertThat(ServerConfig.fromSettings(valid()).governance()).isEmpty();
        assertThat(ServerConfig.ageOfMajority(ServerConfig.fromSettings(valid()).governance())).isEqualTo(18);
        Map<String, String> file = valid();
        file.put("MQCGM_AGE_OF_MAJORITY", "14");
        file.put("MQCGM_RETENTION_CRASH_REPORTS", "30");
        file.put("MQCGM_REGULATOR_NAME", "Data Protection Authority");
        file.put("MQCGM_REGULATOR_URL", "https://dpa.example");
        file.put("MQCGM_DPO_EMAIL", "dpo@cgm.example.org");
        file.put("MQCGM_PORT", "8081");
        Path config = dir.resolve("mqcgm.properties");
        StringBuilder text = new StringBuilder();
        file.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(config, text);

        ServerConfig fromFile = ServerConfig.load(Map.of("HOME", "/root"), config);
        Map<String, String> g = fromFile.governance();
        assertThat(ServerConfig.ageOfMajority(g)).isEqualTo(14);
        assertThat(org.mqcgm.server.retention.RetentionFeature.Settings.from(g).schedule().period("crash-reports"))
                .isEqualTo(java.time.Duration.ofDays(30));
        org.mqcgm.server.requests.RequestsFeature.Settings desk = org.mqcgm.server.requests.RequestsFeature.Settings
                .from(g);
        assertThat(desk.regulatorName()).isEqualTo("Data Protection Authority");
        assertThat(desk.regulatorUrl()).isEqualTo("https://dpa.example");
        assertThat(desk.deskEmail()).isEqualTo("dpo@cgm.example.org");
        assertThat(g).doesNotContainKey("MQCGM_PORT").doesNotContainKey("MQCGM_DB_PASSWORD");

        // The environment wins over the file, with the same names.
        ServerConfig env = ServerConfig.load(Map.of("MQCGM_AGE_OF_MAJORITY", "16", "MQCGM_DPO_EMAIL",
                "officer@cgm.example.org"), config);
        assertThat(ServerConfig.ageOfMajority(env.governance())).isEqualTo(16);
        assertThat(org.mqcgm.server.requests.RequestsFeature.Settings.from(env.governance()).deskEmail())
                .isEqualTo("officer@cgm.example.org");

        // Wrong values stop the load, naming the setting.
        for (String[] wrong : new String[][] {{"MQCGM_AGE_OF_MAJORITY", "12"}, {"MQCGM_AGE_OF_MAJORITY", "adult"},
                {"MQCGM_RETENTION_CRASH_REPORTS", "400"}, {"MQCGM_RETENTION_CRASH_REPORTS", "soon"},
                {"MQCGM_DPO_EMAIL", "not-an-address"}, {"MQCGM_REGULATOR_URL", "dpa.example"}}) {
            Map<String, String> s = valid();
            s.put(wrong[0], wrong[1]);
            String name = wrong[0].startsWith("MQCGM_RETENTION_") ? "MQCGM_RETENTION_" : wrong[0];
            assertThatThrownBy(() -> ServerConfig.fromSettings(s)).as(wrong[0] + "=" + wrong[1])
                    .isInstanceOf(ConfigException.class).hasMessageContaining(name);
        }
        // A longer period with its written justification is accepted.
        Map<String, String> justified = valid();
        justified.put("MQCGM_RETENTION_CRASH_REPORTS", "400");
        justified.put("MQCGM_RETENTION_CRASH_REPORTS_JUSTIFICATION", "product liability law, signed off by the DPO");
        assertThat(org.mqcgm.server.retention.RetentionFeature.Settings.from(ServerConfig.fromSettings(justified)
                .governance()).schedule().period("crash-reports")).isEqualTo(java.time.Duration.ofDays(400));
    }

    @Test
    void defaultsApplyWhenOnlyTheRequiredSettingsAreGiven() throws IOException {
        ServerConfig c = ServerConfig.fromSettings(valid());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.argon2()).isEqualTo(ServerConfig.Argon2Cost.DEFAULT);
        assertThat(c.toString()).doesNotContain("secret");
        // ASVS V3.3.2 Level 2 by default: 30 minutes idle, 12 hours absolute; both stay settings
        assertThat(c.sessionIdle()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(c.sessionAbsolute()).isEqualTo(java.time.Duration.ofHours(12));
        Map<String, String> longer = valid();
        longer.put("MQCGM_SESSION_IDLE_MINUTES", "480");
        longer.put("MQCGM_SESSION_ABSOLUTE_HOURS", "24");
        assertThat(ServerConfig.fromSettings(longer).sessionIdle()).isEqualTo(java.time.Duration.ofHours(8));
        assertThat(ServerConfig.fromSettings(longer).sessionAbsolute()).isEqualTo(java.time.Duration.ofHours(24));
        // ASVS V12.1.3: the photo quota is a setting too, checked at load
        Map<String, String> quota = valid();
        quota.put("MQCGM_PHOTO_QUOTA_MB", "500");
        assertThat(org.mqcgm.server.photos.PhotosFeature.Quota.from(ServerConfig.fromSettings(quota).governance())
                .maxBytes()).isEqualTo(500L * 1024 * 1024);
        quota.put("MQCGM_PHOTO_QUOTA_COUNT", "many");
        assertThatThrownBy(() -> ServerConfig.fromSettings(quota)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("MQCGM_PHOTO_QUOTA_COUNT");
    }

    @Test
    void pushEndpointsArePublicHttpsUnlessTheSettingsSayOtherwise() throws IOException {
        ServerConfig.Push standard = ServerConfig.fromSettings(valid()).push();
        assertThat(standard.allowLoopbackHttp()).isFalse();
        assertThat(standard.allowedHosts()).isEmpty();
        assertThat(standard.contact()).startsWith("mailto:");
        Map<String, String> on = valid();
        on.put("MQCGM_PUSH_ALLOW_LOOPBACK_HTTP", "true");
        on.put("MQCGM_PUSH_ALLOWED_HOSTS", " fcm.googleapis.com, *.push.apple.com ,");
        on.put("MQCGM_PUSH_CONTACT", "https://cgm.example.org/contact");
        ServerConfig.Push push = ServerConfig.fromSettings(on).withListen("127.0.0.1", 0).push();
        assertThat(push.allowLoopbackHttp()).isTrue();
        assertThat(push.allowedHosts()).containsExactly("fcm.googleapis.com", "*.push.apple.com");
        assertThat(push.contact()).isEqualTo("https://cgm.example.org/contact");
        Map<String, String> badHost = valid();
        badHost.put("MQCGM_PUSH_ALLOWED_HOSTS", "https://fcm.googleapis.com/");
        assertThatThrownBy(() -> ServerConfig.fromSettings(badHost)).hasMessageStartingWith("MQCGM_PUSH_ALLOWED_HOSTS:");
        Map<String, String> badContact = valid();
        badContact.put("MQCGM_PUSH_CONTACT", "ops@example.org");
        assertThatThrownBy(() -> ServerConfig.fromSettings(badContact)).hasMessageStartingWith("MQCGM_PUSH_CONTACT:");
    }

    @Test
    void transfersReachLoopbackOnlyWhenTheSettingSaysSo() throws IOException {
        assertThat(ServerConfig.fromSettings(valid()).transfersAllowLoopbackHttp()).isFalse();
        Map<String, String> on = valid();
        on.put("MQCGM_TRANSFERS_ALLOW_LOOPBACK_HTTP", "true");
        assertThat(ServerConfig.fromSettings(on).transfersAllowLoopbackHttp()).isTrue();
        // Other settings keep it.
        assertThat(ServerConfig.fromSettings(on).withListen("127.0.0.1", 0).transfersAllowLoopbackHttp()).isTrue();
        Map<String, String> off = valid();
        off.put("MQCGM_TRANSFERS_ALLOW_LOOPBACK_HTTP", "false");
        assertThat(ServerConfig.fromSettings(off).transfersAllowLoopbackHttp()).isFalse();
        Map<String, String> bad = valid();
        bad.put("MQCGM_TRANSFERS_ALLOW_LOOPBACK_HTTP", "yes");
        assertThatThrownBy(() -> ServerConfig.fromSettings(bad))
                .hasMessage("MQCGM_TRANSFERS_ALLOW_LOOPBACK_HTTP: must be true or false (got 'yes')");
    }

    @Test
    void theSupportHotlineIsOptionalAndMustBeAPhoneNumber() throws IOException {
        assertThat(ServerConfig.fromSettings(valid()).supportPhone()).isNull();
        Map<String, String> on = valid();
        on.put("MQCGM_SUPPORT_PHONE", " +86 400-123-4567 ");
        assertThat(ServerConfig.fromSettings(on).supportPhone()).isEqualTo("+86 400-123-4567");
        assertThat(ServerConfig.fromSettings(on).withListen("127.0.0.1", 0).supportPhone())
                .isEqualTo("+86 400-123-4567");
        Map<String, String> bad = valid();
        bad.put("MQCGM_SUPPORT_PHONE", "call us");
        assertThatThrownBy(() -> ServerConfig.fromSettings(bad)).hasMessageStartingWith("MQCGM_SUPPORT_PHONE: ");
    }

    @Test
    void eachMissingRequiredSettingIsNamed() throws IOException {
        for (String name : new String[] {"MQCGM_DB_URL", "MQCGM_DB_USER", "MQCGM_DB_PASSWORD",
                "MQCGM_MASTER_KEY_FILE"}) {
            Map<String, String> s = valid();
            s.remove(name);
            assertThatThrownBy(() -> ServerConfig.fromSettings(s))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(name + ": ")
                    .extracting(e -> ((ConfigException) e).setting()).isEqualTo(name);
        }
    }

    @Test
    void invalidValuesAreNamedWithWhatIsExpected() throws IOException {
        Map<String, String> s = valid();
        s.put("MQCGM_DB_URL", "mysql://x");
        assertThatThrownBy(() -> ServerConfig.fromSettings(s)).hasMessageStartingWith("MQCGM_DB_URL: must start with");
        Map<String, String> p = valid();
        p.put("MQCGM_PORT", "eighty");
        assertThatThrownBy(() -> ServerConfig.fromSettings(p)).hasMessage(
                "MQCGM_PORT: must be a whole number (got 'eighty')");
        Map<String, String> q = valid();
        q.put("MQCGM_PORT", "70000");
        assertThatThrownBy(() -> ServerConfig.fromSettings(q)).hasMessageStartingWith("MQCGM_PORT: must be between");
        Map<String, String> k = valid();
        k.put("MQCGM_MASTER_KEY_FILE", dir.resolve("absent.json").toString());
        assertThatThrownBy(() -> ServerConfig.fromSettings(k)).hasMessageStartingWith("MQCGM_MASTER_KEY_FILE: cannot read");
    }

    @Test
    void theAcceptQueueDefaultsTo1024AndIsKeptByCopies() throws IOException {
        assertThat(ServerConfig.fromSettings(valid()).acceptQueue()).isEqualTo(1024);
        Map<String, String> s = valid();
        s.put("MQCGM_ACCEPT_QUEUE", "4096");
        assertThat(ServerConfig.fromSettings(s).withListen("127.0.0.1", 0).withMaxFollowers(5).acceptQueue())
                .isEqualTo(4096);
        s.put("MQCGM_ACCEPT_QUEUE", "0");
        assertThatThrownBy(() -> ServerConfig.fromSettings(s)).hasMessageStartingWith(
                "MQCGM_ACCEPT_QUEUE: must be between");
    }

    @Test
    void trustedProxiesAreCidrsAndDefaultToNone() throws IOException {
        assertThat(ServerConfig.fromSettings(valid()).clientAddress().trustedProxies()).isEmpty();
        Map<String, String> s = valid();
        s.put("MQCGM_TRUSTED_PROXIES", "10.0.0.0/8, ::1/128");
        s.put("MQCGM_FORWARDED_HEADER", "forwarded");
        ServerConfig c = ServerConfig.fromSettings(s);
        assertThat(c.clientAddress().trustedProxies()).hasSize(2);
        assertThat(c.clientAddress().header()).isEqualTo(org.mqcgm.server.platform.http.ClientAddress.Header.FORWARDED);
        Map<String, String> bad = valid();
        bad.put("MQCGM_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal");
        assertThatThrownBy(() -> ServerConfig.fromSettings(bad))
                .hasMessageStartingWith("MQCGM_TRUSTED_PROXIES: 'proxy.internal' is not");
        Map<String, String> header = valid();
        header.put("MQCGM_FORWARDED_HEADER", "X-Real-IP");
        assertThatThrownBy(() -> ServerConfig.fromSettings(header)).hasMessageStartingWith("MQCGM_FORWARDED_HEADER:");
    }

    @Test
    void configFileIsReadAndTheEnvironmentWins() throws IOException {
        Path file = dir.resolve("mqcgm.conf");
        StringBuilder text = new StringBuilder();
        valid().forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        text.append("MQCGM_PORT=9000\n");
        Files.writeString(file, text);
        assertThat(ServerConfig.load(Map.of(), file).port()).isEqualTo(9000);
        assertThat(ServerConfig.load(Map.of("MQCGM_PORT", "9100", "PATH", "/bin"), file).port()).isEqualTo(9100);
        assertThatThrownBy(() -> ServerConfig.load(Map.of(), dir.resolve("nope.conf")))
                .hasMessageStartingWith("--config: no such file");
    }

    /** How a node drains and polls its jobs (several nodes behind a balancer): defaults, and wrong values named. */
    @Test
    void nodeSettingsHaveDefaultsAndWrongValuesNameTheSetting() throws IOException {
        assertThat(ServerConfig.node(ServerConfig.fromSettings(valid()).governance()))
                .isEqualTo(ServerConfig.Node.DEFAULT);
        Map<String, String> s = valid();
        s.put("MQCGM_DRAIN_NOTICE_SECONDS", "3");
        s.put("MQCGM_DRAIN_SECONDS", "30");
        s.put("MQCGM_DRAIN_IDLE_SECONDS", "5");
        s.put("MQCGM_JOBS_POLL_SECONDS", "2");
        assertThat(ServerConfig.node(ServerConfig.fromSettings(s).governance())).isEqualTo(new ServerConfig.Node(
                java.time.Duration.ofSeconds(3), java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(2)));
        for (String[] wrong : new String[][] {{"MQCGM_DRAIN_NOTICE_SECONDS", "61"}, {"MQCGM_DRAIN_SECONDS", "0"},
                {"MQCGM_DRAIN_IDLE_SECONDS", "soon"}, {"MQCGM_JOBS_POLL_SECONDS", "0"}}) {
            Map<String, String> bad = valid();
            bad.put(wrong[0], wrong[1]);
            assertThatThrownBy(() -> ServerConfig.fromSettings(bad)).as(wrong[0] + "=" + wrong[1])
                    .isInstanceOf(ConfigException.class).hasMessageStartingWith(wrong[0] + ":");
        }
    }
}
