package org.mqcgm.core.ble.sensor;

import java.util.List;
import java.util.Objects;

/**
 * One BLE advertisement as a scanner sees it.
 *
 * @param address        device address, {@code AA:BB:CC:DD:EE:FF}
 * @param name           local name (may be empty)
 * @param serviceUuids16 16-bit service UUIDs advertised
 * @param rssi           received signal strength, dBm
 */
public record Advertisement(String address, String name, List<Integer> serviceUuids16, int rssi) {

    public Advertisement {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(name, "name");
        serviceUuids16 = List.copyOf(serviceUuids16);
    }

    /** True if the device advertises {@code uuid16}. */
    public boolean advertises(int uuid16) {
        return serviceUuids16.contains(uuid16);
    }
}
