package org.mqcgm.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;

/** Profiling: the SQL statements an upload runs on the uploading thread. */
class AlertPathStatementsTest {

    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-03-02T03:00:00Z"));

    @RegisterExtension
    static final TestApp app = TestApp.perClass(CLOCK, CLOCK);

    record Stmt(String thread, String sql) {
    }

    static final List<Stmt> LOG = new CopyOnWriteArrayList<>();

    @BeforeEach
    void log() {
        app.app().database().orElseThrow().jdbi().setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext ctx) {
                LOG.add(new Stmt(Thread.currentThread().getName(), ctx.getRenderedSql().replaceAll("\\s+", " ")));
            }
        });
    }

    @AfterEach
    void stop() {
        app.app().database().orElseThrow().jdbi().setSqlLogger(SqlLogger.NOP_SQL_LOGGER);
    }

    @Test
    void profile() {
        AlertsOnIngestTest.Wearer w = wearer();
        AlertsOnIngestTest.upload2(app, CLOCK, w, 5, 120);
        CLOCK.advance(Duration.ofMinutes(5));
        LOG.clear();
        AlertsOnIngestTest.upload2(app, CLOCK, w, 0, 121);
        String thread = LOG.stream().filter(s -> s.sql().contains("glucose_recent")).findFirst().orElseThrow()
                .thread();
        LOG.stream().filter(s -> s.thread().equals(thread)).forEach(s -> System.out.println("STMT " + s.sql()));
    }

    static AlertsOnIngestTest.Wearer wearer() {
        java.util.UUID id = app.newUser("prof@example.org");
        return new AlertsOnIngestTest.Wearer(id, app.app().apiTokens().create(id, "t", java.util.EnumSet.of(
                org.mqcgm.server.platform.security.Scope.READINGS_WRITE)));
    }
}
