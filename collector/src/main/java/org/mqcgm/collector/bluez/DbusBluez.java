package org.mqcgm.collector.bluez;

import com.github.hypfvieh.bluetooth.DeviceManager;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothAdapter;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothDevice;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothGattCharacteristic;
import com.github.hypfvieh.bluetooth.wrapper.BluetoothGattService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.freedesktop.dbus.handlers.AbstractPropertiesChangedHandler;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

/**
 * {@link BluezBoundary} over the system D-Bus with bluez-dbus (needs bluetoothd, and a user allowed to talk to it:
 * root, or the {@code bluetooth} group on Debian/Raspberry Pi OS). Notifications arrive as
 * {@code PropertiesChanged} signals on the characteristic's {@code Value}; a disconnect as {@code Connected=false}
 * on the device. Not covered by automated tests (no Bluetooth on the build machine): see docs/ble.md for the
 * manual check on a Raspberry Pi or Linux laptop.
 */
public final class DbusBluez implements BluezBoundary {

    private final DeviceManager manager;
    private final Map<String, Consumer<byte[]>> valueHandlers = new ConcurrentHashMap<>();
    private final Map<String, Runnable> disconnectHandlers = new ConcurrentHashMap<>();

    private DbusBluez(DeviceManager manager) {
        this.manager = manager;
    }

    /** Connects to bluetoothd on the system bus. */
    public static DbusBluez systemBus() throws BluezException {
        DeviceManager m = call("connect to the system D-Bus", () -> DeviceManager.createInstance(false));
        DbusBluez d = new DbusBluez(m);
        call("listen for property changes", () -> {
            m.registerPropertyHandler(d.new Changes());
            return null;
        });
        return d;
    }

    private static <T> T call(String what, Callable<T> c) throws BluezException {
        try {
            return c.call();
        } catch (Exception e) {
            throw new BluezException(what + ": " + e.getMessage(), e);
        }
    }

    private BluetoothAdapter adapter(String name) throws BluezException {
        BluetoothAdapter a = call("find adapter " + name, () -> manager.getAdapter(name));
        if (a == null) {
            throw new BluezException("no Bluetooth adapter " + name);
        }
        return a;
    }

    private List<BluetoothDevice> deviceObjects(String adapter) throws BluezException {
        BluetoothAdapter a = adapter(adapter);
        return call("list devices", () -> {
            manager.setDefaultAdapter(a);
            manager.findBtDevicesByIntrospection(a);
            return manager.getDevices(true);
        });
    }

    private BluetoothDevice device(String adapter, String address) throws BluezException {
        for (BluetoothDevice d : deviceObjects(adapter)) {
            if (address.equalsIgnoreCase(d.getAddress())) {
                return d;
            }
        }
        throw new BluezException("device not known to bluetoothd (scan first)");
    }

    private BluetoothGattCharacteristic characteristic(String adapter, String address, String service, String uuid)
            throws BluezException {
        BluetoothDevice d = device(adapter, address);
        return call("find characteristic " + uuid, () -> {
            BluetoothGattService s = d.getGattServiceByUuid(service);
            if (s == null) {
                d.refreshGattServices();
                s = d.getGattServiceByUuid(service);
            }
            if (s == null) {
                throw new IllegalStateException("the device has no CGM service");
            }
            BluetoothGattCharacteristic c = s.getGattCharacteristicByUuid(uuid);
            if (c == null) {
                throw new IllegalStateException("the CGM service has no characteristic " + uuid);
            }
            return c;
        });
    }

    @Override
    public void powerOn(String adapter) throws BluezException {
        BluetoothAdapter a = adapter(adapter);
        call("power on", () -> {
            if (!a.isPowered()) {
                a.setPowered(true);
            }
            return null;
        });
    }

    @Override
    public void setDiscoveryFilter(String adapter, List<String> uuids) throws BluezException {
        BluetoothAdapter a = adapter(adapter);
        Map<String, Variant<?>> filter = new HashMap<>();
        filter.put("UUIDs", new Variant<>(uuids.toArray(new String[0])));
        filter.put("Transport", new Variant<>("le"));
        call("set discovery filter", () -> {
            a.setDiscoveryFilter(filter);
            return null;
        });
    }

