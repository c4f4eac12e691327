package org.mqcgm.server.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/**
 * The file outbox (SMS, e-mail without SMTP) keeps no phone number, address or code in clear, and deletes each
 * message after the keep period (issue 16, ASVS V8.3.4 / V6.1.1).
 */
class OutboxSecrecyTest {

    static final MutableClock clock = MutableClock.now();

    @RegisterExtension
    static final TestApp app = TestApp.perClass(java.time.Clock.systemUTC(), clock);

    @Test
    void aTextedCodeIsEncryptedOnDiskAndPurgedAfterTheKeepPeriod() throws IOException {
        String phone = "+8613912340987";
        Http http = new Http(app.url());
        assertThat(http.postForm("/signup", Map.of("identifier", phone, "password", TestApp.PASSWORD,
                "time_zone", "Asia/Shanghai", "accept_policy", "yes", "birth_date", "1990-05-01"))
                .statusCode()).isEqualTo(200);
        // Readers (tests, the demo's page) decrypt through the app's outbox.
        String code = app.awaitOutbox(phone, Pattern.compile("\\b(\\d{6})\\b"));

        Path folder = app.masterKeyFile().resolveSibling("outbox");
        List<Path> files = list(folder);
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(raw).doesNotContain(phone).doesNotContain("13912340987").doesNotContain(code)
                    .doesNotContain("To:");
            assertThat(f.getFileName().toString()).doesNotContain("13912340987");
        }

        // Still there just before the keep period ends, gone after it: nothing is kept for ever.
        clock.advance(OutboxSender.DEFAULT_KEEP.minusMinutes(1));
        assertThat(app.app().outbox().purgeExpired()).isZero();
        assertThat(list(folder)).isNotEmpty();
        clock.advance(Duration.ofMinutes(2));
        assertThat(app.app().outbox().purgeExpired()).isEqualTo(files.size());
        assertThat(list(folder)).isEmpty();
        assertThat(app.outboxMessages()).isEmpty();
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.toList();
        }
    }
}
