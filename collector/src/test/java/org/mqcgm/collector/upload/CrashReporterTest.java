package org.mqcgm.collector.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.server.platform.consent.Consents.Purpose;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.TestApp;

/** The collector's crash reports reach the real server, scrubbed there, and stop when the account has not agreed. */
class CrashReporterTest {

    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static String token(String login, boolean consents) {
        UUID id = app.newUser(login);
        app.app().consents().record(id, Purpose.CRASH_REPORTS, consents, "test");
        return app.app().apiTokens().create(id, "collector", java.util.EnumSet.of(Scope.READINGS_WRITE));
    }

    private static List<String> stored(String install) {
        return app.sql().withHandle(h -> h.createQuery(
                "select g.kind || ' | ' || r.message || ' | ' || r.stack from crash_report r"
                        + " join crash_group g on g.signature = r.signature where r.install_id = :i")
                .bind("i", UUID.fromString(install)).mapTo(String.class).list());
    }

    @Test
    @Tag("PR-50")
    void anErrorArrivesScrubbedUnderTheCollectorsInstallIdWhichStaysTheSame(@TempDir Path dir) throws Exception {
        CrashReporter reporter = new CrashReporter(URI.create(app.url()), token("crash-collector@example.org", true),
                Connection.defaults(), dir, "0.12.0", Clock.systemUTC());
        assertThat(new CrashReporter(URI.create(app.url()), "other", Connection.defaults(), dir, "0.12.0",
                Clock.systemUTC()).installId()).isEqualTo(reporter.installId());
        assertThat(reporter.report(new IllegalStateException("reading 287 mg/dL of sensor 4711 rejected"))).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> !reporter.answered().isEmpty());
        assertThat(reporter.answered()).containsExactly(201);
        assertThat(stored(reporter.installId())).singleElement().asString()
                .startsWith("java.lang.IllegalStateException | reading [n] mg/dL of sensor [n] rejected | ")
                .contains("CrashReporterTest.java:").doesNotContain("287").doesNotContain("4711");
    }

    @Test
    @Tag("PR-50")
    void withoutTheConsentNothingIsSentAndTheReporterStaysQuiet(@TempDir Path dir) throws Exception {
        CrashReporter reporter = new CrashReporter(URI.create(app.url()), token("crash-off@example.org", false),
                Connection.defaults(), dir, "0.12.0", Clock.systemUTC());
        assertThat(reporter.report(new IllegalStateException("first"))).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> !reporter.answered().isEmpty());
        // The server said the account takes no crash reports: the report itself was never sent.
        assertThat(reporter.answered()).containsExactly(-200);
        assertThat(reporter.report(new IllegalStateException("second"))).isFalse();
        assertThat(stored(reporter.installId())).isEmpty();
    }

    @Test
    void atMostFiveReportsAnHour(@TempDir Path dir) throws Exception {
        CrashReporter reporter = new CrashReporter(URI.create(app.url()), token("crash-many@example.org", true),
                Connection.defaults(), dir, "0.12.0", Clock.systemUTC());
        for (int i = 0; i < CrashReporter.PER_HOUR; i++) {
            assertThat(reporter.report(new IllegalStateException("fault " + i))).isTrue();
            int done = i + 1;
            await().atMost(Duration.ofSeconds(30)).until(() -> reporter.answered().size() == done);
        }
        assertThat(reporter.report(new IllegalStateException("one too many"))).isFalse();
        assertThat(reporter.answered()).containsOnly(201);
    }
}
