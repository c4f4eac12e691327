/**
 * GATT transports between the collector and a CGM: the virtual sensor in-process ({@link
 * org.mqcgm.collector.transport.InProcessTransport}) or behind a local socket ({@link
 * org.mqcgm.collector.transport.SocketTransport} / {@link org.mqcgm.collector.transport.SimulatorServer}), and
 * BlueZ over D-Bus in {@code org.mqcgm.collector.bluez}. Every transport scans for service 0x181F only.
 */
package org.mqcgm.collector.transport;
