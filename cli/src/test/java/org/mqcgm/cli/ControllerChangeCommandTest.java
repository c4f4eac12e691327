package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.demo.Demo;
import org.mqcgm.server.handover.ControllerChangeFeature;
import org.mqcgm.server.privacy.PolicyVersions;

/**
 * {@code mqcgm admin controller-change …} while the server runs: less than 30 days' notice is refused naming the
 * field and rule; an announcement freezes the policy ({@code publish-policy} is refused), the running server tells
 * the demo's account and {@code deliveries} lists its channels; completing before the date is refused, there is no
 * manifest yet, and cancelling unfreezes the policy.
 */
class ControllerChangeCommandTest {

    @TempDir
    Path dir;

    @Test
    void anOperatorAnnouncesAChange_thePolicyIsFrozenUntilItIsCancelled() throws Exception {
        Path text = dir.resolve("policy-v2.txt");
        Files.writeString(text, PolicyVersions.bundled() + "\nA clarification.\n", StandardCharsets.UTF_8);
        Demo.Options options = new Demo.Options(dir.resolve("data"), "127.0.0.1", 0, 1, ZoneId.of("Asia/Shanghai"));
        try (Demo demo = Demo.start(options)) {
            String data = dir.resolve("data").toString();
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            CommandRun early = CommandRun.of("admin", "controller-change", "announce", "--successor", "Acme Health",
                    "--successor-contact", "privacy@acme.example", "--transfer-date", today.plusDays(10).toString(),
                    "--data-dir", data);
            assertThat(early.status()).isEqualTo(2);
            assertThat(early.err()).contains("$.transferDate").contains("at least 30 days");

            CommandRun announced = CommandRun.of("admin", "controller-change", "announce", "--successor",
                    "Acme Health", "--successor-contact", "privacy@acme.example", "--transfer-date",
                    today.plusDays(30).toString(), "--terms-changed", "--reason", "Acquisition", "--data-dir", data);
            assertThat(announced.status()).as(announced.err()).isZero();
            assertThat(announced.out()).contains("successor: Acme Health").contains("policy version frozen: ")
                    .contains("terms changed: true");

            CommandRun frozen = CommandRun.of("admin", "publish-policy", text.toString(), "--minor", "--summary",
                    "A clarification.", "--data-dir", data);
            assertThat(frozen.status()).isEqualTo(2);
            assertThat(frozen.err()).contains("frozen");

            assertThat(demo.app().jobs().runNow(ControllerChangeFeature.DISPATCH_JOB)).isPositive();
            CommandRun deliveries = CommandRun.of("admin", "controller-change", "deliveries", "--data-dir", data);
            assertThat(deliveries.out()).contains("announcement in-app pending").contains("announcement push");

            CommandRun complete = CommandRun.of("admin", "controller-change", "complete", "--data-dir", data);
            assertThat(complete.status()).isEqualTo(2);
            assertThat(complete.err()).contains("transfer date");
            assertThat(CommandRun.of("admin", "controller-change", "manifest", "--data-dir", data).status())
                    .isEqualTo(2);

            CommandRun cancelled = CommandRun.of("admin", "controller-change", "cancel", "--data-dir", data);
            assertThat(cancelled.status()).as(cancelled.err()).isZero();
            assertThat(cancelled.out()).contains("state: cancelled");
            CommandRun published = CommandRun.of("admin", "publish-policy", text.toString(), "--minor", "--summary",
                    "A clarification.", "--data-dir", data);
            assertThat(published.status()).as(published.err()).isZero();
        }
    }
}
