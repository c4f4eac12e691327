/** Uploads the queue to the mqcgm API (and optionally Nightscout) in batches, with retry and backoff. */
package org.mqcgm.collector.upload;
