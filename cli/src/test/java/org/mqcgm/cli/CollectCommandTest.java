package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mqcgm collect} refuses to send its token over plain http to another machine, and bad pins. */
class CollectCommandTest {

    @TempDir
    Path dir;

    @Test
    void plainHttpToAnotherHostIsAConfigurationErrorAndNothingStarts() {
        Path queue = dir.resolve("queue");
        CommandRun run = CommandRun.of("collect", "--simulate", "--server",
                "http://192.0.2.10:8080", "--token", "mqcgm_secret_token", "--queue", queue.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("mqcgm: --server: refusing to send the credential over plain http to 192.0.2.10")
                .contains("--insecure-http").doesNotContain("mqcgm_secret_token");
        assertThat(queue).doesNotExist();

        CommandRun ns = CommandRun.of("collect", "--simulate", "--nightscout",
                "http://ns.example.org", "--nightscout-secret", "s3cret", "--queue", queue.toString());
        assertThat(ns.status()).isEqualTo(2);
        assertThat(ns.err()).contains("mqcgm: --nightscout: refusing to send the credential over plain http");
        assertThat(queue).doesNotExist();
    }

    @Test
    void aMalformedPinIsAConfigurationError() {
        CommandRun run = CommandRun.of("collect", "--simulate", "--server",
                "https://cgm.example.org", "--token", "mqcgm_x", "--pin", "sha256/AAAA", "--queue",
                dir.resolve("q").toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("mqcgm: --pin: the pin 'sha256/AAAA' is not a SHA-256 digest");
        assertThat(Files.exists(dir.resolve("q"))).isFalse();
    }
}
