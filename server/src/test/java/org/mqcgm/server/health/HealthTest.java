package org.mqcgm.server.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

class HealthTest {

    @Test
    void livenessAndReadinessReportOk() {
        try (TestApp app = TestApp.start()) {
            Http http = new Http(app.url());
            assertThat(http.get("/healthz").body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(http.get("/readyz").statusCode()).isEqualTo(200);
            assertThat(http.get("/readyz").body()).contains("\"database\":\"ok\"");
        }
    }

    @Test
    void notReadyWhenTheDatabaseIsUnreachableOrTheServerIsStopping() {
        java.util.concurrent.atomic.AtomicBoolean db = new java.util.concurrent.atomic.AtomicBoolean(true);
        HealthRoutes health = new HealthRoutes(db::get);
        assertThat(health.notReadyBecause()).isEmpty();
        db.set(false);
        assertThat(health.notReadyBecause()).contains("The database does not answer.");
        db.set(true);
        health.markStopping();
        assertThat(health.notReadyBecause()).contains("The server is shutting down.");
    }
}
