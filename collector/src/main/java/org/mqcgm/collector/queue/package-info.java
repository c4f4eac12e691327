/** The collector's store-and-forward queue: an encrypted, fsync'ed, append-only journal (see {@link org.mqcgm.collector.queue.ReadingJournal}). */
package org.mqcgm.collector.queue;
