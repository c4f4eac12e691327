package org.mqcgm.server.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Access;
import org.mqcgm.server.platform.security.AccessControl;
import org.mqcgm.server.platform.security.Authenticator;
import org.mqcgm.server.platform.security.Principal;
import org.mqcgm.server.testing.Http;
import org.mqcgm.testkit.LogCapture;

/**
 * The HTTP platform on its own, with routes made for the test (a handler that throws, ...): what reaches the
 * client and what reaches the log when something goes wrong.
 */
class PlatformErrorsTest {

    static final java.util.UUID OWNER = java.util.UUID.fromString("0d5e3c7a-1b2f-4c6d-8e9f-a0b1c2d3e4f5");
    static org.mqcgm.server.platform.db.Database database;
    static org.mqcgm.server.platform.jobs.Jobs jobs;
    static HttpServer server;
    static Http http;
    @RegisterExtension
    static final LogCapture log = new LogCapture();

    @BeforeAll
    static void start() {
        Authenticator nobody = new Authenticator() {
            @Override
            public Optional<Principal> session(String cookieValue) {
                return Optional.empty();
            }

            @Override
            public Optional<Principal> apiToken(String token) {
                return Optional.empty();
            }
        };
        JsonBodies json = new JsonBodies(Json.newMapper());
        database = org.mqcgm.server.platform.db.Database.open(org.mqcgm.server.testing.TestDatabase.fresh(),
                org.mqcgm.server.testing.TestDatabase.user(), org.mqcgm.server.testing.TestDatabase.password(), 2);
        jobs = org.mqcgm.server.platform.jobs.Jobs.start(database.dataSource(), java.time.Clock.systemUTC(),
                List.of(new org.mqcgm.server.platform.jobs.Jobs.Job("failing-insert", java.time.Duration.ofDays(1),
                        PlatformErrorsTest::badInsert)));
        server = HttpServer.start(new HttpServer.Settings("127.0.0.1", 0, 100_000), json.mapper(),
                new AccessControl(nobody, new org.mqcgm.server.platform.consent.Consents() {
                    @Override
                    public boolean granted(java.util.UUID owner, Purpose purpose) {
                        return false;
                    }

                    @Override
                    public void record(java.util.UUID owner, Purpose purpose, boolean granted, String channel) {
                    }
                }, java.time.Clock.systemUTC()), null, routes -> {
                    routes.get("/reset/{token}", Access.PUBLIC, ctx -> {
                        throw new IllegalStateException("the handler failed");
                    });
                    routes.get("/quoting", Access.PUBLIC, ctx -> {
                        throw new IllegalArgumentException("not a plausible glucose value: 4343 (note: 'dizzy')",
                                new IllegalStateException("caused by 4343"));
                    });
                    routes.post("/sql", Access.PUBLIC, ctx -> ctx.result("" + badInsert()));
                    routes.post("/typed", Access.PUBLIC, ctx -> ctx.json(json.read(ctx, Sample.class)));
                    routes.post("/tree", Access.PUBLIC, ctx -> ctx.json(json.readTree(ctx)));
                    routes.get("/busy", Access.PUBLIC, ctx -> {
                        // what Jdbi throws when the pool had no connection free within its timeout
                        throw new org.jdbi.v3.core.ConnectionException(
                                new java.sql.SQLTransientConnectionException("pool - Connection is not available"));
                    });
                });
        http = new Http("http://127.0.0.1:" + server.port());
    }

    /** A statement that fails, with bound values that must not reach the log. */
    static int badInsert() {
        return database.jdbi().withHandle(h -> h.createUpdate(
                        "insert into no_such_table (owner_id, mgdl, note) values (:owner, :mgdl, :note)")
                .bind("owner", OWNER).bind("mgdl", 4242).bind("note", "my-private-note").execute());
    }

    @AfterAll
    static void stop() {
        server.close();
        jobs.close();
        database.close();
    }

    /** A typed body, to see what the shared mapper accepts. */
    public record Sample(Boolean flag, Integer count, String name, Double level) {
    }

    static List<ILoggingEvent> events() {
        return log.events();
    }

    static String wholeLog() {
        return log.text();
    }

