package org.mqcgm.collector.bluez;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mqcgm.collector.transport.CgmTransport;
import org.mqcgm.collector.transport.TransportException;
import org.mqcgm.core.ble.CgmsCharacteristic;
import org.mqcgm.core.ble.sensor.Advertisement;

/**
 * {@link CgmTransport} over BlueZ: discovery filtered to the CGM service by bluetoothd itself, then filtered
 * again here (bluetoothd also lists devices it knew before), so no other device's address leaves this class;
 * connect, pair and trust once, GATT reads and acknowledged writes, notifications and indications through
 * {@code StartNotify}.
 */
public final class BluezTransport implements CgmTransport {

    /** The 128-bit form of a 16-bit SIG UUID. */
    public static String uuid128(int uuid16) {
        return String.format(Locale.ROOT, "0000%04x-0000-1000-8000-00805f9b34fb", uuid16);
    }

    static final String SERVICE = uuid128(CGM_SERVICE);
    private static final Pattern ATT_ERROR = Pattern.compile("(?i)ATT error: 0x([0-9a-f]{2})");

    private final BluezBoundary bluez;
    private final String adapter;
    private volatile String address;
    private volatile GattListener listener;

    public BluezTransport(BluezBoundary bluez, String adapter) {
        this.bluez = Objects.requireNonNull(bluez, "bluez");
        this.adapter = Objects.requireNonNull(adapter, "adapter");
    }

    @Override
    public List<Advertisement> scan(Duration timeout) throws TransportException {
        try {
            bluez.powerOn(adapter);
            bluez.setDiscoveryFilter(adapter, List.of(SERVICE));
            bluez.startDiscovery(adapter);
            try {
                long deadline = System.nanoTime() + timeout.toNanos();
                List<Advertisement> found = cgms();
                while (found.isEmpty() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(250); // discovery runs in bluetoothd; look at its results again
                    found = cgms();
                }
                return found;
            } finally {
                bluez.stopDiscovery(adapter);
            }
        } catch (BluezBoundary.BluezException e) {
            throw failure("scan", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("scan interrupted");
        }
    }

    private List<Advertisement> cgms() throws BluezBoundary.BluezException {
        return bluez.devices(adapter).stream()
                .filter(d -> d.uuids().stream().anyMatch(u -> u.equalsIgnoreCase(SERVICE)))
                .map(d -> new Advertisement(d.address(), d.name() == null ? "" : d.name(), List.of(CGM_SERVICE),
                        d.rssi()))
                .toList();
    }

    @Override
    public void connect(String addr, GattListener l) throws TransportException {
        try {
            bluez.connect(adapter, addr);
            boolean paired = bluez.devices(adapter).stream()
                    .anyMatch(d -> d.address().equalsIgnoreCase(addr) && d.paired());
            if (!paired) {
                bluez.pair(adapter, addr);
                bluez.trust(adapter, addr);
            }
            this.address = addr;
            this.listener = l;
            bluez.onDisconnect(adapter, addr, () -> {
                GattListener current = listener;
                listener = null;
                if (current != null) {
                    current.onLinkLost("disconnected");
                }
            });
        } catch (BluezBoundary.BluezException e) {
            bluez.disconnect(adapter, addr);
            throw failure("connect", e);
        }
    }

    private String requireAddress() throws TransportException {
        String a = address;
        if (a == null) {
            throw new TransportException("not connected");
        }
        return a;
    }

    @Override
    public byte[] read(int uuid16) throws TransportException {
        try {
            return bluez.read(adapter, requireAddress(), SERVICE, uuid128(uuid16));
        } catch (BluezBoundary.BluezException e) {
            throw failure("read " + Integer.toHexString(uuid16), e);
        }
    }

    @Override
    public void write(int uuid16, byte[] value) throws TransportException {
        try {
            bluez.write(adapter, requireAddress(), SERVICE, uuid128(uuid16), value);
        } catch (BluezBoundary.BluezException e) {
            throw failure("write " + Integer.toHexString(uuid16), e);
        }
    }

    @Override
    public void subscribe(int uuid16) throws TransportException {
        boolean notification = uuid16 == CgmsCharacteristic.CGM_MEASUREMENT.uuid16();
        try {
            bluez.startNotify(adapter, requireAddress(), SERVICE, uuid128(uuid16), value -> {
                GattListener l = listener;
                if (l == null) {
                    return;
                }
                if (notification) {
                    l.onNotification(uuid16, value);
                } else {
                    l.onIndication(uuid16, value);
                }
            });
        } catch (BluezBoundary.BluezException e) {
            throw failure("subscribe " + Integer.toHexString(uuid16), e);
        }
    }

    /** Maps a BlueZ failure; "ATT error: 0x81"-style messages keep their ATT code. */
    static TransportException failure(String what, BluezBoundary.BluezException e) {
        String message = String.valueOf(e.getMessage());
        Matcher m = ATT_ERROR.matcher(message);
        int att = m.find() ? Integer.parseInt(m.group(1), 16) : 0;
        return new TransportException(what + ": " + message, att, e);
    }

    @Override
    public void disconnect() {
        String a = address;
        listener = null;
        address = null;
        if (a != null) {
            bluez.disconnect(adapter, a);
        }
    }

    @Override
    public void close() {
        disconnect();
        bluez.close();
    }
}
