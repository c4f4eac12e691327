/**
 * A deterministic physiological glucose simulator for the demo, tests and the virtual Bluetooth sensor: meals,
 * boluses, dawn phenomenon, exercise, nocturnal lows and sensor noise, as pure functions of time and a seed.
 */
package org.mqcgm.core.simulation;
