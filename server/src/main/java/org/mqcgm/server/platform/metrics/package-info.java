/** Operational metrics (Micrometer, Prometheus text format) on a separate listener, off by default. */
package org.mqcgm.server.platform.metrics;
