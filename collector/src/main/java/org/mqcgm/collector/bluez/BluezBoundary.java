package org.mqcgm.collector.bluez;

import java.util.List;
import java.util.function.Consumer;

/**
 * The handful of BlueZ D-Bus calls the collector makes (org.bluez Adapter1, Device1, GattCharacteristic1),
 * addressed by adapter name ({@code hci0}), device address and 128-bit UUIDs. Kept this thin so that everything
 * above it is tested without Bluetooth. Failures are {@link BluezException}s carrying BlueZ's message.
 */
public interface BluezBoundary extends AutoCloseable {

    /**
     * A device object known to bluetoothd. It may be any nearby device: the caller filters it and must not keep
     * or log it unless it is a CGM.
     */
    record Device(String address, String name, List<String> uuids, int rssi, boolean paired) {
        public Device {
            uuids = List.copyOf(uuids);
        }
    }

    /** Powers the adapter on if needed. */
    void powerOn(String adapter) throws BluezException;

    /** {@code Adapter1.SetDiscoveryFilter({UUIDs: uuids, Transport: "le"})}: bluetoothd reports only these. */
    void setDiscoveryFilter(String adapter, List<String> uuids) throws BluezException;

    void startDiscovery(String adapter) throws BluezException;

    void stopDiscovery(String adapter) throws BluezException;

    /** The adapter's device objects now. */
    List<Device> devices(String adapter) throws BluezException;

    void connect(String adapter, String address) throws BluezException;

    /** {@code Device1.Pair()} (LE Secure Connections; a registered agent answers passkey prompts). */
    void pair(String adapter, String address) throws BluezException;

    /** {@code Device1.Trusted = true}, so bluetoothd lets the bonded sensor reconnect. */
    void trust(String adapter, String address) throws BluezException;

    void disconnect(String adapter, String address);

    /** {@code GattCharacteristic1.ReadValue({})} of the characteristic in the service. */
    byte[] read(String adapter, String address, String service, String characteristic) throws BluezException;

    /** {@code GattCharacteristic1.WriteValue(value, {type: "request"})}: ATT errors come back as failures. */
    void write(String adapter, String address, String service, String characteristic, byte[] value)
            throws BluezException;

    /**
     * {@code GattCharacteristic1.StartNotify()}; each new {@code Value} (notification or indication, which
     * bluetoothd confirms itself) is passed to {@code onValue}.
     */
    void startNotify(String adapter, String address, String service, String characteristic, Consumer<byte[]> onValue)
            throws BluezException;

    /** Calls {@code onDisconnect} once when {@code Device1.Connected} turns false. */
    void onDisconnect(String adapter, String address, Runnable onDisconnect) throws BluezException;

    @Override
    void close();

    /** A failed BlueZ call. */
    final class BluezException extends Exception {
        public BluezException(String message, Throwable cause) {
            super(message, cause);
        }

        public BluezException(String message) {
            super(message);
        }
    }
}
