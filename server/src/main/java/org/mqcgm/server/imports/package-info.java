/**
 * Imports: export files from Dexcom Clarity, LibreView, Nightscout and Tidepool, read by
 * {@code org.mqcgm.core.imports}, shown as a preview (period, count, unit, zone, DST gaps and repeats, duplicates,
 * skipped rows) and stored on commit through the glucose feature's ingest path. See {@code docs/imports.md}.
 */
package org.mqcgm.server.imports;
