package org.mqcgm.collector.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.collector.queue.JournalEntry;

/** The collector sends its credential only over https, or http to this machine, and honours --pin. */
class ConnectionTest {

    static final String TOKEN = "mqcgm_collector_secret_token";
    static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path keys;

    static KeyStore serverKeys;
    static X509Certificate serverCert;
    static X509Certificate otherCert;

    /** What the test server received: one Authorization (or api-secret) header per request. */
    final List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server;

    @BeforeAll
    static void makeKeys() throws Exception {
        serverKeys = keytool(keys.resolve("server.p12"), "CN=localhost");
        serverCert = (X509Certificate) serverKeys.getCertificate("server");
        otherCert = (X509Certificate) keytool(keys.resolve("other.p12"), "CN=other").getCertificate("server");
    }

    /** A self-signed EC key for localhost and 127.0.0.1, made by the JDK's keytool. */
    static KeyStore keytool(Path file, String dname) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static List<JournalEntry> batch() {
        Instant start = Instant.parse("2025-03-01T08:00:00Z");
        return List.of(new JournalEntry(0, start, 5, start.plus(Duration.ofMinutes(5)), ZoneOffset.UTC, 123, -1, -1,
                -1, true));
    }

    private void handle(HttpExchange ex) throws IOException {
        String credential = ex.getRequestHeaders().getFirst("Authorization");
        received.add(credential != null ? credential : String.valueOf(ex.getRequestHeaders().getFirst("api-secret")));
        ex.getRequestBody().readAllBytes();
        byte[] body = "{\"accepted\":1,\"duplicates\":0,\"rejected\":0}".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private int httpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress().getPort();
    }