    @Test
    void noDatabaseConnectionInTimeIsA503WithRetryAfterNotA500() throws Exception {
        HttpResponse<String> r = http.get("/busy");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("2");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith(Problem.MEDIA_TYPE);
        assertThat(Json.newMapper().readTree(r.body()).path("retryAfter").asInt()).isEqualTo(2);
        assertThat(log.events()).noneMatch(e -> e.getLoggerName().equals(HttpServer.class.getName())
                && e.getLevel() == ch.qos.logback.classic.Level.ERROR);
    }

    @Test
    void theListenBacklogIsTheSettingsNotTheJdksFifty() {
        assertThat(server.acceptQueue()).isEqualTo(HttpServer.DEFAULT_ACCEPT_QUEUE);
        try (HttpServer other = HttpServer.start(new HttpServer.Settings("127.0.0.1", 0, 100_000, false,
                (method, route, status, took) -> {
                }, 4096), Json.newMapper(), new AccessControl(null, null, java.time.Clock.systemUTC()), null,
                routes -> {
                })) {
            assertThat(other.acceptQueue()).isEqualTo(4096);
        }
    }

    @Test
    void theUnhandledErrorLogNamesTheRouteTemplateNotTheTokenInThePath() {
        HttpResponse<String> r = http.get("/reset/SECRET-RESET-TOKEN-4711");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(events()).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("unhandled error").contains("/reset/{token}"));
        assertThat(wholeLog()).doesNotContain("SECRET-RESET-TOKEN-4711");
    }

    @Test
    void theUnhandledErrorLogNeverQuotesAnExceptionsMessage() {
        HttpResponse<String> r = http.get("/quoting");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(events()).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .contains("unhandled error").contains("/quoting").contains("IllegalArgumentException"));
        assertThat(wholeLog()).doesNotContain("4343").doesNotContain("dizzy");
    }

    private static void assertProblem(HttpResponse<String> r, int status, String field, String rule) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
        assertThat(r.body()).contains("\"field\":\"" + field + "\"").contains("\"rule\":\"" + rule + "\"");
    }

    @Test
    void aWellTypedBodyIsAccepted() {
        HttpResponse<String> r = http.postJson("/typed", "{\"flag\":true,\"count\":12,\"name\":\"a\",\"level\":1}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"count\":12").contains("\"level\":1.0");
    }

    @Test
    void duplicateKeysAreRefusedNamingTheField() {
        assertProblem(http.postJson("/typed", "{\"flag\":true,\"flag\":false}"), 400, "$.flag", "duplicate");
        assertProblem(http.postJson("/tree", "[{\"a\":{\"mgdl\":1,\"mgdl\":2}}]"), 400, "$[0].a.mgdl", "duplicate");
    }

    @Test
    void scalarsAreNotSilentlyCoerced() {
        assertProblem(http.postJson("/typed", "{\"flag\":\"yes\"}"), 422, "$.flag", "type");
        assertProblem(http.postJson("/typed", "{\"flag\":1}"), 422, "$.flag", "type");
        assertProblem(http.postJson("/typed", "{\"count\":\"12\"}"), 422, "$.count", "type");
        assertProblem(http.postJson("/typed", "{\"count\":true}"), 422, "$.count", "type");
        assertProblem(http.postJson("/typed", "{\"level\":\"1.5\"}"), 422, "$.level", "type");
        assertProblem(http.postJson("/typed", "{\"name\":1}"), 422, "$.name", "type");
        assertProblem(http.postJson("/typed", "{\"name\":false}"), 422, "$.name", "type");
        assertProblem(http.postJson("/typed", "{\"count\":1.5}"), 422, "$.count", "type");
    }

    private static void assertNoBoundValueLogged() {
        String log = wholeLog();
        assertThat(log).doesNotContain("4242").doesNotContain(OWNER.toString()).doesNotContain("my-private-note");
    }

    @Test
    void aFailedStatementInARequestLogsItsSqlStateButNoBoundValue() {
        HttpResponse<String> r = http.postJson("/sql", "{}");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).doesNotContain("4242");
        assertThat(wholeLog()).contains("unhandled error").contains("42P01");
        assertNoBoundValueLogged();
    }

    @Test
    void aFailedStatementInAJobLogsNoBoundValue() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jobs.runNow("failing-insert"))
                .hasMessageNotContaining("4242");
        assertThat(wholeLog()).contains("failing-insert");
        assertNoBoundValueLogged();
    }
}
