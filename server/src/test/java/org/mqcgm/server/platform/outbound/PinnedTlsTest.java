package org.mqcgm.server.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pinned Web Push connection over TLS, as every real push service is reached: a local HTTPS push service with a
 * certificate for {@code localhost} (made by the JDK's keytool) gets the request through the pinned socket with the
 * host name checked; a certificate for another name, or one nobody trusts, is refused before anything is sent.
 */
class PinnedTlsTest {

    static final char[] PASSWORD = "changeit".toCharArray();

    /** A PKCS #12 key store with a self-signed certificate for {@code name}. */
    static Path keyStore(Path dir, String name) throws Exception {
        Path file = dir.resolve(name + ".p12");
        Path keytool = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "push", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", "SAN=dns:" + name, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return file;
    }

    static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /** An HTTPS push service on 127.0.0.2 presenting the certificate of {@code server}; answers 201. */
    static HttpsServer service(KeyStore server, AtomicReference<String> received) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(server, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getByAddress(
                new byte[] {127, 0, 0, 2}), 0), 10);
        https.setHttpsConfigurator(new HttpsConfigurator(ctx));
        https.createContext("/push/", ex -> {
            try (ex) {
                received.set(ex.getRequestHeaders().getFirst("Host") + " "
                        + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                ex.sendResponseHeaders(201, -1);
            }
        });
        https.start();
        return https;
    }

    /** The client's TLS, trusting exactly {@code trusted}'s certificate. */
    static javax.net.ssl.SSLSocketFactory trusting(KeyStore trusted) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }

    static HttpTransfers pinned(javax.net.ssl.SSLSocketFactory tls) {
        return new HttpTransfers(true, List.of(), Duration.ofSeconds(20),
                name -> new InetAddress[] {InetAddress.getByAddress(name, new byte[] {127, 0, 0, 2})}, true, tls);
    }

    @Test
    void theRequestGoesOverVerifiedTlsAndAWrongOrUntrustedCertificateIsRefused(@TempDir Path dir) throws Exception {
        KeyStore localhost = load(keyStore(dir, "localhost"));
        KeyStore other = load(keyStore(dir, "other.example"));
        AtomicReference<String> received = new AtomicReference<>();

        HttpsServer right = service(localhost, received);
        try {
            String url = "https://localhost:" + right.getAddress().getPort() + "/push/a";
            HttpTransfers.Answer answer = pinned(trusting(localhost)).exchange(url, "application/octet-stream",
                    Map.of("TTL", "60"), "sealed".getBytes(StandardCharsets.UTF_8));
            assertThat(answer.status()).isEqualTo(201);
            assertThat(received).hasValue("localhost:" + right.getAddress().getPort() + " sealed");

            // A certificate nobody here trusts (the JVM's own trust store): refused, nothing sent.
            received.set(null);
            assertThatThrownBy(() -> pinned((javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory
                    .getDefault()).exchange(url, "text/plain", Map.of(), new byte[0]))
                    .isInstanceOf(HttpTransfers.Refused.class).hasMessage("connection failed");
            assertThat(received).hasValue(null);
        } finally {
            right.stop(0);
        }

        // A trusted certificate for another name: the host name check refuses it, nothing sent.
        HttpsServer wrongName = service(other, received);
        try {
            assertThatThrownBy(() -> pinned(trusting(other)).exchange("https://localhost:"
                    + wrongName.getAddress().getPort() + "/push/b", "text/plain", Map.of(), new byte[0]))
                    .isInstanceOf(HttpTransfers.Refused.class).hasMessage("connection failed");
            assertThat(received).hasValue(null);
        } finally {
            wrongName.stop(0);
        }
    }
}
