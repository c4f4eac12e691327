/** Background jobs (db-scheduler): cluster-safe recurring tasks such as purges and, later, compaction. */
package org.mqcgm.server.platform.jobs;
