/**
 * The Bluetooth CGM collector: {@link org.mqcgm.collector.Collector} speaks CGMS to a sensor through a
 * {@link org.mqcgm.collector.transport.CgmTransport}, validates and deduplicates the records and appends them to
 * the encrypted queue ({@code queue}); {@code upload} forwards the queue to the mqcgm API and Nightscout.
 */
package org.mqcgm.collector;
