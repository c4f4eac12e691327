package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.demo.Demo;
import org.mqcgm.server.privacy.PolicyVersions;
import org.mqcgm.testkit.Wait;

/**
 * {@code mqcgm admin publish-policy FILE --major|--minor --summary TEXT}: an operator publishes a version while the
 * server runs; the running server serves it at once, and a minor version naming a major change is refused (PR-84).
 */
class PublishPolicyCommandTest {

    @TempDir
    Path dir;

    @Test
    @Tag("PR-84")
    void anOperatorPublishesVersionsAndAMinorOneNamingAMajorChangeIsRefused() throws Exception {
        Path text = dir.resolve("policy-v2.txt");
        Files.writeString(text, PolicyVersions.bundled() + "\nA new recipient: your clinic.\n", StandardCharsets.UTF_8);
        Demo.Options options = new Demo.Options(dir.resolve("data"), "127.0.0.1", 0, 1, ZoneId.of("Asia/Shanghai"));
        try (Demo demo = Demo.start(options)) {
            String data = dir.resolve("data").toString();
            CommandRun refused = CommandRun.of("admin", "publish-policy", text.toString(), "--minor",
                    "--change", "recipients", "--summary", "Adds a recipient.", "--data-dir", data);
            assertThat(refused.status()).isEqualTo(2);
            assertThat(refused.err()).contains("publish-policy").contains("--major");

            CommandRun both = CommandRun.of("admin", "publish-policy", text.toString(), "--minor", "--major",
                    "--summary", "x", "--data-dir", data);
            assertThat(both.status()).isNotZero();

            CommandRun past = CommandRun.of("admin", "publish-policy", text.toString(), "--major",
                    "--change", "recipients", "--summary", "Your clinic may receive what you share.",
                    "--effective", "2020-01-01", "--data-dir", data);
            assertThat(past.status()).as(past.err()).isEqualTo(2);
            assertThat(past.err()).contains("in the past");
            CommandRun badKind = CommandRun.of("admin", "publish-policy", text.toString(), "--major",
                    "--change", "logo", "--summary", "x", "--data-dir", data);
            assertThat(badKind.status()).isEqualTo(2);
            assertThat(badKind.err()).contains("--change");
            assertThat(demo.app().policyVersions().all()).hasSize(1);

            CommandRun now = CommandRun.of("admin", "publish-policy", text.toString(), "--major",
                    "--change", "recipients", "--summary", "Your clinic may receive what you share.",
                    "--data-dir", data);
            assertThat(now.status()).as(now.err()).isZero();
            assertThat(now.out()).contains("published privacy policy version 2 (major)");
            // The running server learns of it at once (NOTIFY) and serves it as the policy in force.
            Wait.until("the demo serves version 2", () -> demo.app().policyVersions().current().number(),
                    n -> n == 2);
            assertThat(demo.app().policyVersions().current().changes())
                    .containsExactly(PolicyVersions.Change.RECIPIENTS);

            CommandRun again = CommandRun.of("admin", "publish-policy", text.toString(), "--major",
                    "--summary", "Again", "--data-dir", data);
            assertThat(again.status()).isEqualTo(2);
            assertThat(again.err()).contains("already archived");
        }
    }
}
