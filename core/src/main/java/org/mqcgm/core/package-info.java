/**
 * The domain core of mqcgm: glucose units, readings, trends, the physiological trace simulator, metrics and
 * codecs. Plain Java only — no framework imports and no I/O — because clinicians' numbers come from here and it
 * must be the easiest part to read and test. An ArchUnit test keeps it that way.
 */
package org.mqcgm.core;
