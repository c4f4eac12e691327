package org.mqcgm.collector.transport;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.mqcgm.core.ble.sensor.GattMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link SensorHost} over a local socket (a Unix domain socket or a loopback TCP port) with the
 * {@link SimFrame} protocol, so a collector in another process can talk to the virtual sensor as if over the
 * air. One client connection at a time; a second one waits.
 */
public final class SimulatorServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatorServer.class);

    private final SensorHost host;
    private final ServerSocketChannel server;
    private final Path socketPath;
    private final Thread acceptor;
    private volatile boolean closed;
    private volatile SocketChannel client;

    private SimulatorServer(SensorHost host, ServerSocketChannel server, Path socketPath) {
        this.host = host;
        this.server = server;
        this.socketPath = socketPath;
        this.acceptor = new Thread(this::acceptLoop, "simulator-server");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** Listens on 127.0.0.1:{@code port} (0 = any free port). */
    public static SimulatorServer tcp(SensorHost host, int port) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return new SimulatorServer(host, ch, null);
    }

    /** Listens on a Unix domain socket at {@code path} (replaced if a stale one is there). */
    public static SimulatorServer unix(SensorHost host, Path path) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(path));
        return new SimulatorServer(host, ch, path);
    }

    /** The TCP port, or -1 for a Unix socket. */
    public int port() {
        try {
            return server.getLocalAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try (SocketChannel ch = server.accept()) {
                client = ch;
                serve(ch);
            } catch (IOException e) {
                if (!closed) {
                    log.debug("simulator client ended: {}", e.toString());
                }
            } finally {
                client = null;
                host.disconnect();
            }
        }
    }

    private void serve(SocketChannel ch) throws IOException {
        DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
        DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
        Object writeLock = new Object();
        boolean[] lost = {false};
        while (!closed && !lost[0]) {
            SimFrame f = SimFrame.read(in);
            if (f == null) {
                return;
            }
            SimFrame reply;
            try {
                reply = handle(f, push -> {
                    try {
                        synchronized (writeLock) {
                            push.writeTo(out);
                        }
                        if (push.type() == SimFrame.Type.LINK_LOST) {
                            lost[0] = true;
                            ch.shutdownInput();
                        }
                    } catch (IOException e) {
                        lost[0] = true;
                    }
                });
            } catch (TransportException e) {
                reply = SimFrame.of(SimFrame.Type.ERROR, f.id(), o -> {
                    o.writeByte(e.attError().orElse(0));
                    o.writeUTF(String.valueOf(e.getMessage()));
                });
            }
            synchronized (writeLock) {
                reply.writeTo(out);
            }
        }
    }

    private SimFrame handle(SimFrame f, java.util.function.Consumer<SimFrame> push) throws IOException {
        DataInputStream body = f.in();
        return switch (f.type()) {
            case SCAN -> SimFrame.of(SimFrame.Type.ADVERTISEMENTS, f.id(),
                    o -> SimFrame.writeAdvertisements(o, host.advertisements()));
            case CONNECT -> {
                String address = body.readUTF();
                host.connect(address, m -> push.accept(toFrame(m)));
                host.bond();
                yield ok(f.id(), null);
            }
            case READ -> ok(f.id(), host.read(body.readUnsignedShort()));
            case WRITE -> {
                int uuid = body.readUnsignedShort();
                host.write(uuid, SimFrame.readBytes(body));
                yield ok(f.id(), null);
            }
            case SUBSCRIBE -> {
                host.subscribe(body.readUnsignedShort());
                yield ok(f.id(), null);
            }
            case DISCONNECT -> {
                host.disconnect();
                yield ok(f.id(), null);
            }
            default -> throw new TransportException("unexpected frame " + f.type());
        };
    }

    private static SimFrame ok(int id, byte[] value) {
        return SimFrame.of(SimFrame.Type.OK, id, o -> {
            if (value != null) {
                SimFrame.writeBytes(o, value);
            }
        });
    }

    private static SimFrame toFrame(GattMessage m) {
        return switch (m) {
            case GattMessage.Notification n -> SimFrame.of(SimFrame.Type.NOTIFY, 0, o -> {
                o.writeShort(n.uuid16());
                SimFrame.writeBytes(o, n.value());
            });
            case GattMessage.Indication i -> SimFrame.of(SimFrame.Type.INDICATE, 0, o -> {
                o.writeShort(i.uuid16());
                SimFrame.writeBytes(o, i.value());
            });
            case GattMessage.LinkLost l -> SimFrame.of(SimFrame.Type.LINK_LOST, 0, o -> o.writeUTF(l.reason()));
        };
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        SocketChannel c = client;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (socketPath != null) {
            try {
                Files.deleteIfExists(socketPath);
            } catch (IOException e) {
                // best effort
            }
        }
        Objects.requireNonNull(host);
    }
}
