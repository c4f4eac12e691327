package org.mqcgm.server.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Web Push's gateway connects to the address it checked (no second DNS look-up: DNS rebinding cannot steer a push
 * into a private network), and still speaks plain HTTP/1.1 correctly: status, {@code Retry-After}, the body.
 */
class PinnedTransfersTest {

    static HttpServer server;
    static final AtomicReference<String> received = new AtomicReference<>();
    static final AtomicReference<String> host = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        // 127.0.0.2: a loopback address the system resolves no name to, so only the checked address can reach it.
        server = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 10);
        server.createContext("/push/", ex -> {
            try (ex) {
                received.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                host.set(ex.getRequestHeaders().getFirst("Host"));
                ex.getResponseHeaders().set("Retry-After", "17");
                ex.sendResponseHeaders(ex.getRequestURI().getPath().endsWith("busy") ? 429 : 201, -1);
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    /** "localhost" answers 127.0.0.2 the first time, a private address after that (a rebinding DNS server). */
    static HttpTransfers.Resolver rebinding(AtomicInteger calls) {
        return name -> {
            if (!name.equals("localhost")) {
                throw new UnknownHostException(name);
            }
            return new InetAddress[] {InetAddress.getByAddress(name, calls.getAndIncrement() == 0
                    ? new byte[] {127, 0, 0, 2} : new byte[] {10, 0, 0, 1})};
        };
    }

    @Test
    void theRequestGoesToTheAddressThatWasCheckedAndNoOther() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpTransfers pinned = new HttpTransfers(true, List.of(), Duration.ofSeconds(10), rebinding(calls), true);
        int port = server.getAddress().getPort();
        HttpTransfers.Answer answer = pinned.exchange("http://localhost:" + port + "/push/a?x=1",
                "application/octet-stream", Map.of("TTL", "60"), "sealed".getBytes(StandardCharsets.UTF_8));
        assertThat(answer.status()).isEqualTo(201);
        assertThat(calls).as("resolved once: checked and connected to the same address").hasValue(1);
        assertThat(received).hasValue("sealed");
        assertThat(host).hasValue("localhost:" + port);

        // The next request resolves again, gets the private address and is refused before any connection.
        assertThatThrownBy(() -> pinned.exchange("http://localhost:" + port + "/push/a", "text/plain", Map.of(),
                new byte[0])).isInstanceOf(HttpTransfers.Refused.class).hasMessage("host in a private network");
    }

    @Test
    void statusAndRetryAfterAreRead() throws Exception {
        HttpTransfers pinned = new HttpTransfers(true, List.of(), Duration.ofSeconds(10),
                name -> new InetAddress[] {InetAddress.getByAddress(name, new byte[] {127, 0, 0, 2})}, true);
        HttpTransfers.Answer answer = pinned.exchange("http://localhost:" + server.getAddress().getPort()
                + "/push/busy", "text/plain", Map.of(), new byte[0]);
        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.retryAfter()).contains("17");
    }

    @Test
    void anInterimAnswerIsSkippedForTheFinalOne() throws Exception {
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 1, InetAddress.getByAddress(
                new byte[] {127, 0, 0, 2}))) {
            Thread answering = Thread.ofVirtual().start(() -> {
                try (java.net.Socket c = raw.accept()) {
                    c.getOutputStream().write(("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    c.getOutputStream().flush();
                    c.getInputStream().readNBytes(1); // until the client closes
                } catch (java.io.IOException e) {
                    // the client went
                }
            });
            HttpTransfers pinned = new HttpTransfers(true, List.of(), Duration.ofSeconds(10),
                    name -> new InetAddress[] {InetAddress.getByAddress(name, new byte[] {127, 0, 0, 2})}, true);
            HttpTransfers.Answer answer = pinned.exchange("http://localhost:" + raw.getLocalPort() + "/push/c",
                    "text/plain", Map.of(), new byte[0]);
            assertThat(answer.status()).isEqualTo(201);
            answering.join();
        }
    }

    @Test
    void theAllowListRefusesOtherHosts() {
        HttpTransfers listed = HttpTransfers.forPush(false, List.of("*.push.example", "fcm.googleapis.com"));
        assertThat(listed.problem("https://evil.example/push")).contains("host not allowed");
        assertThat(listed.problem("https://push.example.evil/x")).contains("host not allowed");
        assertThat(listed.problem("https://10.0.0.1/x")).contains("host not allowed");
    }
}
