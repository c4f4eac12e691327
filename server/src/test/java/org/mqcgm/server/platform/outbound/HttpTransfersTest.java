package org.mqcgm.server.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The outbound gateway's rules for transfers, as production runs it (no loopback exception). */
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
    void aRefusedDestinationSendsNothing() {
        assertThatThrownBy(() -> production.post("http://127.0.0.1:9/", "application/json", Map.of(), new byte[0]))
                .isInstanceOf(HttpTransfers.Refused.class).hasMessage("https required");
    }

    /** A destination that answers at once and then never finishes its body is cut off at the exchange's bound. */
    @Test
    void aBodyThatNeverEndsTimesOut() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        com.sun.net.httpserver.HttpServer trickle = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        trickle.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        trickle.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write('[');
            ex.getResponseBody().flush();
            try {
                release.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        trickle.start();
        HttpTransfers bounded = new HttpTransfers(true, java.time.Duration.ofMillis(300));
        try {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () ->
                    assertThatThrownBy(() -> bounded.post("http://127.0.0.1:" + trickle.getAddress().getPort()
                            + "/", "application/json", Map.of(), "[]".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                            .isInstanceOf(HttpTransfers.Refused.class).hasMessage("timed out"));
        } finally {
            release.countDown();
            trickle.stop(0);
        }
    }
}