    private int httpsServer() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKeys, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx));
        s.createContext("/", this::handle);
        s.start();
        server = s;
        return s.getAddress().getPort();
    }

    @Test
    @Tag("PR-18")
    void plainHttpToAnotherHostIsRefusedBeforeAnythingIsSent() {
        // 192.0.2.0/24 is TEST-NET-1: the refusal comes from the constructor, so no request can exist
        assertThatThrownBy(() -> new MqcgmApiTarget(URI.create("http://192.0.2.10:8080"), TOKEN))
                .isInstanceOf(Connection.InsecureTargetException.class)
                .hasMessageContaining("plain http to 192.0.2.10")
                .hasMessageContaining("https://")
                .hasMessageContaining("--insecure-http")
                .hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> new MqcgmApiTarget(URI.create("HTTP://cgm.example.org"), TOKEN,
                new Connection(false, List.of())))
                .isInstanceOf(Connection.InsecureTargetException.class);
        assertThatThrownBy(() -> new NightscoutTarget(URI.create("http://ns.example.org"), "secret"))
                .isInstanceOf(Connection.InsecureTargetException.class)
                .hasMessageContaining("plain http to ns.example.org");
        assertThatThrownBy(() -> new MqcgmApiTarget(URI.create("ftp://cgm.example.org"), TOKEN))
                .isInstanceOf(Connection.InsecureTargetException.class);
        // with the flag, the same URLs are accepted (and nothing is sent until upload)
        new MqcgmApiTarget(URI.create("http://192.0.2.10:8080"), TOKEN, new Connection(true, List.of()));
        new NightscoutTarget(URI.create("http://ns.example.org"), "secret", new Connection(true, List.of()));
        new MqcgmApiTarget(URI.create("https://cgm.example.org"), TOKEN);
    }

    @Test
    void loopbackMeansThisMachineAndNoNameIsLookedUp() {
        assertThat(List.of("localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "[::1]", "::1", "[0:0:0:0:0:0:0:1]"))
                .allMatch(Connection::isLoopback);
        assertThat(List.of("10.0.0.1", "192.168.1.2", "0.0.0.0", "[::2]", "cgm.example.org", "localhost.example.org",
                "127.0.0.1.example.org", "128.0.0.1")).noneMatch(Connection::isLoopback);
    }

    @Test
    void plainHttpToLoopbackIsAllowed() throws Exception {
        int port = httpServer();
        for (String host : List.of("127.0.0.1", "localhost")) {
            UploadTarget.Outcome outcome = new MqcgmApiTarget(URI.create("http://" + host + ":" + port), TOKEN)
                    .upload(batch());
            assertThat(outcome.accepted()).isEqualTo(1);
        }
        assertThat(new NightscoutTarget(URI.create("http://127.0.0.1:" + port), "secret").upload(batch()).accepted())
                .isEqualTo(1);
        assertThat(received).containsExactly("Bearer " + TOKEN, "Bearer " + TOKEN,
                NightscoutTarget.sha1Hex("secret"));
    }

    @Test
    @Tag("PR-18")
    void httpsWithTheRightPinIsAcceptedEvenSelfSigned() throws Exception {
        int port = httpsServer();
        Connection pinned = new Connection(false, Connection.parsePins(List.of(Connection.pinOf(serverCert))));
        assertThat(new MqcgmApiTarget(URI.create("https://localhost:" + port), TOKEN, pinned).upload(batch())
                .accepted()).isEqualTo(1);
        assertThat(new NightscoutTarget(URI.create("https://127.0.0.1:" + port), "secret", pinned).upload(batch())
                .accepted()).isEqualTo(1);
        assertThat(received).containsExactly("Bearer " + TOKEN, NightscoutTarget.sha1Hex("secret"));
    }

    @Test
    @Tag("PR-18")
    void httpsWithAWrongPinFailsTheHandshakeAndSendsNothing() throws Exception {
        int port = httpsServer();
        Connection wrong = new Connection(false, Connection.parsePins(List.of(Connection.pinOf(otherCert))));
        MqcgmApiTarget api = new MqcgmApiTarget(URI.create("https://localhost:" + port), TOKEN, wrong);
        assertThatThrownBy(() -> api.upload(batch())).isInstanceOf(IOException.class)
                .hasStackTraceContaining("no key of the server's certificate chain matches a --pin");
        NightscoutTarget ns = new NightscoutTarget(URI.create("https://localhost:" + port), "secret", wrong);
        assertThatThrownBy(() -> ns.upload(batch())).isInstanceOf(IOException.class);
        // and without any pin the self-signed certificate is not trusted either
        MqcgmApiTarget unpinned = new MqcgmApiTarget(URI.create("https://localhost:" + port), TOKEN);
        assertThatThrownBy(() -> unpinned.upload(batch())).isInstanceOf(IOException.class);
        assertThat(received).isEmpty();
    }

    /** A stand-in for the system's trust store, to test the rules for a pin of a CA key. */
    static X509ExtendedTrustManager trusting(boolean valid) {
        return new X509ExtendedTrustManager() {
            private void check() throws CertificateException {
                if (!valid) {
                    throw new CertificateException("not trusted by the system");
                }
            }

            @Override
            public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s)
                    throws CertificateException {
                check();
            }

            @Override
            public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) throws CertificateException {
                check();
            }

            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) throws CertificateException {
                check();
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    @Test
    void aPinOfAnotherKeyInTheChainStillNeedsAChainTheSystemTrusts() throws Exception {
        List<byte[]> caPin = Connection.parsePins(List.of(Connection.pinOf(otherCert)));
        X509Certificate[] chain = {serverCert, otherCert};
        new Connection.PinningTrustManager(trusting(true), caPin).checkServerTrusted(chain, "EC");
        assertThatThrownBy(() -> new Connection.PinningTrustManager(trusting(false), caPin)
                .checkServerTrusted(chain, "EC")).isInstanceOf(CertificateException.class)
                .hasMessageContaining("not trusted by the system");
        // trusted by the system, but no pinned key: refused
        assertThatThrownBy(() -> new Connection.PinningTrustManager(trusting(true), caPin)
                .checkServerTrusted(new X509Certificate[] {serverCert}, "EC"))
                .isInstanceOf(CertificateException.class).hasMessageContaining("--pin");
        // the server's own key pinned: trusted by itself
        new Connection.PinningTrustManager(trusting(false), Connection.parsePins(List.of(Connection.pinOf(serverCert))))
                .checkServerTrusted(new X509Certificate[] {serverCert}, "EC");
    }

    @Test
    void malformedPinsAreRefused() {
        assertThatThrownBy(() -> Connection.parsePins(List.of("sha1/AAAA"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256/");
        assertThatThrownBy(() -> Connection.parsePins(List.of("sha256/not base64!")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base64");
        assertThatThrownBy(() -> Connection.parsePins(List.of("sha256/AAAA")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
        assertThat(Connection.parsePins(List.of(Connection.pinOf(serverCert)))).hasSize(1);
    }
}
