package org.mqcgm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections leaving the machine are encrypted and authenticated (ASVS V9.2.1, V9.2.2): the database on another
 * machine is reached with {@code sslmode=verify-full} unless the operator says otherwise, never in clear text without
 * an explicit override; mail leaves without TLS only to a relay on this machine.
 */
class TransportSecurityConfigTest {

    @TempDir
    Path dir;

    private Map<String, String> valid(String dbUrl) throws IOException {
        Path key = dir.resolve("key.json");
        if (!Files.exists(key)) {
            Files.writeString(key, "{}");
        }
        Map<String, String> s = new HashMap<>();
        s.put("MQCGM_DB_URL", dbUrl);
        s.put("MQCGM_DB_USER", "mqcgm");
        s.put("MQCGM_DB_PASSWORD", "secret");
        s.put("MQCGM_MASTER_KEY_FILE", key.toString());
        s.put("MQCGM_CONTROLLER_EMAIL", "privacy@cgm.example.org");
        return s;
    }

    @Test
    void aDatabaseOnAnotherMachineIsReachedWithVerifyFullByDefaultAndLoopbackIsLeftAlone() throws IOException {
        assertThat(ServerConfig.fromSettings(valid("jdbc:postgresql://db.internal:5432/mqcgm")).databaseUrl())
                .isEqualTo("jdbc:postgresql://db.internal:5432/mqcgm?sslmode=verify-full");
        assertThat(ServerConfig.fromSettings(valid("jdbc:postgresql://db.internal/mqcgm?ApplicationName=x"))
                .databaseUrl()).isEqualTo("jdbc:postgresql://db.internal/mqcgm?ApplicationName=x&sslmode=verify-full");
        assertThat(ServerConfig.fromSettings(valid("jdbc:postgresql://localhost:5432/mqcgm")).databaseUrl())
                .isEqualTo("jdbc:postgresql://localhost:5432/mqcgm");
        assertThat(ServerConfig.fromSettings(valid("jdbc:postgresql://127.0.0.1:54321/mqcgm")).databaseUrl())
                .isEqualTo("jdbc:postgresql://127.0.0.1:54321/mqcgm");
        // One host of several on another machine is enough.
        assertThat(ServerConfig.fromSettings(valid("jdbc:postgresql://localhost,db2.internal:5433/mqcgm"))
                .databaseUrl()).endsWith("?sslmode=verify-full");

        // The setting chooses; a CA file is passed on.
        Path ca = Files.writeString(dir.resolve("root.crt"), "-----BEGIN CERTIFICATE-----\n");
        Map<String, String> s = valid("jdbc:postgresql://db.internal:5432/mqcgm");
        s.put("MQCGM_DB_SSLMODE", "require");
        s.put("MQCGM_DB_SSLROOTCERT", ca.toString());
        assertThat(ServerConfig.fromSettings(s).databaseUrl()).startsWith(
                "jdbc:postgresql://db.internal:5432/mqcgm?sslmode=require&sslrootcert=");
        Map<String, String> local = valid("jdbc:postgresql://localhost/mqcgm");
        local.put("MQCGM_DB_SSLMODE", "verify-full");
        assertThat(ServerConfig.fromSettings(local).databaseUrl()).endsWith("?sslmode=verify-full");
    }

    @Test
    void clearTextToAnotherMachineIsRefusedUnlessExplicitlyAllowed() throws IOException {
        for (String mode : new String[] {"disable", "allow", "prefer"}) {
            Map<String, String> s = valid("jdbc:postgresql://db.internal:5432/mqcgm");
            s.put("MQCGM_DB_SSLMODE", mode);
            assertThatThrownBy(() -> ServerConfig.fromSettings(s)).hasMessageStartingWith("MQCGM_DB_SSLMODE: sslmode="
                    + mode);
            Map<String, String> inUrl = valid("jdbc:postgresql://db.internal:5432/mqcgm?sslmode=" + mode);
            assertThatThrownBy(() -> ServerConfig.fromSettings(inUrl)).hasMessageStartingWith("MQCGM_DB_SSLMODE:");
            inUrl.put("MQCGM_DB_ALLOW_INSECURE", "true");
            assertThat(ServerConfig.fromSettings(inUrl).databaseUrl()).endsWith("?sslmode=" + mode);
        }
        Map<String, String> loopback = valid("jdbc:postgresql://localhost/mqcgm?sslmode=disable");
        assertThat(ServerConfig.fromSettings(loopback).databaseUrl()).endsWith("?sslmode=disable");

        Map<String, String> bad = valid("jdbc:postgresql://db.internal/mqcgm");
        bad.put("MQCGM_DB_SSLMODE", "sometimes");
        assertThatThrownBy(() -> ServerConfig.fromSettings(bad)).hasMessageStartingWith("MQCGM_DB_SSLMODE: must be one of");
        Map<String, String> twice = valid("jdbc:postgresql://db.internal/mqcgm?sslmode=require");
        twice.put("MQCGM_DB_SSLMODE", "verify-full");
        assertThatThrownBy(() -> ServerConfig.fromSettings(twice)).hasMessageContaining("set it in one place");
        Map<String, String> noCa = valid("jdbc:postgresql://db.internal/mqcgm");
        noCa.put("MQCGM_DB_SSLROOTCERT", dir.resolve("missing.crt").toString());
        assertThatThrownBy(() -> ServerConfig.fromSettings(noCa)).hasMessageStartingWith(
                "MQCGM_DB_SSLROOTCERT: cannot read");
    }

    @Test
    void mailWithoutTlsOnlyToARelayOnThisMachine() throws IOException {
        Map<String, String> s = valid("jdbc:postgresql://localhost/mqcgm");
        s.put("MQCGM_SMTP_HOST", "smtp.example.org");
        s.put("MQCGM_MAIL_FROM", "noreply@cgm.example.org");
        s.put("MQCGM_SMTP_SECURITY", "none");
        assertThatThrownBy(() -> ServerConfig.fromSettings(s)).hasMessageStartingWith(
                "MQCGM_SMTP_SECURITY: none is only accepted for a mail relay on this machine");
        s.put("MQCGM_SMTP_SECURITY", "starttls");
        assertThat(ServerConfig.fromSettings(s).smtp().security()).isEqualTo("starttls");
        s.put("MQCGM_SMTP_HOST", "127.0.0.1");
        s.put("MQCGM_SMTP_SECURITY", "none");
        assertThat(ServerConfig.fromSettings(s).smtp().security()).isEqualTo("none");
        s.put("MQCGM_SMTP_HOST", "localhost");
        assertThat(ServerConfig.fromSettings(s).smtp().security()).isEqualTo("none");
    }
}
