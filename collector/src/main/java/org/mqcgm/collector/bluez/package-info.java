/**
 * The collector on Linux with BlueZ: {@link org.mqcgm.collector.bluez.BluezTransport} implements the GATT
 * client over a thin {@link org.mqcgm.collector.bluez.BluezBoundary} whose production implementation,
 * {@link org.mqcgm.collector.bluez.DbusBluez}, calls bluetoothd over the system D-Bus with bluez-dbus. Tests
 * run the transport against a fake boundary (this build machine has no Bluetooth).
 */
package org.mqcgm.collector.bluez;
