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

    static boolean notPublic(String literal) throws java.net.UnknownHostException {
        return HttpTransfers.notPublic(java.net.InetAddress.getByName(literal).getAddress());
    }

    /** Every special-purpose range is refused, each one checked on its own, with its neighbours still public. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "0.0.0.0", "0.255.255.255", "10.1.2.3", "100.64.0.1", "100.100.100.200", "100.127.255.255",
            "127.0.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.1", "192.0.0.170",
            "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.7",
            "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
            "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::10.0.0.1", "::ffff:0:0", "100::1",
            "64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b::6464:64c8", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1",
            "64:ff9b:0:0:1::5db8:d70e",
            "2002:a00:1::1", "2002:7f00:1::", "2002:c0a8:101::1", "2002:a9fe:a9fe::1", "2002:6464:64c8::",
            "2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:db8::1",
            "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1"})
    void specialPurposeAddressesAreNotPublic(String address) throws Exception {
        assertThat(notPublic(address)).as(address).isTrue();
        String host = address.contains(":") ? "[" + address + "]" : address;
        assertThat(production.problem("https://" + host + "/fhir")).as(address).contains("host in a private network");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "1.1.1.1", "8.8.8.8", "93.184.215.14", "100.63.255.255", "100.128.0.1", "172.15.255.255",
            "172.32.0.1", "192.0.1.1", "192.169.0.1", "198.17.255.255", "198.20.0.1", "223.255.255.255",
            "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "64:ff9b::5db8:d70e", "64:ff9b::808:808",
            "2002:5db8:d70e::1", "2002:808:808::", "fbff::1", "fe7f::1"})
    void publicAddressesPass(String address) throws Exception {
        assertThat(notPublic(address)).as(address).isFalse();
        String host = address.contains(":") ? "[" + address + "]" : address;
        assertThat(production.problem("https://" + host + "/fhir")).as(address).isEmpty();
    }
}
