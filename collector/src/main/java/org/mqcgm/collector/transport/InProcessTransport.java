package org.mqcgm.collector.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.mqcgm.core.ble.sensor.Advertisement;
import org.mqcgm.core.ble.sensor.GattMessage;

/** The virtual sensor in the same process: GATT operations are method calls on a {@link SensorHost}. */
public final class InProcessTransport implements CgmTransport {

    private final SensorHost host;

    public InProcessTransport(SensorHost host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public List<Advertisement> scan(Duration timeout) {
        return host.advertisements().stream().filter(a -> a.advertises(CGM_SERVICE)).toList();
    }

    @Override
    public void connect(String address, GattListener listener) throws TransportException {
        host.connect(address, m -> dispatch(m, listener));
        host.bond();
    }

    static void dispatch(GattMessage m, GattListener listener) {
        switch (m) {
            case GattMessage.Notification n -> listener.onNotification(n.uuid16(), n.value());
            case GattMessage.Indication i -> listener.onIndication(i.uuid16(), i.value());
            case GattMessage.LinkLost l -> listener.onLinkLost(l.reason());
        }
    }

    @Override
    public byte[] read(int uuid16) throws TransportException {
        return host.read(uuid16);
    }

    @Override
    public void write(int uuid16, byte[] value) throws TransportException {
        host.write(uuid16, value);
    }

    @Override
    public void subscribe(int uuid16) throws TransportException {
        host.subscribe(uuid16);
    }

    @Override
    public void disconnect() {
        host.disconnect();
    }

    @Override
    public void close() {
        disconnect();
    }
}
