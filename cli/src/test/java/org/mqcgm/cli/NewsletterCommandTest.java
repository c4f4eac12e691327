package org.mqcgm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.demo.Demo;
import org.mqcgm.server.newsletter.NewsletterFeature;
import org.mqcgm.server.platform.consent.Consents.Purpose;

/**
 * {@code mqcgm admin newsletter send FILE}: an operator queues an issue while the server runs; the server sends it
 * to the subscribers only, with the RFC 8058 header fields; a file without a subject is refused (PR-39).
 */
class NewsletterCommandTest {

    @TempDir
    Path dir;

    @Test
    @Tag("PR-39")
    void anOperatorQueuesAnIssueAndOnlySubscribersGetItWithOneClickUnsubscribe() throws Exception {
        Path issue = dir.resolve("issue.txt");
        Files.writeString(issue, "Subject: mqcgm news\n\nA new release is out.\n", StandardCharsets.UTF_8);
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "No subject here.\n", StandardCharsets.UTF_8);
        Demo.Options options = new Demo.Options(dir.resolve("data"), "127.0.0.1", 0, 1, ZoneId.of("Asia/Shanghai"),
                false);
        try (Demo demo = Demo.start(options)) {
            String data = dir.resolve("data").toString();
            CommandRun refused = CommandRun.of("admin", "newsletter", "send", bad.toString(), "--data-dir", data);
            assertThat(refused.status()).isEqualTo(2);
            assertThat(refused.err()).contains("Subject:");

            // Not subscribed: the issue reaches nobody.
            UUID demoAccount = demo.app().accounts().findId(Demo.EMAIL).orElseThrow();
            CommandRun first = CommandRun.of("admin", "newsletter", "send", issue.toString(), "--data-dir", data);
            assertThat(first.status()).as(first.err()).isZero();
            assertThat(first.out()).contains("queued newsletter issue");
            assertThat(demo.app().feature(NewsletterFeature.class).sendQueued()).isZero();

            demo.app().consents().record(demoAccount, Purpose.NEWSLETTER, true, "web");
            assertThat(CommandRun.of("admin", "newsletter", "send", issue.toString(), "--data-dir", data).status())
                    .isZero();
            assertThat(demo.app().feature(NewsletterFeature.class).sendQueued()).isEqualTo(1);
            String mail = org.mqcgm.testkit.Wait.until("the newsletter in the outbox", () ->
                    demo.app().outbox().messages().stream().filter(m -> m.contains("Subject: mqcgm news"))
                            .findFirst().orElse(""), m -> !m.isEmpty());
            assertThat(mail).startsWith("To: " + Demo.EMAIL + "\n").contains("A new release is out.")
                    .contains("\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n")
                    .containsPattern("\nList-Unsubscribe: <http://127\\.0\\.0\\.1:\\d+/newsletter/unsubscribe/[A-Za-z0-9_-]{64}>\n");
        }
    }
}