    @Override
    public void startDiscovery(String adapter) throws BluezException {
        BluetoothAdapter a = adapter(adapter);
        call("start discovery", a::startDiscovery);
    }

    @Override
    public void stopDiscovery(String adapter) throws BluezException {
        BluetoothAdapter a = adapter(adapter);
        call("stop discovery", a::stopDiscovery);
    }

    @Override
    public List<Device> devices(String adapter) throws BluezException {
        List<Device> out = new ArrayList<>();
        for (BluetoothDevice d : deviceObjects(adapter)) {
            String[] uuids = d.getUuids();
            Short rssi = d.getRssi();
            Boolean paired = d.isPaired();
            out.add(new Device(d.getAddress(), d.getName() == null ? "" : d.getName(),
                    uuids == null ? List.of() : Arrays.asList(uuids), rssi == null ? -127 : rssi,
                    Boolean.TRUE.equals(paired)));
        }
        return out;
    }

    @Override
    public void connect(String adapter, String address) throws BluezException {
        BluetoothDevice d = device(adapter, address);
        if (!call("connect", d::connect)) {
            throw new BluezException("connection failed");
        }
    }

    @Override
    public void pair(String adapter, String address) throws BluezException {
        BluetoothDevice d = device(adapter, address);
        if (!call("pair", d::pair)) {
            throw new BluezException("pairing failed");
        }
    }

    @Override
    public void trust(String adapter, String address) throws BluezException {
        BluetoothDevice d = device(adapter, address);
        call("trust", () -> {
            d.setTrusted(true);
            return null;
        });
    }

    @Override
    public void disconnect(String adapter, String address) {
        try {
            BluetoothDevice d = device(adapter, address);
            disconnectHandlers.remove(d.getDbusPath());
            d.disconnect();
        } catch (BluezException | RuntimeException e) {
            // already gone
        }
    }

    @Override
    public byte[] read(String adapter, String address, String service, String uuid) throws BluezException {
        BluetoothGattCharacteristic c = characteristic(adapter, address, service, uuid);
        return call("read", () -> c.readValue(new HashMap<>()));
    }

    @Override
    public void write(String adapter, String address, String service, String uuid, byte[] value)
            throws BluezException {
        BluetoothGattCharacteristic c = characteristic(adapter, address, service, uuid);
        Map<String, Object> options = new HashMap<>();
        options.put("type", "request");
        call("write", () -> {
            c.writeValue(value, options);
            return null;
        });
    }

    @Override
    public void startNotify(String adapter, String address, String service, String uuid, Consumer<byte[]> onValue)
            throws BluezException {
        BluetoothGattCharacteristic c = characteristic(adapter, address, service, uuid);
        valueHandlers.put(c.getDbusPath(), onValue);
        call("start notifications", () -> {
            c.startNotify();
            return null;
        });
    }

    @Override
    public void onDisconnect(String adapter, String address, Runnable onDisconnect) throws BluezException {
        disconnectHandlers.put(device(adapter, address).getDbusPath(), onDisconnect);
    }

    @Override
    public void close() {
        manager.closeConnection();
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof List<?> list) {
            byte[] b = new byte[list.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = ((Number) list.get(i)).byteValue();
            }
            return b;
        }
        return new byte[0];
    }

    /** Routes PropertiesChanged signals to the registered handlers. */
    private final class Changes extends AbstractPropertiesChangedHandler {
        @Override
        public void handle(Properties.PropertiesChanged signal) {
            Map<String, Variant<?>> changed = signal.getPropertiesChanged();
            String path = signal.getPath();
            Variant<?> value = changed.get("Value");
            if (value != null) {
                Consumer<byte[]> h = valueHandlers.get(path);
                if (h != null) {
                    h.accept(bytes(value.getValue()));
                }
            }
            Variant<?> connected = changed.get("Connected");
            if (connected != null && Boolean.FALSE.equals(connected.getValue())) {
                Runnable r = disconnectHandlers.remove(path);
                if (r != null) {
                    r.run();
                }
            }
        }
    }
}
