package org.mqcgm.server.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mqcgm.server.platform.security.Scope;
import org.mqcgm.server.testing.Http;
import org.mqcgm.server.testing.TestApp;

/**
 * The outbound gateway's rules for transfers, as production runs it (no loopback exception unless
 * {@code MQCGM_TRANSFERS_ALLOW_LOOPBACK_HTTP} says so, which it does not by default).
 */
class HttpTransfersTest {

    private final HttpTransfers production = new Outbound(m -> { }, m -> { }).http();
    private final HttpTransfers tests = new Outbound(m -> { }, m -> { }, true).http();

    @Test
    void productionRefusesPlainHttpAndEveryPrivateOrLocalAddress() {
        assertThat(production.problem("http://example.org/fhir")).contains("https required");
        assertThat(production.problem("http://127.0.0.1:8080/")).contains("https required");
        assertThat(production.problem("https://127.0.0.1/")).contains("host in a private network");
        assertThat(production.problem("https://localhost/")).contains("host in a private network");
        assertThat(production.problem("https://[::1]/")).contains("host in a private network");
        assertThat(production.problem("https://192.168.1.10/")).contains("host in a private network");
        assertThat(production.problem("https://172.16.0.1/")).contains("host in a private network");
        assertThat(production.problem("https://169.254.169.254/latest/meta-data/")).contains("host in a private network");
        assertThat(production.problem("https://0.0.0.0/")).contains("host in a private network");
        assertThat(production.problem("https://[fd00::1]/")).contains("host in a private network");
        assertThat(production.problem("https://a:b@93.184.215.14/")).contains("user info in the URL");
        assertThat(production.problem("/relative")).contains("not a URL");
        assertThat(production.problem("https://93.184.215.14/fhir")).isEmpty();
    }

    @Test
    void theTestFlagOpensLoopbackOnlyNotOtherPrivateAddresses() {
        assertThat(tests.problem("http://127.0.0.1:8080/")).isEmpty();
        assertThat(tests.problem("http://localhost:8080/")).isEmpty();
        assertThat(tests.problem("http://10.0.0.1/")).contains("https required");
        assertThat(tests.problem("https://10.0.0.1/")).contains("host in a private network");
    }

    @Test
    void aServerWithDefaultSettingsRefusesATransferToLoopback() {
        try (TestApp app = TestApp.start()) {
            UUID id = app.newUser("loopback@example.org");
            String token = app.app().apiTokens().create(id, "t", EnumSet.of(Scope.ACCOUNT_MANAGE));
            HttpResponse<String> r = new Http(app.url()).postJson("/api/v1/me/transfers", "{\"password\":\""
                    + TestApp.PASSWORD + "\",\"kind\":\"fhir\",\"url\":\"http://127.0.0.1:9/fhir\"}",
                    "Authorization", "Bearer " + token);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
            assertThat(r.body()).contains("\"field\":\"$.url\"").contains("https required");
            int logged = app.sql().withHandle(h -> h.createQuery("select count(*) from transfer_log")
                    .mapTo(Integer.class).one());
            assertThat(logged).isZero();
        }
    }

    @Test
    void aRefusedDestinationSendsNothing() {
        assertThatThrownBy(() -> production.post("http://127.0.0.1:9/", "application/json", Map.of(), new byte[0]))
                .isInstanceOf(HttpTransfers.Refused.class).hasMessage("https required");
    }
}
