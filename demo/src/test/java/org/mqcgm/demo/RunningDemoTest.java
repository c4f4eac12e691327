package org.mqcgm.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mqcgm.server.testing.Http;

/** One running demo, checked as a person trying it (and an attacker on the same network) would. */
class RunningDemoTest {

    @TempDir
    static Path dir;

    static Demo demo;

    @BeforeAll
    static void start() {
        demo = Demo.start(new Demo.Options(dir, "127.0.0.1", 0, 1, ZoneId.of("Europe/Berlin")));
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    @Test
    void whatTheDemoAcknowledgesIsOnDisk() throws SQLException {
        // People run the demo as their server: a reading answered 200 must survive a crash of PostgreSQL or of
        // the machine, so every commit waits for its WAL to be flushed.
        assertThat(show("synchronous_commit")).isEqualTo("on");
        assertThat(show("fsync")).isEqualTo("on");
    }

    private static String show(String setting) throws SQLException {
        try (Connection c = DriverManager.getConnection(demo.info().jdbcUrl(), "postgres", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("show " + setting)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void theOutboxAnswersAClientOnThisMachine() {
        assertThat(new Http(demo.info().url()).get("/demo/outbox").statusCode()).isEqualTo(200);
    }

    @Test
    void theOutboxIsNotFoundForAPeerThatIsNotLoopbackWhateverItsHeadersSay() throws IOException {
        InetAddress local = nonLoopbackAddress().orElse(null);
        assumeTrue(local != null, "this machine has no non-loopback address to send from");
        int port = URI.create(demo.info().url()).getPort();
        // The connection goes to 127.0.0.1 but from this machine's other address, so the server sees a peer that
        // is not loopback, as it would for a neighbour when the demo listens on 0.0.0.0.
        assertThat(statusLine(local, port, "/demo/outbox", "X-Forwarded-For: 127.0.0.1\r\n")).contains(" 404 ");
        assertThat(statusLine(local, port, "/login", "")).as("the rest of the demo answers that peer")
                .contains(" 200 ");
    }

    @Test
    void loopbackMeansTheLoopbackRangesOnly() {
        assertThat(DemoOutboxPage.isLoopback(new InetSocketAddress("127.0.0.1", 1))).isTrue();
        assertThat(DemoOutboxPage.isLoopback(new InetSocketAddress("127.8.9.10", 1))).isTrue();
        assertThat(DemoOutboxPage.isLoopback(new InetSocketAddress("::1", 1))).isTrue();
        assertThat(DemoOutboxPage.isLoopback(new InetSocketAddress("192.168.1.20", 1))).isFalse();
        assertThat(DemoOutboxPage.isLoopback(new InetSocketAddress("::ffff:203.0.113.9", 1))).isFalse();
        assertThat(DemoOutboxPage.isLoopback(InetSocketAddress.createUnresolved("localhost", 1))).isFalse();
        assertThat(DemoOutboxPage.isLoopback(null)).isFalse();
    }

    /** Sends a GET over a socket bound to {@code from} to 127.0.0.1:{@code port}; returns the status line. */
    private static String statusLine(InetAddress from, int port, String path, String extraHeaders) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(10_000);
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + extraHeaders
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                line.append((char) b);
            }
            return line.toString().strip();
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(RunningDemoTest::up)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }

    private static boolean up(NetworkInterface n) {
        try {
            return n.isUp() && !n.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
