package org.mqcgm.server.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound TLS checks certificate revocation (ASVS V9.2.4) with real certificates made at test time by the JDK's
 * keytool: a CA, a good server certificate, a revoked one (in the CA's CRL) and one whose CRL server does not answer,
 * each with a CRL distribution point on a loopback HTTP server serving the CA's CRL. Both outbound clients — the
 * transfers' HTTP client and Web Push's pinned connection — use {@link OutboundTls}: the revoked certificate is
 * refused before anything is sent, the good one is accepted, and an undeterminable status is refused under the
 * default hard-fail policy and accepted under soft-fail.
 */
class OutboundRevocationTest {

    static final String PASS = "changeit";

    /** Runs keytool with {@code args} in {@code dir}. */
    static void keytool(Path dir, String... args) throws Exception {
        Path keytool = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool");
        // A short-lived JVM: no optimising compiler, the serial collector (keytool starts eleven times).
        List<String> command = new ArrayList<>(List.of(keytool.toString(), "-J-XX:TieredStopAtLevel=1",
                "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", args) + "\n" + out).isZero();
    }

    /** The DER value of a CRL distribution points extension (2.5.29.31) naming one URI. */
    static String crlDistributionPoint(String uri) {
        byte[] u = uri.getBytes(StandardCharsets.US_ASCII);
        return HexFormat.of().formatHex(tlv(0x30, tlv(0x30, tlv(0xa0, tlv(0xa0, tlv(0x86, u))))));
    }

    static byte[] tlv(int tag, byte[] content) {
        assertThat(content.length).isLessThan(128);
        byte[] out = new byte[content.length + 2];
        out[0] = (byte) tag;
        out[1] = (byte) content.length;
        System.arraycopy(content, 0, out, 2, content.length);
        return out;
    }

    /**
     * A server certificate for 127.0.0.1 signed by the CA, its CRL at {@code crl}: the key pair is made in
     * {@code leaves.p12} under {@code name}; returns a key store with the key and its chain (leaf, CA).
     */
    static KeyStore leaf(Path dir, String name, String crl, X509Certificate ca) throws Exception {
        keytool(dir, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", "leaves.p12", "-storepass",
                PASS);
        keytool(dir, "-certreq", "-alias", name, "-keystore", "leaves.p12", "-storepass", PASS, "-file",
                name + ".csr");
        keytool(dir, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASS, "-infile", name + ".csr",
                "-outfile", name + ".cer", "-validity", "2", "-ext", "SAN=ip:127.0.0.1", "-ext",
                "KeyUsage=digitalSignature", "-ext", "EKU=serverAuth", "-ext", "2.5.29.31="
                        + crlDistributionPoint(crl));
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".cer"))) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("leaf", load(dir.resolve("leaves.p12")).getKey(name, PASS.toCharArray()),
                PASS.toCharArray(), new java.security.cert.Certificate[] {cert, ca});
        return store;
    }

    static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASS.toCharArray());
        }
        return ks;
    }

    /** An HTTPS destination on 127.0.0.1 presenting {@code store}'s certificate; counts the requests it receives. */
    static HttpsServer destination(KeyStore store, AtomicInteger received) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASS.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        https.setHttpsConfigurator(new HttpsConfigurator(ctx));
        https.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                received.incrementAndGet();
                ex.sendResponseHeaders(204, -1);
            }
        });
        https.start();
        return https;
    }

    static HttpTransfers client(SSLContext tls, boolean pinned) {
        return new HttpTransfers(true, List.of(), Duration.ofSeconds(30), InetAddress::getAllByName, pinned, tls);
    }

    static int post(HttpTransfers client, HttpsServer to) throws HttpTransfers.Refused {
        return client.exchange("https://127.0.0.1:" + to.getAddress().getPort() + "/data", "application/json",
                Map.of(), "{}".getBytes(StandardCharsets.UTF_8)).status();
    }

    @Test
    void aRevokedCertificateIsRefusedAGoodOneAcceptedAndAnUnknownStatusRefusedUnlessSoftFail(@TempDir Path dir)
            throws Exception {
        // The CA's CRL, served over plain http as CAs do; its address goes into the certificates.
        AtomicInteger crlFetches = new AtomicInteger();
        HttpServer crlServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        crlServer.createContext("/ca.crl", ex -> {
            try (ex) {
                crlFetches.incrementAndGet();
                byte[] crl = Files.readAllBytes(dir.resolve("ca.crl"));
                ex.getResponseHeaders().set("Content-Type", "application/pkix-crl");
                ex.sendResponseHeaders(200, crl.length);
                ex.getResponseBody().write(crl);
            }
        });
        crlServer.start();
        int silentPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            silentPort = s.getLocalPort(); // closed again: nothing answers there
        }
        List<HttpsServer> servers = new ArrayList<>();
        try {
            String crl = "http://127.0.0.1:" + crlServer.getAddress().getPort() + "/ca.crl";
            keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=mqcgm test CA", "-ext", "bc:c", "-ext", "KeyUsage:c=keyCertSign,cRLSign", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", "ca.p12", "-storepass", PASS);
            X509Certificate ca = (X509Certificate) load(dir.resolve("ca.p12")).getCertificate("ca");
            KeyStore good = leaf(dir, "good", crl, ca);
            KeyStore revoked = leaf(dir, "revoked", crl, ca);
            KeyStore unknown = leaf(dir, "unknown", "http://127.0.0.1:" + silentPort + "/ca.crl", ca);
            String serial = ((X509Certificate) revoked.getCertificate("leaf")).getSerialNumber().toString();
            keytool(dir, "-gencrl", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASS, "-id", serial,
                    "-validity", "2", "-file", "ca.crl");

            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("ca", ca);
            SSLContext hard = OutboundTls.trusting(anchors, OutboundTls.Revocation.HARD_FAIL);
            SSLContext soft = OutboundTls.trusting(anchors, OutboundTls.Revocation.SOFT_FAIL);

            AtomicInteger atGood = new AtomicInteger();
            AtomicInteger atRevoked = new AtomicInteger();
            AtomicInteger atUnknown = new AtomicInteger();
            HttpsServer goodServer = destination(good, atGood);
            HttpsServer revokedServer = destination(revoked, atRevoked);
            HttpsServer unknownServer = destination(unknown, atUnknown);
            servers.addAll(List.of(goodServer, revokedServer, unknownServer));

            for (boolean pinned : new boolean[] {false, true}) { // a transfer's client, then Web Push's pinned one
                HttpTransfers client = client(hard, pinned);
                assertThat(post(client, goodServer)).as("pinned " + pinned).isEqualTo(204);
                assertThatThrownBy(() -> post(client, revokedServer)).as("pinned " + pinned)
                        .isInstanceOf(HttpTransfers.Refused.class).hasMessage("connection failed");
                assertThatThrownBy(() -> post(client, unknownServer)).as("pinned " + pinned)
                        .isInstanceOf(HttpTransfers.Refused.class).hasMessage("connection failed");
                // Soft-fail accepts the undeterminable status, never a revoked certificate.
                HttpTransfers lenient = client(soft, pinned);
                assertThat(post(lenient, unknownServer)).as("pinned " + pinned).isEqualTo(204);
                assertThatThrownBy(() -> post(lenient, revokedServer)).as("pinned " + pinned)
                        .isInstanceOf(HttpTransfers.Refused.class).hasMessage("connection failed");
            }
            assertThat(atGood).hasValue(2);
            assertThat(atRevoked).as("nothing reaches a revoked certificate's server").hasValue(0);
            assertThat(atUnknown).as("only the soft-fail requests").hasValue(2);
            assertThat(crlFetches.get()).as("the CRL was fetched from its distribution point").isPositive();

            // The server's own context is the same kind: revocation on, the configured policy (hard by default).
            assertThat(OutboundTls.policy()).isEqualTo(OutboundTls.Revocation.HARD_FAIL);
            assertThat(OutboundTls.Revocation.parse("soft")).isEqualTo(OutboundTls.Revocation.SOFT_FAIL);
            assertThatThrownBy(() -> OutboundTls.Revocation.parse("off")).isInstanceOf(IllegalArgumentException.class);
        } finally {
            servers.forEach(s -> s.stop(0));
            crlServer.stop(0);
        }
    }
}
