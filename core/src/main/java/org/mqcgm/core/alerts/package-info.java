/**
 * Alert rules: which readings raise which alert (urgent low, low, high, fast rise or fall, predicted low, signal
 * loss), with the inputs that decided it, so that every alert can be explained (PR-72). Plain Java, no I/O: the
 * server evaluates them on ingest and keeps the alerts.
 */
package org.mqcgm.core.alerts;
