package org.mqcgm.server.glucose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.readings.IngestListener;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * A listener of stored readings (the alert rules) that fails inside the upload's transaction — a failed statement,
 * which aborts a PostgreSQL transaction, or any exception — never costs the person their readings: the upload is
 * accepted and stored, what the listener wrote is undone, and the listeners before it keep what they did.
 */
class IngestListenerFailureTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    static final AtomicInteger failing = new AtomicInteger();

    @Test
    void aListenerFailingInsideTheUploadLeavesTheReadingsStored() throws Exception {
        var jdbi = app.app().database().orElseThrow().jdbi();
        jdbi.useHandle(h -> h.execute("create table listener_marks (owner_id uuid not null, mark text not null)"));
        app.app().readings().afterStored(new IngestListener() {
            @Override
            public void stored(UUID owner, Instant newest) {
            }

            @Override
            public Runnable storing(UUID owner, Instant newest) {
                if (failing.get() == 0) {
                    return null;
                }
                // Joins the upload's transaction (same thread): written, then the transaction is aborted by an error.
                jdbi.useHandle(h -> h.createUpdate("insert into listener_marks values (:o, 'undone')").bind("o", owner)
                        .execute());
                if (failing.get() == 1) {
                    jdbi.useHandle(h -> h.createQuery("select 1 / 0").mapTo(Integer.class).one());
                }
                throw new IllegalStateException("a listener's bug");
            }
        });
        UUID wearer = app.newUser("listener-failure@example.org");
        String[] auth = {"Authorization", "Bearer " + app.app().apiTokens().create(wearer, "phone",
                EnumSet.of(Scope.READINGS_WRITE, Scope.READINGS_READ))};
        Http http = new Http(app.url());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int mode = 1; mode <= 2; mode++) {
            failing.set(mode);
            HttpResponse<String> up = http.postJson("/api/v1/readings", "[{\"time\":\"" + now.minusSeconds(60L * mode)
                    + "\",\"mgdl\":" + (100 + mode) + "}]", auth);
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            assertThat(up.body()).contains("\"accepted\":1");
        }
        failing.set(0);
        assertThat(app.app().readings().forStatistics(wearer, now.minusSeconds(600), now.plusSeconds(1)))
                .extracting(r -> r.mgdl()).containsExactlyInAnyOrder(101, 102);
        int marks = jdbi.withHandle(h -> h.createQuery("select count(*) from listener_marks").mapTo(Integer.class)
                .one());
        assertThat(marks).as("what the failing listener wrote was undone").isZero();
    }
}
