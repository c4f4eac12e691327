/**
 * A virtual CGM sensor: the server side of the Continuous Glucose Monitoring Service as a pure state machine.
 *
 * <p>{@link org.mqcgm.core.ble.sensor.VirtualCgmSensor} answers GATT reads and writes with the bytes a real
 * sensor would send (built with {@link org.mqcgm.core.ble.CgmsCodec}), produces a measurement every 1 or 5
 * minutes of sensor time from a {@link org.mqcgm.core.ble.sensor.GlucoseSource}, keeps a record store that
 * answers the Record Access Control Point, and can inject faults (dropped link, corrupted or duplicated
 * notifications, clock drift, implausible values). Time is always passed in: there are no threads, timers or
 * sleeps, so tests are deterministic. Transports (in-process, socket, tests) live in the {@code collector} module.
 */
package org.mqcgm.core.ble.sensor;
