package org.mqcgm.collector.transport;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.mqcgm.core.ble.sensor.Advertisement;

/**
 * Talks to a {@link SimulatorServer} in another process ({@code mqcgm sensor simulate --socket PATH|--port N})
 * with the {@link SimFrame} protocol. The server's scan answer lists every simulated device in the air; this
 * transport keeps only CGMS sensors, as a BlueZ discovery filter would.
 */
public final class SocketTransport implements CgmTransport {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final SocketAddress address;
    private final StandardProtocolFamily family;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<SimFrame>> pending = new ConcurrentHashMap<>();
    private SocketChannel channel;
    private DataOutputStream out;
    private volatile GattListener listener;

    private SocketTransport(SocketAddress address, StandardProtocolFamily family) {
        this.address = address;
        this.family = family;
    }

    /** The simulator on 127.0.0.1:{@code port}. */
    public static SocketTransport tcp(int port) {
        return new SocketTransport(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                StandardProtocolFamily.INET);
    }

    /** The simulator on a Unix domain socket. */
    public static SocketTransport unix(Path path) {
        return new SocketTransport(UnixDomainSocketAddress.of(path), StandardProtocolFamily.UNIX);
    }

    private synchronized DataOutputStream open() throws TransportException {
        if (channel != null && channel.isOpen()) {
            return out;
        }
        try {
            SocketChannel ch = SocketChannel.open(family);
            ch.connect(address);
            channel = ch;
            out = new DataOutputStream(Channels.newOutputStream(ch));
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            Thread reader = new Thread(() -> readLoop(ch, in), "simulator-client");
            reader.setDaemon(true);
            reader.start();
            return out;
        } catch (IOException e) {
            throw new TransportException("simulator not reachable: " + e.getMessage(), e);
        }
    }

    private void readLoop(SocketChannel ch, DataInputStream in) {
        String reason = "simulator connection closed";
        try {
            SimFrame f;
            while ((f = SimFrame.read(in)) != null) {
                DataInputStream body = f.in();
                GattListener l = listener;
                switch (f.type()) {
                    case NOTIFY -> {
                        int uuid = body.readUnsignedShort();
                        byte[] value = SimFrame.readBytes(body);
                        if (l != null) {
                            l.onNotification(uuid, value);
                        }
                    }
                    case INDICATE -> {
                        int uuid = body.readUnsignedShort();
                        byte[] value = SimFrame.readBytes(body);
                        if (l != null) {
                            l.onIndication(uuid, value);
                        }
                    }
                    case LINK_LOST -> reason = body.readUTF();
                    default -> {
                        CompletableFuture<SimFrame> waiting = pending.remove(f.id());
                        if (waiting != null) {
                            waiting.complete(f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            reason = "simulator connection failed: " + e.getMessage();
        } finally {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
            TransportException gone = new TransportException(reason);
            pending.values().forEach(w -> w.completeExceptionally(gone));
            pending.clear();
            GattListener l = listener;
            listener = null;
            if (l != null) {
                l.onLinkLost(reason);
            }
        }
    }

    private SimFrame request(SimFrame.Type type, SimFrame.BodyWriter body) throws TransportException {
        int id = ids.incrementAndGet();
        CompletableFuture<SimFrame> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            synchronized (this) {
                SimFrame.of(type, id, body).writeTo(open());
            }
            SimFrame f = reply.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (f.type() == SimFrame.Type.ERROR) {
                DataInputStream in = f.in();
                int att = in.readUnsignedByte();
                throw new TransportException(in.readUTF(), att, null);
            }
            return f;
        } catch (IOException e) {
            throw e instanceof TransportException t ? t : new TransportException(e.getMessage(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof TransportException t ? t
                    : new TransportException(String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new TransportException("simulator did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted");
        } finally {
            pending.remove(id);
        }
    }

    @Override
    public List<Advertisement> scan(Duration timeout) throws TransportException {
        try {
            List<Advertisement> air = SimFrame.readAdvertisements(request(SimFrame.Type.SCAN, o -> { }).in());
            return air.stream().filter(a -> a.advertises(CGM_SERVICE)).toList();
        } catch (IOException e) {
            throw e instanceof TransportException t ? t : new TransportException(e.getMessage(), e);
        }
    }

    @Override
    public void connect(String address, GattListener l) throws TransportException {
        listener = l;
        try {
            request(SimFrame.Type.CONNECT, o -> o.writeUTF(address));
        } catch (TransportException e) {
            listener = null;
            throw e;
        }
    }

    @Override
    public byte[] read(int uuid16) throws TransportException {
        try {
            return SimFrame.readBytes(request(SimFrame.Type.READ, o -> o.writeShort(uuid16)).in());
        } catch (IOException e) {
            throw e instanceof TransportException t ? t : new TransportException(e.getMessage(), e);
        }
    }

    @Override
    public void write(int uuid16, byte[] value) throws TransportException {
        request(SimFrame.Type.WRITE, o -> {
            o.writeShort(uuid16);
            SimFrame.writeBytes(o, value);
        });
    }

    @Override
    public void subscribe(int uuid16) throws TransportException {
        request(SimFrame.Type.SUBSCRIBE, o -> o.writeShort(uuid16));
    }

    @Override
    public void disconnect() {
        listener = null;
        closeChannel();
    }

    private synchronized void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
            channel = null;
        }
    }

    @Override
    public void close() {
        disconnect();
    }
}
