package org.mqcgm.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The code-only switch of the paired benchmark ({@code ServerConfig.withAlertsOnIngest(false)}, the alerts-off arm
 * of {@code AlertPathBenchmark}): the app then raises nothing on an urgent-low upload. Alerts are evaluated before
 * the upload is answered, so the empty list after the 200 is final.
 */
class AlertsOffOnIngestTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass(c -> c.withAlertsOnIngest(false));

    @Test
    void anUrgentLowUploadRaisesNoAlertWhenAlertsAreOffOnIngest() throws Exception {
        UUID wearer = app.newUser("alerts-off@example.org");
        String[] auth = {"Authorization", "Bearer " + app.app().apiTokens().create(wearer, "phone",
                EnumSet.allOf(Scope.class))};
        Http http = new Http(app.url());

        HttpResponse<String> up = http.postJson("/api/v1/readings", "[{\"time\":\""
                + Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(20) + "\",\"mgdl\":45}]", auth);
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);

        HttpResponse<String> alerts = http.get("/api/v1/alerts", auth);
        assertThat(alerts.statusCode()).isEqualTo(200);
        assertThat(alerts.body()).isEqualTo("[]");
    }
}
