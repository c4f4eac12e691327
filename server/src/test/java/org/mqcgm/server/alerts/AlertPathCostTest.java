package org.mqcgm.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.core.glucose.Reading;
import org.mqcgm.server.glucose.GlucoseFeature;
import org.mqcgm.server.testing.TestApp;
import org.mqcgm.testkit.MutableClock;
import org.mqcgm.testkit.Wait;

/**
 * What the alert path costs an upload that raises nothing, and that its shortcuts keep every behaviour: the rules
 * run inside the upload's transaction (no commit of their own, no second connection), the settings come from
 * memory and are never served stale after a change (on this node or another), and a node that fails after the
 * commit of an upload that raises something leaves it to the evaluation job.
 */
class AlertPathCostTest {

    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-03-02T03:00:00Z"));

    @RegisterExtension
    static final TestApp app = TestApp.perClass(CLOCK, CLOCK);

    static final RecordingPush PUSH = new RecordingPush();
    private static int seq;

    /** Statements the server ran through its Jdbi, with the thread that ran them. */
    record Statement(String thread, String sql) {
    }

    static final List<Statement> RAN = new CopyOnWriteArrayList<>();

    static Jdbi jdbi() {
        return app.app().database().orElseThrow().jdbi();
    }

    @BeforeEach
    void record() {
        app.app().feature(AlertsFeature.class).pushThrough(PUSH);
        jdbi().setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext ctx) {
                RAN.add(new Statement(Thread.currentThread().getName(),
                        ctx.getRenderedSql().replaceAll("\\s+", " ").trim()));
            }
        });
    }

    @AfterEach
    void stopRecording() {
        jdbi().setSqlLogger(SqlLogger.NOP_SQL_LOGGER);
        RAN.clear();
    }

    static AlertsOnIngestTest.Wearer wearer() {
        java.util.UUID id = app.newUser("cost" + (++seq) + "@example.org");
        return new AlertsOnIngestTest.Wearer(id, app.app().apiTokens().create(id, "t", java.util.EnumSet.of(
                org.mqcgm.server.platform.security.Scope.READINGS_WRITE,
                org.mqcgm.server.platform.security.Scope.ALERTS)));
    }

    static void upload(AlertsOnIngestTest.Wearer w, int minutesAgo, int mgdl) {
        AlertsOnIngestTest.upload2(app, CLOCK, w, minutesAgo, mgdl);
    }

    static List<String> kinds(AlertsOnIngestTest.Wearer w) {
        return app.sql().withHandle(h -> h.createQuery("select kind from alert where owner_id = :o order by at")
                .bind("o", w.id()).mapTo(String.class).list());
    }

    @Test
    void anUploadThatRaisesNothingRunsTheRulesInItsOwnTransactionWithoutAWriteAfterIt() {
        AlertsOnIngestTest.Wearer w = wearer();
        upload(w, 5, 120);
        CLOCK.advance(Duration.ofMinutes(5));
        RAN.clear();
        upload(w, 0, 121);

        String uploading = RAN.stream().filter(s -> s.sql().startsWith("insert into glucose_recent")).findFirst()
                .orElseThrow().thread();
        List<String> sql = RAN.stream().filter(s -> s.thread().equals(uploading)).map(Statement::sql).toList();
        // The upload, the watch (marked evaluated), the last hour of readings (recent rows only); the settings and
        // the sensor session come from memory, and nothing is written after the commit.
        assertThat(sql).as(String.join("\n", sql)).hasSize(3);
        assertThat(sql.get(0)).startsWith("insert into glucose_recent");
        assertThat(sql.get(1)).startsWith("insert into alert_watch");
        assertThat(sql.get(2)).startsWith("select time, payload from glucose_recent");
        Boolean evaluated = app.sql().withHandle(h -> h.createQuery(
                        "select evaluated_at = last_reading_at from alert_watch where owner_id = :o")
                .bind("o", w.id()).mapTo(Boolean.class).one());
        assertThat(evaluated).isTrue();
        assertThat(kinds(w)).isEmpty();
    }

    @Test
    void aChangedThresholdJudgesTheNextUploadAtOnce() {
        AlertsOnIngestTest.Wearer w = wearer();
        upload(w, 0, 200); // judged by the defaults (high 250): nothing, and the defaults are now in memory
        assertThat(kinds(w)).isEmpty();
        CLOCK.advance(Duration.ofMinutes(5));

        AlertsOnIngestTest.settingsAt(app, w, "{\"highMgdl\":180}");
        upload(w, 0, 200);
        assertThat(kinds(w)).containsExactly("high");

        // And back: a low of 100 turns a reading of 95 into a low; turned off again, the next one raises nothing.
        AlertsOnIngestTest.Wearer v = wearer();
        upload(v, 0, 95);
        CLOCK.advance(Duration.ofMinutes(5));
        AlertsOnIngestTest.settingsAt(app, v, "{\"lowMgdl\":100}");
        upload(v, 0, 95);
        assertThat(kinds(v)).containsExactly("low");
        AlertsOnIngestTest.settingsAt(app, v, "{\"enabled\":[\"high\"]}");
        CLOCK.advance(Duration.ofMinutes(20)); // a gap: a new episode if the low were still on
        upload(v, 0, 95);
        assertThat(kinds(v)).containsExactly("low");
        CLOCK.advance(Duration.ofMinutes(5));
    }

    @Test
    void aChangeSavedOnAnotherNodeReachesThisNodesMemory() {
        AlertsOnIngestTest.Wearer w = wearer();
        AlertSettingsStore here = app.app().feature(AlertsFeature.class).settings();
        assertThat(here.all(w.id()).rules().highMgdl()).isEqualTo(250);

        AlertSettingsStore there = here.anotherNode();
        org.mqcgm.core.alerts.AlertSettings d = org.mqcgm.core.alerts.AlertSettings.defaults();
        there.save(w.id(), new org.mqcgm.core.alerts.AlertSettings(d.enabled(), d.lowMgdl(), 170, d.riseRate(),
                d.fallRate(), d.predictionMinutes(), d.signalLossMinutes(), null, null), CLOCK.instant());

        Wait.until("this node drops the old rules", () -> here.all(w.id()).rules().highMgdl() == 170);
        upload(w, 0, 200);
        assertThat(kinds(w)).containsExactly("high");
        CLOCK.advance(Duration.ofMinutes(5));
    }

    @Test
    void aNodeThatFailsAfterCommittingAnUploadThatRaisesSomethingLeavesItToTheJob() {
        AlertsOnIngestTest.Wearer w = wearer();
        upload(w, 5, 120); // watched and evaluated
        Instant t = CLOCK.instant().minusSeconds(20);
        // The upload's transaction as the glucose feature runs it, then the node fails: what the listener left
        // for after the commit never runs.
        Runnable[] left = new Runnable[1];
        jdbi().useTransaction(h -> {
            app.app().feature(GlucoseFeature.class).readings().store().insert(w.id(),
                    List.of(new Reading(t, ZoneOffset.UTC, 46)));
            left[0] = app.app().feature(AlertsFeature.class).ingestListener().storing(w.id(), t);
        });
        assertThat(left[0]).as("an urgent low is raised after the commit").isNotNull();
        assertThat(kinds(w)).isEmpty();

        app.app().jobs().runNow(AlertsFeature.EVALUATE_JOB);
        assertThat(kinds(w)).containsExactly("urgent-low");
        Wait.until("the push", () -> PUSH.to(w.id()).size() == 1);
        CLOCK.advance(Duration.ofMinutes(5));
    }

    @Test
    void aFailedStatementOfTheRulesInsideTheUploadKeepsTheReadingsAndLeavesThemToTheJob() {
        AlertsOnIngestTest.Wearer w = wearer();
        upload(w, 5, 120);
        Instant t = CLOCK.instant().minusSeconds(20);
        Runnable[] left = new Runnable[1];
        jdbi().useTransaction(h -> {
            app.app().feature(GlucoseFeature.class).readings().store().insert(w.id(),
                    List.of(new Reading(t, ZoneOffset.UTC, 46)));
            // The rules' read of the recent readings fails (a temporary table of that name hides the real one): a
            // failed statement aborts a PostgreSQL transaction unless it is rolled back to a savepoint.
            h.execute("create temporary table glucose_recent (nothing integer) on commit drop");
            left[0] = app.app().feature(AlertsFeature.class).ingestListener().storing(w.id(), t);
        });
        assertThat(left[0]).as("nothing to run after the commit").isNull();
        assertThat(app.app().readings().forStatistics(w.id(), t.minusSeconds(1), t.plusSeconds(1)))
                .extracting(Reading::mgdl).containsExactly(46);
        assertThat(kinds(w)).isEmpty();

        app.app().jobs().runNow(AlertsFeature.EVALUATE_JOB);
        assertThat(kinds(w)).containsExactly("urgent-low");
        Wait.until("the push", () -> PUSH.to(w.id()).size() == 1);
        CLOCK.advance(Duration.ofMinutes(5));
    }

    @Test
    void aSensorSessionStartedEndedOrDeletedAfterAnUploadIsWhatTheNextUploadSees() throws Exception {
        AlertsOnIngestTest.Wearer w = wearer();
        String[] all = {"Authorization", "Bearer " + app.app().apiTokens().create(w.id(), "all",
                java.util.EnumSet.allOf(org.mqcgm.server.platform.security.Scope.class))};
        org.mqcgm.server.testing.Http http = new org.mqcgm.server.testing.Http(app.url());
        upload(w, 0, 120); // no session yet: that is now in memory
        CLOCK.advance(Duration.ofMinutes(5));

        session(http, all, "S-1", Duration.ofHours(4));
        upload(w, 0, 121);
        assertThat(kinds(w)).containsExactly("sensor-ending");

        // Ended early: its notice was given; a new session ending in 3 hours gets its own.
        String first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.get("/api/v1/sessions", all)
                .body()).get(0).path("id").asText();
        assertThat(http.postJson("/api/v1/sessions/" + first + "/end", "{\"end\":\"" + CLOCK.instant()
                + "\",\"reason\":\"failed\"}", all).statusCode()).isEqualTo(204);
        assertThat(app.app().feature(GlucoseFeature.class).sensorSessionEnd(w.id(), CLOCK.instant())).isEmpty();
        CLOCK.advance(Duration.ofMinutes(5));
        String second = session(http, all, "S-2", Duration.ofHours(3));
        upload(w, 0, 122);
        assertThat(kinds(w)).containsExactly("sensor-ending", "sensor-ending");

        // Its sensor deleted (with the session): nothing is running, so the next upload gives no notice, even
        // after the episode (the expected end) of the deleted one would have been new to the store.
        assertThat(http.send("DELETE", "/api/v1/sensors/" + second, null, all).statusCode()).isBetween(200, 204);
        upload(w, 0, 123);
        assertThat(kinds(w)).hasSize(2);
        assertThat(app.app().feature(GlucoseFeature.class).sensorSessionEnd(w.id(), CLOCK.instant())).isEmpty();
        CLOCK.advance(Duration.ofMinutes(5));
    }

    /** A new sensor with a 10-day session that ends {@code left} from now; returns the sensor's id. */
    private static String session(org.mqcgm.server.testing.Http http, String[] auth, String serial, Duration left)
            throws Exception {
        String sensor = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.postJson("/api/v1/sensors",
                "{\"model\":\"Sim\",\"serial\":\"" + serial + "\"}", auth).body()).path("id").asText();
        var r = http.postJson("/api/v1/sensors/" + sensor + "/sessions", "{\"start\":\""
                + CLOCK.instant().minus(Duration.ofDays(10)).plus(left) + "\",\"lifetimeDays\":10}", auth);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return sensor;
    }
}
