/**
 * Bluetooth SIG Continuous Glucose Monitoring Service (CGMS, 0x181F) codec.
 *
 * <p>Pure functions over byte arrays: no I/O, no dependencies beyond {@code java.base}. Every
 * decoder is total: any {@code byte[]} yields either {@link org.mqcgm.core.ble.Decoded.Ok} or
 * {@link org.mqcgm.core.ble.Decoded.Invalid} carrying a typed {@link org.mqcgm.core.ble.DecodeError};
 * no exception escapes and no value is guessed. The wire format is specified in
 * {@code docs/spec/ble-cgms.md}; section numbers in comments refer to that file. The entry point
 * is {@link org.mqcgm.core.ble.CgmsCodec}.
 */
package org.mqcgm.core.ble;
